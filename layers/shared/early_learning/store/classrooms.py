"""The classrooms table: storage model and batch reads within one organization, and a guardian's children's
classrooms (what its permission to read classrooms is made of).

A classroom is keyed by its organization, then its id (a UUID that means something only inside its organization):
a read names the caller's organization as the partition, so it can never return another organization's classroom,
whatever ids it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from early_learning.domain import Classroom, Membership, Role, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.settings import get_settings
from early_learning.store import children
from early_learning.store.base import BatchRead, batch_get, configure, instrument, projection
from early_learning.store.errors import validated

PERMISSION_ATTRIBUTES = ("id", "org_id")
"""Attributes the permission check needs: always read, whatever ``fields`` asks for, then dropped."""


class ClassroomRecord(Model):
    class Meta:
        table_name = "classrooms"

    org_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    min_age_months = NumberAttribute()
    max_age_months = NumberAttribute()
    capacity = NumberAttribute()


configure(ClassroomRecord, get_settings().classrooms_table)


def to_domain(values: dict[str, Any]) -> Classroom:
    """The domain model of a stored classroom; ``CorruptRecord`` when it does not validate."""
    return validated(Classroom, values, "Classroom")


def read_many(
    org_id: str, keys: Iterable[str], deadline: Deadline, attributes: Iterable[str] | None = None
) -> BatchRead:
    """Raw attribute values by id, of ``org_id``'s classrooms only; with ``attributes``, a projection that still
    includes the permission ones."""
    instrument(ClassroomRecord)
    return batch_get(ClassroomRecord, keys, deadline, projection(attributes, PERMISSION_ATTRIBUTES), partition=org_id)


def with_children_classrooms(caller: Membership, deadline: Deadline) -> Membership:
    """``caller`` with its ``children_classroom_ids`` when it is a guardian: the classrooms its children are in now
    (one BatchGetItem of its children, their organization and classroom only); any other caller as it is.

    Read per request, not stored with the membership, so that a child moved to another classroom moves its
    guardian's access with it. A read that does not finish raises ``StoreUnavailable`` (a 503: the caller's
    permissions could not be known, as when its membership cannot be read)."""
    if caller.role is not Role.GUARDIAN or not caller.child_ids:
        return caller
    read = children.read_many(sorted(caller.child_ids), deadline, ["org_id", "classroom_id"])
    if read.unfinished:
        raise StoreUnavailable("Your children's classrooms could not be read in time; retry the request")
    classrooms = frozenset(
        str(item["classroom_id"]) for item in read.items.values() if item.get("org_id") == caller.org_id
    )
    return caller.model_copy(update={"children_classroom_ids": classrooms})


def save(classrooms: Iterable[Classroom]) -> None:
    """Write classrooms (demo data, tests); the API does not write classrooms."""
    with ClassroomRecord.batch_write() as batch:
        for classroom in classrooms:
            batch.save(ClassroomRecord(**classroom.model_dump(mode="json")))
