"""Webhook deliveries (DESIGN 3.10) verified with standardwebhooks: ``verify_webhook(secret, body, headers)``
answers the typed event, or raises ``WebhookVerificationError``.

    event = verify_webhook(secret, request_body, request_headers)   # in your receiver, before trusting anything
    if event.type == "batch.job.completed":
        job_ended(event.data.job_id, event.data.failed)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

__all__ = ["JobCompletedData", "WebhookEvent", "WebhookVerificationError", "verify_webhook"]


class JobCompletedData(BaseModel):
    """``batch.job.completed``'s data: ids and counts only."""

    job_id: str
    operation: str
    resource_type: str | None = None
    status: str
    total: int
    succeeded: int
    failed: int
    created_by: str


class WebhookEvent(BaseModel):
    type: str
    timestamp: datetime
    data: JobCompletedData


def verify_webhook(secret: str | Sequence[str], body: bytes | str, headers: Mapping[str, str]) -> WebhookEvent:
    """The delivery's event once its ``webhook-signature`` verifies with ``secret`` (or any of several: during a
    rotation a receiver may hold both) and its ``webhook-timestamp`` is within 5 minutes; else
    ``WebhookVerificationError``. Deliveries are at least once: drop a ``webhook-id`` you have seen."""
    secrets = [secret] if isinstance(secret, str) else list(secret)
    if not secrets:
        raise ValueError("no secret to verify with")
    plain = dict(headers.items())
    failure: Exception | None = None
    for candidate in secrets:
        try:
            payload: Any = Webhook(candidate).verify(body, plain)
        except (WebhookVerificationError, ValueError) as exc:  # ValueError: a malformed signature or secret
            failure = exc
            continue
        return WebhookEvent.model_validate(payload)
    raise WebhookVerificationError(str(failure))
