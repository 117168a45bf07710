"""The fixed ids of the demo data (organizations, classrooms, subs, activities, children, coaching sessions) that
events/ and the tests rely on, and the date the events are stamped with."""

from __future__ import annotations

from datetime import date

SUNRISE = "sunrise"
MAPLE = "maple"

# Classrooms: UUIDs, meaningful inside their organization only (the last letter names the classroom: the children
# c41d...a* are in SUNRISE_A, b* in SUNRISE_B, c* in MAPLE_A, d* in MAPLE_B).
SUNRISE_A = "c1a50000-0000-4000-8000-00000000000a"
SUNRISE_B = "c1a50000-0000-4000-8000-00000000000b"
MAPLE_A = "c1a50000-0000-4000-8000-00000000000c"
MAPLE_B = "c1a50000-0000-4000-8000-00000000000d"
SUNRISE_C = "c1a50000-0000-4000-8000-00000000000e"
"""A Sunrise classroom with no children yet (so in no one's reach but the admin's)."""
MISSING_CLASSROOM = "c1a50000-ffff-4fff-8fff-ffffffffffff"
CLASSROOMS: dict[str, tuple[str, ...]] = {SUNRISE: (SUNRISE_A, SUNRISE_B), MAPLE: (MAPLE_A, MAPLE_B)}

REFERENCE_DATE = date(2026, 2, 16)
"""The date of the events in events/ (requestContext.timeEpoch): the core children's ages are given at it."""

# Subs of the fixed principals of events/ and the tests (the local stack maps its Cognito users' real subs in
# addition: ``local.demo.users``).
ADMIN_SUNRISE_SUB = "5a1e0000-0000-4000-8000-000000000001"
TEACHER_SUNRISE_SUB = "5a1e0000-0000-4000-8000-000000000002"
PARENT_SUNRISE_SUB = "5a1e0000-0000-4000-8000-000000000003"
ADMIN_MAPLE_SUB = "3a91e000-0000-4000-8000-000000000004"
# Educators without a demo user: the coached educators of the coaching sessions that are not the teacher's.
EDUCATOR_SUNRISE_B_SUB = "5a1e0000-0000-4000-8000-000000000006"
EDUCATOR_MAPLE_SUB = "3a91e000-0000-4000-8000-000000000007"

# Fixed activities: public catalog, sunrise-private, maple-private.
PUBLIC_BLOCKS = "123e4567-e89b-12d3-a456-426614174000"
PUBLIC_SONGS = "223e4567-e89b-12d3-a456-426614174001"
PUBLIC_GARDEN = "323e4567-e89b-12d3-a456-426614174002"
SUNRISE_PUPPETS = "a1b2c3d4-0000-4000-8000-00000000a001"
SUNRISE_SENSORY_BIN = "a1b2c3d4-0000-4000-8000-00000000a002"
MAPLE_LEAF_ART = "b1b2c3d4-0000-4000-8000-00000000b001"
MISSING = "ffffffff-ffff-4fff-8fff-ffffffffffff"

# Fixed children: four in SUNRISE_A (the teacher's classroom), two in SUNRISE_B, two in MAPLE_A, one in MAPLE_B.
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

GUARDIAN_CHILD_IDS = frozenset({CHILD_AVA, CHILD_FINN})
"""The children of the guardians (PARENT_SUNRISE_SUB, parent@sunrise.example): one in SUNRISE_A, one in SUNRISE_B."""

# Coaching sessions: three of the teacher (TEACHER_SUNRISE_SUB), one of another Sunrise educator, one of Maple's.
COACHING_TEACHER_DONE = "c0ac0000-0000-4000-8000-0000000000a1"
COACHING_TEACHER_PLANNED = "c0ac0000-0000-4000-8000-0000000000a2"
COACHING_TEACHER_CANCELLED = "c0ac0000-0000-4000-8000-0000000000a3"
COACHING_OTHER_EDUCATOR = "c0ac0000-0000-4000-8000-0000000000b1"
COACHING_MAPLE = "c0ac0000-0000-4000-8000-0000000000c1"
MISSING_COACHING = "c0ac0000-ffff-4fff-8fff-ffffffffffff"
