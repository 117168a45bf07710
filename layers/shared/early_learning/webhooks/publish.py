"""Announce an event to an organization's webhook endpoints: one message on the webhook events queue.

The call returns once SQS holds the message; the webhook sender fans it out to the organization's endpoints and
delivers it (``webhooks.fanout``, ``webhooks.sender``). Publishing the same job's end twice (an at-least-once
worker) sends two messages with the same event id, which become deliveries with the same ``webhook-id``.
"""

from __future__ import annotations

from early_learning.settings import get_settings
from early_learning.store import queues
from early_learning.webhooks.events import JobCompletedEvent
from early_learning.webhooks.messages import EventMessage, job_event_id


def job_completed(event: JobCompletedEvent, org_id: str) -> None:
    """Queue ``event`` (a job that ended) for the endpoints of ``org_id`` subscribed to ``batch.job.completed``.

    Raises ``StoreUnavailable`` when SQS fails transiently (the caller retries: its chunk, its message)."""
    message = EventMessage(event_id=job_event_id(event.data.job_id, event.data.status), org_id=org_id, event=event)
    queues.send(get_settings().webhook_events_queue_url, message.model_dump_json())
