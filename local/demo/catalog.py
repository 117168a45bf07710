"""The demo's generated catalog: a few hundred realistic activities, the same on every run (``random.Random(seed)``),
combining the activity formats and themes of ``data/catalog.json``: every activity type, indoor, outdoor and both,
weather suitability, group sizes, durations, materials and special-needs adaptations."""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from early_learning.domain import PUBLIC_CATALOG, Activity, ActivityType, Setting, Weather
from local.demo.ids import MAPLE, SUNRISE

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.json"

DEMO_SEED = 20260216
"""Seed of the generated catalog: change it and every generated id changes."""

_ORG_NOTES = {
    SUNRISE: "Written by the Sunrise team for its own classrooms.",
    MAPLE: "Part of Maple's in-house curriculum.",
}


@dataclass(frozen=True)
class Theme:
    """What an activity is about: ``{T}`` in a format's name, ``{t}`` in its description, and one material."""

    title: str
    phrase: str
    materials: tuple[str, ...]


@dataclass(frozen=True)
class Format:
    """A kind of activity, with the ranges a generated one is drawn from."""

    activity_type: ActivityType
    name: str
    description: str
    setting: Setting
    age_months: tuple[int, int]
    group_size: tuple[int, int]
    duration_minutes: tuple[int, ...]
    materials: tuple[str, ...]
    adaptations: tuple[str, ...] = ()
    weather: tuple[Weather, ...] = ()

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Format:
        age, group = raw["age_months"], raw["group_size"]
        return cls(
            activity_type=ActivityType(raw["activity_type"]),
            name=str(raw["name"]),
            description=str(raw["description"]),
            setting=Setting(raw["setting"]),
            age_months=(int(age[0]), int(age[1])),
            group_size=(int(group[0]), int(group[1])),
            duration_minutes=tuple(int(m) for m in raw["duration_minutes"]),
            materials=tuple(raw["materials"]),
            adaptations=tuple(raw.get("adaptations", ())),
            weather=tuple(Weather(w) for w in raw.get("weather", ())),
        )


@cache
def themes_and_formats() -> tuple[tuple[Theme, ...], tuple[Format, ...]]:
    """The themes and formats of ``data/catalog.json``, in the file's order (which the generated ids depend on)."""
    raw = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    themes = tuple(Theme(str(t["title"]), str(t["phrase"]), tuple(t["materials"])) for t in raw["themes"])
    return themes, tuple(Format.of(f) for f in raw["formats"])


def generate_activities(counts: Mapping[str, int] | None = None, seed: int = DEMO_SEED) -> list[Activity]:
    """Deterministic realistic activities for the demo: by default 200 public, 60 sunrise-private and 60
    maple-private ones, every (format, theme) name used at most once. Ids are random-looking UUIDs from ``seed``."""
    counts = dict(counts or {PUBLIC_CATALOG: 200, SUNRISE: 60, MAPLE: 60})
    rng = random.Random(seed)
    themes, formats = themes_and_formats()
    combos = [(fmt, theme) for fmt in formats for theme in themes]
    if sum(counts.values()) > len(combos):
        raise ValueError(f"at most {len(combos)} generated activities")
    rng.shuffle(combos)
    activities: list[Activity] = []
    pool = iter(combos)
    for org_id, count in counts.items():
        for fmt, theme in itertools.islice(pool, count):
            activities.append(_activity(rng, fmt, theme, org_id))
    return activities


def _activity(rng: random.Random, fmt: Format, theme: Theme, org_id: str) -> Activity:
    shift = rng.choice((-6, 0, 0, 6))
    min_age = max(0, fmt.age_months[0] + shift)
    max_age = max(min_age + 12, fmt.age_months[1] + rng.choice((-6, 0, 6)))
    min_group = max(1, fmt.group_size[0] + rng.choice((-1, 0, 0, 1)))
    max_group = max(min_group, fmt.group_size[1] + rng.choice((-2, 0, 2)))
    description = fmt.description.format(t=theme.phrase)
    if org_id in _ORG_NOTES:
        description = f"{description} {_ORG_NOTES[org_id]}"
    adaptations = sorted(rng.sample(fmt.adaptations, rng.randint(0, len(fmt.adaptations))))
    return Activity(
        id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        org_id=org_id,
        name=fmt.name.format(T=theme.title),
        description=description,
        activity_type=fmt.activity_type,
        min_age_months=min_age,
        max_age_months=max_age,
        setting=fmt.setting,
        min_group_size=min_group,
        max_group_size=max_group,
        duration_minutes=rng.choice(fmt.duration_minutes),
        materials=[*fmt.materials, rng.choice(theme.materials)],
        special_needs_adaptations=adaptations,
        weather_suitability=list(fmt.weather),
    )
