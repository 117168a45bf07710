"""The children table: storage model, batch reads, and the listings by organization and by classroom.

Children's names and birth dates are personal data: they are read and returned to callers allowed to see them,
but never logged, and never part of an exception message (see ``to_domain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ValidationError
from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from early_learning.domain import Child
from early_learning.envelope import Deadline
from early_learning.settings import get_settings
from early_learning.store.base import BatchRead, batch_get, configure, instrument

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
    class Meta:
        index_name = "by_classroom"
        projection = AllProjection()

    classroom_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


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

    by_org = ByOrgIndex()
    by_classroom = ByClassroomIndex()


configure(ChildRecord, get_settings().children_table)


class CorruptChildRecord(Exception):
    """A stored child does not match the domain model (a data bug: the request fails as a whole)."""


def to_domain(values: dict[str, Any]) -> Child:
    """The domain model of a stored child. A validation error would quote the stored values, names included, in
    logs and tracebacks; it is replaced by one that names only the child's id and the fields at fault."""
    try:
        return Child.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in error["loc"]) for error in exc.errors(include_input=False)})
        raise CorruptChildRecord(f"Child {values.get('id')} has invalid stored fields: {', '.join(fields)}") from None


def to_record(child: Child) -> ChildRecord:
    return ChildRecord(**child.model_dump(mode="json"))


def read_many(keys: Iterable[str], deadline: Deadline, attributes: Iterable[str] | None = None) -> BatchRead:
    """Raw attribute values by id; with ``attributes``, a projection that still includes the permission ones."""
    instrument(ChildRecord)
    projection = sorted(set(attributes) | set(PERMISSION_ATTRIBUTES)) if attributes is not None else None
    return batch_get(ChildRecord, keys, deadline, projection)


def list_page(
    index: ListIndex, partitions: list[str], limit: int, position: tuple[int, dict[str, Any] | None]
) -> tuple[list[Child], tuple[int, dict[str, Any] | None] | None]:
    """One page of the children in ``partitions`` (org ids for ``by_org``, classroom ids for ``by_classroom``),
    queried one partition after another, in that order.

    ``position`` is (index into partitions, DynamoDB LastEvaluatedKey or None); the returned position is where the
    next page starts, or None when everything was listed.
    """
    instrument(ChildRecord)
    gsi = ChildRecord.by_org if index == "by_org" else ChildRecord.by_classroom
    items: list[Child] = []
    at, last_key = position
    while at < len(partitions) and len(items) < limit:
        query = gsi.query(partitions[at], limit=limit - len(items), last_evaluated_key=last_key)
        items.extend(to_domain(record.attribute_values) for record in query)
        last_key = query.last_evaluated_key
        if last_key is None:
            at += 1
    return items, (at, last_key) if at < len(partitions) else None


def save(children: Iterable[Child]) -> None:
    """Write children (demo data, tests); the API does not write children yet."""
    with ChildRecord.batch_write() as batch:
        for child in children:
            batch.save(to_record(child))
