"""Children for the demo and the tests: a fixed core in four classrooms with histories (ids the events/ and tests
rely on), a deterministic generator for the demo's bulk, and a small hand-written catalog for the tests.

The core histories name only local.demo's core activities, which both the tests and the demo catalog hold. The names
are made up; they still count as personal data in the code paths (never logged).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from early_learning.domain import (
    PUBLIC_CATALOG,
    Activity,
    ActivityType,
    Child,
    HistoryEntry,
    Setting,
    Weather,
)
from local.demo import (
    CORE_ACTIVITIES,
    GUARDIAN_CHILD_IDS,
    MAPLE,
    MAPLE_LEAF_ART,
    PUBLIC_BLOCKS,
    PUBLIC_GARDEN,
    PUBLIC_SONGS,
    SUNRISE,
    SUNRISE_PUPPETS,
    SUNRISE_SENSORY_BIN,
    SeedContext,
    generate_activities,
)

SUNRISE_A, SUNRISE_B = "sunrise-a", "sunrise-b"
MAPLE_A, MAPLE_B = "maple-a", "maple-b"
CLASSROOMS: dict[str, tuple[str, ...]] = {SUNRISE: (SUNRISE_A, SUNRISE_B), MAPLE: (MAPLE_A, MAPLE_B)}

REFERENCE_DATE = date(2026, 2, 16)
"""The date of the events in events/ (requestContext.timeEpoch): the core children's ages are given at it."""

# --- the tests' extra activities: enough variety of type, age, setting, weather and adaptations to make choices
# interesting, small enough to reason about (the demo uses local.demo's generated catalog instead) -----------------

_A = "ac700000-0000-4000-8000-0000000000"  # + two hex digits


def _activity(n: int, org_id: str, name: str, description: str, activity_type: ActivityType, **kw: object) -> Activity:
    return Activity.model_validate(
        {
            "id": f"{_A}{n:02x}",
            "org_id": org_id,
            "name": name,
            "description": description,
            "activity_type": activity_type,
            **kw,
        }
    )


