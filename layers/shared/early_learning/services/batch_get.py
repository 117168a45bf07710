"""POST /api/v1/batch/get: many resources of one type by id, with field selection and per-item authorization."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from early_learning.api_models import BatchGetRequest, BatchGetResponse
from early_learning.domain import (
    ACTIVITY_FIELDS,
    CHILD_FIELDS,
    Activity,
    CorruptRecord,
    Membership,
    UnsupportedResourceType,
)
from early_learning.envelope import Deadline, ItemFailure, json_size, run_batch
from early_learning.observability import logger, record_batch
from early_learning.services.fields import parse_fields
from early_learning.settings import get_settings
from early_learning.store import activities, children
from early_learning.store.base import BatchRead, counting_calls


@dataclass(frozen=True)
class BatchResource:
    """What batch GET needs to know of one resource type."""

    label: str
    fields: tuple[str, ...]
    read: Callable[[Iterable[str], Deadline, Iterable[str] | None], BatchRead]
    visible: Callable[[Membership, Mapping[str, Any]], bool]
    present: Callable[[dict[str, Any]], dict[str, Any]]
    """The full API representation of a stored item (used when no ``fields`` are given)."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Values of optional fields a stored item may lack, so that a selected field has its full-representation value
    (e.g. ``[]`` rather than null for an absent list)."""


def json_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON form of the defaults of a domain model's optional fields."""
    return {
        name: to_jsonable_python(info.get_default(call_default_factory=True))
        for name, info in model.model_fields.items()
        if not info.is_required()
    }


RESOURCES: dict[str, BatchResource] = {
    "activities": BatchResource(
        label="Activity",
        fields=ACTIVITY_FIELDS,
        read=activities.read_many,
        visible=lambda caller, item: caller.can_read_activity(str(item.get("org_id"))),
        present=lambda item: activities.to_domain(item).model_dump(mode="json"),
        defaults=json_defaults(Activity),
    ),
    "children": BatchResource(
        label="Child",
        fields=CHILD_FIELDS,
        read=children.read_many,
        visible=lambda caller, item: caller.can_read_child(
            str(item.get("org_id")), str(item.get("classroom_id")), str(item.get("id"))
        ),
        present=lambda item: children.to_domain(item).model_dump(mode="json"),
    ),
}


def resource_for(resource_type: str) -> BatchResource:
    try:
        return RESOURCES[resource_type]
    except KeyError:
        raise UnsupportedResourceType(
            f"Unsupported resource_type '{resource_type}'. Supported: {', '.join(sorted(RESOURCES))}"
        ) from None


def _presented(resource: BatchResource, item: dict[str, Any]) -> dict[str, Any] | ItemFailure:
    """The full representation of a stored item, or item 500 when it does not validate (logged by id only)."""
    try:
        return resource.present(item)
    except CorruptRecord as exc:
        logger.error("Corrupt record answered 500", extra={"kind": exc.kind, "id": exc.record_id, "fields": exc.fields})
        return ItemFailure.internal_error()


def batch_get(request: BatchGetRequest, caller: Membership, deadline: Deadline) -> BatchGetResponse:
    resource = resource_for(request.resource_type)
    wanted = parse_fields(request.fields, resource.fields)

    def resolve(keys: list[str]) -> dict[str, dict[str, Any] | ItemFailure]:
        read = resource.read(keys, deadline, wanted)
        outcomes: dict[str, dict[str, Any] | ItemFailure] = {}
        for key in keys:
            item = read.items.get(key)
            if key in read.unfinished:
                continue  # answered 503 unavailable, retryable
            if key in read.corrupt:
                outcomes[key] = ItemFailure.internal_error()  # the store logged its id
            elif item is None or not resource.visible(caller, item):
                outcomes[key] = ItemFailure.not_found(resource.label, key)
            elif wanted is None:
                outcomes[key] = _presented(resource, item)
            else:
                outcomes[key] = {
                    name: item[name] if item.get(name) is not None else resource.defaults.get(name) for name in wanted
                }
        return outcomes

    with counting_calls() as calls:
        results = run_batch(request.ids, resolve, size_of=json_size, size_budget=get_settings().response_limit_bytes)
    response: BatchGetResponse = BatchGetResponse.of(results, resource_type=request.resource_type)
    record_batch(f"batch_get.{request.resource_type}", response.total_requested, response.total_succeeded, len(calls))
    return response
