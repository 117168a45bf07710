"""Unit tests of the recommendation scoring (DESIGN section 5): pure logic, no AWS."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from early_learning.domain import Activity, ActivityType, Child, Setting, Weather
from early_learning.scoring import (
    BAD_WEATHER,
    WEIGHTS,
    PreparedCatalog,
    Recommendation,
    RecommendationOptions,
    Weights,
    age_fit,
    age_in_months,
    prepare_catalog,
    recommend,
)

TODAY = date(2026, 2, 16)
BIRTH_36_MONTHS = date(2023, 2, 16)  # exactly 36 months old on TODAY
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
CATALOG_PROPERTY_SETTINGS = settings(max_examples=120, deadline=None)  # generating catalogs dominates the cost


def make_activity(activity_id: str = "a1", **overrides: Any) -> Activity:
    fields: dict[str, Any] = {
        "id": activity_id,
        "org_id": "org-1",
        "name": f"Activity {activity_id}",
        "description": "An activity",
        "activity_type": ActivityType.COGNITIVE,
        "min_age_months": 24,
        "max_age_months": 48,
    }
    fields.update(overrides)
    return Activity(**fields)


def make_child(**overrides: Any) -> Child:
    fields: dict[str, Any] = {
        "id": "child-1",
        "org_id": "org-1",
        "classroom_id": "room-1",
        "name": "Zelda Quixote",
        "birth_date": BIRTH_36_MONTHS,
    }
    fields.update(overrides)
    return Child(**fields)


def ids(recommendations: list[Recommendation]) -> list[str]:
    return [r.activity.id for r in recommendations]


def run(
    catalog: list[Activity], child: Child | None = None, recent: tuple[str, ...] = (), **options: Any
) -> list[Recommendation]:
    return recommend(
        child or make_child(), catalog, RecommendationOptions(**options), recent_activity_ids=recent, today=TODAY
    )


# --- age_in_months ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        (date(2024, 5, 10), date(2024, 5, 10), 0),  # born today
        (date(2024, 5, 10), date(2024, 6, 9), 0),  # the day before the first monthly anniversary
        (date(2024, 5, 10), date(2024, 6, 10), 1),  # on the anniversary
        (date(2023, 12, 15), date(2024, 1, 14), 0),  # across a year boundary, not yet
        (date(2023, 12, 15), date(2024, 1, 15), 1),  # across a year boundary
        (date(2023, 1, 31), date(2023, 2, 27), 0),  # Jan 31 -> Feb has no 31st...
        (date(2023, 1, 31), date(2023, 2, 28), 1),  # ...so the anniversary is Feb's last day
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # leap year: Feb 29 is the last day
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2023, 3, 31), date(2023, 4, 29), 0),
        (date(2023, 3, 31), date(2023, 4, 30), 1),
        (date(2023, 3, 31), date(2023, 5, 30), 1),  # May has a 31st: not yet 2 months
        (date(2023, 3, 31), date(2023, 5, 31), 2),
        (date(2020, 2, 29), date(2021, 2, 27), 11),  # leap day birthday
        (date(2020, 2, 29), date(2021, 2, 28), 12),  # no Feb 29 in 2021: the anniversary is Feb 28
        (date(2020, 2, 29), date(2021, 3, 1), 12),
        (date(2020, 2, 29), date(2024, 2, 28), 47),  # 2024 has a Feb 29
        (date(2020, 2, 29), date(2024, 2, 29), 48),
        (date(2023, 2, 16), TODAY, 36),
        (date(2026, 3, 1), TODAY, 0),  # birth date in the future: clamped to 0
    ],
)
def test_age_in_months_edge_cases(birth: date, today: date, expected: int) -> None:
    # Given a birth date and a day / When the age is computed / Then it counts whole months completed
    assert age_in_months(birth, today) == expected


def add_months(day: date, months: int) -> date:
    """Reference: the monthly anniversary, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@PROPERTY_SETTINGS
@given(birth=st.dates(date(1990, 1, 1), date(2030, 12, 31)), days=st.integers(0, 8000))
def test_age_in_months_matches_monthly_anniversaries(birth: date, days: int) -> None:
    # Given any birth date and a later day
    today = birth + timedelta(days=days)
    # When the age is computed
    months = age_in_months(birth, today)
    # Then the m-th anniversary has passed and the (m+1)-th has not, and a day later never makes the child younger
    assert add_months(birth, months) <= today < add_months(birth, months + 1)
    assert age_in_months(birth, today + timedelta(days=1)) >= months


