"""THE adapter between batch jobs and the synchronous batch routes' services: what a job of each operation is made of
(its list of items, its chunk size), the request-level checks its route makes (resource type, fields, the caller's
role), and a chunk run through the very service the route calls, its answer turned into plain per-item dicts (the
JSON of the route's ``results``). Nothing else in ``early_learning.jobs`` knows what those services take or return:
when they change, this module alone follows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from early_learning.api_models import MAX_BATCH_IDS, MAX_RECOMMENDATION_CHILDREN, MAX_WRITE_ITEMS, BatchGetRequest
from early_learning.domain import Membership
from early_learning.drafts import MAX_ITEM_BYTES
from early_learning.envelope import Deadline, ItemError, ItemFailure
from early_learning.jobs.models import ChunkAnswer
from early_learning.recommendation_models import BatchRecommendationsRequest
from early_learning.services import batch_get, completions, recommendations, writes
from early_learning.services.fields import parse_fields
from early_learning.services.writable import Operation, writable_resource
from early_learning.write_models import BatchCreateRequest, BatchDeleteRequest, BatchUpdateRequest

Service = Callable[[Any, Membership, Deadline, date], Any]


@dataclass(frozen=True)
class OperationSpec:
    """A job operation: its route's body model, the member holding its items, and how to run and check it."""

    request_model: type[BaseModel]
    items_field: str
    chunk_items: int
    """The route's own item limit: a chunk is one call of the service, so it is at most that."""
    writes: bool
    run: Service
    check: Callable[[dict[str, Any], Membership], None]


def _check_get(options: dict[str, Any], caller: Membership) -> None:
    resource = batch_get.resource_for(str(options["resource_type"]))
    parse_fields(options.get("fields"), resource.fields)


def _check_write(operation: Operation) -> Callable[[dict[str, Any], Membership], None]:
    def check(options: dict[str, Any], caller: Membership) -> None:
        resource_type = str(options["resource_type"])
        if operation == "create" and resource_type == "completions":
            completions.require_role(caller)
            return
        writes.require_role(writable_resource(resource_type, operation), operation, caller)

    return check


OPERATIONS: dict[str, OperationSpec] = {
    "get": OperationSpec(
        BatchGetRequest,
        "ids",
        MAX_BATCH_IDS,
        writes=False,
        run=lambda body, caller, deadline, today: batch_get.batch_get(body, caller, deadline, today),
        check=_check_get,
    ),
    "create": OperationSpec(
        BatchCreateRequest,
        "items",
        MAX_WRITE_ITEMS,
        writes=True,
        run=lambda body, caller, deadline, today: writes.batch_create(body, caller, deadline, today),
        check=_check_write("create"),
    ),
    "update": OperationSpec(
        BatchUpdateRequest,
        "items",
        MAX_WRITE_ITEMS,
        writes=True,
        run=lambda body, caller, deadline, today: writes.batch_update(body, caller, deadline),
        check=_check_write("update"),
    ),
    "delete": OperationSpec(
        BatchDeleteRequest,
        "ids",
        MAX_WRITE_ITEMS,
        writes=True,
        run=lambda body, caller, deadline, today: writes.batch_delete(body, caller, deadline),
        check=_check_write("delete"),
    ),
    "recommendations": OperationSpec(
        BatchRecommendationsRequest,
        "child_ids",
        MAX_RECOMMENDATION_CHILDREN,
        writes=False,
        run=lambda body, caller, deadline, today: recommendations.batch_recommendations(body, caller, deadline, today),
        check=lambda options, caller: None,  # any member may ask for the children it sees
    ),
}


def spec(operation: str) -> OperationSpec:
    return OPERATIONS[operation]


def split_request(operation: str, request: BaseModel) -> tuple[dict[str, Any], list[Any]]:
    """A validated job request as (its options: everything but the items, as sent; its items)."""
    items_field = OPERATIONS[operation].items_field
    options = request.model_dump(mode="json", exclude_unset=True, exclude={items_field})
    return options, list(getattr(request, items_field))


def resource_type(options: dict[str, Any]) -> str | None:
    value = options.get("resource_type")
    return str(value) if value is not None else None


def oversized_items(operation: str, items: list[Any]) -> list[int]:
    """Positions of the items a write would refuse as too large (an item 422 in the synchronous route; a job refuses
    them when submitted, since its items are stored)."""
    if not OPERATIONS[operation].writes:
        return []
    sizes = (len(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode()) for item in items)
    return [index for index, size in enumerate(sizes) if size > MAX_ITEM_BYTES]


def check(operation: str, options: dict[str, Any], caller: Membership) -> None:
    """The route's request-level checks: an unsupported resource type or unknown fields (400), a role that may never
    do this operation (403); raised as the route raises them."""
    OPERATIONS[operation].check(options, caller)


def run(
    operation: str, options: dict[str, Any], items: list[Any], caller: Membership, deadline: Deadline, today: date
) -> ChunkAnswer:
    """One chunk through the route's service: the route's answer, one result per item, in order."""
    operation_spec = OPERATIONS[operation]
    body = operation_spec.request_model.model_validate({**options, operation_spec.items_field: items})
    return serialized(operation_spec.run(body, caller, deadline, today))


def serialized(answer: Any) -> ChunkAnswer:
    """A service's answer as stored: a response model (serialized here), or an answer that carries the route's body
    already serialized (``BatchAnswer``: taken as it is, not parsed and serialized again)."""
    body = answer.model_dump_json(include={"results"}).encode() if isinstance(answer, BaseModel) else answer.body
    return ChunkAnswer(body, answer.total_requested, answer.total_succeeded)


def answered(results: list[dict[str, Any]]) -> ChunkAnswer:
    """Results made here (cancelled, forbidden, dead-lettered items) or by a response model, as stored."""
    succeeded = sum(1 for result in results if result.get("status") == "success")
    document = json.dumps({"results": results}, separators=(",", ":"), ensure_ascii=False).encode()
    return ChunkAnswer(document, len(results), succeeded)


def echo(item: Any) -> str:
    """The id an item is answered with, as sent: an id itself, or an object's ``id`` (else empty)."""
    raw = item.get("id") if isinstance(item, dict) else item
    return raw[:128] if isinstance(raw, str) else ""


def failure(item: Any, status_code: int, error_code: str, message: str, retryable: bool) -> dict[str, Any]:
    """An item answered without running it (cancelled, dead-lettered, its creator's role gone), as the routes'
    error items are."""
    error = ItemError(id=echo(item), status_code=status_code, error=message, error_code=error_code, retryable=retryable)
    return error.model_dump(mode="json")


def unavailable(item: Any) -> dict[str, Any]:
    gone = ItemFailure.unavailable()
    return failure(item, gone.status_code, gone.error_code, gone.message, gone.retryable)
