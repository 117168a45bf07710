"""JobDeadLettersFunction: the SQS consumer of the job chunks' dead-letter queue (DESIGN 3.9). A chunk the worker
failed ``maxReceiveCount`` times has its items answered 503 ``unavailable``, retryable (``jobs.worker.dead_letter``),
so that its job still ends; a message that is no chunk of a job is dropped (logged)."""

import gc

# Init creates long-lived objects only: the cyclic garbage collector is paused while they are made, and at the end
# they are frozen out of its way (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from early_learning.jobs.models import ChunkMessage
from early_learning.jobs.worker import dead_letter
from early_learning.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS)


def dead_chunk(record: SQSRecord) -> None:
    try:
        message = ChunkMessage.model_validate_json(record.body)
    except ValidationError:
        logger.error("Dead letter that is no job chunk dropped", extra={"message_id": record.message_id})
        return
    dead_letter(message)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = process_partial_response(  # type: ignore[assignment]  # a TypedDict
        event=event, record_handler=dead_chunk, processor=processor, context=context
    )
    return response


gc.freeze()
gc.enable()
