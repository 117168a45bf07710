"""POST /api/v1/batch/get: many resources of one type by id, with field selection and per-item authorization.

``batch_get`` answers a ``BatchAnswer`` (``envelope.answer_batch``): the per-item results as plain data, and the
response body, serialized once, that the route returns as it is (a ``BatchGetResponse``'s JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from early_learning.api_models import BatchGetRequest
from early_learning.domain import (
    ACTIVITY_FIELDS,
    CHILD_FIELDS,
    CHILD_PROGRESS_FIELDS,
    CLASSROOM_FIELDS,
    COACHING_SESSION_FIELDS,
    Activity,
    CoachingSession,
    CorruptRecord,
    Membership,
    UnsupportedResourceType,
)
from early_learning.envelope import BatchAnswer, Deadline, ItemFailure, answer_batch
from early_learning.observability import logger, record_batch
from early_learning.services import progress
from early_learning.services.fields import parse_fields
from early_learning.settings import get_settings
from early_learning.store import activities, children, classrooms, coaching
from early_learning.store.base import BatchRead, counting_calls


# A NamedTuple, not a frozen dataclass: a fourth of the cost to define at each cold start (README, "Performance").
class ReadScope(NamedTuple):
    """What a read may use besides the keys: the caller (as its resource's permission rule sees it), the request's
    deadline and day, and the fields asked for (None: all)."""

    caller: Membership
    deadline: Deadline
    today: date
    attributes: tuple[str, ...] | None


@dataclass(frozen=True)
class BatchResource:
    """What batch GET needs to know of one resource type."""

    label: str
    fields: tuple[str, ...]
    read: Callable[[list[str], ReadScope], BatchRead]
    """The stored (or computed) items by key, with the attributes ``visible`` needs whatever the fields asked."""
    visible: Callable[[Membership, Mapping[str, Any]], bool]
    present: Callable[[dict[str, Any]], BaseModel]
    """The full API representation of a stored item (used when no ``fields`` are given): its domain model, which
    the envelope's one serialization turns into its JSON."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Values of optional fields a stored item may lack, so that a selected field has its full-representation value
    (e.g. ``[]`` rather than null for an absent list)."""
    caller_view: Callable[[Membership, Deadline], Membership] | None = None
    """What the permission rule needs to know of the caller beyond its membership, read once per batch (a
    guardian's children's classrooms); None: the membership alone."""


def by_id(read: Callable[[Iterable[str], Deadline, Iterable[str] | None], BatchRead]) -> Callable[..., BatchRead]:
    """A table read by id alone, whose items ``visible`` then checks one by one."""
    return lambda keys, scope: read(keys, scope.deadline, scope.attributes)


def in_callers_org(
    read: Callable[[str, Iterable[str], Deadline, Iterable[str] | None], BatchRead],
) -> Callable[..., BatchRead]:
    """A table keyed by organization, then id, read in the caller's organization only."""
    return lambda keys, scope: read(scope.caller.org_id, keys, scope.deadline, scope.attributes)


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
        read=by_id(activities.read_many),
        visible=lambda caller, item: caller.can_read_activity(str(item.get("org_id"))),
        present=activities.to_domain,
        defaults=json_defaults(Activity),
    ),
    "children": BatchResource(
        label="Child",
        fields=CHILD_FIELDS,
        read=by_id(children.read_many),
        visible=lambda caller, item: caller.can_read_child(
            str(item.get("org_id")), str(item.get("classroom_id")), str(item.get("id"))
        ),
        present=children.to_domain,
    ),
    "classrooms": BatchResource(
        label="Classroom",
        fields=CLASSROOM_FIELDS,
        read=in_callers_org(classrooms.read_many),
        visible=lambda caller, item: caller.can_read_classroom(str(item.get("org_id")), str(item.get("id"))),
        present=classrooms.to_domain,
        caller_view=classrooms.with_children_classrooms,
    ),
    "coaching_sessions": BatchResource(
        label="Coaching session",
        fields=COACHING_SESSION_FIELDS,
        read=in_callers_org(coaching.read_many),
        visible=lambda caller, item: caller.can_read_coaching_session(
            str(item.get("org_id")), str(item.get("educator_sub"))
        ),
        present=coaching.to_domain,
        defaults=json_defaults(CoachingSession),
    ),
    "child_progress": BatchResource(
        label="Child progress",
        fields=CHILD_PROGRESS_FIELDS,
        read=lambda keys, scope: progress.read_many(keys, scope.caller, scope.deadline, scope.today),
        visible=lambda caller, item: caller.can_read_child(
            str(item.get("org_id")), str(item.get("classroom_id")), str(item.get("id"))
        ),
        present=progress.to_domain,
    ),
}


def resource_for(resource_type: str) -> BatchResource:
    try:
        return RESOURCES[resource_type]
    except KeyError:
        raise UnsupportedResourceType(
            f"Unsupported resource_type '{resource_type}'. Supported: {', '.join(sorted(RESOURCES))}"
        ) from None


def _presented(resource: BatchResource, item: dict[str, Any]) -> BaseModel | ItemFailure:
    """The full representation of a stored item, or item 500 when it does not validate (logged by id only)."""
    try:
        return resource.present(item)
    except CorruptRecord as exc:
        logger.error("Corrupt record answered 500", extra={"kind": exc.kind, "id": exc.record_id, "fields": exc.fields})
        return ItemFailure.internal_error()


def batch_get(request: BatchGetRequest, caller: Membership, deadline: Deadline, today: date) -> BatchAnswer:
    """One result per requested id, in order (DESIGN 3.1): ``results`` (plain data; ``jsonable_results()`` as JSON
    values) and ``body``, the ``BatchGetResponse`` JSON the route answers. ``today`` is the request's day (what
    "the last 30 days" of a child's progress end on)."""
    resource = resource_for(request.resource_type)
    wanted = parse_fields(request.fields, resource.fields)

    def resolve(keys: list[str]) -> dict[str, Any]:
        viewer = resource.caller_view(caller, deadline) if resource.caller_view is not None else caller
        read = resource.read(keys, ReadScope(viewer, deadline, today, wanted))
        outcomes: dict[str, Any] = {}
        for key in keys:
            item = read.items.get(key)
            if key in read.unfinished:
                continue  # answered 503 unavailable, retryable
            if key in read.corrupt:
                outcomes[key] = ItemFailure.internal_error()  # the store logged its id
            elif item is None or not resource.visible(viewer, item):
                outcomes[key] = ItemFailure.not_found(resource.label, key)
            elif wanted is None:
                outcomes[key] = _presented(resource, item)
            else:
                outcomes[key] = {
                    name: item[name] if item.get(name) is not None else resource.defaults.get(name) for name in wanted
                }
        return outcomes

    with counting_calls() as calls:
        answer = answer_batch(
            request.ids,
            resolve,
            size_budget=get_settings().response_limit_bytes,
            resource_type=request.resource_type,
        )
    record_batch(f"batch_get.{request.resource_type}", answer.total_requested, answer.total_succeeded, len(calls))
    return answer
