"""WebhookSenderFunction: the SQS consumer of the webhook events queue (fan-out to the organization's endpoints) and
of the deliveries queue (one signed POST per message, retried on the schedule, dead-lettered after the last)."""

import gc

# Init creates long-lived objects only: the cyclic garbage collector is paused while they are made, and at the end
# they are frozen out of its way (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from early_learning.observability import logger, metrics
from early_learning.webhooks.consumer import handle

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
"""Failed records are reported (``batchItemFailures``), even when every record of the batch failed: each one's
message was already put off by its own retry schedule."""


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=handle, processor=processor, context=context))


gc.freeze()
gc.enable()
