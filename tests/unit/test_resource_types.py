"""The pure parts of the readable resource types (DESIGN 3.12, 4): the declared types and the request model's enum,
the permission rules of classrooms and coaching sessions, a child's progress from its entries, and what a stored
history keeps so that a progress period is never cut short by the recommendations' trims."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from early_learning.api_models import READABLE_RESOURCE_TYPES, BatchGetRequest
from early_learning.domain import ActivityType, HistoryEntry, Membership, Role
from early_learning.services.batch_get import RESOURCES
from early_learning.services.progress import period_start, progress
from early_learning.store.history import (
    HISTORY_CAP,
    MAX_ENTRIES,
    RETAINED_DAYS,
    RETAINED_MAX,
    TRIM_AT,
    _worth_trimming,
    retained,
)

TODAY = date(2026, 2, 16)
T = ActivityType


def test_the_documented_types_are_the_declared_ones() -> None:
    assert tuple(RESOURCES) == READABLE_RESOURCE_TYPES
    schema = BatchGetRequest.model_json_schema()["properties"]["resource_type"]
    assert schema["enum"] == list(RESOURCES)


ADMIN = Membership(sub="a", org_id="org", role=Role.ADMIN)
EDUCATOR = Membership(sub="e", org_id="org", role=Role.EDUCATOR, classroom_ids=frozenset({"room-1"}))
GUARDIAN = Membership(sub="g", org_id="org", role=Role.GUARDIAN, child_ids=frozenset({"kid"}))


@pytest.mark.parametrize(
    ("caller", "org_id", "classroom_id", "expected"),
    [
        (ADMIN, "org", "room-9", True),
        (ADMIN, "other", "room-1", False),
        (EDUCATOR, "org", "room-1", True),
        (EDUCATOR, "org", "room-2", False),
        (EDUCATOR, "other", "room-1", False),
        (GUARDIAN, "org", "room-1", False),  # its children's classrooms not derived: none
        (GUARDIAN.model_copy(update={"children_classroom_ids": frozenset({"room-1"})}), "org", "room-1", True),
        (GUARDIAN.model_copy(update={"children_classroom_ids": frozenset({"room-1"})}), "other", "room-1", False),
    ],
)
def test_who_may_read_a_classroom(caller: Membership, org_id: str, classroom_id: str, expected: bool) -> None:
    assert caller.can_read_classroom(org_id, classroom_id) is expected


@pytest.mark.parametrize(
    ("caller", "org_id", "educator_sub", "expected"),
    [
        (ADMIN, "org", "anyone", True),
        (ADMIN, "other", "anyone", False),
        (EDUCATOR, "org", "e", True),
        (EDUCATOR, "org", "someone-else", False),
        (EDUCATOR, "other", "e", False),
        (GUARDIAN, "org", "g", False),
    ],
)
def test_who_may_read_a_coaching_session(caller: Membership, org_id: str, educator_sub: str, expected: bool) -> None:
    assert caller.can_read_coaching_session(org_id, educator_sub) is expected


def test_a_derived_reach_is_never_serialized() -> None:
    derived = GUARDIAN.model_copy(update={"children_classroom_ids": frozenset({"room-1"})})
    assert "children_classroom_ids" not in derived.model_dump()
    assert Membership.model_validate_json(derived.model_dump_json()) == GUARDIAN


def entry(activity_id: str, days_ago: int) -> HistoryEntry:
    return HistoryEntry(activity_id=activity_id, done_on=TODAY - timedelta(days=days_ago))


def test_progress_counts_the_period_per_type_and_suggests_the_least_practiced() -> None:
    types = {"a": T.MOTOR, "b": T.LANGUAGE, "c": T.MOTOR}
    entries = [entry("a", 0), entry("b", 29), entry("c", 5), entry("a", 30), entry("gone", 2), entry("b", -3)]
    found = progress("kid", entries, types, TODAY)
    assert found == {
        "id": "kid",
        "child_id": "kid",
        "period_days": 30,
        "activities_done": 4,  # today, 29 and 5 days ago, and the activity no longer in the catalog
        "by_domain": {"cognitive": 0, "motor": 2, "language": 1, "social_emotional": 0, "creative": 0, "sensory": 0},
        "last_done_on": "2026-02-16",  # the entry dated later is not done yet
        "suggested_focus": ["cognitive", "social_emotional", "creative", "sensory"],
    }
    assert period_start(TODAY) == date(2026, 1, 18)


def test_progress_of_a_child_that_did_everything_alike_suggests_every_type() -> None:
    types = {kind.value: kind for kind in T}
    found = progress("kid", [entry(kind.value, 1) for kind in T], types, TODAY)
    assert found["suggested_focus"] == [kind.value for kind in T]
    old = progress("kid", [entry("x", 100)], types, TODAY)
    assert (old["activities_done"], old["last_done_on"]) == (0, "2025-11-08")


def test_a_stored_history_keeps_the_newest_and_the_whole_retained_period() -> None:
    # Fifty entries in the last 30 days and fifty older: all of the period stays, not only the newest 20
    recent = [entry(f"r{i:02}", i % 30) for i in range(50)]
    older = [entry(f"o{i:02}", 40 + i) for i in range(50)]
    kept = retained([*older, *recent], TODAY)
    assert sorted(kept, key=lambda e: e.activity_id) == sorted(recent, key=lambda e: e.activity_id)
    # Old entries only: the newest MAX_ENTRIES, newest first
    only_old = retained(older, TODAY)
    assert only_old == sorted(older, key=lambda e: (e.done_on, e.activity_id), reverse=True)[:MAX_ENTRIES]
    # A period busier than RETAINED_MAX keeps its newest RETAINED_MAX
    busy = [entry(f"b{i:03}", i % RETAINED_DAYS) for i in range(RETAINED_MAX + 30)]
    assert len(retained(busy, TODAY)) == RETAINED_MAX


def test_a_trim_writes_only_when_it_pays_and_always_leaves_room() -> None:
    slack = TRIM_AT - MAX_ENTRIES
    assert not _worth_trimming(TRIM_AT, MAX_ENTRIES)  # not longer than TRIM_AT: as before
    assert _worth_trimming(TRIM_AT + 1, MAX_ENTRIES)  # drops 21
    assert not _worth_trimming(TRIM_AT + 10, TRIM_AT)  # drops 10 of a busy period: not worth a write yet
    assert not _worth_trimming(100, 100)  # a period that keeps everything: nothing to drop
    assert _worth_trimming(HISTORY_CAP - slack + 1, HISTORY_CAP - slack)  # near the cap: any drop
    # And what a trim keeps leaves room for 2 * slack completions under the cap
    assert RETAINED_MAX + 2 * slack == HISTORY_CAP
