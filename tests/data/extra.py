"""The tests' own data on top of the demo's fixed core (``local.demo``): a small hand-written catalog of extra
activities (``extra_activities.json``), a principal without any membership, and ``seed_core``.

The extra activities have enough variety of type, age, setting, weather and adaptations to make choices interesting,
and are few enough to reason about (the demo uses the generated catalog of ``local.demo.catalog`` instead).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from early_learning.domain import Activity, Child
from local.demo.core import CORE_CHILDREN, CORE_HISTORY

EXTRA_ACTIVITIES_FILE = Path(__file__).parent / "extra_activities.json"

NO_MEMBERSHIP_SUB = "0d0d0000-0000-4000-8000-000000000005"
"""A signed-in principal that belongs to no organization."""

ACTIVITY_DRAFT = {
    "name": "Rainbow rice",
    "description": "Scoop and pour coloured rice",
    "activity_type": "sensory",
    "min_age_months": 18,
    "max_age_months": 48,
}
"""A new activity as a client writes it (the write tests' create body, or a batch create's item)."""

EXTRA_ACTIVITIES: tuple[Activity, ...] = tuple(
    Activity.model_validate(item) for item in json.loads(EXTRA_ACTIVITIES_FILE.read_text(encoding="utf-8"))
)
OBSTACLE_COURSE, STORY_CARDS, SHADOW_PUPPETS, BUBBLE_CHASE = (a.id for a in EXTRA_ACTIVITIES[:4])
PICTURE_BOOK = EXTRA_ACTIVITIES[11].id
SUNRISE_YOGA, MAPLE_ICE_LAB = EXTRA_ACTIVITIES[17].id, EXTRA_ACTIVITIES[18].id


def seed_core(extra_children: Iterable[Child] = ()) -> None:
    """The tests' data: the extra activities, the core children (plus ``extra_children``) and their histories."""
    from early_learning.store import activities, children, history

    activities.save(EXTRA_ACTIVITIES)
    children.save([*CORE_CHILDREN, *extra_children])
    history.save(CORE_HISTORY)
