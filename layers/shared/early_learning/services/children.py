"""GET /api/v1/children: the children the caller may see, page by page (DESIGN 3.3 and 4).

An admin lists its organization (GSI ``by_org``), an educator its classrooms one after another (GSI
``by_classroom``, partitioned by ``org_id#classroom_id``), a guardian its own children (BatchGetItem of the ids in
its membership). The partitions come from the caller's membership, never from the cursor (``cursors``).
"""

from __future__ import annotations

from early_learning.api_models import Page
from early_learning.domain import Child, Membership, Role, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.services import cursors
from early_learning.store import children
from early_learning.store.errors import skipping_corrupt

_PARTITION_ATTRIBUTE = {"by_org": "org_id", "by_classroom": "org_classroom"}


def list_children(caller: Membership, limit: int, cursor: str | None, deadline: Deadline) -> Page[Child]:
    if caller.role is Role.GUARDIAN:
        return _own_children(caller, limit, cursor, deadline)
    index: children.ListIndex = "by_org" if caller.role is Role.ADMIN else "by_classroom"
    partitions = (
        [caller.org_id]
        if caller.role is Role.ADMIN
        else [children.org_classroom(caller.org_id, classroom) for classroom in sorted(caller.classroom_ids)]
    )
    position = cursors.decode(cursor, partitions, _PARTITION_ATTRIBUTE[index]) if cursor else (0, None)
    items, next_position = children.list_page(index, partitions, limit, position)
    # Defence in depth: the partitions are the caller's own, so every child read is one it may see.
    visible = [child for child in items if caller.can_read_child(child.org_id, child.classroom_id, child.id)]
    return Page[Child](items=visible, next_cursor=cursors.encode(next_position) if next_position else None)


def _own_children(caller: Membership, limit: int, cursor: str | None, deadline: Deadline) -> Page[Child]:
    """A guardian's children, by id order; the cursor is the position in that list."""
    child_ids = sorted(caller.child_ids)
    start = cursors.decode(cursor, child_ids, None)[0] if cursor else 0
    page_ids = child_ids[start : start + limit]
    read = children.read_many(page_ids, deadline)
    if read.unfinished:
        raise StoreUnavailable("The children could not be read in time; retry the request")
    found = skipping_corrupt(children.to_domain, (read.items[i] for i in page_ids if i in read.items))
    items = [child for child in found if caller.can_read_child(child.org_id, child.classroom_id, child.id)]
    end = start + len(page_ids)
    return Page[Child](items=items, next_cursor=cursors.encode((end, None)) if end < len(child_ids) else None)
