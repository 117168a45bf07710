"""The activities table: storage model, batch and single reads, and the visible-catalog listing."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import Any, TypeVar

from cachetools import TTLCache
from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from early_learning.domain import PUBLIC_CATALOG, Activity, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.settings import get_settings
from early_learning.store.base import BatchRead, batch_get, configure, instrument, projection, query_page
from early_learning.store.errors import skipping_corrupt, unavailable_when_transient, validated

PERMISSION_ATTRIBUTES = ("id", "org_id")
"""Attributes the permission check needs: always read, whatever ``fields`` asks for, then dropped."""


class ByOrgIndex(GlobalSecondaryIndex["ActivityRecord"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class ActivityRecord(Model):
    class Meta:
        table_name = "activities"

    id = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute()
    activity_type = UnicodeAttribute()
    min_age_months = NumberAttribute()
    max_age_months = NumberAttribute()
    setting = UnicodeAttribute(null=True)
    min_group_size = NumberAttribute(null=True)
    max_group_size = NumberAttribute(null=True)
    duration_minutes = NumberAttribute(null=True)
    materials = ListAttribute(of=UnicodeAttribute, null=True)
    special_needs_adaptations = ListAttribute(of=UnicodeAttribute, null=True)
    weather_suitability = ListAttribute(of=UnicodeAttribute, null=True)
    version = NumberAttribute(null=True)  # absent on records written before versions: version 1
    updated_at = UnicodeAttribute(null=True)  # ISO 8601, UTC

    by_org = ByOrgIndex()


configure(ActivityRecord, get_settings().activities_table)


def to_domain(values: dict[str, Any]) -> Activity:
    """The domain model of a stored activity; ``CorruptRecord`` when it does not validate."""
    return validated(Activity, values, "Activity")


def to_record(activity: Activity) -> ActivityRecord:
    values = activity.model_dump(mode="json")
    return ActivityRecord(**{k: v for k, v in values.items() if v not in (None, [])})


def read_many(keys: Iterable[str], deadline: Deadline, attributes: Iterable[str] | None = None) -> BatchRead:
    """Raw attribute values by id; with ``attributes``, a projection that still includes the permission ones."""
    instrument(ActivityRecord)
    return batch_get(ActivityRecord, keys, deadline, projection(attributes, PERMISSION_ATTRIBUTES))


def read_one(activity_id: str) -> Activity | None:
    instrument(ActivityRecord)
    with unavailable_when_transient("The activity"):
        try:
            record = ActivityRecord.get(activity_id)
        except ActivityRecord.DoesNotExist:
            return None
    return to_domain(record.attribute_values)


def list_page(
    org_ids: list[str], limit: int, position: tuple[int, dict[str, Any] | None]
) -> tuple[list[Activity], tuple[int, dict[str, Any] | None] | None]:
    """One page of the activities of ``org_ids`` (queried one partition after another, in that order).

    ``position`` is (index into org_ids, DynamoDB LastEvaluatedKey or None); the returned position is where the
    next page starts, or None when everything was listed.
    """
    instrument(ActivityRecord)
    items: list[Activity] = []
    index, last_key = position
    with unavailable_when_transient("The activities"):
        while index < len(org_ids) and len(items) < limit:
            page, last_key = query_page(ActivityRecord, "by_org", org_ids[index], limit - len(items), last_key)
            items.extend(skipping_corrupt(to_domain, page))
            if last_key is None:
                index += 1
    return items, (index, last_key) if index < len(org_ids) else None


def visible_org_ids(org_id: str) -> list[str]:
    """Partitions of the catalog a member of ``org_id`` may read: its own, then the public catalog."""
    return [org_id, PUBLIC_CATALOG]


_partitions: TTLCache[str, tuple[Activity, ...]] = TTLCache(
    maxsize=get_settings().catalog_cache_partitions, ttl=get_settings().catalog_cache_ttl_s
)
"""Catalog partitions by org id (``public`` included, once for every organization), each kept for
``catalog_cache_ttl_s``; at most ``catalog_cache_partitions`` of them, the least recently used dropped first."""


def visible_catalog(org_id: str, deadline: Deadline | None = None) -> tuple[Activity, ...]:
    """Every activity a member of ``org_id`` may read (its own, then the public catalog), kept in the warm function
    so that a recommendations batch usually costs no catalog read at all.

    Each partition is cached on its own, so the public catalog is held once however many organizations the function
    serves. Cold, a partition costs one Query (more only past DynamoDB's 1 MB page): a fixed number of round trips,
    whatever the number of children. A transient failure raises ``StoreUnavailable``, and so does a cold read of a
    partition that ``deadline`` leaves no room for (the worst case of one SDK call). Corrupt activities are left out.
    """
    return tuple(chain.from_iterable(_visible_partitions(org_id, deadline)))


def _visible_partitions(org_id: str, deadline: Deadline | None) -> tuple[tuple[Activity, ...], ...]:
    found: list[tuple[Activity, ...]] = []
    for partition in visible_org_ids(org_id):
        cached = _partitions.get(partition)
        if cached is None:
            cached = _partitions[partition] = _read_partition(partition, deadline)
        found.append(cached)
    return tuple(found)


V = TypeVar("V")

VIEWS_KEPT = 16
"""Catalog views ``catalog_view`` keeps at most (by organization and key, the least recently used dropped first):
a view of a large catalog (the recommendations' prepared catalog of 10,000 activities) holds a few MB."""

_views: TTLCache[tuple[str, Hashable], tuple[tuple[tuple[Activity, ...], ...], Any]] = TTLCache(
    maxsize=VIEWS_KEPT, ttl=get_settings().catalog_cache_ttl_s
)


def catalog_view(
    org_id: str, key: Hashable, build: Callable[[tuple[Activity, ...]], V], deadline: Deadline | None = None
) -> V:
    """``build(visible_catalog(org_id, deadline))``, kept with the cached catalog: built again only when one of the
    partitions it was built from has been read again (or after the catalog's TTL). What a request derives from the
    catalog (the recommendations' prepared catalog: filters applied, scoring classes indexed) is then derived once
    per catalog and ``key``, not once per request. ``build`` must depend on the catalog and ``key`` only."""
    partitions = _visible_partitions(org_id, deadline)
    kept = _views.get((org_id, key))
    if kept is not None and len(kept[0]) == len(partitions) and all(map(_same, kept[0], partitions)):
        view: V = kept[1]
        return view
    view = build(tuple(chain.from_iterable(partitions)))
    _views[(org_id, key)] = (partitions, view)
    return view


def _same(kept: tuple[Activity, ...], current: tuple[Activity, ...]) -> bool:
    return kept is current


def _read_partition(org_id: str, deadline: Deadline | None) -> tuple[Activity, ...]:
    instrument(ActivityRecord)
    if deadline is not None and deadline.remaining_s() < get_settings().dynamodb_call_worst_case_s:
        raise StoreUnavailable("Not enough time left to read the activity catalog; retry the request")
    found: list[Activity] = []
    last_key: dict[str, Any] | None = None
    with unavailable_when_transient("The activity catalog"):
        while True:  # one Query per MB of the partition
            page, last_key = query_page(ActivityRecord, "by_org", org_id, None, last_key)
            found.extend(skipping_corrupt(to_domain, page))
            if last_key is None:
                return tuple(found)


def clear_catalog_cache() -> None:
    _partitions.clear()
    _views.clear()


def save(activities: Iterable[Activity]) -> None:
    """Write activities (demo data, tests); batch writes of the API arrive with the roadmap."""
    with ActivityRecord.batch_write() as batch:
        for activity in activities:
            batch.save(to_record(activity))
