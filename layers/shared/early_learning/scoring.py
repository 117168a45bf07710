"""Recommendation scoring: pure, deterministic ranking of catalog activities for one child (DESIGN section 5).

No AWS, no I/O, no clock: the caller passes ``today``. Imports stay light (stdlib, pydantic, the domain models)
because the module is imported on every Lambda cold start.

Pipeline, per request and per child:

1. **Hard filters** (request-wide, see :func:`prepare_catalog`): ``activity_types``, weather and group size.
   Activities that fail a hard filter are never recommended, whatever their score.
2. **Score** every remaining activity in [0, 1] with plain arithmetic: a weighted mean of the factors that apply
   (see :class:`Weights`), rounded to 3 decimals.
3. **Select** the top ``max_recommendations`` with some variety of activity types (greedy rule, see
   :func:`recommend`), then order them by score descending, ties by activity id.
4. Build :class:`Recommendation` objects, with their ``reasoning``, for the chosen few only.

A batch of children shares one request, so the request-wide filters can run once: call :func:`prepare_catalog`
and pass the :class:`PreparedCatalog` to :func:`recommend` for each child. Per child the cost is then some
arithmetic over the prepared *scoring classes* (activities of one type and one profile score alike) of the age bands
nearest to the child's age, until no further band can reach its top N (see :class:`PreparedCatalog`), plus a
bounded heap per activity type: it follows the few bands near the child's age, not the catalog's size. The results
are the same as scoring every activity (``tests/unit/scoring_reference.py`` keeps the implementation that did, and
a property test compares the two).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from early_learning.domain import Activity, ActivityType, Child, Setting, Weather

__all__ = [
    "BAD_WEATHER",
    "WEIGHTS",
    "PreparedCatalog",
    "Recommendation",
    "RecommendationOptions",
    "Weights",
    "age_fit",
    "age_in_months",
    "filter_key",
    "prepare_catalog",
    "recommend",
]


@dataclass(frozen=True, slots=True)
class Weights:
    """Every tuning knob of the scoring, in one place. The defaults are :data:`WEIGHTS`.

    Factor weights (relative; the score is their weighted mean over the factors that apply, so it stays in [0, 1]):

    - ``age``: age fit, always applies. 1.0 when the child's age lies within the activity's age range, decaying
      smoothly with the months outside it (see :func:`age_fit`). The strongest signal: a wrong age range makes an
      activity unusable.
    - ``focus``: focus-domain match, applies when the child has focus domains. 1.0 when the activity's type is one
      of them, else 0.0.
    - ``freshness``: always applies. 1.0 when the activity is not among the child's recently done activities.
    - ``special_needs``: applies when the request has ``include_special_needs`` and the child has special needs.
      The fraction of the child's needs the activity has adaptations for.
    - ``weather``: applies when the request gives the weather. 1.0 when the activity lists that weather in its
      suitability, or when the weather is bad (rain, snow) and the activity can be done indoors; otherwise
      ``weather_neutral``.

    Shape parameters:

    - ``age_decay_months``: months outside the age range at which the age fit has dropped to 0.5
      (the fit is ``1 / (1 + (d / age_decay_months) ** 2)`` for ``d`` months outside the range).
    - ``variety_penalty``: subtracted from an activity's score, during selection only, once per activity of the
      same type already chosen (see :func:`recommend`). It never changes the reported ``relevance_score``.
    - ``weather_neutral``: weather factor of an activity whose suitability neither lists nor excludes the weather.
    """

    age: float = 0.35
    focus: float = 0.25
    freshness: float = 0.15
    special_needs: float = 0.15
    weather: float = 0.10
    age_decay_months: float = 6.0
    variety_penalty: float = 0.15
    weather_neutral: float = 0.5

    def __post_init__(self) -> None:
        factor_weights = (self.age, self.focus, self.freshness, self.special_needs, self.weather)
        if any(w < 0 for w in factor_weights):
            raise ValueError("factor weights must be >= 0")
        if self.age + self.freshness <= 0:
            raise ValueError("age + freshness (the factors that always apply) must be > 0")
        if self.age_decay_months <= 0:
            raise ValueError("age_decay_months must be > 0")
        if self.variety_penalty < 0:
            raise ValueError("variety_penalty must be >= 0")
        if not 0.0 <= self.weather_neutral <= 1.0:
            raise ValueError("weather_neutral must lie in [0, 1]")


WEIGHTS = Weights()
"""The default weights used by :func:`recommend` and :func:`age_fit`."""

BAD_WEATHER: frozenset[Weather] = frozenset({Weather.RAINY, Weather.SNOWY})
"""Weather in which outdoor-only activities are filtered out and indoor ones fit best."""


# An enum member is given by its value: a JSON string is how an enum arrives, even where a request model is strict.
LaxActivityType = Annotated[ActivityType, Strict(False)]
LaxWeather = Annotated[Weather, Strict(False)]


def _no_repeats(types: list[ActivityType]) -> list[ActivityType]:
    if len(set(types)) != len(types):
        raise ValueError("activity_types must not name a type twice")
    return types


class RecommendationOptions(BaseModel):
    """Options of a recommendation request (also the base of the HTTP request model)."""

    model_config = ConfigDict(frozen=True)

    max_recommendations: int = Field(default=5, ge=1, le=20, description="How many activities to recommend per child")
    # The length bound sits on the list itself, so that it is checked before any item is (one error, not one per item).
    activity_types: (
        Annotated[list[LaxActivityType], Field(max_length=len(ActivityType)), AfterValidator(_no_repeats)] | None
    ) = Field(
        default=None,
        description="Only recommend activities of these types, each at most once (omitted or empty: any type)",
    )
    child_age_months: int | None = Field(
        default=None, ge=0, le=216, description="Age in months to score with, instead of the one from the birth date"
    )
    weather: LaxWeather | None = Field(
        default=None, description="Today's weather: filters out unsuitable activities and favours suitable ones"
    )
    group_size: int | None = Field(
        default=None, ge=1, le=100, description="Number of children taking part: must fit the activity's group range"
    )
    include_special_needs: bool = Field(
        default=True, description="Favour activities adapted to the child's special needs"
    )


class Recommendation(BaseModel):
    """One recommended activity with its relevance score and a short, human-readable reasoning."""

    model_config = ConfigDict(frozen=True)

    activity: Activity
    relevance_score: float = Field(ge=0.0, le=1.0, description="Relevance in [0, 1], rounded to 3 decimals")
    reasoning: str = Field(description="One short phrase per factor that mattered, joined with '; '")


# --- age --------------------------------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def age_in_months(birth_date: date, today: date) -> int:
    """Whole months from ``birth_date`` to ``today`` (0 when ``today`` is before the birth date).

    A month is complete on its monthly anniversary; when the birth day does not exist in a month (the 29th-31st),
    the anniversary is that month's last day: born on Jan 31 -> 1 month on Feb 28 (29 in leap years); born on
    Feb 29 -> 12 months on Feb 28 of the next year.
    """
    months = (today.year - birth_date.year) * 12 + (today.month - birth_date.month)
    anniversary_day = min(birth_date.day, _days_in_month(today.year, today.month))
    if today.day < anniversary_day:
        months -= 1
    return max(months, 0)


def age_fit(age_months: int, min_age: int, max_age: int, *, decay_months: float = WEIGHTS.age_decay_months) -> float:
    """Age-fit factor in (0, 1]: 1.0 inside ``[min_age, max_age]``, decaying smoothly with the months outside.

    With ``d`` the months outside the range, the fit is ``1 / (1 + (d / decay_months) ** 2)``: 0.5 at
    ``decay_months`` away, 0.2 at twice that. It depends on ``d`` only and is monotone non-increasing in it (each
    floating-point step is correctly rounded and monotone), so a worse fit is never rewarded.
    """
    distance = max(min_age - age_months, age_months - max_age, 0)
    if distance <= 0:
        return 1.0
    x = distance / decay_months
    return 1.0 / (1.0 + x * x)


# --- request-wide hard filters ------------------------------------------------------------------------------------


def _normalise_need(need: str) -> str:
    """``"Visual Impairment"``, ``"visual-impairment"`` and ``"visual_impairment"`` name the same need."""
    return "_".join(need.strip().lower().replace("-", " ").replace("_", " ").split())


_FilterKey = tuple[frozenset[ActivityType] | None, Weather | None, int | None]


def filter_key(options: RecommendationOptions) -> _FilterKey:
    """What a :class:`PreparedCatalog` depends on of the options: the hard filters (a cache key for it)."""
    types = frozenset(options.activity_types) if options.activity_types else None
    return types, options.weather, options.group_size


# What the per-child scoring reads of an activity, besides its type: (min age, max age, fits the weather, normalised
# adaptations). Activities with the same profile (and type) get the same score for every child, recency aside.
_Profile = tuple[int, int, bool, frozenset[str]]
# One scoring class of an age band: its weather fit, its adaptations and the ranks of its activities, ascending.
_Class = tuple[bool, frozenset[str], tuple[int, ...]]

_ORDERS_CACHED_UP_TO_AGE = 300
"""``_TypeIndex.by_distance`` keeps its order for the ages up to this (months); an older age is ordered each time."""


class _Band:
    """The scoring classes of one activity type that share an age range: for a given child, their age factor is
    the same, so they are scored, or skipped, together.

    (Plain classes here and below, not dataclasses: a dataclass is made by compiling generated code, at every cold
    start.)"""

    __slots__ = ("by_weather", "classes", "first_rank", "max_age", "min_age", "most_adaptations")

    def __init__(
        self,
        min_age: int,
        max_age: int,
        classes: tuple[_Class, ...],
        by_weather: tuple[tuple[bool, tuple[int, ...]], ...],
    ) -> None:
        self.min_age = min_age
        self.max_age = max_age
        self.classes = classes
        self.by_weather = by_weather
        """The ranks of the band's activities by weather fit, ascending."""
        self.first_rank = min(members[0] for _, _, members in classes)
        """The smallest rank in the band (the best tie-break any of its activities can have)."""
        self.most_adaptations = max(len(adaptations) for _, adaptations, _ in classes)
        """The most adaptations a class of the band has (what bounds its special-needs factor)."""

    def distance(self, age: int) -> int:
        return max(self.min_age - age, age - self.max_age, 0)


