"""The readable resource types besides activities in the in-process benchmarks (``bench.round_trips``,
``bench.warm``): 100 more Sunrise children, in the classroom without children, with histories of up to eight
activities in the last 30 days over the visible catalog, for batch GETs of ``child_progress`` (and of the same
children, the baseline)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

PROGRESS_CHILDREN = 100


def seed_children(activity_ids: list[str], count: int = PROGRESS_CHILDREN) -> list[str]:
    """Write ``count`` children of Sunrise's third classroom and their histories (dated up to 30 days before
    today, the day the benchmark's events are stamped with); their ids."""
    from early_learning.store import children, history
    from local.demo import ids
    from local.demo.children import generate_children, generate_history

    today = datetime.now(UTC).date()
    kids = generate_children(ids.SUNRISE, ids.SUNRISE_C, count, today=today)
    children.save(kids)
    history.save(generate_history(kids, sorted(activity_ids), today=today))
    share_clients()
    return [kid.id for kid in kids]


def share_clients() -> None:
    """Make the next read of each table model share the function's one botocore client, as in a Lambda environment.

    Seeding writes through PynamoDB (``save``), which gives a model a client of its own when it has none yet; a
    read then keeps using that client, without what ``store.base._client_of`` installs on the shared one (the
    items kept as sent: ``store.wire``), and the read path's own work would be measured with botocore's parse of
    every item. Dropping the models' connections makes the next read go through ``_client_of``, as a function's
    first read does."""
    from early_learning.store import activities, children, classrooms, coaching, history, memberships

    for model in (
        activities.ActivityRecord,
        children.ChildRecord,
        history.HistoryRecord,
        memberships.MembershipRecord,
        classrooms.ClassroomRecord,
        coaching.CoachingSessionRecord,
    ):
        model._connection = None


def batch_get_event(resource_type: str, keys: list[str]) -> dict[str, Any]:
    """``POST /api/v1/batch/get`` of ``keys`` as Sunrise's admin."""
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    return load_event("batch_get.json", body={"resource_type": resource_type, "ids": keys}, sub=ADMIN_SUNRISE_SUB)