# --- age_fit ------------------------------------------------------------------------------------------------------


def test_age_fit_is_full_inside_the_range_and_decays_outside() -> None:
    # Given a 24..48 month range / When ages inside and outside are scored
    # Then inside (bounds included) is 1.0; outside decays symmetrically: 0.5 at the decay distance, 0.2 at twice it
    decay = WEIGHTS.age_decay_months
    assert age_fit(24, 24, 48) == age_fit(36, 24, 48) == age_fit(48, 24, 48) == 1.0
    assert age_fit(23, 24, 48) < 1.0
    assert age_fit(48 + int(decay), 24, 48) == pytest.approx(0.5)
    assert age_fit(24 - int(decay), 24, 48) == pytest.approx(0.5)
    assert age_fit(48 + 2 * int(decay), 24, 48) == pytest.approx(0.2)
    assert 0.0 < age_fit(0, 200, 216) < 0.01


@PROPERTY_SETTINGS
@given(
    age=st.integers(0, 216),
    near=st.tuples(st.integers(0, 300), st.integers(0, 300)),
    far=st.tuples(st.integers(0, 300), st.integers(0, 300)),
)
def test_age_fit_never_rewards_a_worse_fit(age: int, near: tuple[int, int], far: tuple[int, int]) -> None:
    # Given two age ranges, one at least as far from the child's age as the other
    def distance(bounds: tuple[int, int]) -> int:
        low, high = sorted(bounds)
        return max(low - age, age - high, 0)

    if distance(near) > distance(far):
        near, far = far, near
    # When both are scored / Then the further one never gets a higher factor, and both stay in (0, 1]
    near_fit, far_fit = age_fit(age, *sorted(near)), age_fit(age, *sorted(far))
    assert far_fit <= near_fit
    assert 0.0 < far_fit <= 1.0
    assert 0.0 < near_fit <= 1.0
    if distance(near) == distance(far):
        assert far_fit == near_fit


# --- hard filters -----------------------------------------------------------------------------------------------


def test_activity_types_filter_keeps_only_listed_types() -> None:
    # Given activities of three types
    catalog = [
        make_activity("m", activity_type=ActivityType.MOTOR),
        make_activity("l", activity_type=ActivityType.LANGUAGE),
        make_activity("c", activity_type=ActivityType.CREATIVE),
    ]
    # When only motor and language are asked for / Then creative is filtered out
    assert sorted(ids(run(catalog, activity_types=["motor", "language"]))) == ["l", "m"]
    # And an omitted or empty list means any type
    assert sorted(ids(run(catalog))) == sorted(ids(run(catalog, activity_types=[]))) == ["c", "l", "m"]


@pytest.mark.parametrize("weather", sorted(BAD_WEATHER))
def test_bad_weather_filters_out_outdoor_only_activities(weather: Weather) -> None:
    # Given an indoor, an outdoor-only and a both-settings activity
    catalog = [
        make_activity("in", setting=Setting.INDOOR),
        make_activity("out", setting=Setting.OUTDOOR),
        make_activity("both", setting=Setting.BOTH),
    ]
    # When it rains or snows / Then the outdoor-only one is never recommended
    assert sorted(ids(run(catalog, weather=weather))) == ["both", "in"]
    # And without weather, or in good weather, all three are candidates
    assert len(run(catalog)) == len(run(catalog, weather="sunny")) == 3


def test_weather_suitability_that_excludes_the_weather_filters_out() -> None:
    # Given activities listing their suitable weather, and one listing none (any weather its setting allows)
    catalog = [
        make_activity("sunny-only", weather_suitability=["sunny"]),
        make_activity("hot-or-cloudy", weather_suitability=["hot", "cloudy"]),
        make_activity("any", weather_suitability=[]),
    ]
    # When the weather is cloudy / Then the sunny-only activity is filtered out
    assert sorted(ids(run(catalog, weather="cloudy"))) == ["any", "hot-or-cloudy"]