_MERGED_PREFIX = 48
"""Ranks ``_AtDistance.merged`` keeps of each weather fit (the rest is merged again on the rare child that needs it:
one whose recently done activities fill the prefix)."""


class _AtDistance:
    """The bands of one activity type at one distance from a child's age, by first rank, and two views of them made
    on first use: their activities by weather fit, merged in rank order (those adapted for none of a child's needs
    all score alike, so the best are the first ranks not done recently), and their classes by adaptation (those
    adapted for some of a child's needs, scored one by one)."""

    __slots__ = ("_by_need", "_merged", "bands", "distance")

    def __init__(self, distance: int, bands: tuple[_Band, ...]) -> None:
        self.distance = distance
        self.bands = bands
        self._merged: tuple[tuple[bool, Iterable[int]], ...] | None = None
        self._by_need: dict[str, tuple[_Class, ...]] | None = None

    def with_need(self, need: str) -> tuple[_Class, ...]:
        """The classes adapted for ``need`` (normalised), made on first use."""
        if self._by_need is None:
            by_need: dict[str, list[_Class]] = {}
            for band in self.bands:
                for found in band.classes:
                    for adaptation in found[1]:
                        by_need.setdefault(adaptation, []).append(found)
            self._by_need = {adaptation: tuple(classes) for adaptation, classes in by_need.items()}
        return self._by_need.get(need, ())

    def merged(self) -> tuple[tuple[bool, Iterable[int]], ...]:
        """(weather fit, its ranks ascending), made on first use (only the distances a child reaches)."""
        if self._merged is None:
            by_fit: dict[bool, list[tuple[int, ...]]] = {}
            for band in self.bands:
                for fits_weather, ranks in band.by_weather:
                    by_fit.setdefault(fits_weather, []).append(ranks)
            found: list[tuple[bool, Iterable[int]]] = []
            for fits_weather, lists in sorted(by_fit.items()):
                prefix = tuple(islice(heapq.merge(*lists), _MERGED_PREFIX + 1))
                found.append((fits_weather, prefix if len(prefix) <= _MERGED_PREFIX else _Ascending(prefix, lists)))
            self._merged = tuple(found)
        return self._merged


