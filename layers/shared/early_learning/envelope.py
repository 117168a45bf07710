"""The batch envelope: per-item results in request order, generic over the operation.

``run_batch`` owns the rules every batch endpoint shares (DESIGN 3.1): one result per requested id, in order, the
id echoed as sent; duplicates answered at every position but resolved once; malformed ids answered 400 at item
level; totals that add up; items that would push the response past Lambda's limit answered 503, retryable.
What an operation does with the unique keys is the ``resolve`` callable it passes in.

The reads (batch GET, recommendations) answer with ``answer_batch``: the same rules, the envelope built as plain
data (no model per item, nothing validated twice) and serialized once with pydantic-core, the size budget measured
on that serialization. The writes still build ``ItemSuccess``/``ItemError`` models with ``run_items``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json, to_jsonable_python

T = TypeVar("T")

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def canonical_uuid(raw: str) -> str | None:
    """The lower-case form used for lookups, or None when ``raw`` is not an 8-4-4-4-12 UUID."""
    # fullmatch: `^...$` with match() would accept a trailing newline, and send it to DynamoDB as part of the key.
    return raw.lower() if _UUID.fullmatch(raw) else None


# A NamedTuple, not a frozen dataclass: a fourth of the cost to define at each cold start (README, "Performance").
class ItemFailure(NamedTuple):
    """Why one item of a batch failed; becomes an ``ItemError`` in the response."""

    status_code: int
    error_code: str
    message: str
    retryable: bool = False
    errors: tuple[dict[str, str], ...] | None = None
    """``invalid_item``: a JSON pointer (inside the item) and a message per invalid field."""
    current_version: int | None = None
    """``version_conflict``: the version stored now."""

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

    # --- writes (DESIGN 3.7) ---------------------------------------------------------------------------------

    @classmethod
    def invalid_item(cls, errors: Sequence[dict[str, str]]) -> ItemFailure:
        return cls(422, "invalid_item", "The item does not match the schema", errors=tuple(errors))

    @classmethod
    def duplicate_id(cls, item_id: str) -> ItemFailure:
        return cls(400, "duplicate_id", f"The id {item_id} is already in this batch: one write per id and batch")

    @classmethod
    def forbidden(cls, label: str, reason: str) -> ItemFailure:
        return cls(403, "forbidden", f"{label} cannot be changed by you: {reason}")

    @classmethod
    def already_exists(cls, label: str, item_id: str) -> ItemFailure:
        return cls(409, "already_exists", f"{label} with id {item_id} already exists")

    @classmethod
    def version_conflict(cls, current_version: int) -> ItemFailure:
        return cls(
            409,
            "version_conflict",
            f"The stored version is {current_version}: read the item again and apply your change to it",
            current_version=current_version,
        )

    @classmethod
    def rolled_back(cls) -> ItemFailure:
        # Atomic batches: this item was fine, but another one failed, so nothing was applied. Not retryable as it is:
        # a client that wanted all or nothing must not resend a subset blindly.
        return cls(424, "rolled_back", "Not applied: another item of this atomic batch failed")


# Every item carries its ``status`` and ``status_code``: their defaults only spare ``run_batch`` from passing them, so
# the response schema (serialization mode) marks them required, and generators type them as always present.
_ALWAYS_SERIALIZED = ConfigDict(json_schema_serialization_defaults_required=True)


class ItemSuccess(BaseModel, Generic[T]):
    model_config = _ALWAYS_SERIALIZED

    id: str = Field(description="The id as the client sent it")
    status: Literal["success"] = "success"
    status_code: int = 200
    data: T


def _absent(value: Any) -> bool:
    return value is None


class ItemError(BaseModel):
    model_config = _ALWAYS_SERIALIZED

    id: str = Field(description="The id as the client sent it")
    status: Literal["error"] = "error"
    status_code: int = Field(description="HTTP status of this item: 400, 403, 404, 409, 422, 424, 500 or 503")
    error: str
    error_code: str = Field(
        description="invalid_id | not_found | internal_error | unavailable | response_too_large; writes also: "
        "invalid_item | duplicate_id | forbidden | already_exists | version_conflict | rolled_back"
    )
    retryable: bool = Field(description="True when sending the same item again may succeed")
    errors: list[dict[str, str]] | None = Field(
        default=None,
        exclude_if=_absent,
        description="invalid_item: one entry per invalid field, with a JSON pointer inside the item and a message",
    )
    current_version: int | None = Field(
        default=None, exclude_if=_absent, description="version_conflict: the version stored now"
    )


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


P = TypeVar("P")


@dataclass(frozen=True)
class Prepared(Generic[P]):
    """An item of a batch, checked on its own: the id to answer it with (as sent, or the one a create generated),
    and either its key and payload or why it failed before anything was read or written."""

    echo: str
    key: str | None = None
    payload: P | None = None
    failure: ItemFailure | None = None


def run_items(
    items: Sequence[Prepared[P]],
    resolve: Callable[[dict[str, P]], Mapping[str, T | ItemFailure]],
    *,
    duplicates: Literal["share", "reject"],
    label: str = "Item",
    size_of: Callable[[T], int] | None = None,
    size_budget: int | None = None,
) -> list[ItemSuccess[T] | ItemError]:
    """The rules every batch shares (DESIGN 3.1, 3.7): one result per item, in order, with its id; ``resolve``
    gets each distinct key once with its payload and maps it to data or a failure (a key it leaves out is
    ``unavailable``). Reads share one answer between duplicates (``share``); writes answer every later occurrence
    of a key ``duplicate_id`` (``reject``). With ``size_budget``, items are answered in request order until their
    serialized size would exceed it, and the rest are ``response_too_large``."""
    unique: dict[str, P] = {}
    answered: list[ItemFailure | str] = []  # per item: a failure, or the key to look up
    for item in items:
        if item.failure is not None or item.key is None:
            answered.append(item.failure or ItemFailure.invalid_id())
        elif item.key in unique and duplicates == "reject":
            answered.append(ItemFailure.duplicate_id(item.echo))
        else:
            unique.setdefault(item.key, item.payload)  # type: ignore[arg-type]  # set with the key
            answered.append(item.key)
    outcomes = resolve(unique) if unique else {}
    used = 0
    results: list[ItemSuccess[T] | ItemError] = []
    for item, answer in zip(items, answered, strict=True):
        outcome: T | ItemFailure = (
            answer if isinstance(answer, ItemFailure) else outcomes.get(answer, ItemFailure.unavailable())
        )
        if not isinstance(outcome, ItemFailure) and size_budget is not None and size_of is not None:
            used += size_of(outcome)
            if used > size_budget:
                outcome = ItemFailure.response_too_large()
        results.append(_result(item.echo, outcome))
    return results


def _result(echo: str, outcome: Any) -> ItemSuccess[Any] | ItemError:
    if isinstance(outcome, ItemFailure):
        return ItemError(
            id=echo,
            status_code=outcome.status_code,
            error=outcome.message,
            error_code=outcome.error_code,
            retryable=outcome.retryable,
            errors=list(outcome.errors) if outcome.errors is not None else None,
            current_version=outcome.current_version,
        )
    if isinstance(outcome, Created):
        return ItemSuccess[Any](id=echo, status_code=201, data=outcome.data)
    return ItemSuccess[Any](id=echo, data=outcome)


class Created(NamedTuple):
    """A write's outcome that is a new resource: answered 201 (DESIGN 3.7)."""

    data: Any


