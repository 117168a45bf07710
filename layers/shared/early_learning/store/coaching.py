"""The coaching sessions table: storage model and batch reads within one organization.

A session is keyed by its organization, then its id: a read names the caller's organization as the partition, so it
can never return another organization's session. ``goals`` and ``notes`` are about a person: read and returned to
callers allowed to see them, never logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.models import Model

from early_learning.domain import CoachingSession
from early_learning.envelope import Deadline
from early_learning.settings import get_settings
from early_learning.store.base import BatchRead, batch_get, configure, instrument, projection
from early_learning.store.errors import validated

PERMISSION_ATTRIBUTES = ("id", "org_id", "educator_sub")
"""Attributes the permission check needs: always read, whatever ``fields`` asks for, then dropped."""


class CoachingSessionRecord(Model):
    class Meta:
        table_name = "coaching_sessions"

    org_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    educator_sub = UnicodeAttribute()
    classroom_id = UnicodeAttribute()
    scheduled_on = UnicodeAttribute()  # ISO date, as the API returns it
    status = UnicodeAttribute()
    focus_domain = UnicodeAttribute()
    goals = ListAttribute(of=UnicodeAttribute, default=list)
    notes = UnicodeAttribute(null=True)


configure(CoachingSessionRecord, get_settings().coaching_sessions_table)


def to_domain(values: dict[str, Any]) -> CoachingSession:
    """The domain model of a stored session; ``CorruptRecord`` (naming only its id and fields) when it does not
    validate."""
    return validated(CoachingSession, values, "CoachingSession")


def read_many(
    org_id: str, keys: Iterable[str], deadline: Deadline, attributes: Iterable[str] | None = None
) -> BatchRead:
    """Raw attribute values by id, of ``org_id``'s sessions only; with ``attributes``, a projection that still
    includes the permission ones."""
    instrument(CoachingSessionRecord)
    return batch_get(
        CoachingSessionRecord, keys, deadline, projection(attributes, PERMISSION_ATTRIBUTES), partition=org_id
    )


def save(sessions: Iterable[CoachingSession]) -> None:
    """Write coaching sessions (demo data, tests); the API does not write them."""
    with CoachingSessionRecord.batch_write() as batch:
        for session in sessions:
            values = session.model_dump(mode="json")
            batch.save(CoachingSessionRecord(**{k: v for k, v in values.items() if v not in ("", [])}))