class _Ascending:
    """Sorted lists of ranks merged, as an iterable: a prefix kept, the rest merged again when reached."""

    __slots__ = ("lists", "prefix")

    def __init__(self, prefix: tuple[int, ...], lists: list[tuple[int, ...]]) -> None:
        self.prefix = prefix[:_MERGED_PREFIX]
        self.lists = lists

    def __iter__(self) -> Iterator[int]:
        yield from self.prefix
        cut = self.prefix[-1]
        yield from heapq.merge(*(ranks[bisect_right(ranks, cut) :] for ranks in self.lists))


class _TypeIndex:
    """The age bands of one activity type, and their order by distance from a child's age (cached per age)."""

    __slots__ = ("activity_type", "bands", "orders")

    def __init__(self, activity_type: ActivityType, bands: tuple[_Band, ...]) -> None:
        self.activity_type = activity_type
        self.bands = bands
        self.orders: dict[int, tuple[_AtDistance, ...]] = {}

    def by_distance(self, age: int) -> tuple[_AtDistance, ...]:
        """The bands grouped by their distance from ``age``, the nearest first."""
        order = self.orders.get(age)
        if order is None:
            at: dict[int, list[_Band]] = {}
            for band in self.bands:
                at.setdefault(band.distance(age), []).append(band)
            order = tuple(
                _AtDistance(distance, tuple(sorted(at[distance], key=lambda band: band.first_rank)))
                for distance in sorted(at)
            )
            if 0 <= age <= _ORDERS_CACHED_UP_TO_AGE:
                self.orders[age] = order
        return order


