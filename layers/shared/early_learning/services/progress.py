"""``child_progress`` (DESIGN 3.12): what each child did in the last ``PROGRESS_PERIOD_DAYS``, computed from its
history (every completion is recorded into it, in the completion's own transaction) and the activity types of the
caller's catalog, in a constant number of DynamoDB round trips whatever the batch's size: one BatchGetItem of the
children (the permission check: a child's progress is readable as the child is), one of the histories of those the
caller may read, and the catalog, which the warm function keeps (two Queries when it is cold). No Query per child.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from early_learning.domain import (
    PROGRESS_PERIOD_DAYS,
    Activity,
    ActivityType,
    ChildProgress,
    HistoryEntry,
    Membership,
    StoreUnavailable,
)
from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.store import activities, children, history
from early_learning.store.base import BatchRead

TYPES_VIEW = "activity_types"
"""The key of the catalog view ``activity id -> type`` (``activities.catalog_view``)."""


def read_many(keys: Iterable[str], caller: Membership, deadline: Deadline, today: date) -> BatchRead:
    """The progress of each child of ``keys`` that ``caller`` may read, as of ``today`` (the request's day), by child
    id, each with the child's permission attributes (``org_id``, ``classroom_id``); the children it may not read are
    left out (404, as missing), those not read in time are ``unfinished`` (503), a corrupt child or history is
    ``corrupt`` (500)."""
    kids = children.read_many(keys, deadline, children.PERMISSION_ATTRIBUTES)
    found = BatchRead(unfinished=set(kids.unfinished), corrupt=set(kids.corrupt))
    readable = {
        key: item
        for key, item in kids.items.items()
        if caller.can_read_child(str(item.get("org_id")), str(item.get("classroom_id")), key)
    }
    if not readable:
        return found
    try:
        histories = history.read_since(list(readable), deadline, period_start(today))
        types = activities.catalog_view(caller.org_id, TYPES_VIEW, _types_by_id, deadline)
    except StoreUnavailable:
        logger.warning("Catalog unavailable; the children's progress is answered 503", extra={"org": caller.org_id})
        found.unfinished.update(readable)
        return found
    found.unfinished |= histories.unfinished
    found.corrupt |= histories.corrupt  # logged by id in history.read_since
    for key, child in readable.items():
        if key not in histories.unfinished and key not in histories.corrupt:
            entries = histories.entries.get(key, ())
            found.items[key] = {
                **progress(key, entries, types, today),
                "org_id": child["org_id"],
                "classroom_id": child["classroom_id"],
            }
    return found


def to_domain(values: dict[str, Any]) -> ChildProgress:
    """The full representation of a computed progress (its permission attributes dropped)."""
    return ChildProgress.model_validate(values)


def _types_by_id(catalog: tuple[Activity, ...]) -> dict[str, ActivityType]:
    return {activity.id: activity.activity_type for activity in catalog}


def period_start(today: date) -> date:
    """The first day of the period that ends on ``today`` (included)."""
    return today - timedelta(days=PROGRESS_PERIOD_DAYS - 1)


def progress(
    child_id: str, entries: Iterable[HistoryEntry], types: Mapping[str, ActivityType], today: date
) -> dict[str, Any]:
    """A ``ChildProgress`` as JSON values: the entries done from ``period_start(today)`` to ``today``, counted in all
    and per activity type (an activity no longer in the catalog counts in ``activities_done`` only); the last day of
    any entry up to ``today``; the types with the lowest count, in ``ActivityType`` order. Entries dated after
    ``today`` are not done yet, as of ``today``."""
    start = period_start(today)
    counts = dict.fromkeys(ActivityType, 0)
    done = 0
    last: date | None = None
    for entry in entries:
        if entry.done_on > today:
            continue
        if last is None or entry.done_on > last:
            last = entry.done_on
        if entry.done_on >= start:
            done += 1
            kind = types.get(entry.activity_id)
            if kind is not None:
                counts[kind] += 1
    lowest = min(counts.values())
    return {
        "id": child_id,
        "child_id": child_id,
        "period_days": PROGRESS_PERIOD_DAYS,
        "activities_done": done,
        "by_domain": {kind.value: count for kind, count in counts.items()},
        "last_done_on": last.isoformat() if last is not None else None,
        "suggested_focus": [kind.value for kind, count in counts.items() if count == lowest],
    }
