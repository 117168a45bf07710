"""The individual activity routes: one activity by id, and the caller's visible catalog page by page."""

from __future__ import annotations

from early_learning.api_models import Page
from early_learning.domain import Activity, InvalidId, Membership, NotFound
from early_learning.envelope import ItemFailure, canonical_uuid
from early_learning.services import cursors
from early_learning.store import activities


def get_activity(activity_id: str, caller: Membership) -> Activity:
    """The activity, or NotFound when it is missing or belongs to another organization (same answer)."""
    key = canonical_uuid(activity_id)
    if key is None:
        raise InvalidId(ItemFailure.invalid_id().message)
    activity = activities.read_one(key)
    if activity is None or not caller.can_read_activity(activity.org_id):
        raise NotFound(f"Activity with id {activity_id[:64]} not found")
    return activity


def list_activities(caller: Membership, limit: int, cursor: str | None) -> Page[Activity]:
    org_ids = activities.visible_org_ids(caller.org_id)
    position = cursors.decode(cursor, org_ids, "org_id") if cursor else (0, None)
    items, next_position = activities.list_page(org_ids, limit, position)
    return Page[Activity](items=items, next_cursor=cursors.encode(next_position) if next_position else None)