def run_batch(
    ids: Sequence[str],
    resolve: Callable[[list[str]], Mapping[str, T | ItemFailure]],
    *,
    normalize: Callable[[str], str | None] = canonical_uuid,
    size_of: Callable[[T], int] | None = None,
    size_budget: int | None = None,
) -> list[ItemSuccess[T] | ItemError]:
    """Answer every id in order (``run_items`` with the ids as sent, duplicates sharing one answer). ``resolve``
    gets each distinct valid key once; a malformed id is an item 400 ``invalid_id``."""
    prepared = [Prepared[None](echo=raw, key=normalize(raw)) for raw in ids]
    return run_items(
        prepared, lambda keys: resolve(list(keys)), duplicates="share", size_of=size_of, size_budget=size_budget
    )


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


# --- reads: the envelope as plain data, serialized once ------------------------------------------------------------


def payload_size(serialized: bytes) -> int:
    """Bytes a serialized JSON value weighs in the Lambda response payload, as ``json_size`` counts them: inside the
    payload's ``body`` string every quote and backslash takes two bytes (a serialization holds no raw control
    character: its strings escape them)."""
    return len(serialized) + serialized.count(b'"') + serialized.count(b"\\")


def _error_item(echo: str, failure: ItemFailure) -> dict[str, Any]:
    """``ItemError``'s JSON, as plain data (same members, same order)."""
    item: dict[str, Any] = {
        "id": echo,
        "status": "error",
        "status_code": failure.status_code,
        "error": failure.message,
        "error_code": failure.error_code,
        "retryable": failure.retryable,
    }
    if failure.errors is not None:
        item["errors"] = list(failure.errors)
    if failure.current_version is not None:
        item["current_version"] = failure.current_version
    return item


