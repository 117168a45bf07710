"""Webhook endpoints as an organization's admins manage them (DESIGN 3.10): register, list, delete, rotate the
signing secret, read the deliveries log.

Admins only (any other role: ``OperationForbidden``, a 403 problem); an endpoint belongs to its organization, and
another organization's id is ``NotFound`` like a missing one. A URL must pass ``targets.check_url`` (``https``,
public addresses only: ``InvalidRequest``, a 400 problem with the refusal's fixed message); it is checked again at
every delivery.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from early_learning.domain import Membership, NotFound, OperationForbidden, Role, TooManyWebhooks
from early_learning.observability import logger
from early_learning.store import webhooks as store
from early_learning.webhooks import signing
from early_learning.webhooks.api_models import (
    WebhookDeliveries,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpoints,
    WebhookEndpointWithSecret,
    WebhookRegistration,
)
from early_learning.webhooks.models import ROTATION_OVERLAP_S, Endpoint
from early_learning.webhooks.targets import Resolver, check_url, resolve

MAX_ENDPOINTS_PER_ORG = 20
"""An organization's endpoints at most: each event is fanned out to every one of them."""
DELIVERIES_SHOWN = 50
"""Attempts ``deliveries`` answers at most, the latest first."""
_NOT_FOUND = "No such webhook endpoint in your organization"


def _admin(caller: Membership) -> None:
    if caller.role is not Role.ADMIN:
        raise OperationForbidden("Only an organization's admins manage its webhooks")


def _endpoint(caller: Membership, endpoint_id: str) -> Endpoint:
    endpoint = store.get_endpoint(caller.org_id, endpoint_id)
    if endpoint is None:
        raise NotFound(_NOT_FOUND)
    return endpoint


def register(
    body: WebhookRegistration, caller: Membership, now: datetime | None = None, resolver: Resolver = resolve
) -> WebhookEndpointWithSecret:
    """A new endpoint of the caller's organization, with its signing secret (shown only in this answer)."""
    _admin(caller)
    now = now or datetime.now(UTC)
    check_url(body.url, resolver=resolver)
    if len(store.list_endpoints(caller.org_id)) >= MAX_ENDPOINTS_PER_ORG:
        raise TooManyWebhooks(
            f"An organization has at most {MAX_ENDPOINTS_PER_ORG} webhook endpoints: delete one you no longer use"
        )
    endpoint = Endpoint(
        id=str(uuid.uuid4()),
        org_id=caller.org_id,
        url=body.url,
        events=tuple(body.events),
        description=body.description,
        created_at=now,
        created_by=caller.sub,
        secret=signing.new_secret(),
    )
    store.create_endpoint(endpoint)
    logger.info("Webhook endpoint registered", extra={"endpoint_id": endpoint.id, "org_id": caller.org_id})
    return WebhookEndpointWithSecret.revealing(endpoint)


def list_endpoints(caller: Membership) -> WebhookEndpoints:
    """The organization's endpoints, without secrets, oldest first."""
    _admin(caller)
    endpoints = sorted(store.list_endpoints(caller.org_id), key=lambda endpoint: (endpoint.created_at, endpoint.id))
    return WebhookEndpoints(items=[WebhookEndpoint.of(endpoint) for endpoint in endpoints])


def delete(caller: Membership, endpoint_id: str) -> None:
    """No more deliveries to it (a delivery already queued finds it gone and is dropped)."""
    _admin(caller)
    if not store.delete_endpoint(caller.org_id, endpoint_id):
        raise NotFound(_NOT_FOUND)
    logger.info("Webhook endpoint deleted", extra={"endpoint_id": endpoint_id, "org_id": caller.org_id})


def rotate(caller: Membership, endpoint_id: str, now: datetime | None = None) -> WebhookEndpointWithSecret:
    """A new signing secret; the current one keeps signing beside it for ``ROTATION_OVERLAP_S`` (24 hours)."""
    _admin(caller)
    until = (now or datetime.now(UTC)) + timedelta(seconds=ROTATION_OVERLAP_S)
    endpoint = store.rotate_secret(caller.org_id, endpoint_id, signing.new_secret(), until)
    if endpoint is None:
        raise NotFound(_NOT_FOUND)
    logger.info("Webhook secret rotated", extra={"endpoint_id": endpoint_id, "org_id": caller.org_id})
    return WebhookEndpointWithSecret.revealing(endpoint)


def deliveries(caller: Membership, endpoint_id: str) -> WebhookDeliveries:
    """The endpoint's latest attempts, newest first."""
    _admin(caller)
    _endpoint(caller, endpoint_id)
    attempts = store.latest_attempts(caller.org_id, endpoint_id, DELIVERIES_SHOWN)
    return WebhookDeliveries(items=[WebhookDelivery.of(attempt) for attempt in attempts])