_T = ActivityType
EXTRA_ACTIVITIES: tuple[Activity, ...] = (
    _activity(
        1,
        PUBLIC_CATALOG,
        "Obstacle Course Adventure",
        "Crawl, hop and balance through a course of cones, "
        "hoops and a low beam, taking turns and cheering each other on.",
        _T.MOTOR,
        min_age_months=36,
        max_age_months=72,
        setting=Setting.OUTDOOR,
        min_group_size=2,
        max_group_size=12,
        duration_minutes=30,
        materials=["cones", "hoops", "balance beam"],
        special_needs_adaptations=["wheelchair_user"],
        weather_suitability=[Weather.SUNNY, Weather.CLOUDY, Weather.COLD],
    ),
    _activity(
        2,
        PUBLIC_CATALOG,
        "Story Sequencing Cards",
        "Children put four picture cards in order and tell the story in their own words.",
        _T.LANGUAGE,
        min_age_months=36,
        max_age_months=72,
        min_group_size=1,
        max_group_size=6,
        duration_minutes=15,
        materials=["sequencing cards"],
        special_needs_adaptations=["speech_delay", "hearing_impairment"],
    ),
    _activity(
        3,
        PUBLIC_CATALOG,
        "Shadow Puppet Theatre",
        "Cut-out puppets and a torch make a shadow show; children invent the characters' voices.",
        _T.CREATIVE,
        min_age_months=36,
        max_age_months=72,
        min_group_size=2,
        max_group_size=10,
        duration_minutes=30,
        materials=["card", "sticks", "torch", "sheet"],
        special_needs_adaptations=["autism"],
    ),
    _activity(
        4,
        PUBLIC_CATALOG,
        "Bubble Chase",
        "Chasing, popping and counting bubbles on the playground.",
        _T.MOTOR,
        min_age_months=12,
        max_age_months=48,
        setting=Setting.OUTDOOR,
        min_group_size=1,
        max_group_size=15,
        duration_minutes=15,
        materials=["bubble wands", "bubble mix"],
        weather_suitability=[Weather.SUNNY, Weather.HOT, Weather.CLOUDY],
    ),
    _activity(
        5,
        PUBLIC_CATALOG,
        "Texture Treasure Box",
        "Feeling fabrics, sponges and bark hidden in a box and describing them: soft, rough, bumpy.",
        _T.SENSORY,
        min_age_months=6,
        max_age_months=36,
        min_group_size=1,
        max_group_size=4,
        duration_minutes=10,
        materials=["texture box", "fabric scraps"],
        special_needs_adaptations=["visual_impairment", "autism"],
    ),
    _activity(
        6,
        PUBLIC_CATALOG,
        "Counting Nature Walk",
        "A walk collecting and counting leaves, stones and sticks, then sorting them by size.",
        _T.COGNITIVE,
        min_age_months=30,
        max_age_months=72,
        setting=Setting.OUTDOOR,
        min_group_size=2,
        max_group_size=12,
        duration_minutes=30,
        materials=["collection bags", "sorting trays"],
        weather_suitability=[Weather.SUNNY, Weather.CLOUDY, Weather.COLD],
    ),
    _activity(
        7,
        PUBLIC_CATALOG,
        "Kindness Circle",
        "Children pass a soft ball and say one kind thing about the friend who catches it.",
        _T.SOCIAL_EMOTIONAL,
        min_age_months=30,
        max_age_months=72,
        setting=Setting.BOTH,
        min_group_size=4,
        max_group_size=20,
        duration_minutes=15,
        materials=["soft ball"],
        special_needs_adaptations=["autism", "speech_delay"],
    ),
    _activity(
        8,
        PUBLIC_CATALOG,
        "Playdough Sculpting",
        "Rolling, pinching and cutting playdough into animals and food.",
        _T.CREATIVE,
        min_age_months=18,
        max_age_months=60,
        min_group_size=1,
        max_group_size=8,
        duration_minutes=20,
        materials=["playdough", "rollers", "cutters"],
        special_needs_adaptations=["fine_motor_delay"],
    ),
    _activity(
        9,
        PUBLIC_CATALOG,
        "Pattern Bead Threading",
        "Threading beads to copy and extend colour patterns.",
        _T.COGNITIVE,
        min_age_months=30,
        max_age_months=72,
        min_group_size=1,
        max_group_size=6,
        duration_minutes=20,
        materials=["large beads", "laces", "pattern cards"],
    ),
    _activity(
        10,
        PUBLIC_CATALOG,
        "Freeze Dance",
        "Dance while the music plays, freeze when it stops; a raised card shows when to freeze too.",
        _T.MOTOR,
        min_age_months=18,
        max_age_months=72,
        min_group_size=3,
        max_group_size=25,
        duration_minutes=10,
        materials=["music player", "stop card"],
        special_needs_adaptations=["hearing_impairment"],
    ),
    _activity(
        11,
        PUBLIC_CATALOG,
        "Sand and Water Table",
        "Pouring, sieving and floating at the sand and water table.",
        _T.SENSORY,
        min_age_months=12,
        max_age_months=48,
        setting=Setting.BOTH,
        min_group_size=1,
        max_group_size=6,
        duration_minutes=20,
        materials=["sand", "water", "cups", "sieves"],
        special_needs_adaptations=["visual_impairment"],
    ),
    _activity(
        12,
        PUBLIC_CATALOG,
        "Picture Book Walk",
        "Looking through a large-print picture book together and guessing what happens next.",
        _T.LANGUAGE,
        min_age_months=12,
        max_age_months=48,
        min_group_size=1,
        max_group_size=8,
        duration_minutes=15,
        materials=["large-print picture books"],
        special_needs_adaptations=["visual_impairment", "speech_delay"],
    ),
    _activity(
        13,
        PUBLIC_CATALOG,
        "Feelings Faces Memory",
        "A memory game with cards of faces showing feelings; children name each feeling they turn over.",
        _T.SOCIAL_EMOTIONAL,
        min_age_months=36,
        max_age_months=72,
        min_group_size=2,
        max_group_size=6,
        duration_minutes=15,
        materials=["feelings cards"],
        special_needs_adaptations=["autism"],
    ),
    _activity(
        14,
        PUBLIC_CATALOG,
        "Chalk Mural",
        "A shared chalk drawing on the playground around a theme.",
        _T.CREATIVE,
        min_age_months=30,
        max_age_months=72,
        setting=Setting.OUTDOOR,
        min_group_size=2,
        max_group_size=15,
        duration_minutes=25,
        materials=["chalk"],
        weather_suitability=[Weather.SUNNY, Weather.CLOUDY, Weather.HOT],
    ),
    _activity(
        15,
        PUBLIC_CATALOG,
        "Shape Sorting Hunt",
        "Finding circles, squares and triangles around the room and sorting them into hoops.",
        _T.COGNITIVE,
        min_age_months=18,
        max_age_months=42,
        min_group_size=1,
        max_group_size=6,
        duration_minutes=15,
        materials=["shape cards", "hoops"],
        special_needs_adaptations=["fine_motor_delay"],
    ),
    _activity(
        16,
        PUBLIC_CATALOG,
        "Parachute Play",
        "Everyone holds the parachute edge to make waves and a dome, taking turns to run underneath.",
        _T.SOCIAL_EMOTIONAL,
        min_age_months=24,
        max_age_months=72,
        setting=Setting.BOTH,
        min_group_size=6,
        max_group_size=20,
        duration_minutes=20,
        materials=["play parachute"],
        special_needs_adaptations=["wheelchair_user"],
    ),
    _activity(
        17,
        PUBLIC_CATALOG,
        "Music Makers Band",
        "Shakers, drums and bells to play loud, soft, fast and slow together.",
        _T.CREATIVE,
        min_age_months=18,
        max_age_months=72,
        setting=Setting.BOTH,
        min_group_size=3,
        max_group_size=20,
        duration_minutes=20,
        materials=["shakers", "drums", "bells"],
        special_needs_adaptations=["hearing_impairment", "autism"],
    ),
    _activity(
        18,
        SUNRISE,
        "Sunrise Morning Yoga",
        "Sunrise's own animal-pose yoga routine, with picture cards for each pose.",
        _T.MOTOR,
        min_age_months=24,
        max_age_months=72,
        min_group_size=2,
        max_group_size=20,
        duration_minutes=15,
        materials=["mats", "pose cards"],
        special_needs_adaptations=["autism", "wheelchair_user"],
    ),
    _activity(
        19,
        MAPLE,
        "Maple Ice Melting Lab",
        "Maple's science plan: predicting which of salt, sand or warm water melts ice fastest.",
        _T.COGNITIVE,
        min_age_months=36,
        max_age_months=72,
        min_group_size=2,
        max_group_size=8,
        duration_minutes=25,
        materials=["ice blocks", "salt", "sand", "pipettes"],
        weather_suitability=[Weather.COLD, Weather.SNOWY],
    ),
)
OBSTACLE_COURSE, STORY_CARDS, SHADOW_PUPPETS, BUBBLE_CHASE = (a.id for a in EXTRA_ACTIVITIES[:4])
PICTURE_BOOK = EXTRA_ACTIVITIES[11].id
SUNRISE_YOGA, MAPLE_ICE_LAB = EXTRA_ACTIVITIES[17].id, EXTRA_ACTIVITIES[18].id