@dataclass(frozen=True, slots=True)
class PreparedCatalog:
    """A catalog with the request-wide hard filters applied once, ready to be scored for many children.

    Build it with :func:`prepare_catalog` and pass it to :func:`recommend` with the same filter options
    (``activity_types``, ``weather``, ``group_size``); the other options may vary per child. It does not change once
    built, so a service may keep it as long as the catalog it was built from (the recommendations service keeps it
    with the cached catalog).

    ``activities`` are the eligible activities, deduplicated by id (the first eligible occurrence wins) and sorted
    by id, so that an activity's index (its *rank*, also in ``ranks`` by id) breaks score ties by id. ``groups``
    holds, per activity type, its *age bands*, each with its *scoring classes*: the activities that share a profile
    (age range, weather fit, special-needs adaptations), with their ranks in ascending order.

    Why classes: two activities of one type and one profile get the same score for any child unless the child did
    one of them recently, so a child's scoring costs one computation per class, not per activity. Why bands: a
    class's score is at most its band's age factor plus the most the other factors can add, so a child's scoring
    visits the bands nearest to its age first and stops at the first band that cannot reach its top N (see
    :func:`recommend`): the cost follows the few bands near the child's age, not the catalog.
    """

    filter_key: _FilterKey
    activities: tuple[Activity, ...]
    ranks: Mapping[str, int]
    groups: tuple[_TypeIndex, ...]
    adaptations: tuple[frozenset[str], ...]
    """The normalised special-needs adaptations of each activity, by rank."""

    def __len__(self) -> int:
        return len(self.activities)


