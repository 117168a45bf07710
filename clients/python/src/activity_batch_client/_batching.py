"""The batching that the sync and async clients share, without any I/O: the batch operations (route, item field,
limit, data model), how items are cut into chunks, how an answer is read into ``Item``s, and which items are sent
again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from activity_batch_client import models
from activity_batch_client.errors import ProtocolError
from activity_batch_client.limits import Limits
from activity_batch_client.results import Item

JSON = Any

PartialResource = (
    models.PartialActivity
    | models.PartialChild
    | models.PartialClassroom
    | models.PartialCoachingSession
    | models.PartialChildProgress
)
"""A batch GET item's data: a resource of the request's ``resource_type`` with the fields selected."""
_ANY_READ: TypeAdapter[Any] = TypeAdapter(PartialResource)
_ANY_WRITTEN: TypeAdapter[Any] = TypeAdapter(models.Activity | models.Child | models.Completion | models.Deleted)
READ_MODELS: dict[str, TypeAdapter[Any]] = {
    "activities": TypeAdapter(models.PartialActivity),
    "children": TypeAdapter(models.PartialChild),
    "classrooms": TypeAdapter(models.PartialClassroom),
    "coaching_sessions": TypeAdapter(models.PartialCoachingSession),
    "child_progress": TypeAdapter(models.PartialChildProgress),
}
WRITTEN_MODELS: dict[str, TypeAdapter[Any]] = {
    "activities": TypeAdapter(models.Activity),
    "children": TypeAdapter(models.Child),
    "completions": TypeAdapter(models.Completion),
}
_RECOMMENDATIONS: TypeAdapter[Any] = TypeAdapter(models.ChildRecommendations)
_DELETED: TypeAdapter[Any] = TypeAdapter(models.Deleted)


@dataclass(frozen=True)
class Operation:
    """One synchronous batch route: where its items go in the body, how many fit, and what a success's data is."""

    name: str
    path: str
    field: str
    write: bool
    limit: Callable[[Limits, bool], int]
    data_model: Callable[[str | None], TypeAdapter[Any]]


GET = Operation(
    "get",
    "/api/v1/batch/get",
    "ids",
    False,
    lambda lim, _: lim.get_ids,
    lambda rt: READ_MODELS.get(rt or "", _ANY_READ),
)
RECOMMEND = Operation(
    "recommendations",
    "/api/v1/batch/activities/recommendations",
    "child_ids",
    False,
    lambda lim, _: lim.recommendation_child_ids,
    lambda _: _RECOMMENDATIONS,
)


def _write_limit(limits: Limits, atomic: bool) -> int:
    return limits.atomic_write_items if atomic else limits.write_items


CREATE = Operation(
    "create", "/api/v1/batch/create", "items", True, _write_limit, lambda rt: WRITTEN_MODELS.get(rt or "", _ANY_WRITTEN)
)
UPDATE = Operation(
    "update", "/api/v1/batch/update", "items", True, _write_limit, lambda rt: WRITTEN_MODELS.get(rt or "", _ANY_WRITTEN)
)
DELETE = Operation("delete", "/api/v1/batch/delete", "ids", True, _write_limit, lambda _: _DELETED)


def jsonable(item: Any) -> JSON:
    """An item as the JSON the server reads: a pydantic model (a generated request model) as it was set."""
    if isinstance(item, BaseModel):
        return item.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(item, Mapping):
        return {key: jsonable(value) for key, value in item.items()}
    return item


def encode(body: Mapping[str, Any]) -> bytes:
    """A request body, compact (its size is what chunking counts)."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def item_id(item: JSON) -> str:
    """The id an item's answer will echo (an id; an update's or a create's ``id``; "" for a create without one)."""
    if isinstance(item, Mapping):
        return str(item.get("id") or "")
    return str(item)


def chunks(items: Sequence[JSON], base: Mapping[str, Any], field: str, max_items: int, max_bytes: int) -> list[range]:
    """Consecutive ranges of ``items``, each at most ``max_items`` long and, sent as ``{**base, field: items}``, at
    most ``max_bytes`` (an item too large on its own goes alone: the server answers it)."""
    empty = len(encode({**base, field: []}))
    found: list[range] = []
    start, size = 0, empty
    for index, item in enumerate(items):
        item_size = len(encode({"": item})) - 5 + (1 if index > start else 0)  # '{"":' and '}' are 5 bytes
        if index > start and (index - start >= max_items or size + item_size > max_bytes):
            found.append(range(start, index))
            start, size = index, empty
            item_size -= 1
        size += item_size
    if start < len(items):
        found.append(range(start, len(items)))
    return found


def read_items(operation: Operation, resource_type: str | None, content: bytes, sent: int) -> list[Item[Any]]:
    """The items of a 200 batch answer, each as an ``Item`` whose data is the operation's model."""
    try:
        envelope = json.loads(content)
        results = envelope["results"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ProtocolError(f"{operation.path}: an answer without results ({exc})") from exc
    if not isinstance(results, list) or len(results) != sent:
        count = len(results) if isinstance(results, list) else "no"
        raise ProtocolError(f"{operation.path}: {count} results for {sent} items")
    model = operation.data_model(resource_type)
    return [read_item(result, model) for result in results]


def read_item(result: JSON, data_model: TypeAdapter[Any]) -> Item[Any]:
    try:
        if isinstance(result, Mapping) and result.get("status") == "success":
            return Item(
                id=str(result["id"]),
                status="success",
                status_code=int(result["status_code"]),
                data=data_model.validate_python(result["data"]),
            )
        error = models.ItemError.model_validate(result)
    except (ValidationError, KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"an item that is not one of the contract: {exc}") from exc
    return Item(
        id=error.id,
        status="error",
        status_code=error.status_code,
        error=error.error,
        error_code=error.error_code,
        retryable=error.retryable,
        errors=error.errors,
        current_version=error.current_version,
    )


def to_send_again(answers: Sequence[Item[Any]], atomic: bool) -> list[int]:
    """Positions (in ``answers``) of the items worth sending again in a new request.

    Non-atomic: each ``retryable`` error. Atomic: nothing was applied, and a subset must never be resent on its own
    (its other items were only ``rolled_back``), so either the whole batch again, when every failure is retryable
    or rolled back, or nothing, when any item failed for good (a 424 is never retried by itself)."""
    failed = [answer for answer in answers if answer.status == "error"]
    if not atomic:
        return [position for position, answer in enumerate(answers) if answer.status == "error" and answer.retryable]
    if any(answer.retryable for answer in failed) and all(
        answer.retryable or answer.error_code == "rolled_back" for answer in failed
    ):
        return list(range(len(answers)))
    return []


def given_up(items: Iterable[JSON], status_code: int, reason: str) -> list[Item[Any]]:
    """The answers of items whose request was given up after its retries (retryable: a later call may succeed)."""
    code = "rate_limited" if status_code == 429 else "unavailable"
    return [Item.failure(item_id(item), status_code, code, reason, retryable=True) for item in items]


def chunk_size(operation: Operation, limits: Limits, atomic: bool, cap: int | None) -> int:
    limit = operation.limit(limits, atomic)
    return min(limit, cap) if cap else limit


def check_atomic(operation: Operation, limits: Limits, count: int) -> None:
    """An atomic batch is one request: more items than one may hold cannot be all or nothing."""
    limit = operation.limit(limits, True)
    if count > limit:
        raise ValueError(f"an atomic {operation.name} holds at most {limit} items (the server's limit), not {count}")