def test_group_size_must_lie_within_the_activity_group_range() -> None:
    # Given activities for small, medium and large groups
    catalog = [
        make_activity("small", min_group_size=1, max_group_size=4),
        make_activity("medium", min_group_size=4, max_group_size=10),
        make_activity("large", min_group_size=11, max_group_size=30),
    ]
    # When the group has 4 children / Then both ranges containing 4 (bounds included) qualify
    assert sorted(ids(run(catalog, group_size=4))) == ["medium", "small"]
    # When it has 11 / Then only the large one does
    assert ids(run(catalog, group_size=11)) == ["large"]


def test_options_validate_their_ranges() -> None:
    # Given out-of-range option values / When the options are built / Then validation fails
    for bad in (
        {"max_recommendations": 0},
        {"max_recommendations": 21},
        {"child_age_months": -1},
        {"child_age_months": 217},
        {"group_size": 0},
        {"group_size": 101},
        {"weather": "foggy"},
        {"activity_types": ["juggling"]},
    ):
        with pytest.raises(ValidationError):
            RecommendationOptions(**bad)
    # And the defaults are the documented ones
    defaults = RecommendationOptions()
    assert (defaults.max_recommendations, defaults.include_special_needs) == (5, True)


# --- factors and reasoning ----------------------------------------------------------------------------------------


def test_perfect_age_match_outranks_a_close_one_and_a_far_one() -> None:
    # Given a 36-month-old and activities inside, just outside and far outside its age
    catalog = [
        make_activity("far", min_age_months=60, max_age_months=72),
        make_activity("close", min_age_months=40, max_age_months=60),
        make_activity("inside", min_age_months=30, max_age_months=40),
    ]
    # When recommended (variety off, to isolate the age factor)
    result = recommend(
        make_child(), catalog, RecommendationOptions(), today=TODAY, weights=Weights(variety_penalty=0.0)
    )
    # Then they come in age-fit order, with the matching phrase
    assert ids(result) == ["inside", "close", "far"]
    assert [r.reasoning.split("; ")[0] for r in result] == [
        "Perfect age match",
        "Close age match",
        "Outside the suggested age range",
    ]


@pytest.mark.parametrize(
    ("min_age", "max_age", "phrase"),
    [
        (36, 36, "Perfect age match"),
        (37, 48, "Close age match"),  # 1 month too young for it
        (42, 48, "Close age match"),  # exactly the decay distance (6 months)
        (43, 48, "Outside the suggested age range"),
        (24, 30, "Close age match"),  # 6 months too old for it
        (24, 29, "Outside the suggested age range"),
    ],
)
def test_age_phrase_boundaries(min_age: int, max_age: int, phrase: str) -> None:
    # Given a 36-month-old and an activity range / When recommended / Then the age phrase matches the distance
    result = run([make_activity("a", min_age_months=min_age, max_age_months=max_age)])
    assert result[0].reasoning.split("; ")[0] == phrase


def test_child_age_months_option_overrides_the_birth_date() -> None:
    # Given a 36-month-old (by birth date) and an activity for 10..14 months
    catalog = [make_activity("baby", min_age_months=10, max_age_months=14)]
    # When the request says the child is 12 months / Then the activity is a perfect match
    assert run(catalog, child_age_months=12)[0].reasoning.startswith("Perfect age match")
    assert run(catalog)[0].reasoning.startswith("Outside the suggested age range")


def test_focus_domain_match_raises_the_score_and_is_explained() -> None:
    # Given a child focused on motor and social-emotional development
    child = make_child(focus_domains=[ActivityType.MOTOR, ActivityType.SOCIAL_EMOTIONAL])
    catalog = [
        make_activity("cog", activity_type=ActivityType.COGNITIVE),
        make_activity("motor", activity_type=ActivityType.MOTOR),
        make_activity("social", activity_type=ActivityType.SOCIAL_EMOTIONAL),
    ]
    # When recommended
    by_id = {r.activity.id: r for r in run(catalog, child=child)}
    # Then the focus-domain activities score higher and say which development they support
    assert by_id["motor"].relevance_score > by_id["cog"].relevance_score
    assert by_id["motor"].reasoning == "Perfect age match; Fresh activity suggestion; Supports motor development"
    assert by_id["social"].reasoning.endswith("Supports social-emotional development")
    assert "Supports" not in by_id["cog"].reasoning