def prepare_catalog(catalog: Sequence[Activity], options: RecommendationOptions) -> PreparedCatalog:
    """Apply the request-wide hard filters once; score the result per child with :func:`recommend`.

    Hard filters: the activity's type is one of ``options.activity_types`` (when given and not empty); with
    ``options.weather`` given, no outdoor-only activity in rain or snow, and no activity whose non-empty
    ``weather_suitability`` omits that weather; with ``options.group_size`` given, it lies within
    ``[min_group_size, max_group_size]``.
    """
    key = filter_key(options)
    types, weather, group_size = key
    outdoor_allowed = weather not in BAD_WEATHER
    no_adaptations: frozenset[str] = frozenset()
    normalised: dict[tuple[str, ...], frozenset[str]] = {}  # few distinct adaptation lists: normalise each once
    # One pass over the catalog (cheap checks first, each activity read once): id -> (activity, partial row).
    eligible: dict[str, tuple[Activity, ActivityType, int, int, bool, frozenset[str]]] = {}
    for activity in catalog:
        activity_type = activity.activity_type
        if types is not None and activity_type not in types:
            continue
        if group_size is not None and not activity.min_group_size <= group_size <= activity.max_group_size:
            continue
        suitability = activity.weather_suitability
        fits_weather = False
        if weather is not None:
            if suitability and weather not in suitability:
                continue
            setting = activity.setting
            if not outdoor_allowed and setting is Setting.OUTDOOR:
                continue
            fits_weather = bool(suitability) or (not outdoor_allowed and setting is not Setting.OUTDOOR)
        activity_id = activity.id
        if activity_id in eligible:
            continue
        raw = activity.special_needs_adaptations
        adaptations = no_adaptations
        if raw:
            needs_key = tuple(raw)
            cached = normalised.get(needs_key)
            if cached is None:
                cached = normalised[needs_key] = frozenset(filter(None, map(_normalise_need, raw)))
            adaptations = cached
        eligible[activity_id] = (
            activity,
            activity_type,
            activity.min_age_months,
            activity.max_age_months,
            fits_weather,
            adaptations,
        )
    # Rank = index in id order, so that score ties break by id with a plain int comparison.
    activities: list[Activity] = []
    ranks: dict[str, int] = {}
    adaptations_of: list[frozenset[str]] = []
    groups: dict[ActivityType, dict[tuple[int, int], dict[tuple[bool, frozenset[str]], list[int]]]] = {}
    for rank, activity_id in enumerate(sorted(eligible)):
        activity, activity_type, min_age, max_age, fits_weather, adaptations = eligible[activity_id]
        activities.append(activity)
        ranks[activity_id] = rank
        adaptations_of.append(adaptations)
        band = groups.setdefault(activity_type, {}).setdefault((min_age, max_age), {})
        band.setdefault((fits_weather, adaptations), []).append(rank)  # ranks ascend: id order
    return PreparedCatalog(
        filter_key=key,
        activities=tuple(activities),
        ranks=ranks,
        groups=tuple(
            _TypeIndex(activity_type, tuple(_band(ages, classes) for ages, classes in bands.items()))
            for activity_type, bands in sorted(groups.items())
        ),
        adaptations=tuple(adaptations_of),
    )


def _band(ages: tuple[int, int], classes: dict[tuple[bool, frozenset[str]], list[int]]) -> _Band:
    by_weather: dict[bool, list[int]] = {}
    for (fits_weather, _), members in classes.items():
        by_weather.setdefault(fits_weather, []).extend(members)
    return _Band(
        min_age=ages[0],
        max_age=ages[1],
        classes=tuple((fits, adaptations, tuple(members)) for (fits, adaptations), members in classes.items()),
        by_weather=tuple((fits, tuple(sorted(members))) for fits, members in sorted(by_weather.items())),
    )


# --- scoring and selection ----------------------------------------------------------------------------------------


def _take_unmatched(
    heap: list[int],
    limit: int,
    members: Iterable[int],
    fresh: int,
    done: int,
    recent: Set[int],
    adaptations: Sequence[frozenset[str]],
    needs: frozenset[str],
) -> None:
    """``_take`` for the members adapted for none of ``needs`` (the others are left out)."""
    _take(heap, limit, (rank for rank in members if adaptations[rank].isdisjoint(needs)), fresh, done, recent)


def _take(heap: list[int], limit: int, members: Iterable[int], fresh: int, done: int, recent: Set[int]) -> None:
    """Push the keys of a group of activities that score alike (ranks ascending; one not done recently has the key
    ``fresh - rank``, one done recently ``done - rank``) into ``heap``, the min-heap of a type's best ``limit`` keys.
    Stops at the first fresh one that cannot enter, or after ``limit`` fresh ones: the rest score lower still."""
    taken = 0
    for rank in members:
        key = (done if rank in recent else fresh) - rank
        if len(heap) < limit:
            heapq.heappush(heap, key)
        elif key > heap[0]:
            heapq.heapreplace(heap, key)
        elif rank not in recent:
            return
        if rank not in recent:
            taken += 1
            if taken == limit:
                return


def _type_words(activity_type: ActivityType) -> str:
    return activity_type.value.replace("_", "-")


