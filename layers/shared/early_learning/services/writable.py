"""The writable resource types (DESIGN 3.7, 4): one declaration each, what the write use cases (``writes``) need.

Who may do what (DESIGN 4): ``roles`` is the whole-request rule (a role that may never do an operation on a type
gets a 403 problem); ``writable`` the item rule for a resource the caller can see (visible but not writable: item
403); ``visible`` is the read rule (invisible: item 404, the same as missing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from pynamodb.models import Model

from early_learning.domain import PUBLIC_CATALOG, Activity, Child, Membership, Role, UnsupportedResourceType
from early_learning.envelope import Deadline
from early_learning.store import activities, children, completions
from early_learning.store.actions import WriteAction
from early_learning.store.base import BatchRead
from early_learning.store.writes import MAX_TRANSACTION_ACTIONS

Operation = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class WritableResource:
    label: str
    model: type[BaseModel]
    record_class: type[Model]
    roles: Mapping[Operation, frozenset[Role]]
    read: Callable[[Iterable[str], Deadline], BatchRead]
    to_domain: Callable[[dict[str, Any]], Any]
    to_record: Callable[[Any], Model]
    visible: Callable[[Membership, Any], bool]
    writable: Callable[[Membership, Any], str | None] = lambda caller, resource: None
    """Why the caller may not change this visible resource, or None."""
    forbidden_changes: Callable[[Membership, Any, Any], str | None] = lambda caller, before, after: None
    """Why the caller may not make this change (a field its role may not change), or None."""
    erasure: Callable[[str, Deadline, bool], tuple[WriteAction, ...]] = field(default=lambda key, deadline, atomic: ())
    """Actions that go with a delete, in the same transaction (a child's history and completions); the third
    argument says whether the transaction is an atomic batch's, shared with other items."""
    after_delete: Callable[[str, Deadline], object] = field(default=lambda key, deadline: None)
    """What follows a written delete (the sweep of a child's completions that did not fit its transaction)."""


def _activity_writable(caller: Membership, activity: Activity) -> str | None:
    return "the public catalog is read-only" if activity.org_id == PUBLIC_CATALOG else None


def _child_changes(caller: Membership, before: Child, after: Child) -> str | None:
    if caller.role is Role.EDUCATOR and after.classroom_id != before.classroom_id:
        return "an educator cannot move a child to another classroom"
    return None


def _child_erasure(child_id: str, deadline: Deadline, atomic: bool) -> tuple[WriteAction, ...]:
    """The child's history and completions go in the child's delete transaction: as many completions as fit beside
    it (none in an atomic batch, whose transaction is shared: ``after_delete`` sweeps them)."""
    return completions.child_erasure_actions(child_id, deadline, room=1 if atomic else MAX_TRANSACTION_ACTIONS - 1)


STAFF = frozenset({Role.ADMIN, Role.EDUCATOR})
ADMIN = frozenset({Role.ADMIN})

RESOURCES: dict[str, WritableResource] = {
    "activities": WritableResource(
        label="Activity",
        model=Activity,
        record_class=activities.ActivityRecord,
        roles={"create": STAFF, "update": STAFF, "delete": STAFF},
        read=lambda keys, deadline: activities.read_many(keys, deadline),
        to_domain=activities.to_domain,
        to_record=activities.to_record,
        visible=lambda caller, activity: caller.can_read_activity(activity.org_id),
        writable=_activity_writable,
    ),
    "children": WritableResource(
        label="Child",
        model=Child,
        record_class=children.ChildRecord,
        roles={"create": ADMIN, "update": STAFF, "delete": ADMIN},
        read=lambda keys, deadline: children.read_many(keys, deadline),
        to_domain=children.to_domain,
        to_record=children.to_record,
        visible=lambda caller, child: caller.can_read_child(child.org_id, child.classroom_id, child.id),
        forbidden_changes=_child_changes,
        erasure=_child_erasure,
        after_delete=completions.erase_child_data,
    ),
}


def writable_resource(resource_type: str, operation: Operation) -> WritableResource:
    resource = RESOURCES.get(resource_type)
    if resource is None or operation not in resource.roles:
        supported = sorted(name for name, r in RESOURCES.items() if operation in r.roles)
        raise UnsupportedResourceType(
            f"Unsupported resource_type '{resource_type[:64]}' for {operation}. Supported: {', '.join(supported)}"
        )
    return resource


def utc_now() -> datetime:
    return datetime.now(UTC)
