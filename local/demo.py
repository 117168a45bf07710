"""Demo and test data: a small fixed core (ids the events/ and tests rely on) plus generated bulk for the demo.

The core is deterministic so that `events/*.json` work against both the tests' tables and the local stack.
"""

from __future__ import annotations

from early_learning.domain import PUBLIC_CATALOG, Activity, ActivityType, Membership, Role, Setting, Weather

SUNRISE = "sunrise"
MAPLE = "maple"

# Subs of the fixed test principals (the local stack maps its Cognito users' real subs in addition).
ADMIN_SUNRISE_SUB = "5a1e0000-0000-4000-8000-000000000001"
TEACHER_SUNRISE_SUB = "5a1e0000-0000-4000-8000-000000000002"
PARENT_SUNRISE_SUB = "5a1e0000-0000-4000-8000-000000000003"
ADMIN_MAPLE_SUB = "3a91e000-0000-4000-8000-000000000004"
NO_MEMBERSHIP_SUB = "0d0d0000-0000-4000-8000-000000000005"

# Fixed activities: public catalog, sunrise-private, maple-private.
PUBLIC_BLOCKS = "123e4567-e89b-12d3-a456-426614174000"
PUBLIC_SONGS = "223e4567-e89b-12d3-a456-426614174001"
PUBLIC_GARDEN = "323e4567-e89b-12d3-a456-426614174002"
SUNRISE_PUPPETS = "a1b2c3d4-0000-4000-8000-00000000a001"
SUNRISE_SENSORY_BIN = "a1b2c3d4-0000-4000-8000-00000000a002"
MAPLE_LEAF_ART = "b1b2c3d4-0000-4000-8000-00000000b001"
MISSING = "ffffffff-ffff-4fff-8fff-ffffffffffff"

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
    Membership(sub=TEACHER_SUNRISE_SUB, org_id=SUNRISE, role=Role.EDUCATOR, classroom_ids=frozenset({"sunrise-a"})),
    # Guardian of two of local.demo_children's core children: CHILD_AVA (sunrise-a) and CHILD_FINN (sunrise-b).
    Membership(
        sub=PARENT_SUNRISE_SUB,
        org_id=SUNRISE,
        role=Role.GUARDIAN,
        child_ids=frozenset({"c41d0000-0000-4000-8000-0000000000a1", "c41d0000-0000-4000-8000-0000000000b2"}),
    ),
    Membership(sub=ADMIN_MAPLE_SUB, org_id=MAPLE, role=Role.ADMIN),
)