def _reasoning(
    activity: Activity,
    *,
    age_months: int,
    recent: Set[str],
    focus: frozenset[ActivityType],
    needs: tuple[str, ...],
    weather: Weather | None,
    weights: Weights,
) -> str:
    """One short phrase per factor that mattered, in this order. Never the child's name or birth date.

    Age: "Perfect age match" (inside the range), "Close age match" (up to ``age_decay_months`` outside) or
    "Outside the suggested age range". Freshness: "Fresh activity suggestion" or "Done recently". Focus (when
    matched): "Supports <type> development". Special needs (when matched): "Adapted for <need>, <need>".
    Weather (when it fits): "Suits <weather> weather" or "Indoor-friendly for <weather> weather".
    """
    phrases: list[str] = []
    distance = max(activity.min_age_months - age_months, age_months - activity.max_age_months, 0)
    if distance <= 0:
        phrases.append("Perfect age match")
    elif distance <= weights.age_decay_months:
        phrases.append("Close age match")
    else:
        phrases.append("Outside the suggested age range")
    phrases.append("Done recently" if activity.id in recent else "Fresh activity suggestion")
    if activity.activity_type in focus:
        phrases.append(f"Supports {_type_words(activity.activity_type)} development")
    if needs:
        adaptations = {_normalise_need(n) for n in activity.special_needs_adaptations}
        matched = [need.replace("_", " ") for need in needs if need in adaptations]
        if matched:
            phrases.append("Adapted for " + ", ".join(matched))
    if weather is not None:
        if weather in activity.weather_suitability:
            phrases.append(f"Suits {weather.value} weather")
        elif weather in BAD_WEATHER and activity.setting is not Setting.OUTDOOR:
            phrases.append(f"Indoor-friendly for {weather.value} weather")
    return "; ".join(phrases)


