"""The children table: storage model, batch reads, and the listings by organization and by classroom.

Children's names and birth dates are personal data: they are read and returned to callers allowed to see them,
but never logged, and never part of an exception message (see ``to_domain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from early_learning.domain import Child
from early_learning.envelope import Deadline
from early_learning.settings import get_settings
from early_learning.store.base import BatchRead, batch_get, configure, instrument, projection, query_page
from early_learning.store.errors import skipping_corrupt, unavailable_when_transient, validated

PERMISSION_ATTRIBUTES = ("id", "org_id", "classroom_id")
"""Attributes the permission check needs: always read, whatever ``fields`` asks for, then dropped."""

ListIndex = Literal["by_org", "by_classroom"]


class ByOrgIndex(GlobalSecondaryIndex["ChildRecord"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class ByClassroomIndex(GlobalSecondaryIndex["ChildRecord"]):  # type: ignore[no-untyped-call]
    """Children by classroom, partitioned by organization and classroom (``org_classroom``): a classroom id is only
    meaningful inside its organization, so a page never reads, and a cursor never carries, another one's children."""

    class Meta:
        index_name = "by_classroom"
        projection = AllProjection()

    org_classroom = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


def org_classroom(org_id: str, classroom_id: str) -> str:
    """The ``by_classroom`` partition of a classroom: ``org_id#classroom_id``."""
    return f"{org_id}#{classroom_id}"


class ChildRecord(Model):
    class Meta:
        table_name = "children"

    id = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    classroom_id = UnicodeAttribute()
    name = UnicodeAttribute()
    birth_date = UnicodeAttribute()  # ISO date, as the API returns it (projections need no conversion)
    focus_domains = ListAttribute(of=UnicodeAttribute, default=list)
    special_needs = ListAttribute(of=UnicodeAttribute, default=list)
    version = NumberAttribute(null=True)  # absent on records written before versions: version 1
    updated_at = UnicodeAttribute(null=True)  # ISO 8601, UTC
    org_classroom = UnicodeAttribute()  # the by_classroom partition: org_classroom(org_id, classroom_id)

    by_org = ByOrgIndex()
    by_classroom = ByClassroomIndex()


configure(ChildRecord, get_settings().children_table)


def to_domain(values: dict[str, Any]) -> Child:
    """The domain model of a stored child; ``CorruptRecord`` (naming only its id and fields) when it does not
    validate."""
    return validated(Child, {k: v for k, v in values.items() if k != "org_classroom"}, "Child")


def to_record(child: Child) -> ChildRecord:
    return ChildRecord(**child.model_dump(mode="json"), org_classroom=org_classroom(child.org_id, child.classroom_id))


def read_many(keys: Iterable[str], deadline: Deadline, attributes: Iterable[str] | None = None) -> BatchRead:
    """Raw attribute values by id; with ``attributes``, a projection that still includes the permission ones."""
    instrument(ChildRecord)
    return batch_get(ChildRecord, keys, deadline, projection(attributes, PERMISSION_ATTRIBUTES))


def list_page(
    index: ListIndex, partitions: list[str], limit: int, position: tuple[int, dict[str, Any] | None]
) -> tuple[list[Child], tuple[int, dict[str, Any] | None] | None]:
    """One page of the children in ``partitions`` (org ids for ``by_org``, ``org_classroom`` values for
    ``by_classroom``), queried one partition after another, in that order. Corrupt children are logged by id and
    left out; a transient failure raises ``StoreUnavailable``.

    ``position`` is (index into partitions, DynamoDB LastEvaluatedKey or None); the returned position is where the
    next page starts, or None when everything was listed.
    """
    instrument(ChildRecord)
    items: list[Child] = []
    at, last_key = position
    with unavailable_when_transient("The children"):
        while at < len(partitions) and len(items) < limit:
            page, last_key = query_page(ChildRecord, index, partitions[at], limit - len(items), last_key)
            items.extend(skipping_corrupt(to_domain, page))
            if last_key is None:
                at += 1
    return items, (at, last_key) if at < len(partitions) else None


def save(children: Iterable[Child]) -> None:
    """Write children (demo data, tests); the API does not write children yet."""
    with ChildRecord.batch_write() as batch:
        for child in children:
            batch.save(to_record(child))