def test_freshness_prefers_activities_not_done_recently() -> None:
    # Given two otherwise identical activities, one done recently
    catalog = [make_activity("a"), make_activity("b")]
    # When recommended
    result = run(catalog, recent=("a",))
    # Then the fresh one comes first (despite its larger id) and each explains its freshness
    assert ids(result) == ["b", "a"]
    assert result[0].reasoning == "Perfect age match; Fresh activity suggestion"
    assert result[1].reasoning == "Perfect age match; Done recently"
    assert result[0].relevance_score == 1.0
    assert result[1].relevance_score < 1.0


def test_activities_with_one_profile_rank_fresh_ones_first_then_by_id() -> None:
    # Given many activities that differ only by id (one scoring profile), the smallest ids done recently
    catalog = [make_activity(f"a{i:02d}") for i in range(30)]
    recent = ("a00", "a01", "a02", "a05")
    # When three are recommended
    result = run(catalog, recent=recent, max_recommendations=3)
    # Then they are the three fresh ones with the smallest ids, all with the same score
    assert ids(result) == ["a03", "a04", "a06"]
    assert {r.relevance_score for r in result} == {1.0}
    # And when every one of them was done recently, the smallest ids come first, scored lower
    everything = tuple(a.id for a in catalog)
    all_done = run(catalog, recent=everything, max_recommendations=3)
    assert ids(all_done) == ["a00", "a01", "a02"]
    assert all(r.relevance_score < 1.0 for r in all_done)
    # And with more asked for than fresh ones exist, the recently done ones follow the fresh ones
    mixed = run(catalog[:6], recent=recent, max_recommendations=6)
    assert ids(mixed) == ["a03", "a04", "a00", "a01", "a02", "a05"]


def test_special_needs_adaptation_is_the_fraction_of_needs_adapted_for() -> None:
    # Given a child with two needs and activities adapted for none, one or both of them
    child = make_child(special_needs=["visual_impairment", "Hearing Impairment"])
    catalog = [
        make_activity("none"),
        make_activity("one", special_needs_adaptations=["visual-impairment", "autism"]),
        make_activity("both", special_needs_adaptations=["hearing_impairment", "visual_impairment"]),
    ]
    # When recommended with special needs included
    result = recommend(child, catalog, RecommendationOptions(), today=TODAY, weights=Weights(variety_penalty=0.0))
    by_id = {r.activity.id: r for r in result}
    # Then more adaptations rank higher, the factor is the matched fraction, and the needs are named
    assert ids(result) == ["both", "one", "none"]
    total = WEIGHTS.age + WEIGHTS.freshness + WEIGHTS.special_needs
    assert by_id["both"].relevance_score == 1.0
    assert by_id["one"].relevance_score == round((total - WEIGHTS.special_needs / 2) / total, 3)
    assert by_id["none"].relevance_score == round((total - WEIGHTS.special_needs) / total, 3)
    assert by_id["both"].reasoning.endswith("Adapted for visual impairment, hearing impairment")
    assert by_id["one"].reasoning.endswith("Adapted for visual impairment")
    assert "Adapted" not in by_id["none"].reasoning


def test_special_needs_are_ignored_when_not_included() -> None:
    # Given a child with a need and one adapted activity
    child = make_child(special_needs=["visual_impairment"])
    catalog = [make_activity("b", special_needs_adaptations=["visual_impairment"]), make_activity("a")]
    # When special needs are excluded / Then both score the same (ties by id) and nothing is said about needs
    result = run(catalog, child=child, include_special_needs=False)
    assert ids(result) == ["a", "b"]
    assert {r.relevance_score for r in result} == {1.0}
    assert all("Adapted" not in r.reasoning for r in result)


def test_weather_fit_favours_listed_weather_and_indoor_in_bad_weather() -> None:
    # Given an activity listing sunny weather and one listing nothing
    sunny = [make_activity("listed", weather_suitability=["sunny"]), make_activity("any")]
    # When it is sunny / Then the listed one ranks first and says so; the other gets the neutral weather factor
    result = run(sunny, weather="sunny")
    assert ids(result) == ["listed", "any"]
    assert result[0].reasoning.endswith("Suits sunny weather")
    total = WEIGHTS.age + WEIGHTS.freshness + WEIGHTS.weather
    assert result[1].relevance_score == round((total - WEIGHTS.weather * (1 - WEIGHTS.weather_neutral)) / total, 3)
    assert "weather" not in result[1].reasoning
    # Given an indoor activity when it rains / Then it fits fully and says why
    rainy = run([make_activity("in", setting=Setting.INDOOR)], weather="rainy")
    assert rainy[0].relevance_score == 1.0
    assert rainy[0].reasoning.endswith("Indoor-friendly for rainy weather")


