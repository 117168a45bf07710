"""The pruned scoring (``early_learning.scoring``: bands nearest to the child's age first, stopping at the first that
cannot reach its top N) gives exactly the results of the implementation that scored every class of every type
(``scoring_reference``, kept unchanged): same activities, same order, same scores, same reasoning, for any input.

The inputs are drawn to make pruning matter: catalogs with many activities in few age bands and profiles (so that
classes and bands hold several activities and ties are common), recently done activities, special needs, weather
and focus in any mix, any number of recommendations, and any weights (a zero freshness weight makes a done
activity score as a fresh one; zero weights switch factors off).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from early_learning.domain import Activity, ActivityType, Child, Setting, Weather
from early_learning.scoring import RecommendationOptions, Weights, prepare_catalog, recommend
from local.demo.catalog import generate_activities
from local.demo.children import generate_children, generate_history
from tests.unit import scoring_reference as reference

TODAY = date(2026, 2, 16)
NEEDS = ["visual_impairment", "hearing-impairment", "Autism", "adhd", "mobility"]
# Close ranges, so that a band just outside a child's age can still outscore a band containing it.
AGE_BANDS = [
    (0, 12),
    (12, 36),
    (24, 48),
    (26, 50),
    (30, 54),
    (36, 60),
    (37, 38),
    (48, 72),
    (6, 18),
    (60, 120),
    (30, 30),
]
IDS = [f"{i:04d}-act" for i in range(80)]


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    min_age, max_age = draw(st.sampled_from(AGE_BANDS))
    min_group = draw(st.integers(1, 6))
    return Activity(
        id=draw(st.sampled_from(IDS)),
        org_id="org-1",
        name="A",
        description="D",
        activity_type=draw(st.sampled_from(list(ActivityType))),
        min_age_months=min_age,
        max_age_months=max_age,
        setting=draw(st.sampled_from(list(Setting))),
        min_group_size=min_group,
        max_group_size=draw(st.integers(min_group, 30)),
        special_needs_adaptations=draw(st.lists(st.sampled_from(NEEDS), max_size=3)),
        weather_suitability=draw(st.lists(st.sampled_from(list(Weather)), max_size=2, unique=True)),
    )


children = st.builds(
    Child,
    id=st.just("child-1"),
    org_id=st.just("org-1"),
    classroom_id=st.just("room-1"),
    name=st.just("Name"),
    birth_date=st.dates(date(2014, 1, 1), TODAY),
    focus_domains=st.lists(st.sampled_from(list(ActivityType)), max_size=3),
    special_needs=st.lists(st.sampled_from([*NEEDS, "Visual Impairment", "  "]), max_size=3),
)

options = st.fixed_dictionaries(
    {
        "max_recommendations": st.sampled_from([1, 2, 3, 5, 5, 5, 8, 20]),  # small: the heaps fill, bands get pruned
        "activity_types": st.none() | st.lists(st.sampled_from(list(ActivityType)), max_size=3, unique=True),
        "child_age_months": st.none() | st.sampled_from([0, 6, 12, 23, 24, 25, 29, 36, 48, 61, 72, 100, 216]),
        "weather": st.none() | st.sampled_from(list(Weather)),
        "group_size": st.none() | st.integers(1, 12),
        "include_special_needs": st.booleans(),
    }
)

catalogs = st.integers(0, 70).flatmap(lambda size: st.lists(activities(), min_size=size, max_size=size))
"""Catalogs of any size up to 70 (hypothesis's own lists are mostly a few items long: too few to prune anything)."""

share = st.sampled_from([0.0, 0.05, 0.1, 0.15, 0.25, 0.35, 1.0])


@st.composite
def weights(draw: st.DrawFn) -> Weights:
    age, freshness = draw(share), draw(share)
    if age + freshness <= 0:
        age = 0.35
    return Weights(
        age=age,
        focus=draw(share),
        freshness=freshness,
        special_needs=draw(share),
        weather=draw(share),
        age_decay_months=draw(st.sampled_from([1.0, 6.0, 12.5, 40.0])),
        variety_penalty=draw(st.sampled_from([0.0, 0.15, 0.5])),
        weather_neutral=draw(st.sampled_from([0.0, 0.5, 1.0])),
    )


def picked(result: list[Any]) -> list[tuple[str, float, str, Activity]]:
    return [(r.activity.id, r.relevance_score, r.reasoning, r.activity) for r in result]


def both(
    child: Child, catalog: list[Activity], raw_options: dict[str, Any], recent: set[str], chosen: Weights
) -> tuple[list[Any], list[Any]]:
    now = recommend(
        child,
        prepare_catalog(catalog, RecommendationOptions(**raw_options)),
        RecommendationOptions(**raw_options),
        recent_activity_ids=recent,
        today=TODAY,
        weights=chosen,
    )
    before = reference.recommend(
        child,
        catalog,
        reference.RecommendationOptions(**raw_options),
        recent_activity_ids=recent,
        today=TODAY,
        weights=reference.Weights(**{f: getattr(chosen, f) for f in chosen.__dataclass_fields__}),
    )
    return picked(now), picked(before)


@settings(max_examples=400, deadline=None)
@given(
    child=children,
    catalog=catalogs,
    raw_options=options,
    recent=st.sets(st.sampled_from(IDS), max_size=20),
    chosen=weights(),
)
def test_the_pruned_scoring_gives_the_reference_results(
    child: Child, catalog: list[Activity], raw_options: dict[str, Any], recent: set[str], chosen: Weights
) -> None:
    now, before = both(child, catalog, raw_options, recent, chosen)
    assert now == before


@settings(max_examples=150, deadline=None)
@given(
    child=children,
    catalog=catalogs,
    raw_options=options,
    recent=st.sets(st.sampled_from(IDS), max_size=20),
)
def test_the_pruned_scoring_gives_the_reference_results_with_the_default_weights(
    child: Child, catalog: list[Activity], raw_options: dict[str, Any], recent: set[str]
) -> None:
    now, before = both(child, catalog, raw_options, recent, Weights())
    assert now == before


def test_the_demo_catalog_and_children_get_the_reference_results_under_every_filter() -> None:
    # Given the demo's generated catalog and children with their histories (realistic sizes and vocabularies)
    catalog = generate_activities()
    kids = generate_children("org-1", "room-1", 30)
    history = generate_history(kids, sorted(a.id for a in catalog))
    for raw_options in (
        {},
        {"max_recommendations": 20},
        {"weather": "rainy", "group_size": 8},
        {"weather": "sunny", "include_special_needs": False, "max_recommendations": 3},
        {"activity_types": ["motor", "sensory"], "child_age_months": 30},
    ):
        for kid in kids:
            recent = {entry.activity_id for entry in history.get(kid.id, ())}
            # When each child is scored both ways / Then the recommendations are the same
            now, before = both(kid, catalog, raw_options, recent, Weights())
            assert now == before, (kid.id, raw_options)


def test_many_recently_done_activities_of_one_profile_get_the_reference_results() -> None:
    # Given 120 activities of one type and one profile, and a child who did the first 50 of them recently (more than
    # the pruned scoring keeps merged in advance: it must merge the rest when it reaches them)
    catalog = [
        Activity(
            id=f"{n:04d}-act",
            org_id="org-1",
            name="A",
            description="D",
            activity_type=ActivityType.MOTOR,
            min_age_months=24,
            max_age_months=48 + n % 3,  # three bands, interleaved in id order
        )
        for n in range(120)
    ]
    child = Child(id="c", org_id="org-1", classroom_id="r", name="N", birth_date=date(2023, 2, 16))
    recent = {activity.id for activity in catalog[:50]}
    for limit in (1, 5, 20):
        # When scored both ways / Then the results are the same: the first fresh activities, not the recent ones
        now, before = both(child, catalog, {"max_recommendations": limit}, recent, Weights())
        assert now == before
        assert [found[0] for found in now] == [activity.id for activity in catalog[50 : 50 + limit]]