# --- the core children ------------------------------------------------------------------------------------------

CHILD_AVA = "c41d0000-0000-4000-8000-0000000000a1"
CHILD_BEN = "c41d0000-0000-4000-8000-0000000000a2"
CHILD_CHLOE = "c41d0000-0000-4000-8000-0000000000a3"
CHILD_DEV = "c41d0000-0000-4000-8000-0000000000a4"
CHILD_ELLA = "c41d0000-0000-4000-8000-0000000000b1"
CHILD_FINN = "c41d0000-0000-4000-8000-0000000000b2"
CHILD_GRACE = "c41d0000-0000-4000-8000-0000000000c1"
CHILD_HUGO = "c41d0000-0000-4000-8000-0000000000c2"
CHILD_IRIS = "c41d0000-0000-4000-8000-0000000000d1"
MISSING_CHILD = "c41d0000-ffff-4fff-8fff-ffffffffffff"

CORE_CHILDREN: tuple[Child, ...] = (
    # sunrise-a: the teacher's classroom; four children of different ages, focus areas and needs.
    Child(
        id=CHILD_AVA,
        org_id=SUNRISE,
        classroom_id=SUNRISE_A,
        name="Ava Lindqvist",
        birth_date=date(2023, 1, 10),
        focus_domains=[_T.LANGUAGE, _T.SOCIAL_EMOTIONAL],
    ),
    Child(
        id=CHILD_BEN,
        org_id=SUNRISE,
        classroom_id=SUNRISE_A,
        name="Ben Okafor",
        birth_date=date(2024, 3, 5),
        focus_domains=[_T.MOTOR, _T.SENSORY],
        special_needs=["fine_motor_delay"],
    ),
    Child(
        id=CHILD_CHLOE,
        org_id=SUNRISE,
        classroom_id=SUNRISE_A,
        name="Chloe Marchetti",
        birth_date=date(2021, 6, 20),
        focus_domains=[_T.COGNITIVE],
        special_needs=["autism"],
    ),
    Child(
        id=CHILD_DEV,
        org_id=SUNRISE,
        classroom_id=SUNRISE_A,
        name="Dev Raghunathan",
        birth_date=date(2022, 9, 1),
        focus_domains=[_T.CREATIVE, _T.MOTOR],
        special_needs=["visual_impairment"],
    ),
    # sunrise-b
    Child(
        id=CHILD_ELLA,
        org_id=SUNRISE,
        classroom_id=SUNRISE_B,
        name="Ella Brennan",
        birth_date=date(2022, 4, 12),
        focus_domains=[_T.SOCIAL_EMOTIONAL],
    ),
    Child(
        id=CHILD_FINN,
        org_id=SUNRISE,
        classroom_id=SUNRISE_B,
        name="Finn Castellanos",
        birth_date=date(2020, 11, 30),
        focus_domains=[_T.COGNITIVE, _T.LANGUAGE],
        special_needs=["hearing_impairment"],
    ),
    # maple
    Child(
        id=CHILD_GRACE,
        org_id=MAPLE,
        classroom_id=MAPLE_A,
        name="Grace Nakamura",
        birth_date=date(2022, 2, 2),
        focus_domains=[_T.CREATIVE],
    ),
    Child(
        id=CHILD_HUGO,
        org_id=MAPLE,
        classroom_id=MAPLE_A,
        name="Hugo Petrov",
        birth_date=date(2023, 7, 7),
        focus_domains=[_T.MOTOR],
        special_needs=["speech_delay"],
    ),
    Child(
        id=CHILD_IRIS,
        org_id=MAPLE,
        classroom_id=MAPLE_B,
        name="Iris Achebe",
        birth_date=date(2021, 10, 10),
        focus_domains=[_T.SENSORY],
    ),
)

