"""The demo's generated children: a deterministic number of children per classroom (names from ``data/names.json``),
and their recent histories over the activities their organization may see."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from early_learning.domain import PUBLIC_CATALOG, Activity, ActivityType, Child, HistoryEntry
from local.demo.ids import CLASSROOMS, REFERENCE_DATE

NAMES_FILE = Path(__file__).parent / "data" / "names.json"

_NEEDS = ("autism", "speech_delay", "fine_motor_delay", "hearing_impairment", "visual_impairment", "wheelchair_user")
_NAMESPACE = uuid.UUID("c41d0000-0000-4000-8000-000000000000")


@cache
def _names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first and last names the generated children get (made up; still personal data: never logged)."""
    raw = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return tuple(raw["first"]), tuple(raw["last"])


def generated_child_id(classroom_id: str, n: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{classroom_id}/{n}"))


def generate_children(org_id: str, classroom_id: str, count: int, *, today: date = REFERENCE_DATE) -> list[Child]:
    """``count`` children of one classroom, the same for the same arguments: ages 12 to 72 months at ``today``,
    zero to two focus domains, and special needs for about one child in five."""
    rng = random.Random(f"{org_id}/{classroom_id}")
    first_names, last_names = _names()
    types = list(ActivityType)
    children = []
    for n in range(count):
        needs = [rng.choice(_NEEDS)] if rng.random() < 0.2 else []
        children.append(
            Child(
                id=generated_child_id(classroom_id, n),
                org_id=org_id,
                classroom_id=classroom_id,
                name=f"{rng.choice(first_names)} {rng.choice(last_names)}",
                birth_date=today - timedelta(days=rng.randint(365, 6 * 365)),
                focus_domains=rng.sample(types, rng.randint(0, 2)),
                special_needs=needs,
            )
        )
    return children


def generate_history(
    children: Iterable[Child], activity_ids: Sequence[str], *, today: date = REFERENCE_DATE
) -> dict[str, tuple[HistoryEntry, ...]]:
    """Up to eight recent activities per child (some have none), drawn from ``activity_ids``."""
    history: dict[str, tuple[HistoryEntry, ...]] = {}
    for child in children:
        rng = random.Random(child.id)
        picked = rng.sample(list(activity_ids), min(len(activity_ids), rng.randint(0, 8)))
        if picked:
            history[child.id] = tuple(
                HistoryEntry(activity_id=a, done_on=today - timedelta(days=rng.randint(1, 30))) for a in picked
            )
    return history


def demo_children(
    per_classroom: int, catalog: Iterable[Activity], *, today: date
) -> tuple[list[Child], dict[str, tuple[HistoryEntry, ...]]]:
    """The generated children of every classroom, and their histories over the part of ``catalog`` their
    organization may see."""
    children = [
        child
        for org_id, classrooms in CLASSROOMS.items()
        for classroom_id in classrooms
        for child in generate_children(org_id, classroom_id, per_classroom, today=today)
    ]
    catalog = list(catalog)
    history: dict[str, tuple[HistoryEntry, ...]] = {}
    for org_id in CLASSROOMS:
        pool = sorted(a.id for a in catalog if a.org_id in (org_id, PUBLIC_CATALOG))
        history.update(generate_history((c for c in children if c.org_id == org_id), pool, today=today))
    return children, history