def test_reasoning_never_mentions_the_child_name_or_birth_date() -> None:
    # Given a child with a distinctive name and every factor in play
    child = make_child(
        name="Zelda Quixote", focus_domains=[ActivityType.MOTOR], special_needs=["autism"], birth_date=date(2023, 2, 16)
    )
    catalog = [
        make_activity(f"a{i}", activity_type=t, special_needs_adaptations=["autism"], weather_suitability=["sunny"])
        for i, t in enumerate(ActivityType)
    ]
    # When recommended / Then no reasoning leaks personal data
    for recommendation in run(catalog, child=child, weather="sunny", max_recommendations=20):
        assert "Zelda" not in recommendation.reasoning
        assert "Quixote" not in recommendation.reasoning
        assert "2023" not in recommendation.reasoning


def test_score_is_rounded_to_three_decimals() -> None:
    # Given an activity 7 months outside the child's age / When recommended
    result = run([make_activity("a", min_age_months=43, max_age_months=60)])
    # Then its score is the weighted mean, rounded to 3 decimals
    total = WEIGHTS.age + WEIGHTS.freshness
    expected = round((WEIGHTS.age * age_fit(36, 43, 60) + WEIGHTS.freshness) / total, 3)
    assert result[0].relevance_score == expected
    assert result[0].relevance_score == round(result[0].relevance_score, 3)


# --- selection: variety, limits, determinism ----------------------------------------------------------------------


def test_variety_penalises_a_type_already_chosen() -> None:
    # Given three perfect motor activities and a language activity just outside the child's age range
    catalog = [
        make_activity("m1", activity_type=ActivityType.MOTOR),
        make_activity("m2", activity_type=ActivityType.MOTOR),
        make_activity("m3", activity_type=ActivityType.MOTOR),
        make_activity("l1", activity_type=ActivityType.LANGUAGE, min_age_months=38, max_age_months=48),
    ]
    # When three are asked for
    result = run(catalog, max_recommendations=3)
    # Then the language activity makes it in place of a third motor one, and output stays sorted by score
    assert ids(result) == ["m1", "m2", "l1"]
    # And without the variety penalty the plain top 3 wins
    plain = recommend(
        make_child(),
        catalog,
        RecommendationOptions(max_recommendations=3),
        today=TODAY,
        weights=Weights(variety_penalty=0.0),
    )
    assert ids(plain) == ["m1", "m2", "m3"]


def test_variety_does_not_pick_a_much_worse_activity() -> None:
    # Given two perfect motor activities and a far-off-age language activity
    catalog = [
        make_activity("m1", activity_type=ActivityType.MOTOR),
        make_activity("m2", activity_type=ActivityType.MOTOR),
        make_activity("l1", activity_type=ActivityType.LANGUAGE, min_age_months=120, max_age_months=140),
    ]
    # When two are asked for / Then the second motor activity still wins: the penalty is smaller than the gap
    assert ids(run(catalog, max_recommendations=2)) == ["m1", "m2"]


def test_max_recommendations_caps_the_result() -> None:
    # Given 30 eligible activities
    catalog = [make_activity(f"a{i:02d}", activity_type=list(ActivityType)[i % 6]) for i in range(30)]
    # When 1, the default 5, or 20 are asked for / Then exactly that many come back
    assert len(run(catalog, max_recommendations=1)) == 1
    assert len(run(catalog)) == 5
    assert len(run(catalog, max_recommendations=20)) == 20


def test_empty_catalog_and_everything_filtered_give_no_recommendations() -> None:
    # Given no activities, or only ones the filters exclude / When recommended / Then the result is empty
    assert run([]) == []
    assert run([make_activity("out", setting=Setting.OUTDOOR)], weather="snowy") == []


def test_duplicate_activity_ids_are_recommended_once_first_wins() -> None:
    # Given the same activity id twice in the catalog, with different names
    catalog = [make_activity("a", name="first"), make_activity("b"), make_activity("a", name="second")]
    # When recommended / Then it appears once, as its first occurrence
    result = run(catalog)
    assert ids(result) == ["a", "b"]
    assert result[0].activity.name == "first"


