"""The queue messages of webhook delivery: an event to announce to an organization, and one delivery to one endpoint.

``EventMessage`` goes to the events queue (``webhooks.publish``); the sender fans it out into one
``DeliveryMessage`` per subscribed endpoint of the organization (``webhooks.fanout``), on the deliveries queue, with
the Standard Webhooks message id fixed there: every attempt, and a fan-out that runs twice, carries the same
``webhook-id``, so that receivers can drop duplicates. Ids and counts only, like the events themselves.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from early_learning.webhooks.events import JobCompletedEvent

_NAMESPACE = uuid.UUID("0b5a9b8e-3c1e-4f55-9d7a-2f0c6a1d9e41")
"""Namespace of the name-based (UUIDv5) ids below: the same inputs always give the same id."""


class EventMessage(BaseModel):
    """An event of an organization, to announce to that organization's endpoints."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str = Field(description="The event's own id: the same for the same event published twice")
    org_id: str
    event: JobCompletedEvent


class DeliveryMessage(BaseModel):
    """One event for one endpoint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message_id: str = Field(description="The Standard Webhooks message id (`webhook-id`), the same on every attempt")
    org_id: str
    endpoint_id: str
    event: JobCompletedEvent


def job_event_id(job_id: str, status: str) -> str:
    """A job ends once: its ending's event is named by the job and its final status."""
    return str(uuid.uuid5(_NAMESPACE, f"batch.job.completed:{job_id}:{status}"))


def delivery_message_id(event_id: str, endpoint_id: str) -> str:
    """``msg_`` and a UUID named by the event and the endpoint (fixed at fan-out, whatever runs it twice)."""
    return "msg_" + uuid.uuid5(_NAMESPACE, f"{event_id}:{endpoint_id}").hex
