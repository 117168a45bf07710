"""The demo's classrooms (the four the children are in, and a new one without children) and coaching sessions (the
teacher's, another Sunrise educator's, Maple's), with the fixed ids of ``local.demo.ids``; and the few completions
``make run`` records on the day it starts, so that the core children's progress (the last 30 days) shows something
whatever that day is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from early_learning.domain import ActivityType, Classroom, CoachingSession, CoachingStatus, Completion
from local.demo.ids import (
    CHILD_AVA,
    CHILD_BEN,
    CHILD_FINN,
    CHILD_GRACE,
    COACHING_MAPLE,
    COACHING_OTHER_EDUCATOR,
    COACHING_TEACHER_CANCELLED,
    COACHING_TEACHER_DONE,
    COACHING_TEACHER_PLANNED,
    EDUCATOR_MAPLE_SUB,
    EDUCATOR_SUNRISE_B_SUB,
    MAPLE,
    MAPLE_A,
    MAPLE_B,
    MAPLE_LEAF_ART,
    PUBLIC_BLOCKS,
    PUBLIC_GARDEN,
    PUBLIC_SONGS,
    REFERENCE_DATE,
    SUNRISE,
    SUNRISE_A,
    SUNRISE_B,
    SUNRISE_C,
    SUNRISE_PUPPETS,
    SUNRISE_SENSORY_BIN,
    TEACHER_SUNRISE_SUB,
)

CORE_CLASSROOMS: tuple[Classroom, ...] = (
    Classroom(id=SUNRISE_A, org_id=SUNRISE, name="Sunflowers", min_age_months=12, max_age_months=48, capacity=12),
    Classroom(id=SUNRISE_B, org_id=SUNRISE, name="Busy Bees", min_age_months=36, max_age_months=72, capacity=16),
    Classroom(id=SUNRISE_C, org_id=SUNRISE, name="Dragonflies", min_age_months=24, max_age_months=60, capacity=12),
    Classroom(id=MAPLE_A, org_id=MAPLE, name="Acorns", min_age_months=12, max_age_months=48, capacity=10),
    Classroom(id=MAPLE_B, org_id=MAPLE, name="Saplings", min_age_months=36, max_age_months=72, capacity=14),
)

_T = ActivityType


def _session(
    session_id: str, org_id: str, educator: str, classroom: str, days: int, status: CoachingStatus, focus: ActivityType
) -> CoachingSession:
    return CoachingSession(
        id=session_id,
        org_id=org_id,
        educator_sub=educator,
        classroom_id=classroom,
        scheduled_on=REFERENCE_DATE + timedelta(days=days),
        status=status,
        focus_domain=focus,
        goals=[f"Plan two {focus.value.replace('_', '-')} activities a week", "Observe and note each child once"],
        notes="Made-up coaching notes (about a person: never logged).",
    )


CORE_COACHING_SESSIONS: tuple[CoachingSession, ...] = (
    _session(COACHING_TEACHER_DONE, SUNRISE, TEACHER_SUNRISE_SUB, SUNRISE_A, -7, CoachingStatus.DONE, _T.LANGUAGE),
    _session(COACHING_TEACHER_PLANNED, SUNRISE, TEACHER_SUNRISE_SUB, SUNRISE_A, 7, CoachingStatus.PLANNED, _T.MOTOR),
    _session(
        COACHING_TEACHER_CANCELLED, SUNRISE, TEACHER_SUNRISE_SUB, SUNRISE_A, -21, CoachingStatus.CANCELLED, _T.CREATIVE
    ),
    _session(
        COACHING_OTHER_EDUCATOR, SUNRISE, EDUCATOR_SUNRISE_B_SUB, SUNRISE_B, 3, CoachingStatus.PLANNED, _T.SENSORY
    ),
    _session(COACHING_MAPLE, MAPLE, EDUCATOR_MAPLE_SUB, MAPLE_A, -2, CoachingStatus.DONE, _T.SOCIAL_EMOTIONAL),
)


def demo_completions(today: date) -> list[Completion]:
    """Completions of core children in the days before ``today`` (ids fixed by child, activity and day)."""
    done = (
        (CHILD_AVA, PUBLIC_BLOCKS, 0),
        (CHILD_AVA, SUNRISE_SENSORY_BIN, 3),
        (CHILD_AVA, PUBLIC_SONGS, 12),
        (CHILD_BEN, SUNRISE_PUPPETS, 1),
        (CHILD_FINN, PUBLIC_GARDEN, 2),
        (CHILD_GRACE, MAPLE_LEAF_ART, 5),
    )
    now = datetime.now(UTC)
    return [
        Completion(
            id=f"c0de0000-0000-4000-8000-{n:012x}",
            child_id=child,
            activity_id=activity,
            done_on=today - timedelta(days=days),
            created_at=now,
        )
        for n, (child, activity, days) in enumerate(done, start=1)
    ]
