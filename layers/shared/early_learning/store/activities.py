"""The activities table: storage model, batch and single reads, and the visible-catalog listing."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from early_learning.domain import PUBLIC_CATALOG, Activity, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.base import BatchRead, _is_transient, batch_get, configure, instrument

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

    by_org = ByOrgIndex()


configure(ActivityRecord, get_settings().activities_table)


def to_domain(values: dict[str, Any]) -> Activity:
    return Activity.model_validate({k: v for k, v in values.items() if v is not None})


def to_record(activity: Activity) -> ActivityRecord:
    values = activity.model_dump(mode="json")
    return ActivityRecord(**{k: v for k, v in values.items() if v not in (None, [])})


def read_many(keys: Iterable[str], deadline: Deadline, attributes: Iterable[str] | None = None) -> BatchRead:
    """Raw attribute values by id; with ``attributes``, a projection that still includes the permission ones."""
    instrument(ActivityRecord)
    projection = sorted(set(attributes) | set(PERMISSION_ATTRIBUTES)) if attributes is not None else None
    return batch_get(ActivityRecord, keys, deadline, projection)


def read_one(activity_id: str) -> Activity | None:
    instrument(ActivityRecord)
    try:
        return to_domain(ActivityRecord.get(activity_id).attribute_values)
    except ActivityRecord.DoesNotExist:
        return None


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
    while index < len(org_ids) and len(items) < limit:
        query = ActivityRecord.by_org.query(org_ids[index], limit=limit - len(items), last_evaluated_key=last_key)
        items.extend(to_domain(record.attribute_values) for record in query)
        last_key = query.last_evaluated_key
        if last_key is None:
            index += 1
    return items, (index, last_key) if index < len(org_ids) else None


def visible_org_ids(org_id: str) -> list[str]:
    """Partitions of the catalog a member of ``org_id`` may read: its own, then the public catalog."""
    return [org_id, PUBLIC_CATALOG]


_catalog_cache: dict[str, tuple[float, tuple[Activity, ...]]] = {}


def visible_catalog(org_id: str, deadline: Deadline | None = None) -> tuple[Activity, ...]:
    """Every activity a member of ``org_id`` may read (its own, then the public catalog), kept in the warm function
    for ``catalog_cache_ttl_s`` so that a recommendations batch usually costs no catalog read at all.

    Throttling or timeouts that botocore's retries could not absorb raise ``StoreUnavailable``, and so does a cold
    read of a partition that ``deadline`` leaves no room for (the worst case of one SDK call).
    Cold, it costs one Query per partition (more only past DynamoDB's 1 MB page): a fixed number of round trips,
    whatever the number of children. Why not ``functools.lru_cache``: it has no expiry, and a catalog must change
    within a minute of an edit.
    """
    now = time.monotonic()
    cached = _catalog_cache.get(org_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    instrument(ActivityRecord)
    call_s = get_settings().dynamodb_call_worst_case_s
    found: list[Activity] = []
    try:
        for partition in visible_org_ids(org_id):
            if deadline is not None and deadline.remaining_s() < call_s:
                raise StoreUnavailable("Not enough time left to read the activity catalog; retry the request")
            found.extend(to_domain(record.attribute_values) for record in ActivityRecord.by_org.query(partition))
    except Exception as exc:
        if not _is_transient(exc):
            raise  # StoreUnavailable (no time left) included
        logger.warning("Catalog query throttled or timed out", extra={"error": type(exc).__name__})
        raise StoreUnavailable("The activity catalog could not be read; retry the request") from None
    catalog = tuple(found)
    _catalog_cache[org_id] = (now + get_settings().catalog_cache_ttl_s, catalog)
    return catalog


def clear_catalog_cache() -> None:
    _catalog_cache.clear()


def save(activities: Iterable[Activity]) -> None:
    """Write activities (demo data, tests); batch writes of the API arrive with the roadmap."""
    with ActivityRecord.batch_write() as batch:
        for activity in activities:
            batch.save(to_record(activity))
