"""An event of an organization fanned out into one delivery message per endpoint that wants it.

Every endpoint of the organization that is enabled and subscribed to the event's type gets a ``DeliveryMessage`` on
the deliveries queue, with its ``webhook-id`` fixed here from the event and the endpoint: a fan-out that runs twice
(at-least-once delivery of the events queue) sends messages with the same ids, which receivers drop as duplicates.
"""

from __future__ import annotations

from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store import queues
from early_learning.store import webhooks as store
from early_learning.webhooks.messages import DeliveryMessage, EventMessage, delivery_message_id


def fan_out(message: EventMessage) -> int:
    """Queue the event's deliveries; returns how many."""
    endpoints = [endpoint for endpoint in store.list_endpoints(message.org_id) if endpoint.wants(message.event.type)]
    bodies = [
        DeliveryMessage(
            message_id=delivery_message_id(message.event_id, endpoint.id),
            org_id=message.org_id,
            endpoint_id=endpoint.id,
            event=message.event,
        ).model_dump_json()
        for endpoint in endpoints
    ]
    if bodies:
        queues.send_many(get_settings().webhook_deliveries_queue_url, bodies)
    logger.info(
        "Webhook event fanned out",
        extra={"event_id": message.event_id, "org_id": message.org_id, "deliveries": len(bodies)},
    )
    return len(bodies)