GUARDIAN_CHILDREN = GUARDIAN_CHILD_IDS
"""The children of the guardians (PARENT_SUNRISE_SUB, parent@sunrise.example): CHILD_AVA and CHILD_FINN."""


def _entries(*done: tuple[str, int]) -> tuple[HistoryEntry, ...]:
    """Entries from (activity id, days before REFERENCE_DATE)."""
    return tuple(HistoryEntry(activity_id=a, done_on=REFERENCE_DATE - timedelta(days=d)) for a, d in done)


CORE_HISTORY: dict[str, tuple[HistoryEntry, ...]] = {
    CHILD_AVA: _entries((PUBLIC_SONGS, 1), (SUNRISE_PUPPETS, 6)),
    CHILD_BEN: _entries((SUNRISE_SENSORY_BIN, 2), (PUBLIC_BLOCKS, 4)),
    CHILD_CHLOE: _entries((PUBLIC_BLOCKS, 1)),
    # CHILD_DEV: no history yet (a new child)
    CHILD_ELLA: _entries((SUNRISE_PUPPETS, 2), (PUBLIC_GARDEN, 9)),
    CHILD_FINN: _entries((PUBLIC_BLOCKS, 5), (PUBLIC_SONGS, 8)),
    CHILD_GRACE: _entries((MAPLE_LEAF_ART, 1)),
    CHILD_HUGO: _entries((PUBLIC_SONGS, 2)),
}

