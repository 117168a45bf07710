"""JobWorkerFunction: the SQS consumer of the job chunks queue (DESIGN 3.9). Each record is one chunk of a job,
answered through the synchronous routes' services (``jobs.worker``); a chunk that fails is reported alone
(``batchItemFailures``) and comes back after the queue's visibility timeout, until its redrive dead-letters it."""

import gc

# Init creates long-lived objects only: the cyclic garbage collector is paused while they are made, and at the end
# they are frozen out of its way (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from early_learning.jobs.models import ChunkMessage
from early_learning.jobs.worker import process
from early_learning.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS)


def chunk(record: SQSRecord, lambda_context: Any) -> None:
    redelivered = int(record.attributes.approximate_receive_count) > 1
    process(ChunkMessage.model_validate_json(record.body), lambda_context, redelivered=redelivered)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = process_partial_response(  # type: ignore[assignment]  # a TypedDict
        event=event, record_handler=chunk, processor=processor, context=context
    )
    return response


gc.freeze()
gc.enable()
