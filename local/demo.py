"""Demo and test data: a small fixed core (ids the events/ and tests rely on) plus generated bulk for the demo.

The core is deterministic so that `events/*.json` work against both the tests' tables and the local stack.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

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

GUARDIAN_CHILD_IDS = frozenset({"c41d0000-0000-4000-8000-0000000000a1", "c41d0000-0000-4000-8000-0000000000b2"})
"""The guardians' children: local.demo_children's CHILD_AVA (sunrise-a) and CHILD_FINN (sunrise-b)."""

CORE_MEMBERSHIPS: tuple[Membership, ...] = (
    Membership(sub=ADMIN_SUNRISE_SUB, org_id=SUNRISE, role=Role.ADMIN),
    Membership(sub=TEACHER_SUNRISE_SUB, org_id=SUNRISE, role=Role.EDUCATOR, classroom_ids=frozenset({"sunrise-a"})),
    Membership(sub=PARENT_SUNRISE_SUB, org_id=SUNRISE, role=Role.GUARDIAN, child_ids=GUARDIAN_CHILD_IDS),
    Membership(sub=ADMIN_MAPLE_SUB, org_id=MAPLE, role=Role.ADMIN),
)


# --- generated catalog -----------------------------------------------------------------------------------------
# A few hundred realistic activities, the same on every run (random.Random(seed)): every activity type, indoor,
# outdoor and both, weather suitability, group sizes, durations, materials and special-needs adaptations.


@dataclass(frozen=True)
class _Theme:
    title: str
    phrase: str
    materials: tuple[str, ...]


@dataclass(frozen=True)
class _Format:
    activity_type: ActivityType
    name: str
    description: str
    setting: Setting
    ages: tuple[int, int]
    group: tuple[int, int]
    minutes: tuple[int, ...]
    materials: tuple[str, ...]
    adaptations: tuple[str, ...] = ()
    weather: tuple[Weather, ...] = ()


_THEMES: tuple[_Theme, ...] = (
    _Theme("Ocean", "sea creatures", ("shells", "blue fabric")),
    _Theme("Farm", "farm animals", ("toy animals", "straw")),
    _Theme("Seasons", "the four seasons", ("leaves", "seasons chart")),
    _Theme("Space", "stars and planets", ("glow stars", "planet pictures")),
    _Theme("Dinosaur", "dinosaurs", ("toy dinosaurs", "sand")),
    _Theme("Rainbow", "the colours of the rainbow", ("colour cards", "coloured scarves")),
    _Theme("Shapes", "circles, squares and triangles", ("foam shapes", "shape cards")),
    _Theme("Community Helpers", "people who help us", ("dress-up hats", "helper photos")),
    _Theme("Weather", "sun, rain and wind", ("weather cards", "umbrella")),
    _Theme("Minibeast", "bugs and minibeasts", ("bug pictures", "magnifying glasses")),
    _Theme("Garden", "seeds and growing plants", ("seed packets", "small pots")),
    _Theme("Transport", "cars, trains and boats", ("toy vehicles", "road mat")),
    _Theme("Jungle", "jungle animals", ("animal masks", "green streamers")),
    _Theme("Kitchen", "foods we cook together", ("play food", "wooden spoons")),
    _Theme("Music", "instruments from around the world", ("shakers", "hand drums")),
    _Theme("Fairy Tale", "favourite fairy tales", ("story props", "crowns")),
)

_FAIR = (Weather.SUNNY, Weather.CLOUDY)

_FORMATS: tuple[_Format, ...] = (
    # cognitive
    _Format(
        ActivityType.COGNITIVE,
        name="{T} Sorting Trays",
        description=(
            "Children sort picture cards of {t} by colour, size and kind, then explain the rule they chose to a friend."
        ),
        setting=Setting.INDOOR,
        ages=(30, 60),
        group=(1, 6),
        minutes=(15, 20),
        materials=("sorting trays", "picture cards"),
        adaptations=("autism", "fine_motor_delay", "speech_delay"),
    ),
    _Format(
        ActivityType.COGNITIVE,
        name="{T} Memory Match",
        description=(
            "A face-down matching game with picture cards of {t}: children turn two cards at a time and "
            "remember where each picture hides."
        ),
        setting=Setting.INDOOR,
        ages=(36, 72),
        group=(2, 4),
        minutes=(15, 20),
        materials=("matching cards",),
        adaptations=("adhd", "hearing_impairment"),
    ),
    _Format(
        ActivityType.COGNITIVE,
        name="Counting {T}",
        description=(
            "Children count small objects linked to {t} into numbered bowls, checking each other's totals "
            "and comparing more and fewer."
        ),
        setting=Setting.BOTH,
        ages=(30, 60),
        group=(1, 8),
        minutes=(15, 20, 25),
        materials=("numbered bowls", "counters"),
        adaptations=("visual_impairment", "fine_motor_delay"),
    ),
    _Format(
        ActivityType.COGNITIVE,
        name="{T} Pattern Trains",
        description=(
            "Children build repeating patterns with beads and blocks themed on {t} and predict which piece comes next."
        ),
        setting=Setting.INDOOR,
        ages=(36, 72),
        group=(1, 6),
        minutes=(20, 25),
        materials=("pattern beads", "blocks"),
        adaptations=("autism", "fine_motor_delay"),
    ),
    _Format(
        ActivityType.COGNITIVE,
        name="{T} Puzzle Hunt",
        description=(
            "Puzzle pieces showing {t} are hidden around the yard; teams find them and put the picture together."
        ),
        setting=Setting.OUTDOOR,
        ages=(42, 72),
        group=(4, 12),
        minutes=(25, 30),
        materials=("floor puzzles", "treasure map"),
        adaptations=("adhd", "hearing_impairment"),
        weather=(*_FAIR, Weather.COLD),
    ),
    # motor
    _Format(
        ActivityType.MOTOR,
        name="{T} Obstacle Course",
        description=(
            "Crawl, jump, balance and climb through a course themed on {t}, with a different movement at every station."
        ),
        setting=Setting.OUTDOOR,
        ages=(30, 72),
        group=(4, 16),
        minutes=(20, 30),
        materials=("cones", "hoops", "balance beam"),
        adaptations=("adhd", "visual_impairment"),
        weather=(*_FAIR, Weather.COLD),
    ),
    _Format(
        ActivityType.MOTOR,
        name="{T} Yoga Stories",
        description="A told story about {t} where every scene is a yoga pose the children hold and breathe through.",
        setting=Setting.BOTH,
        ages=(24, 72),
        group=(2, 20),
        minutes=(15, 20),
        materials=("yoga mats", "story cards"),
        adaptations=("autism", "adhd", "hearing_impairment"),
    ),
    _Format(
        ActivityType.MOTOR,
        name="{T} Beanbag Toss",
        description=(
            "Children throw beanbags at targets painted with {t} from growing distances and keep score with "
            "tally marks."
        ),
        setting=Setting.BOTH,
        ages=(30, 60),
        group=(2, 10),
        minutes=(15, 20),
        materials=("beanbags", "target mat"),
        adaptations=("mobility_impairment", "visual_impairment"),
    ),
    _Format(
        ActivityType.MOTOR,
        name="{T} Threading Cards",
        description="Fine-motor practice: lacing yarn through cards showing {t}, punched with large holes.",
        setting=Setting.INDOOR,
        ages=(30, 60),
        group=(1, 6),
        minutes=(10, 15),
        materials=("lacing cards", "chunky yarn"),
        adaptations=("fine_motor_delay", "autism"),
    ),
    _Format(
        ActivityType.MOTOR,
        name="{T} Parachute Games",
        description="The group lifts, shakes and runs under a play parachute while singing about {t}.",
        setting=Setting.OUTDOOR,
        ages=(24, 72),
        group=(6, 20),
        minutes=(15, 20),
        materials=("play parachute", "soft balls"),
        adaptations=("hearing_impairment", "mobility_impairment"),
        weather=_FAIR,
    ),
    # language
    _Format(
        ActivityType.LANGUAGE,
        name="{T} Story Basket",
        description="Children pull props about {t} from a basket and build a shared story, one sentence each.",
        setting=Setting.INDOOR,
        ages=(30, 72),
        group=(3, 10),
        minutes=(15, 20),
        materials=("story basket",),
        adaptations=("speech_delay", "autism", "hearing_impairment"),
    ),
    _Format(
        ActivityType.LANGUAGE,
        name="{T} Picture Talk",
        description="A large picture of {t} prompts questions: what do you see, what happens next, how does it feel?",
        setting=Setting.INDOOR,
        ages=(24, 60),
        group=(2, 8),
        minutes=(10, 15),
        materials=("large picture cards",),
        adaptations=("speech_delay", "visual_impairment"),
    ),
    _Format(
        ActivityType.LANGUAGE,
        name="{T} Puppet Conversations",
        description="Puppets ask the children about {t}; children answer and ask the puppets their own questions.",
        setting=Setting.INDOOR,
        ages=(24, 60),
        group=(3, 12),
        minutes=(15, 20),
        materials=("hand puppets",),
        adaptations=("speech_delay", "autism"),
    ),
    _Format(
        ActivityType.LANGUAGE,
        name="{T} Rhymes and Fingerplays",
        description="Short rhymes and finger plays about {t}, repeated with actions until children lead them.",
        setting=Setting.BOTH,
        ages=(18, 48),
        group=(3, 20),
        minutes=(10, 15),
        materials=("rhyme cards",),
        adaptations=("hearing_impairment", "speech_delay"),
    ),
    _Format(
        ActivityType.LANGUAGE,
        name="{T} Listening Walk",
        description=(
            "A quiet walk listening for sounds linked to {t}; back inside, children describe and draw what they heard."
        ),
        setting=Setting.OUTDOOR,
        ages=(36, 72),
        group=(2, 10),
        minutes=(20, 30),
        materials=("clipboards", "crayons"),
        adaptations=("visual_impairment", "adhd"),
        weather=_FAIR,
    ),
    # social-emotional
    _Format(
        ActivityType.SOCIAL_EMOTIONAL,
        name="{T} Turn-Taking Game",
        description=(
            "A board game about {t} where children practise waiting, taking turns and cheering each other on."
        ),
        setting=Setting.INDOOR,
        ages=(36, 72),
        group=(2, 5),
        minutes=(15, 20),
        materials=("picture board game", "big dice"),
        adaptations=("autism", "adhd"),
    ),
    _Format(
        ActivityType.SOCIAL_EMOTIONAL,
        name="{T} Feelings Check-In",
        description=(
            "Children choose a picture of {t} that matches how they feel today and share why, if they want to."
        ),
        setting=Setting.INDOOR,
        ages=(24, 72),
        group=(2, 15),
        minutes=(10, 15),
        materials=("feelings cards",),
        adaptations=("autism", "speech_delay"),
    ),
    _Format(
        ActivityType.SOCIAL_EMOTIONAL,
        name="{T} Friendship Circle",
        description=(
            "In a circle, children pass a talking token, say something kind about the friend next to them "
            "and name their favourite of {t}."
        ),
        setting=Setting.BOTH,
        ages=(36, 72),
        group=(4, 20),
        minutes=(10, 15),
        materials=("talking token",),
        adaptations=("speech_delay", "hearing_impairment"),
    ),
    _Format(
        ActivityType.SOCIAL_EMOTIONAL,
        name="{T} Role-Play Corner",
        description=(
            "A pretend-play corner about {t} where children agree on roles and solve small problems together."
        ),
        setting=Setting.INDOOR,
        ages=(30, 72),
        group=(2, 6),
        minutes=(20, 30),
        materials=("dress-up clothes", "role cards"),
        adaptations=("autism", "mobility_impairment"),
    ),
    _Format(
        ActivityType.SOCIAL_EMOTIONAL,
        name="{T} Team Builders",
        description=(
            "Small teams carry and stack large foam blocks to build a scene about {t} that no one could make alone."
        ),
        setting=Setting.OUTDOOR,
        ages=(42, 72),
        group=(4, 12),
        minutes=(20, 25),
        materials=("large foam blocks", "crates"),
        adaptations=("adhd", "mobility_impairment"),
        weather=(*_FAIR, Weather.HOT),
    ),
    # creative
    _Format(
        ActivityType.CREATIVE,
        name="{T} Collage",
        description="Tearing, cutting and gluing paper and found objects into a big collage of {t}.",
        setting=Setting.INDOOR,
        ages=(24, 72),
        group=(1, 10),
        minutes=(20, 30),
        materials=("glue sticks", "paper scraps", "safety scissors"),
        adaptations=("fine_motor_delay", "visual_impairment"),
    ),
    _Format(
        ActivityType.CREATIVE,
        name="{T} Clay Sculptures",
        description=(
            "Children roll, pinch and press clay into models inspired by {t}, then give each sculpture a name."
        ),
        setting=Setting.INDOOR,
        ages=(30, 72),
        group=(1, 8),
        minutes=(20, 30),
        materials=("air-dry clay", "clay tools"),
        adaptations=("fine_motor_delay", "visual_impairment"),
    ),
    _Format(
        ActivityType.CREATIVE,
        name="{T} Music and Movement",
        description="Children invent movements for songs about {t} and play along on simple instruments.",
        setting=Setting.BOTH,
        ages=(18, 60),
        group=(3, 20),
        minutes=(15, 20),
        materials=("music player", "scarves"),
        adaptations=("hearing_impairment", "mobility_impairment"),
    ),
    _Format(
        ActivityType.CREATIVE,
        name="{T} Chalk Murals",
        description="A giant playground mural of {t} drawn together in chunky chalk.",
        setting=Setting.OUTDOOR,
        ages=(30, 72),
        group=(2, 15),
        minutes=(20, 30),
        materials=("chunky chalk",),
        adaptations=("fine_motor_delay", "adhd"),
        weather=(*_FAIR, Weather.HOT),
    ),
    _Format(
        ActivityType.CREATIVE,
        name="{T} Dress-Up Theatre",
        description="Children dress up, agree on characters and act out a short scene about {t} for their friends.",
        setting=Setting.INDOOR,
        ages=(36, 72),
        group=(3, 12),
        minutes=(25, 30),
        materials=("costume box", "stage mat"),
        adaptations=("speech_delay", "autism"),
    ),
    # sensory
    _Format(
        ActivityType.SENSORY,
        name="{T} Sensory Bin",
        description="Scooping and pouring through a bin of rice and beans to find hidden picture tokens of {t}.",
        setting=Setting.INDOOR,
        ages=(12, 48),
        group=(1, 4),
        minutes=(10, 15, 20),
        materials=("sensory bin", "scoops", "rice"),
        adaptations=("visual_impairment", "autism"),
    ),
    _Format(
        ActivityType.SENSORY,
        name="{T} Texture Trail",
        description=(
            "A barefoot trail of mats, grass, sand and bark themed on {t}; children describe what each step feels like."
        ),
        setting=Setting.OUTDOOR,
        ages=(18, 60),
        group=(2, 8),
        minutes=(15, 20),
        materials=("texture mats",),
        adaptations=("visual_impairment", "autism"),
        weather=(Weather.SUNNY, Weather.HOT),
    ),
    _Format(
        ActivityType.SENSORY,
        name="{T} Sound Jars",
        description="Shaking sealed jars and matching the pairs that sound the same, with pictures of {t} as clues.",
        setting=Setting.INDOOR,
        ages=(24, 60),
        group=(1, 6),
        minutes=(10, 15),
        materials=("sound jars",),
        adaptations=("visual_impairment", "adhd"),
    ),
    _Format(
        ActivityType.SENSORY,
        name="{T} Water Play",
        description="Pouring, floating and sinking at the water table with toys linked to {t}.",
        setting=Setting.OUTDOOR,
        ages=(12, 60),
        group=(2, 6),
        minutes=(15, 20, 30),
        materials=("water table", "cups", "funnels"),
        adaptations=("mobility_impairment", "autism"),
        weather=(Weather.SUNNY, Weather.HOT),
    ),
    _Format(
        ActivityType.SENSORY,
        name="{T} Playdough Smells",
        description="Scented playdough in colours inspired by {t}: children knead, sniff and guess each smell.",
        setting=Setting.INDOOR,
        ages=(18, 60),
        group=(1, 6),
        minutes=(15, 20),
        materials=("scented playdough", "cutters"),
        adaptations=("fine_motor_delay", "visual_impairment"),
    ),
    _Format(
        ActivityType.SENSORY,
        name="{T} Light Table",
        description="Coloured tiles and silhouettes of {t} on a light table: stack, mix colours and trace shapes.",
        setting=Setting.INDOOR,
        ages=(18, 48),
        group=(1, 4),
        minutes=(10, 15),
        materials=("light table", "transparent tiles"),
        adaptations=("visual_impairment", "autism"),
    ),
)

_ORG_NOTES = {
    SUNRISE: "Written by the Sunrise team for its own classrooms.",
    MAPLE: "Part of Maple's in-house curriculum.",
}

DEMO_SEED = 20260216
"""Seed of the generated catalog: change it and every generated id changes."""


def generate_activities(counts: Mapping[str, int] | None = None, seed: int = DEMO_SEED) -> list[Activity]:
    """Deterministic realistic activities for the demo: by default 200 public, 60 sunrise-private and 60
    maple-private ones, every (format, theme) name used at most once. Ids are random-looking UUIDs from ``seed``."""
    counts = dict(counts or {PUBLIC_CATALOG: 200, SUNRISE: 60, MAPLE: 60})
    rng = random.Random(seed)
    combos = [(fmt, theme) for fmt in _FORMATS for theme in _THEMES]
    if sum(counts.values()) > len(combos):
        raise ValueError(f"at most {len(combos)} generated activities")
    rng.shuffle(combos)
    activities: list[Activity] = []
    pool = iter(combos)
    for org_id, count in counts.items():
        for fmt, theme in itertools.islice(pool, count):
            activities.append(_activity(rng, fmt, theme, org_id))
    return activities


def _activity(rng: random.Random, fmt: _Format, theme: _Theme, org_id: str) -> Activity:
    shift = rng.choice((-6, 0, 0, 6))
    min_age = max(0, fmt.ages[0] + shift)
    max_age = max(min_age + 12, fmt.ages[1] + rng.choice((-6, 0, 6)))
    min_group = max(1, fmt.group[0] + rng.choice((-1, 0, 0, 1)))
    max_group = max(min_group, fmt.group[1] + rng.choice((-2, 0, 2)))
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
        duration_minutes=rng.choice(fmt.minutes),
        materials=[*fmt.materials, rng.choice(theme.materials)],
        special_needs_adaptations=adaptations,
        weather_suitability=list(fmt.weather),
    )


# --- demo users and seeding ------------------------------------------------------------------------------------

DEMO_PASSWORD = "Demo-Passw0rd!"


@dataclass(frozen=True)
class DemoUser:
    """A Cognito user of the local stack and the membership its real ``sub`` gets (DESIGN 7)."""

    username: str
    org_id: str
    role: Role
    classroom_ids: frozenset[str] = frozenset()
    child_ids: frozenset[str] = frozenset()

    def membership(self, sub: str) -> Membership:
        return Membership(
            sub=sub, org_id=self.org_id, role=self.role, classroom_ids=self.classroom_ids, child_ids=self.child_ids
        )


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@sunrise.example", SUNRISE, Role.ADMIN),
    DemoUser("teacher@sunrise.example", SUNRISE, Role.EDUCATOR, classroom_ids=frozenset({"sunrise-a"})),
    DemoUser("parent@sunrise.example", SUNRISE, Role.GUARDIAN, child_ids=GUARDIAN_CHILD_IDS),
    DemoUser("admin@maple.example", MAPLE, Role.ADMIN),
)


@dataclass(frozen=True)
class SeedContext:
    """What the seeding steps know: the Cognito ``sub`` of every demo user, by username."""

    subs: Mapping[str, str]


SeedStep = Callable[[SeedContext], int]
"""Writes one kind of demo data and returns how many items it wrote."""


def seed_activities(_: SeedContext) -> int:
    from early_learning.store import activities

    everything = [*CORE_ACTIVITIES, *generate_activities()]
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


def seed_children(context: SeedContext) -> int:
    from local import demo_children  # imported here: it builds on this module's constants

    return demo_children.seed_children(context)


SEED_STEPS: list[tuple[str, SeedStep]] = [
    ("activities", seed_activities),
    ("memberships", seed_memberships),
    ("children", seed_children),
]
"""The demo data, one step per kind: add a step here when a new table needs demo data."""


def seed_demo(context: SeedContext, steps: Sequence[tuple[str, SeedStep]] | None = None) -> dict[str, int]:
    """Run every seeding step (batch writes through the layer's store); returns items written per step.

    The layer's store must point at the emulator, i.e. its environment is set before this module's steps run."""
    return {name: step(context) for name, step in (SEED_STEPS if steps is None else steps)}