# --- generated bulk for the demo (and the batch-size tests) -------------------------------------------------------

_FIRST = (
    "Amara",
    "Leo",
    "Mia",
    "Noah",
    "Zara",
    "Theo",
    "Luna",
    "Kai",
    "Isla",
    "Omar",
    "Nora",
    "Ravi",
    "Sofia",
    "Yusuf",
    "Elena",
    "Jonas",
    "Priya",
    "Mateo",
    "Freya",
    "Tomas",
    "Aiko",
    "Samir",
    "Hana",
    "Felix",
)
_LAST = (
    "Adeyemi",
    "Bianchi",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Osei",
    "Park",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
)
_NEEDS = ("autism", "speech_delay", "fine_motor_delay", "hearing_impairment", "visual_impairment", "wheelchair_user")
_NAMESPACE = uuid.UUID("c41d0000-0000-4000-8000-000000000000")


def generated_child_id(classroom_id: str, n: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{classroom_id}/{n}"))


def generate_children(org_id: str, classroom_id: str, count: int, *, today: date = REFERENCE_DATE) -> list[Child]:
    """``count`` children of one classroom, the same for the same arguments: ages 12 to 72 months at ``today``,
    zero to two focus domains, and special needs for about one child in five."""
    rng = random.Random(f"{org_id}/{classroom_id}")
    types = list(ActivityType)
    children = []
    for n in range(count):
        needs = [rng.choice(_NEEDS)] if rng.random() < 0.2 else []
        children.append(
            Child(
                id=generated_child_id(classroom_id, n),
                org_id=org_id,
                classroom_id=classroom_id,
                name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
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


def seed_children(_: SeedContext | None = None, *, per_classroom: int = 20, today: date | None = None) -> int:
    """Seeding step of the demo (``local.demo.SEED_STEPS``): the core children and their histories, and
    ``per_classroom`` generated children per classroom with histories over the demo catalog (ages at ``today``,
    default the real date). Returns the number of items written."""
    from early_learning.store import children, history

    catalog = [*CORE_ACTIVITIES, *generate_activities()]
    generated, generated_history = demo_children(per_classroom, catalog, today=today or date.today())
    all_children = [*CORE_CHILDREN, *generated]
    all_history = {**CORE_HISTORY, **generated_history}
    children.save(all_children)
    history.save(all_history)
    return len(all_children) + len(all_history)


def seed_core(extra_children: Iterable[Child] = ()) -> None:
    """The tests' data: the extra activities, the core children (plus ``extra_children``) and their histories."""
    from early_learning.store import activities, children, history

    activities.save(EXTRA_ACTIVITIES)
    children.save([*CORE_CHILDREN, *extra_children])
    history.save(CORE_HISTORY)
