"""The webhook sender's SQS records (powertools ``BatchProcessor``'s record handler): an event to fan out, or a
delivery to attempt.

A failed attempt that has a next one puts its message off by the schedule's wait (ChangeMessageVisibility) and is
reported as a batch item failure, so that the queue delivers it again then, with ``ApproximateReceiveCount`` (the
attempt's number) one higher. After the last attempt the message is made visible at once and reported failed: its
next receive exceeds the queue's ``maxReceiveCount`` (the number of attempts), and SQS moves it to the dead-letter
queue. A record that cannot be read (a malformed body) fails the same way, until it too is dead-lettered.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from early_learning.settings import get_settings
from early_learning.store import queues
from early_learning.webhooks import fanout, sender
from early_learning.webhooks.messages import DeliveryMessage, EventMessage
from early_learning.webhooks.schedule import Outcome


class DeliveryFailed(Exception):
    """The attempt failed: the record is reported as a batch item failure (its message comes back later)."""


def queue_name(arn_or_url: str) -> str:
    """A queue's name from its ARN (``arn:aws:sqs:region:account:name``) or URL (``https://.../account/name``)."""
    return arn_or_url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def handle(record: SQSRecord) -> None:
    settings = get_settings()
    if queue_name(record.event_source_arn) == queue_name(settings.webhook_events_queue_url):
        fanout.fan_out(EventMessage.model_validate_json(record.body))
        return
    message = DeliveryMessage.model_validate_json(record.body)
    result = sender.deliver(message, int(record.attributes.approximate_receive_count))
    if result.outcome is Outcome.RETRY:
        queues.put_off(settings.webhook_deliveries_queue_url, record.receipt_handle, result.retry_in_s or 0)
        raise DeliveryFailed(f"attempt failed; {'retried' if result.retry_in_s is not None else 'dead-lettered'}")
