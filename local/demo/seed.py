"""`make run`'s demo data written to the emulator's tables through the layer's store, one step per kind of data
(``SEED_STEPS``); the layer's environment must point at the emulator before a step runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from pydantic import BaseModel

from local.demo.catalog import generate_activities
from local.demo.children import demo_children
from local.demo.core import CORE_ACTIVITIES, CORE_CHILDREN, CORE_HISTORY, CORE_MEMBERSHIPS
from local.demo.staff import CORE_CLASSROOMS, CORE_COACHING_SESSIONS, demo_completions
from local.demo.users import DEMO_USERS

CHILDREN_PER_CLASSROOM = 20
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SeedContext:
    """What the seeding steps know: the Cognito ``sub`` of every demo user, by username."""

    subs: Mapping[str, str]


SeedStep = Callable[[SeedContext], int]
"""Writes one kind of demo data and returns how many items it wrote."""


def written_now(records: Sequence[M]) -> list[M]:
    """The demo records as a first write leaves them: version 1, ``updated_at`` the time of the seed."""
    now = datetime.now(UTC)
    return [record.model_copy(update={"version": 1, "updated_at": now}) for record in records]


def seed_activities(_: SeedContext) -> int:
    from early_learning.store import activities

    everything = written_now([*CORE_ACTIVITIES, *generate_activities()])
    activities.save(everything)
    return len(everything)


def seed_memberships(context: SeedContext) -> int:
    from early_learning.store import memberships

    everything = [
        *CORE_MEMBERSHIPS,
        *(user.membership(context.subs[user.username]) for user in DEMO_USERS if user.username in context.subs),
    ]
    memberships.save(everything)
    return len(everything)


def seed_children(_: SeedContext, *, per_classroom: int = CHILDREN_PER_CLASSROOM, today: date | None = None) -> int:
    """The core children and their histories, and ``per_classroom`` generated children per classroom with histories
    over the demo catalog (ages at ``today``, default the real date)."""
    from early_learning.store import children, history

    catalog = [*CORE_ACTIVITIES, *generate_activities()]
    generated, generated_history = demo_children(per_classroom, catalog, today=today or date.today())
    all_children = written_now([*CORE_CHILDREN, *generated])
    all_history = {**CORE_HISTORY, **generated_history}
    children.save(all_children)
    history.save(all_history)
    return len(all_children) + len(all_history)


def seed_classrooms(_: SeedContext) -> int:
    from early_learning.store import classrooms

    classrooms.save(CORE_CLASSROOMS)
    return len(CORE_CLASSROOMS)


def seed_coaching_sessions(_: SeedContext) -> int:
    from early_learning.store import coaching

    coaching.save(CORE_COACHING_SESSIONS)
    return len(CORE_COACHING_SESSIONS)


def seed_completions(_: SeedContext, *, today: date | None = None) -> int:
    """A few completions of the core children in the days before ``today`` (default the real date), recorded as the
    API records them (each with its child's history, in one transaction): their progress then shows them."""
    from early_learning.envelope import Deadline
    from early_learning.store import completions, writes

    done = demo_completions(today or date.today())
    results = writes.write_each(
        [writes.ItemWrite(c.id, completions.completion_write(c)) for c in done], Deadline(remaining_ms=60_000)
    )
    return sum(1 for result in results.values() if result.status == "written")


SEED_STEPS: list[tuple[str, SeedStep]] = [
    ("activities", seed_activities),
    ("memberships", seed_memberships),
    ("children", seed_children),
    ("classrooms", seed_classrooms),
    ("coaching_sessions", seed_coaching_sessions),
    ("completions", seed_completions),
]
"""The demo data, one step per kind: add a step here when a new table needs demo data."""


def seed_demo(context: SeedContext, steps: Sequence[tuple[str, SeedStep]] | None = None) -> dict[str, int]:
    """Run every seeding step (batch writes through the layer's store); returns items written per step."""
    return {name: step(context) for name, step in (SEED_STEPS if steps is None else steps)}