class BatchAnswer:
    """A read batch's answer: ``results`` as plain data (``ItemSuccess``/``ItemError`` JSON, an item's ``data`` as
    its operation made it, a domain model included) and ``body``, the whole envelope serialized once: what the route
    answers as it is. (A plain class: a dataclass is made by compiling generated code, at every cold start.)"""

    __slots__ = ("body", "results", "total_requested", "total_succeeded")

    def __init__(self, results: list[dict[str, Any]], body: bytes, total_requested: int, total_succeeded: int) -> None:
        self.results = results
        self.body = body
        self.total_requested = total_requested
        self.total_succeeded = total_succeeded

    def jsonable_results(self) -> list[dict[str, Any]]:
        """The results as JSON values (what ``body`` holds)."""
        found: list[dict[str, Any]] = to_jsonable_python(self.results)
        return found


def answer_batch(
    ids: Sequence[str],
    resolve: Callable[[list[str]], Mapping[str, Any]],
    *,
    size_budget: int,
    normalize: Callable[[str], str | None] = canonical_uuid,
    **extra: Any,
) -> BatchAnswer:
    """``run_batch``'s rules, answered as plain data and serialized once (``BatchEnvelope``'s JSON, ``extra``'s
    members last). ``resolve`` maps each distinct valid key to the item's ``data`` (anything pydantic-core
    serializes) or an ``ItemFailure``.

    The size budget: items are answered in order while the payload size of their ``data`` adds up to at most
    ``size_budget`` (as ``run_batch`` with ``json_size``). The whole body is measured once; only when it is over the
    budget (its items' data may still fit: the envelope around them weighs too) are the items measured one by one."""
    keys = [normalize(raw) for raw in ids]
    unique = list(dict.fromkeys(key for key in keys if key is not None))
    outcomes = resolve(unique) if unique else {}
    results: list[dict[str, Any]] = []
    data_of: list[Any] = []  # per item: its data, or _FAILED
    for echo, key in zip(ids, keys, strict=True):
        outcome = ItemFailure.invalid_id() if key is None else outcomes.get(key, _UNAVAILABLE)
        if isinstance(outcome, ItemFailure):
            results.append(_error_item(echo, outcome))
            data_of.append(_FAILED)
        else:
            results.append({"id": echo, "status": "success", "status_code": 200, "data": outcome})
            data_of.append(outcome)
    processed_at = utc_now()
    body = _serialized(results, processed_at, extra)
    if payload_size(body) > size_budget:
        used = 0
        for index, data in enumerate(data_of):
            if data is _FAILED:
                continue
            used += payload_size(to_json(data))
            if used > size_budget:
                results[index] = _error_item(ids[index], ItemFailure.response_too_large())
        body = _serialized(results, processed_at, extra)
    succeeded = sum(1 for item in results if item["status"] == "success")
    return BatchAnswer(results=results, body=body, total_requested=len(results), total_succeeded=succeeded)


_FAILED = object()
_UNAVAILABLE = ItemFailure.unavailable()


def _serialized(results: list[dict[str, Any]], processed_at: datetime, extra: Mapping[str, Any]) -> bytes:
    succeeded = sum(1 for item in results if item["status"] == "success")
    return to_json(
        {
            "results": results,
            "total_requested": len(results),
            "total_succeeded": succeeded,
            "total_failed": len(results) - succeeded,
            "processed_at": processed_at,
            **extra,
        }
    )
