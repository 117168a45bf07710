"""The history table: each child's recently done activities, one item per child.

One item per child (hash key ``child_id``) holding its last ``MAX_ENTRIES`` activities, newest first, so that the
histories of a whole batch of children are one BatchGetItem (per 100 children), not a Query per child.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from early_learning.domain import CorruptRecord, HistoryEntry
from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.base import batch_get, configure, instrument
from early_learning.store.errors import validated

MAX_ENTRIES = 20
"""Entries kept per child: what counts as 'recently done' for the recommendations (and bounds the item size)."""


class EntryAttribute(MapAttribute[str, str]):
    activity_id = UnicodeAttribute()
    done_on = UnicodeAttribute()  # ISO date


class HistoryRecord(Model):
    class Meta:
        table_name = "history"

    child_id = UnicodeAttribute(hash_key=True)
    entries = ListAttribute(of=EntryAttribute, default=list)


configure(HistoryRecord, get_settings().history_table)


@dataclass
class Histories:
    """Recent entries by child id (a child without history has none); ``unfinished`` could not be read in time."""

    entries: dict[str, tuple[HistoryEntry, ...]] = field(default_factory=dict)
    unfinished: set[str] = field(default_factory=set)
    corrupt: set[str] = field(default_factory=set)
    """Children whose stored history does not validate (logged by id): their recommendations are item 500."""


def read_many(child_ids: Iterable[str], deadline: Deadline) -> Histories:
    instrument(HistoryRecord)
    read = batch_get(HistoryRecord, child_ids, deadline)
    histories = Histories(unfinished=read.unfinished, corrupt=set(read.corrupt))
    for child_id, values in read.items.items():
        try:
            histories.entries[child_id] = tuple(
                validated(HistoryEntry, {"id": child_id, "activity_id": e.activity_id, "done_on": e.done_on}, "History")
                for e in values.get("entries") or ()
            )
        except CorruptRecord as exc:
            logger.error("Corrupt history", extra={"id": exc.record_id, "fields": exc.fields})
            histories.corrupt.add(child_id)
    return histories


def save(histories: Mapping[str, Sequence[HistoryEntry]]) -> None:
    """Write children's histories (demo data, tests), newest first, keeping the last ``MAX_ENTRIES``."""
    with HistoryRecord.batch_write() as batch:
        for child_id, entries in histories.items():
            newest = sorted(entries, key=lambda e: (e.done_on, e.activity_id), reverse=True)[:MAX_ENTRIES]
            stored = [
                EntryAttribute(activity_id=e.activity_id, done_on=e.done_on.isoformat())  # type: ignore[no-untyped-call]
                for e in newest
            ]
            batch.save(HistoryRecord(child_id=child_id, entries=stored))