def test_same_inputs_give_the_same_output_whatever_the_catalog_order() -> None:
    # Given a catalog with many ties
    catalog = [
        make_activity(f"a{i:02d}", activity_type=list(ActivityType)[i % 3], min_age_months=(i % 4) * 12)
        for i in range(20)
    ]
    shuffled = catalog[:]
    random.Random(7).shuffle(shuffled)
    # When recommended twice, once from a shuffled catalog / Then the outputs are identical
    first = run(catalog, max_recommendations=8)
    assert run(catalog, max_recommendations=8) == first
    assert run(shuffled, max_recommendations=8) == first


def test_prepared_catalog_gives_the_same_result_and_checks_its_options() -> None:
    # Given a catalog prepared once for a request
    catalog = [make_activity(f"a{i}", activity_type=list(ActivityType)[i % 6]) for i in range(12)]
    options = RecommendationOptions(weather=Weather.RAINY, group_size=5, max_recommendations=4)
    prepared = prepare_catalog(catalog, options)
    assert isinstance(prepared, PreparedCatalog)
    assert len(prepared) == 12
    # When children are scored against it / Then the results equal scoring the raw catalog
    for child in (make_child(), make_child(id="c2", focus_domains=[ActivityType.SENSORY])):
        assert recommend(child, prepared, options, today=TODAY) == recommend(child, catalog, options, today=TODAY)
    # And per-child options that are not filters may differ
    assert len(recommend(make_child(), prepared, options.model_copy(update={"max_recommendations": 2}), today=TODAY))
    # But other filter options are refused
    with pytest.raises(ValueError, match="filter options"):
        recommend(make_child(), prepared, RecommendationOptions(weather=Weather.SUNNY), today=TODAY)


def test_weights_are_validated() -> None:
    # Given invalid weights / When built / Then they are refused
    with pytest.raises(ValueError, match="factor weights"):
        Weights(age=-0.1)
    with pytest.raises(ValueError, match="always apply"):
        Weights(age=0.0, freshness=0.0)
    with pytest.raises(ValueError, match="weather_neutral"):
        Weights(weather_neutral=1.5)
    # And the defaults are one frozen object
    with pytest.raises(dataclasses.FrozenInstanceError):
        WEIGHTS.age = 1.0  # type: ignore[misc]


# --- properties -----------------------------------------------------------------------------------------------------

NEEDS = ["visual_impairment", "hearing_impairment", "autism", "adhd"]
activity_types = st.sampled_from(list(ActivityType))


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    return Activity(
        id=draw(st.sampled_from([f"act-{i}" for i in range(25)])),
        org_id="org-1",
        name="A",
        description="D",
        activity_type=draw(activity_types),
        min_age_months=draw(st.integers(0, 120)),
        max_age_months=draw(st.integers(0, 240)),  # sometimes below the minimum: bad data must not break scoring
        setting=draw(st.sampled_from(list(Setting))),
        min_group_size=draw(st.integers(1, 15)),
        max_group_size=draw(st.integers(1, 40)),
        special_needs_adaptations=draw(st.lists(st.sampled_from(NEEDS), max_size=3)),
        weather_suitability=draw(st.lists(st.sampled_from(list(Weather)), max_size=3, unique=True)),
    )


children = st.builds(
    Child,
    id=st.just("child-1"),
    org_id=st.just("org-1"),
    classroom_id=st.just("room-1"),
    name=st.just("Name"),
    birth_date=st.dates(date(2008, 1, 1), TODAY),
    focus_domains=st.lists(activity_types, max_size=3),
    special_needs=st.lists(st.sampled_from(NEEDS), max_size=3),
)

options_strategy = st.builds(
    RecommendationOptions,
    max_recommendations=st.integers(1, 20),
    activity_types=st.none() | st.lists(activity_types, max_size=3, unique=True),
    child_age_months=st.none() | st.integers(0, 216),
    weather=st.none() | st.sampled_from(list(Weather)),
    group_size=st.none() | st.integers(1, 100),
    include_special_needs=st.booleans(),
)

catalogs = st.lists(activities(), max_size=20)
recents = st.sets(st.sampled_from([f"act-{i}" for i in range(25)]), max_size=10)


