"""GET /api/v1/children: the children the caller may see, page by page (DESIGN 3.3 and 4).

An admin lists its organization (GSI ``by_org``), an educator its classrooms one after another (GSI
``by_classroom``), a guardian its own children (BatchGetItem of the ids in its membership). The partitions come from
the caller's membership, never from the cursor, so a forged cursor cannot reach another organization's children.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from early_learning.api_models import Page
from early_learning.domain import Child, InvalidCursor, Membership, Role, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.services.activities import encode_cursor
from early_learning.store import children

_PARTITION_ATTRIBUTE = {"by_org": "org_id", "by_classroom": "classroom_id"}


def list_children(caller: Membership, limit: int, cursor: str | None, deadline: Deadline) -> Page[Child]:
    if caller.role is Role.GUARDIAN:
        return _own_children(caller, limit, cursor, deadline)
    index: children.ListIndex = "by_org" if caller.role is Role.ADMIN else "by_classroom"
    partitions = [caller.org_id] if caller.role is Role.ADMIN else sorted(caller.classroom_ids)
    position = decode_cursor(cursor, partitions, _PARTITION_ATTRIBUTE[index]) if cursor else (0, None)
    items, next_position = children.list_page(index, partitions, limit, position)
    # Defence in depth: a classroom id is only meaningful inside the educator's organization.
    visible = [child for child in items if caller.can_read_child(child.org_id, child.classroom_id, child.id)]
    return Page[Child](items=visible, next_cursor=encode_cursor(next_position) if next_position else None)


def _own_children(caller: Membership, limit: int, cursor: str | None, deadline: Deadline) -> Page[Child]:
    """A guardian's children, by id order; the cursor is the position in that list."""
    child_ids = sorted(caller.child_ids)
    start = decode_cursor(cursor, child_ids, None)[0] if cursor else 0
    page_ids = child_ids[start : start + limit]
    read = children.read_many(page_ids, deadline)
    if read.unfinished:
        raise StoreUnavailable("The children could not be read in time; retry the request")
    found = (children.to_domain(read.items[child_id]) for child_id in page_ids if child_id in read.items)
    items = [child for child in found if caller.can_read_child(child.org_id, child.classroom_id, child.id)]
    end = start + len(page_ids)
    return Page[Child](items=items, next_cursor=encode_cursor((end, None)) if end < len(child_ids) else None)


def decode_cursor(
    cursor: str, partitions: list[str], partition_attribute: str | None
) -> tuple[int, dict[str, Any] | None]:
    """Parse and check a cursor of this listing: its position must be one of the caller's own partitions, and its
    key (a GSI LastEvaluatedKey, or none for a guardian's list) must belong to that partition."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        index, key = decoded["p"], decoded["k"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise InvalidCursor("The cursor is not one this API returned") from None
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(partitions):
        raise InvalidCursor("The cursor is not one this API returned")
    if key is not None and (partition_attribute is None or not _is_key_of(key, partition_attribute, partitions[index])):
        raise InvalidCursor("The cursor is not one this API returned")
    return index, key


def _is_key_of(key: Any, partition_attribute: str, partition: str) -> bool:
    return (
        isinstance(key, dict)
        and set(key) == {"id", partition_attribute}
        and key[partition_attribute] == {"S": partition}
        and isinstance(key["id"], dict)
        and set(key["id"]) == {"S"}
        and isinstance(key["id"]["S"], str)
        and key["id"]["S"] != ""  # DynamoDB rejects an empty key value (a 500, not a 400)
    )