def recommend(
    child: Child,
    catalog: Sequence[Activity] | PreparedCatalog,
    options: RecommendationOptions,
    *,
    recent_activity_ids: Collection[str] = (),
    today: date,
    weights: Weights = WEIGHTS,
) -> list[Recommendation]:
    """Recommend up to ``options.max_recommendations`` activities for ``child``, best first.

    ``catalog`` is either the candidate activities or a :class:`PreparedCatalog` built with the same filter
    options (a batch of children then filters once). The child's age is ``options.child_age_months`` when given,
    else :func:`age_in_months` of the birth date at ``today``.

    Selection with variety: take the activity with the best *adjusted* score, where the adjusted score is the
    score minus ``weights.variety_penalty`` for each activity of the same type already chosen; repeat until
    ``max_recommendations`` are chosen or none is left; ties go to the smaller activity id. So the first pick is
    always the best-scored activity, and a second activity of a type must beat the other types' best by the
    penalty. The chosen activities are returned by ``relevance_score`` descending, ties by id. Deterministic: the
    same inputs always give the same output, whatever the catalog order (ids being unique).
    """
    if isinstance(catalog, PreparedCatalog):
        if catalog.filter_key != filter_key(options):
            raise ValueError("the prepared catalog was built with other filter options")
        prepared = catalog
    else:
        prepared = prepare_catalog(catalog, options)
    limit = options.max_recommendations
    if not prepared.activities:
        return []

    age = options.child_age_months if options.child_age_months is not None else age_in_months(child.birth_date, today)
    recent: Set[str] = recent_activity_ids if isinstance(recent_activity_ids, Set) else frozenset(recent_activity_ids)
    focus = frozenset(child.focus_domains)
    needs: tuple[str, ...] = ()
    if options.include_special_needs:
        needs = tuple(dict.fromkeys(n for n in map(_normalise_need, child.special_needs) if n))

    # Weights of the factors that apply to this child and request; the score is their weighted mean.
    w_age, w_fresh = weights.age, weights.freshness
    w_focus = weights.focus if focus else 0.0
    w_needs = weights.special_needs if needs else 0.0
    w_weather = weights.weather if options.weather is not None else 0.0
    total = w_age + w_fresh + w_focus + w_needs + w_weather
    to_millis = 1000.0 / total  # score in thousandths, rounded half up: relevance_score = millis / 1000
    needs_share = w_needs / len(needs) if needs else 0.0
    weather_neutral = w_weather * weights.weather_neutral
    decay = weights.age_decay_months
    ranks = prepared.ranks
    recent_ranks = frozenset(ranks[activity_id] for activity_id in recent if activity_id in ranks)

    # Each activity's sort key is a single int, `millis * stride + (stride - 1 - rank)`: larger is better, and equal
    # scores go to the smaller rank, i.e. the smaller id. Per type, a min-heap keeps the best `limit` keys, since at
    # most `limit` activities of one type can be chosen. Within a class (or, when the special-needs factor does not
    # apply, a band's activities of one weather fit) every activity not done recently has the same score, so its
    # keys fall with the rank: it is expanded until a key cannot enter the heap. Bands are visited nearest to the
    # child's age first: the best a band at distance `d` can score is the age factor at `d` plus the most the other
    # factors can add (`reach` below; every step is a correctly rounded float operation, monotone, so this bound is
    # never below a real score), and once that bound cannot enter the heap, no further band can either.
    stride = len(prepared.activities)
    last = stride - 1
    most_matched = len(needs) if needs_share else 0
    need_set = frozenset(needs)
    tops: dict[ActivityType, list[int]] = {}
    for index in prepared.groups:
        activity_type = index.activity_type
        base = w_fresh + (w_focus if activity_type in focus else 0.0)
        heap: list[int] = []
        for at in index.by_distance(age):
            if at.distance > 0:
                x = at.distance / decay
                age_score = w_age / (1.0 + x * x) + base
            else:
                age_score = w_age + base
            # The most an activity at this distance can score (the other factors at their best; with special
            # needs, each band's own bound is tighter), as a key with rank 0: once it cannot enter a full heap,
            # neither this distance nor any further one can.
            bound = age_score
            if most_matched:
                bound += needs_share * most_matched
            if w_weather:
                bound += w_weather
            if len(heap) == limit and min(int(bound * to_millis + 0.5), 1000) * stride + last < heap[0]:
                break
            if most_matched:  # the classes adapted for some of the child's needs, each scored on its own
                seen: set[int] = set()
                for need in needs:
                    for found in at.with_need(need):
                        if id(found) in seen:
                            continue
                        seen.add(id(found))
                        fits_weather, adaptations, members = found
                        # The same floating-point steps, in the same order, as the scores of the reference.
                        score = age_score
                        done_score = score - w_fresh
                        bonus = needs_share * len(adaptations.intersection(needs))
                        score += bonus
                        done_score += bonus
                        if w_weather:
                            weather_part = w_weather if fits_weather else weather_neutral
                            score += weather_part
                            done_score += weather_part
                        fresh = min(int(score * to_millis + 0.5), 1000) * stride + last
                        done = min(int(done_score * to_millis + 0.5), 1000) * stride + last
                        _take(heap, limit, members, fresh, done, recent_ranks)
            # Every other activity here scores as if it had no adaptation (a bonus of 0.0 changes no score): one
            # score per weather fit, the activities merged in rank order (those adapted for a need left out: done).
            for fits_weather, in_order in at.merged():
                score = age_score
                done_score = score - w_fresh
                if w_weather:
                    weather_part = w_weather if fits_weather else weather_neutral
                    score += weather_part
                    done_score += weather_part
                fresh = min(int(score * to_millis + 0.5), 1000) * stride + last
                done = min(int(done_score * to_millis + 0.5), 1000) * stride + last
                if most_matched:
                    _take_unmatched(heap, limit, in_order, fresh, done, recent_ranks, prepared.adaptations, need_set)
                else:
                    _take(heap, limit, in_order, fresh, done, recent_ranks)
        tops[activity_type] = sorted(heap, reverse=True)

    # Greedy pick with variety: the best score minus the penalty for each same-type activity already chosen.
    penalty_millis = round(weights.variety_penalty * 1000.0, 6)
    heads = dict.fromkeys(tops, 0)
    chosen: list[tuple[int, int]] = []  # (-millis, rank): sorts by score descending, ties by id
    while len(chosen) < limit:
        best: tuple[float, int, ActivityType] | None = None
        for activity_type, top in tops.items():
            head = heads[activity_type]
            if head < len(top):
                millis, tie = divmod(top[head], stride)
                candidate = (millis - penalty_millis * head, tie, activity_type)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
        if best is None:
            break
        activity_type = best[2]
        millis, tie = divmod(tops[activity_type][heads[activity_type]], stride)
        chosen.append((-millis, last - tie))
        heads[activity_type] += 1

    chosen.sort()
    return [
        Recommendation(
            activity=prepared.activities[rank],
            relevance_score=-neg_millis / 1000,
            reasoning=_reasoning(
                prepared.activities[rank],
                age_months=age,
                recent=recent,
                focus=focus,
                needs=needs,
                weather=options.weather,
                weights=weights,
            ),
        )
        for neg_millis, rank in chosen
    ]
