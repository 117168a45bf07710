"""The batch envelope: per-item results in request order, generic over the operation.

``run_batch`` owns the rules every batch endpoint shares (DESIGN 3.1): one result per requested id, in order, the
id echoed as sent; duplicates answered at every position but resolved once; malformed ids answered 400 at item
level; totals that add up; items that would push the response past Lambda's limit answered 503, retryable.
What an operation does with the unique keys is the ``resolve`` callable it passes in.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def canonical_uuid(raw: str) -> str | None:
    """The lower-case form used for lookups, or None when ``raw`` is not an 8-4-4-4-12 UUID."""
    # fullmatch: `^...$` with match() would accept a trailing newline, and send it to DynamoDB as part of the key.
    return raw.lower() if _UUID.fullmatch(raw) else None


@dataclass(frozen=True)
class ItemFailure:
    """Why one item of a batch failed; becomes an ``ItemError`` in the response."""

    status_code: int
    error_code: str
    message: str
    retryable: bool = False

    @classmethod
    def invalid_id(cls) -> ItemFailure:
        return cls(400, "invalid_id", "Invalid id: expected a UUID such as 123e4567-e89b-12d3-a456-426614174000")

    @classmethod
    def not_found(cls, label: str, item_id: str) -> ItemFailure:
        # The same answer for "missing" and "not yours", so that no caller learns another org's records exist.
        return cls(404, "not_found", f"{label} with id {item_id} not found")

    @classmethod
    def internal_error(cls) -> ItemFailure:
        # A stored record that cannot be read as its model: a data bug that resending will not fix.
        return cls(500, "internal_error", "This item could not be read; the error was logged", retryable=False)

    @classmethod
    def unavailable(cls) -> ItemFailure:
        return cls(503, "unavailable", "Item could not be processed in time; retry it", retryable=True)

    @classmethod
    def response_too_large(cls) -> ItemFailure:
        return cls(503, "response_too_large", "Response size limit reached; request this item again", retryable=True)


# Every item carries its ``status`` and ``status_code``: their defaults only spare ``run_batch`` from passing them, so
# the response schema (serialization mode) marks them required, and generators type them as always present.
_ALWAYS_SERIALIZED = ConfigDict(json_schema_serialization_defaults_required=True)


class ItemSuccess(BaseModel, Generic[T]):
    model_config = _ALWAYS_SERIALIZED

    id: str = Field(description="The id as the client sent it")
    status: Literal["success"] = "success"
    status_code: int = 200
    data: T


class ItemError(BaseModel):
    model_config = _ALWAYS_SERIALIZED

    id: str = Field(description="The id as the client sent it")
    status: Literal["error"] = "error"
    status_code: int = Field(description="HTTP status of this item: 400, 404, 500 or 503")
    error: str
    error_code: str = Field(description="invalid_id | not_found | internal_error | unavailable | response_too_large")
    retryable: bool = Field(description="True when sending the same item again may succeed")


class BatchEnvelope(BaseModel, Generic[T]):
    results: list[Annotated[ItemSuccess[T] | ItemError, Field(discriminator="status")]]
    total_requested: int
    total_succeeded: int
    total_failed: int
    processed_at: datetime

    @classmethod
    def of(cls, results: list[ItemSuccess[T] | ItemError], **extra: Any) -> Any:
        succeeded = sum(1 for r in results if isinstance(r, ItemSuccess))
        return cls(
            results=results,
            total_requested=len(results),
            total_succeeded=succeeded,
            total_failed=len(results) - succeeded,
            processed_at=utc_now(),
            **extra,
        )


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Deadline:
    """The time a request may still spend, from the Lambda context, less a safety margin for the response."""

    def __init__(self, remaining_ms: int, safety_ms: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._ends_at = clock() + max(0, remaining_ms - safety_ms) / 1000

    def remaining_s(self) -> float:
        return max(0.0, self._ends_at - self._clock())

    def expired(self) -> bool:
        return self.remaining_s() <= 0


Resolve = Callable[[list[str]], Mapping[str, "T | ItemFailure"]]


def run_batch(
    ids: Sequence[str],
    resolve: Callable[[list[str]], Mapping[str, T | ItemFailure]],
    *,
    normalize: Callable[[str], str | None] = canonical_uuid,
    size_of: Callable[[T], int] | None = None,
    size_budget: int | None = None,
) -> list[ItemSuccess[T] | ItemError]:
    """Answer every id in order. ``resolve`` gets each distinct valid key once and maps it to data or a failure;
    a key it leaves out is reported ``unavailable``. With ``size_budget``, items are answered in request order
    until their serialized size would exceed it, and the rest are ``response_too_large``."""
    keys = [normalize(raw) for raw in ids]
    unique = list(dict.fromkeys(k for k in keys if k is not None))
    outcomes = resolve(unique) if unique else {}
    used = 0
    results: list[ItemSuccess[T] | ItemError] = []
    for raw, key in zip(ids, keys, strict=True):
        outcome: T | ItemFailure = (
            ItemFailure.invalid_id() if key is None else outcomes.get(key, ItemFailure.unavailable())
        )
        if not isinstance(outcome, ItemFailure) and size_budget is not None and size_of is not None:
            used += size_of(outcome)
            if used > size_budget:
                outcome = ItemFailure.response_too_large()
        if isinstance(outcome, ItemFailure):
            results.append(
                ItemError(
                    id=raw,
                    status_code=outcome.status_code,
                    error=outcome.message,
                    error_code=outcome.error_code,
                    retryable=outcome.retryable,
                )
            )
        else:
            results.append(ItemSuccess[Any](id=raw, data=outcome))
    return results


def json_size(data: Any) -> int:
    """Bytes an item's data weighs in the Lambda response payload: its JSON in UTF-8 (Lambda's Python 3.12+
    runtimes do not escape non-ASCII characters), escaped once more as part of the payload's ``body`` string, where
    every quote and backslash takes two bytes. Counting characters instead would let a batch of non-ASCII or
    quote-heavy items pass the 6 MB limit."""
    if isinstance(data, BaseModel):
        text = data.model_dump_json()
    else:
        text = json.dumps(data, separators=(",", ":"), default=str, ensure_ascii=False)
    return len(json.dumps(text, ensure_ascii=False).encode()) - 2  # less the quotes around the string
