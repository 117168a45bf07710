"""The fixed core records of the demo data, which events/ and the tests rely on: six activities (public, Sunrise's,
Maple's), the fixed principals' memberships, nine children in four classrooms and their recent histories.

The core histories name only the core activities, which both the tests and the demo catalog hold. The children's
names are made up; they still count as personal data in the code paths (never logged).
"""

from __future__ import annotations

from datetime import date, timedelta

from early_learning.domain import (
    PUBLIC_CATALOG,
    Activity,
    ActivityType,
    Child,
    HistoryEntry,
    Membership,
    Role,
    Setting,
    Weather,
)
from local.demo.ids import (
    ADMIN_MAPLE_SUB,
    ADMIN_SUNRISE_SUB,
    CHILD_AVA,
    CHILD_BEN,
    CHILD_CHLOE,
    CHILD_DEV,
    CHILD_ELLA,
    CHILD_FINN,
    CHILD_GRACE,
    CHILD_HUGO,
    CHILD_IRIS,
    GUARDIAN_CHILD_IDS,
    MAPLE,
    MAPLE_A,
    MAPLE_B,
    MAPLE_LEAF_ART,
    PARENT_SUNRISE_SUB,
    PUBLIC_BLOCKS,
    PUBLIC_GARDEN,
    PUBLIC_SONGS,
    REFERENCE_DATE,
    SUNRISE,
    SUNRISE_A,
    SUNRISE_B,
    SUNRISE_PUPPETS,
    SUNRISE_SENSORY_BIN,
    TEACHER_SUNRISE_SUB,
)

CORE_ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        id=PUBLIC_BLOCKS,
        org_id=PUBLIC_CATALOG,
        name="Block Tower Challenge",
        description="Children stack wooden blocks as high as they can, counting each block and predicting when "
        "the tower will fall.",
        activity_type=ActivityType.COGNITIVE,
        min_age_months=24,
        max_age_months=60,
        setting=Setting.INDOOR,
        min_group_size=1,
        max_group_size=6,
        duration_minutes=20,
        materials=["wooden blocks", "measuring tape"],
        special_needs_adaptations=["fine_motor_delay"],
    ),
    Activity(
        id=PUBLIC_SONGS,
        org_id=PUBLIC_CATALOG,
        name="Rhyme Time Circle",
        description="A circle-time sing-along of rhyming songs with hand motions, pausing for children to fill "
        "in the rhyming word.",
        activity_type=ActivityType.LANGUAGE,
        min_age_months=18,
        max_age_months=48,
        setting=Setting.BOTH,
        min_group_size=3,
        max_group_size=20,
        duration_minutes=15,
        materials=["song cards"],
        special_needs_adaptations=["hearing_impairment", "speech_delay"],
    ),
    Activity(
        id=PUBLIC_GARDEN,
        org_id=PUBLIC_CATALOG,
        name="Garden Bug Hunt",
        description="Small groups explore the garden with magnifying glasses and draw the insects they find.",
        activity_type=ActivityType.SENSORY,
        min_age_months=36,
        max_age_months=72,
        setting=Setting.OUTDOOR,
        min_group_size=2,
        max_group_size=12,
        duration_minutes=30,
        materials=["magnifying glasses", "clipboards", "crayons"],
        weather_suitability=[Weather.SUNNY, Weather.CLOUDY],
    ),
    Activity(
        id=SUNRISE_PUPPETS,
        org_id=SUNRISE,
        name="Feelings Puppet Show",
        description="Sunrise's own puppet script: puppets act out sharing and waiting, and children name the "
        "feelings they see.",
        activity_type=ActivityType.SOCIAL_EMOTIONAL,
        min_age_months=30,
        max_age_months=60,
        setting=Setting.INDOOR,
        min_group_size=4,
        max_group_size=15,
        duration_minutes=25,
        materials=["hand puppets", "feelings cards"],
        special_needs_adaptations=["autism"],
    ),
    Activity(
        id=SUNRISE_SENSORY_BIN,
        org_id=SUNRISE,
        name="Rice Sensory Bin",
        description="Scooping and pouring coloured rice to find hidden shapes.",
        activity_type=ActivityType.SENSORY,
        min_age_months=12,
        max_age_months=36,
        setting=Setting.INDOOR,
        min_group_size=1,
        max_group_size=4,
        duration_minutes=15,
        materials=["coloured rice", "scoops", "plastic shapes"],
        special_needs_adaptations=["visual_impairment", "autism"],
    ),
    Activity(
        id=MAPLE_LEAF_ART,
        org_id=MAPLE,
        name="Maple Leaf Prints",
        description="Maple's private art plan: printing with autumn leaves and paint.",
        activity_type=ActivityType.CREATIVE,
        min_age_months=24,
        max_age_months=72,
        setting=Setting.INDOOR,
        min_group_size=1,
        max_group_size=10,
        duration_minutes=30,
        materials=["leaves", "paint", "paper"],
    ),
)

CORE_MEMBERSHIPS: tuple[Membership, ...] = (
    Membership(sub=ADMIN_SUNRISE_SUB, org_id=SUNRISE, role=Role.ADMIN),
    Membership(sub=TEACHER_SUNRISE_SUB, org_id=SUNRISE, role=Role.EDUCATOR, classroom_ids=frozenset({SUNRISE_A})),
    Membership(sub=PARENT_SUNRISE_SUB, org_id=SUNRISE, role=Role.GUARDIAN, child_ids=GUARDIAN_CHILD_IDS),
    Membership(sub=ADMIN_MAPLE_SUB, org_id=MAPLE, role=Role.ADMIN),
)

_T = ActivityType

CORE_CHILDREN: tuple[Child, ...] = (
    # SUNRISE_A: the teacher's classroom; four children of different ages, focus areas and needs.
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
    # SUNRISE_B
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
