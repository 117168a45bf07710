"""SQS access: sending messages to the service's queues and putting a received message off (its visibility).

One botocore SQS client per process, created on first use (never at import: SnapStart restores a snapshot taken
after init), with the endpoint from the settings (``SQS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL`` locally; unset on
AWS) and short timeouts. Errors follow the store's policy (``store.errors``): a transient failure (throttling,
SQS's own 5xx, a timeout) is ``StoreUnavailable``; anything else propagates.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from botocore.config import Config  # type: ignore[import-untyped]  # botocore ships no type hints
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from botocore.session import get_session  # type: ignore[import-untyped]

from early_learning.domain import StoreUnavailable
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.errors import STORE_ERRORS, TRANSIENT_TRANSPORT, error_code

SEND_BATCH_LIMIT = 10
"""SQS's maximum messages per SendMessageBatch."""
TRANSIENT_SQS_CODES = frozenset(
    {
        "ThrottlingException",
        "RequestThrottled",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "KmsThrottled",
        "AWS.SimpleQueueService.RequestThrottled",
    }
)

_client_lock = threading.Lock()
_clients: dict[tuple[str | None, str], Any] = {}


def client() -> Any:
    """The process's SQS client for the current settings (a change of endpoint or region, as tests make, makes a
    new one)."""
    settings = get_settings()
    key = (settings.sqs_endpoint_url, settings.region)
    with _client_lock:  # botocore's client creation is not thread-safe
        found = _clients.get(key)
        if found is None:
            config = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
            found = get_session().create_client(
                "sqs", region_name=settings.region, endpoint_url=settings.sqs_endpoint_url, config=config
            )
            _clients[key] = found
    return found


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") in TRANSIENT_SQS_CODES
    return isinstance(exc, TRANSIENT_TRANSPORT)


@contextmanager
def _policy(what: str) -> Iterator[None]:
    try:
        yield
    except STORE_ERRORS as exc:
        if not _is_transient(exc):
            raise
        logger.warning("Queue call failed transiently", extra={"call": what, "error": error_code(exc)})
        raise StoreUnavailable(f"{what} could not be done in time; retry") from None


def send(queue_url: str, body: str, delay_s: int = 0) -> str:
    """Send one message; returns its SQS message id."""
    if not queue_url:
        raise RuntimeError("No queue URL configured (template.yaml gives it to the function's environment)")
    with _policy("SendMessage"):
        answer = client().send_message(QueueUrl=queue_url, MessageBody=body, DelaySeconds=delay_s)
    return str(answer["MessageId"])


def send_many(queue_url: str, bodies: Sequence[str]) -> None:
    """Send messages, ten per SendMessageBatch; a message SQS refused (a partial failure) raises, after the others
    were sent (the caller's retry sends them again: consumers tolerate duplicates)."""
    if not queue_url:
        raise RuntimeError("No queue URL configured (template.yaml gives it to the function's environment)")
    for start in range(0, len(bodies), SEND_BATCH_LIMIT):
        chunk = bodies[start : start + SEND_BATCH_LIMIT]
        entries = [{"Id": str(index), "MessageBody": body} for index, body in enumerate(chunk)]
        with _policy("SendMessageBatch"):
            answer = client().send_message_batch(QueueUrl=queue_url, Entries=entries)
        failed = answer.get("Failed") or []
        if failed:
            codes = sorted({str(entry.get("Code")) for entry in failed})
            logger.warning("Messages not sent", extra={"count": len(failed), "codes": codes})
            raise StoreUnavailable("Some messages could not be queued; retry")


def put_off(queue_url: str, receipt_handle: str, seconds: int) -> None:
    """Make a received message visible again in ``seconds`` (ChangeMessageVisibility, at most 12 hours)."""
    with _policy("ChangeMessageVisibility"):
        client().change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)
