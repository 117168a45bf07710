"""The webhooks table: an organization's endpoints (with their signing secrets) and their deliveries log.

One table partitioned by organization (``pk`` = org id), so that an endpoint is only ever read through its
organization (another organization's id is simply not there) and an organization's endpoints are one Query:
- an endpoint: ``sk`` = ``endpoint#<id>``;
- an attempt of a delivery: ``sk`` = ``delivery#<endpoint id>#<attempted at, ISO UTC>#<message id>#<attempt>``, so
  that an endpoint's latest attempts are one Query read backwards; ids, status and time only, expiring
  (``expires_at``, the table's TTL attribute) after ``webhook_log_ttl_s``.
Transient failures follow the store's policy (``store.errors``): ``StoreUnavailable``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.models import Model

from early_learning.settings import get_settings
from early_learning.store.base import configure, instrument
from early_learning.store.errors import skipping_corrupt, unavailable_when_transient, validated
from early_learning.webhooks.models import DeliveryAttempt, Endpoint

ENDPOINT_PREFIX = "endpoint#"
DELIVERY_PREFIX = "delivery#"
_CONDITION_FAILED = "ConditionalCheckFailedException"


class WebhookEndpointRecord(Model):
    class Meta:
        table_name = "webhooks"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = UnicodeSetAttribute()
    description = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    enabled = BooleanAttribute()
    disabled_reason = UnicodeAttribute(null=True)
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)
    previous_secret_until = UnicodeAttribute(null=True)


class WebhookDeliveryRecord(Model):
    class Meta:
        table_name = "webhooks"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    message_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    attempt = NumberAttribute()
    status_code = NumberAttribute(null=True)
    outcome = UnicodeAttribute()
    attempted_at = UnicodeAttribute()
    duration_ms = NumberAttribute()
    expires_at = NumberAttribute()


configure(WebhookEndpointRecord, get_settings().webhooks_table)
configure(WebhookDeliveryRecord, get_settings().webhooks_table)

_ENDPOINT = "The webhook endpoint"
_LOG = "The webhook deliveries log"


def _endpoint_key(endpoint_id: str) -> str:
    return f"{ENDPOINT_PREFIX}{endpoint_id}"


def _to_endpoint(record: WebhookEndpointRecord) -> Endpoint:
    values: dict[str, Any] = {
        name: getattr(record, name)
        for name in (
            "id",
            "url",
            "description",
            "created_at",
            "created_by",
            "enabled",
            "disabled_reason",
            "secret",
            "previous_secret",
            "previous_secret_until",
        )
    }
    values["org_id"] = record.pk
    values["events"] = tuple(sorted(record.events or ()))
    return validated(Endpoint, values, "Webhook endpoint")


def _to_record(endpoint: Endpoint) -> WebhookEndpointRecord:
    return WebhookEndpointRecord(
        endpoint.org_id,
        _endpoint_key(endpoint.id),
        id=endpoint.id,
        url=endpoint.url,
        events=set(endpoint.events),
        description=endpoint.description or None,
        created_at=endpoint.created_at.isoformat(),
        created_by=endpoint.created_by,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        secret=endpoint.secret,
        previous_secret=endpoint.previous_secret,
        previous_secret_until=endpoint.previous_secret_until.isoformat() if endpoint.previous_secret_until else None,
    )


# --- endpoints ---------------------------------------------------------------------------------------------------


def create_endpoint(endpoint: Endpoint) -> None:
    """Store a new endpoint (its id must be new in its organization: a fresh UUID)."""
    instrument(WebhookEndpointRecord)
    with unavailable_when_transient(_ENDPOINT):
        try:
            _to_record(endpoint).save(condition=WebhookEndpointRecord.sk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == _CONDITION_FAILED:
                raise RuntimeError("A new endpoint's id is already taken") from None
            raise


def get_endpoint(org_id: str, endpoint_id: str) -> Endpoint | None:
    """The endpoint of that organization, or None (missing, or another organization's)."""
    instrument(WebhookEndpointRecord)
    with unavailable_when_transient(_ENDPOINT):
        try:
            record = WebhookEndpointRecord.get(org_id, _endpoint_key(endpoint_id), consistent_read=True)
        except WebhookEndpointRecord.DoesNotExist:
            return None
    return _to_endpoint(record)


def list_endpoints(org_id: str) -> list[Endpoint]:
    """The organization's endpoints, oldest id first (every page; an organization has few)."""
    instrument(WebhookEndpointRecord)
    with unavailable_when_transient("The webhook endpoints"):
        records = list(WebhookEndpointRecord.query(org_id, WebhookEndpointRecord.sk.startswith(ENDPOINT_PREFIX)))
    return skipping_corrupt(_to_endpoint, records)


def delete_endpoint(org_id: str, endpoint_id: str) -> bool:
    """Delete it; False when the organization has no such endpoint."""
    instrument(WebhookEndpointRecord)
    with unavailable_when_transient(_ENDPOINT):
        try:
            WebhookEndpointRecord(org_id, _endpoint_key(endpoint_id)).delete(
                condition=WebhookEndpointRecord.sk.exists()
            )
        except DeleteError as exc:
            if exc.cause_response_code == _CONDITION_FAILED:
                return False
            raise
    return True


def rotate_secret(org_id: str, endpoint_id: str, new_secret: str, previous_until: datetime) -> Endpoint | None:
    """Make ``new_secret`` the endpoint's secret and its current one the previous secret, until ``previous_until``,
    in one conditional update (two rotations at once cannot lose a secret between them); None when the organization
    has no such endpoint."""
    instrument(WebhookEndpointRecord)
    record = WebhookEndpointRecord(org_id, _endpoint_key(endpoint_id))
    with unavailable_when_transient(_ENDPOINT):
        try:
            record.update(
                actions=[
                    WebhookEndpointRecord.previous_secret.set(WebhookEndpointRecord.secret),
                    WebhookEndpointRecord.secret.set(new_secret),
                    WebhookEndpointRecord.previous_secret_until.set(previous_until.isoformat()),
                ],
                condition=WebhookEndpointRecord.sk.exists(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == _CONDITION_FAILED:
                return None
            raise
    return _to_endpoint(record)


def disable_endpoint(org_id: str, endpoint_id: str, reason: str) -> bool:
    """No more deliveries to it (it answered ``410 Gone``); False when it no longer exists."""
    instrument(WebhookEndpointRecord)
    record = WebhookEndpointRecord(org_id, _endpoint_key(endpoint_id))
    with unavailable_when_transient(_ENDPOINT):
        try:
            record.update(
                actions=[
                    WebhookEndpointRecord.enabled.set(False),
                    WebhookEndpointRecord.disabled_reason.set(reason),
                ],
                condition=WebhookEndpointRecord.sk.exists(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == _CONDITION_FAILED:
                return False
            raise
    return True


# --- the deliveries log ------------------------------------------------------------------------------------------


def _delivery_key(attempt: DeliveryAttempt) -> str:
    at = attempt.attempted_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # fixed width: sorts as time does
    return f"{DELIVERY_PREFIX}{attempt.endpoint_id}#{at}#{attempt.message_id}#{attempt.attempt:03d}"


def log_attempt(org_id: str, attempt: DeliveryAttempt) -> None:
    """Record an attempt (kept ``webhook_log_ttl_s``)."""
    instrument(WebhookDeliveryRecord)
    expires_at = int(attempt.attempted_at.timestamp()) + get_settings().webhook_log_ttl_s
    record = WebhookDeliveryRecord(
        org_id,
        _delivery_key(attempt),
        message_id=attempt.message_id,
        endpoint_id=attempt.endpoint_id,
        event_type=attempt.event_type,
        attempt=attempt.attempt,
        status_code=attempt.status_code,
        outcome=attempt.outcome,
        attempted_at=attempt.attempted_at.isoformat(),
        duration_ms=attempt.duration_ms,
        expires_at=expires_at,
    )
    with unavailable_when_transient(_LOG):
        record.save()


def latest_attempts(org_id: str, endpoint_id: str, limit: int) -> list[DeliveryAttempt]:
    """The endpoint's ``limit`` latest attempts, newest first."""
    instrument(WebhookDeliveryRecord)
    with unavailable_when_transient(_LOG):
        records = list(
            WebhookDeliveryRecord.query(
                org_id,
                WebhookDeliveryRecord.sk.startswith(f"{DELIVERY_PREFIX}{endpoint_id}#"),
                scan_index_forward=False,
                limit=limit,
            )
        )

    def convert(record: WebhookDeliveryRecord) -> DeliveryAttempt:
        values = {
            name: getattr(record, name)
            for name in (
                "message_id",
                "endpoint_id",
                "event_type",
                "attempt",
                "status_code",
                "outcome",
                "attempted_at",
                "duration_ms",
            )
        }
        values["id"] = record.message_id  # named in a corrupt record's log line
        return validated(DeliveryAttempt, values, "Webhook delivery")

    return skipping_corrupt(convert, records)
