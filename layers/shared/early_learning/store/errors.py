"""The one policy for store errors (DESIGN 6): which DynamoDB failures are transient, and what a caller gets.

- Transient (throttling, DynamoDB's own 5xx, timeouts and broken connections that botocore's retries could not
  absorb): retried within the deadline where a read is batched, otherwise ``StoreUnavailable`` (a 503 problem with
  ``Retry-After``, or items 503 ``unavailable``, retryable).
- A stored record that does not validate as its domain model: ``CorruptRecord`` (item 500 ``internal_error`` in a
  batch), logged by id only.
- Anything else (a programming error, a missing table, a validation error of our own request): propagates, so that
  it is a 500 and never a retryable 503.

Errors are matched by type (botocore's exception classes, PynamoDB's ``cause_response_code``), never by class name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from botocore.exceptions import (  # type: ignore[import-untyped]  # botocore ships no type hints
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
)
from pydantic import BaseModel, ValidationError
from pynamodb.exceptions import PynamoDBException

from early_learning.domain import CorruptRecord, StoreUnavailable
from early_learning.observability import logger

TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
    }
)
"""DynamoDB error codes worth retrying: throttling and DynamoDB's own server-side failures."""

TRANSIENT_TRANSPORT = (ConnectionError, HTTPClientError)
"""botocore's connect/read timeouts, refused, reset or closed connections (``ConnectTimeoutError``,
``EndpointConnectionError``, ``ReadTimeoutError``, ``ConnectionClosedError`` ...)."""


STORE_ERRORS = (PynamoDBException, ClientError, BotoCoreError)
"""What a DynamoDB call can raise, through PynamoDB or botocore directly; ``is_transient`` sorts them."""


def is_transient(exc: BaseException) -> bool:
    """True for a DynamoDB failure that a later attempt may not meet (PynamoDB wraps botocore's as ``cause``)."""
    cause = exc.cause if isinstance(exc, PynamoDBException) else exc
    if isinstance(cause, ClientError):
        return cause.response.get("Error", {}).get("Code") in TRANSIENT_CODES
    return isinstance(cause, TRANSIENT_TRANSPORT)


def error_code(exc: BaseException) -> str:
    """A short, data-free name of the failure for logs: DynamoDB's error code or botocore's exception type."""
    cause = exc.cause if isinstance(exc, PynamoDBException) and exc.cause is not None else exc
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code", "ClientError"))
    return type(cause).__name__


@contextmanager
def unavailable_when_transient(what: str) -> Iterator[None]:
    """Run one store read: a transient failure becomes ``StoreUnavailable`` ("<what> could not be read ...");
    anything else propagates unchanged."""
    try:
        yield
    except STORE_ERRORS as exc:
        if not is_transient(exc):
            raise
        logger.warning("Store read failed transiently", extra={"read": what, "error": error_code(exc)})
        raise StoreUnavailable(f"{what} could not be read in time; retry the request") from None


D = TypeVar("D", bound=BaseModel)
R = TypeVar("R")


def validated(model: type[D], values: Mapping[str, Any], kind: str) -> D:
    """The domain model of a stored record (absent optional attributes take their defaults). A record that does not
    validate raises ``CorruptRecord`` naming its id and the fields at fault: pydantic's own error would quote the
    stored values (children's names and birth dates) into logs and tracebacks."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        fields = sorted(
            {".".join(str(p) for p in error["loc"]) or "(record)" for error in exc.errors(include_input=False)}
        )
        raise CorruptRecord(kind, str(values.get("id", "?"))[:128], fields) from None


def skipping_corrupt(convert: Callable[[R], D], records: Iterable[R]) -> list[D]:
    """``convert`` applied to each record; a corrupt one is logged by id and left out, so that one bad record
    neither fails every listing or catalog holding it nor hides the others."""
    found: list[D] = []
    for record in records:
        try:
            found.append(convert(record))
        except CorruptRecord as exc:
            logger.error("Corrupt record left out", extra={"kind": exc.kind, "id": exc.record_id, "fields": exc.fields})
    return found