def passes_hard_filters(activity: Activity, options: RecommendationOptions) -> bool:
    if options.activity_types and activity.activity_type not in options.activity_types:
        return False
    if options.weather is not None:
        if options.weather in BAD_WEATHER and activity.setting is Setting.OUTDOOR:
            return False
        if activity.weather_suitability and options.weather not in activity.weather_suitability:
            return False
    if options.group_size is not None:
        return activity.min_group_size <= options.group_size <= activity.max_group_size
    return True


@CATALOG_PROPERTY_SETTINGS
@given(child=children, catalog=catalogs, options=options_strategy, recent=recents)
def test_recommendations_respect_filters_limits_range_and_order(
    child: Child, catalog: list[Activity], options: RecommendationOptions, recent: set[str]
) -> None:
    # Given any child, catalog, options and recent activities / When recommended
    result = recommend(child, catalog, options, recent_activity_ids=recent, today=TODAY)
    # Then every score is in [0, 1] with 3 decimals
    assert all(0.0 <= r.relevance_score <= 1.0 for r in result)
    assert all(r.relevance_score == round(r.relevance_score, 3) for r in result)
    # And every recommended activity passes the hard filters, once
    assert all(passes_hard_filters(r.activity, options) for r in result)
    assert len(set(ids(result))) == len(result)
    # And there are as many as asked for, unless fewer distinct eligible activities exist
    eligible = {a.id for a in catalog if passes_hard_filters(a, options)}
    assert len(result) == min(options.max_recommendations, len(eligible))
    # And they are sorted by score descending, ties by id
    keys = [(-r.relevance_score, r.activity.id) for r in result]
    assert keys == sorted(keys)
    # And every reasoning starts with the age phrase and names freshness correctly
    for r in result:
        phrases = r.reasoning.split("; ")
        assert phrases[0] in {"Perfect age match", "Close age match", "Outside the suggested age range"}
        assert phrases[1] == ("Done recently" if r.activity.id in recent else "Fresh activity suggestion")
    # And variety never drops the best-scored eligible activity: it is the first recommendation
    if result:
        everything = recommend(
            child,
            catalog,
            options.model_copy(update={"max_recommendations": 20}),
            recent_activity_ids=recent,
            today=TODAY,
        )
        assert result[0].relevance_score == everything[0].relevance_score == max(r.relevance_score for r in everything)


@CATALOG_PROPERTY_SETTINGS
@given(
    child=children,
    catalog=st.lists(activities(), max_size=20, unique_by=lambda a: a.id),
    options=options_strategy,
    recent=recents,
    seed=st.integers(0, 2**16),
)
def test_same_inputs_give_the_same_output(
    child: Child, catalog: list[Activity], options: RecommendationOptions, recent: set[str], seed: int
) -> None:
    # Given any inputs, and the same catalog in another order
    shuffled = catalog[:]
    random.Random(seed).shuffle(shuffled)
    # When recommended from the list, the shuffled list and a prepared catalog
    first = recommend(child, catalog, options, recent_activity_ids=recent, today=TODAY)
    again = recommend(child, catalog, options, recent_activity_ids=sorted(recent), today=TODAY)
    reordered = recommend(child, shuffled, options, recent_activity_ids=recent, today=TODAY)
    prepared = recommend(child, prepare_catalog(catalog, options), options, recent_activity_ids=recent, today=TODAY)
    # Then all results are identical
    assert first == again == reordered == prepared


@PROPERTY_SETTINGS
@given(
    age=st.integers(0, 216),
    near=st.tuples(st.integers(0, 240), st.integers(0, 48)),
    extra=st.integers(0, 120),
    below=st.booleans(),
)
def test_recommend_never_scores_a_worse_age_fit_higher(
    age: int, near: tuple[int, int], extra: int, below: bool
) -> None:
    # Given two activities identical but for their age range, the second at least as far from the child's age
    low, width = near
    near_activity = make_activity("near", min_age_months=low, max_age_months=low + width)
    distance = max(low - age, age - low - width, 0) + extra
    far_low = age + distance if below else max(age - distance - width, 0)
    far_activity = make_activity("far", min_age_months=far_low, max_age_months=far_low + width)
    far_distance = max(far_low - age, age - far_low - width, 0)
    assume(far_distance >= max(low - age, age - low - width, 0))
    # When both are scored together
    scores = {r.activity.id: r.relevance_score for r in run([near_activity, far_activity], child_age_months=age)}
    # Then the further one never scores higher
    assert scores["far"] <= scores["near"]
