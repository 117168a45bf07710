"""The individual activity routes: one activity by id, and the caller's visible catalog page by page."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from early_learning.api_models import Page
from early_learning.domain import Activity, InvalidCursor, InvalidId, Membership, NotFound
from early_learning.envelope import canonical_uuid
from early_learning.store import activities


def get_activity(activity_id: str, caller: Membership) -> Activity:
    """The activity, or NotFound when it is missing or belongs to another organization (same answer)."""
    key = canonical_uuid(activity_id)
    if key is None:
        raise InvalidId("Invalid id: expected a UUID such as 123e4567-e89b-12d3-a456-426614174000")
    activity = activities.read_one(key)
    if activity is None or not caller.can_read_activity(activity.org_id):
        raise NotFound(f"Activity with id {activity_id[:64]} not found")
    return activity


def list_activities(caller: Membership, limit: int, cursor: str | None) -> Page[Activity]:
    org_ids = activities.visible_org_ids(caller.org_id)
    position = decode_cursor(cursor, org_ids) if cursor else (0, None)
    items, next_position = activities.list_page(org_ids, limit, position)
    return Page[Activity](items=items, next_cursor=encode_cursor(next_position) if next_position else None)


def encode_cursor(position: tuple[int, dict[str, Any] | None]) -> str:
    raw = json.dumps({"p": position[0], "k": position[1]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, org_ids: list[str]) -> tuple[int, dict[str, Any] | None]:
    """Parse and check a cursor, so that a forged one can neither fail the query nor reach another partition."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        index, key = decoded["p"], decoded["k"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise InvalidCursor("The cursor is not one this API returned") from None
    if not isinstance(index, int) or not 0 <= index < len(org_ids):
        raise InvalidCursor("The cursor is not one this API returned")
    if key is not None and not _is_key_of(key, org_ids[index]):
        raise InvalidCursor("The cursor is not one this API returned")
    return index, key


def _is_key_of(key: Any, org_id: str) -> bool:
    return (
        isinstance(key, dict)
        and set(key) == {"id", "org_id"}
        and key["org_id"] == {"S": org_id}
        and isinstance(key["id"], dict)
        and set(key["id"]) == {"S"}
        and isinstance(key["id"]["S"], str)
        and key["id"]["S"] != ""  # DynamoDB rejects an empty key value (a 500, not a 400)
    )
