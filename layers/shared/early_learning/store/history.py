"""The history table: each child's recently done activities, one item per child.

One item per child (hash key ``child_id``) holding its recent activities, so that the histories of a whole batch of
children are one BatchGetItem (per 100 children), not a Query per child. The recommendations see the newest
``MAX_ENTRIES`` (by ``done_on``, then activity id, both descending, ``read_many``); a child's progress sees every
entry of its period (``read_since``): the stored list keeps both (``retained``).

Writes (DESIGN 3.7): a completion prepends its entry in the same transaction as the completion itself
(``prepend_action``), so that the recommendations see it at once. The prepend reads nothing and has no condition
that a concurrent completion could break (``list_append`` onto whatever is stored), so the list grows past
``MAX_ENTRIES``; it is bounded three ways:

- the recommendations' reads keep only the newest ``MAX_ENTRIES`` (``read_many``), whatever is stored;
- ``trim_many``, called after completions were written, rewrites a list longer than ``TRIM_AT`` to what it must
  keep (``retained``: the newest ``MAX_ENTRIES``, and every entry of the last ``RETAINED_DAYS``, at most
  ``RETAINED_MAX``) when that drops at least ``TRIM_AT - MAX_ENTRIES`` entries (or the list nears the cap), on
  condition that no write came in between (``revision``, which every prepend increments): one BatchGetItem per 100
  children, and an UpdateItem only once every ``TRIM_AT - MAX_ENTRIES`` completions of a child or so;
- the prepend itself is conditional on the list having room below ``HISTORY_CAP``, so that even when trims keep
  failing an item never grows past a few kilobytes (DynamoDB refuses any write to an item over 400 KB: a history
  that grew unbounded would fail every later write for good). A full history fails the completion's transaction
  (``condition_failed`` on the history action): trim, then retry.

Why not trim in the prepend's own update (``SET entries = list_append(...) REMOVE entries[20]``): DynamoDB rejects an
update expression whose document paths overlap (``entries`` and ``entries[20]``), even though moto accepts it; and a
transaction may not hold two actions on one item. Trimming needs the stored list, so it is a read-then-conditional
write of its own, outside the completion's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size
from pynamodb.models import Model

from early_learning.domain import PROGRESS_PERIOD_DAYS, CorruptRecord, HistoryEntry
from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.actions import WriteAction
from early_learning.store.base import batch_get, configure, instrument
from early_learning.store.errors import STORE_ERRORS, error_code, is_transient, validated

MAX_ENTRIES = 20
"""Entries read per child: what counts as 'recently done' for the recommendations."""

TRIM_AT = 2 * MAX_ENTRIES
"""``trim_many`` rewrites a stored list longer than this to its newest ``MAX_ENTRIES``."""

HISTORY_CAP = 200
"""Most entries a stored list may ever hold (about 14 KB): a prepend that would pass it fails its transaction."""

RETAINED_DAYS = PROGRESS_PERIOD_DAYS + 1
"""A trim keeps every entry of these last days (UTC; one more than a progress period, for a request whose day is
behind the trim's clock): a child's progress counts its whole period."""

RETAINED_MAX = HISTORY_CAP - 2 * (TRIM_AT - MAX_ENTRIES)
"""Most entries a trim keeps (160: over five activities a day for a whole period), so that a trim always leaves a
child room for completions. A child that did more in a period has its oldest entries of the period dropped."""


class EntryAttribute(MapAttribute[str, str]):
    activity_id = UnicodeAttribute()
    done_on = UnicodeAttribute()  # ISO date


class HistoryRecord(Model):
    class Meta:
        table_name = "history"

    child_id = UnicodeAttribute(hash_key=True)
    entries = ListAttribute(of=EntryAttribute, default=list)
    revision = NumberAttribute(null=True)
    """+1 on every prepend (absent before the first): a trim rewrites the list only if no prepend came in between."""


configure(HistoryRecord, get_settings().history_table)


@dataclass
class Histories:
    """Recent entries by child id (a child without history has none); ``unfinished`` could not be read in time."""

    entries: dict[str, tuple[HistoryEntry, ...]] = field(default_factory=dict)
    unfinished: set[str] = field(default_factory=set)
    corrupt: set[str] = field(default_factory=set)
    """Children whose stored history does not validate (logged by id): their recommendations are item 500."""


def read_many(child_ids: Iterable[str], deadline: Deadline) -> Histories:
    """The newest ``MAX_ENTRIES`` of each child's history (the recommendations' "recently done")."""
    return _read(child_ids, deadline, newest)


def read_since(child_ids: Iterable[str], deadline: Deadline, since: date) -> Histories:
    """Every stored entry done on ``since`` or later, newest first (a child's progress), then the newest one before
    ``since``, if any (its last day before). The stored list holds the last ``RETAINED_DAYS`` (``retained``)."""

    def pick(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
        ordered = sorted(entries, key=_newest_first, reverse=True)
        before = next((e for e in ordered if e.done_on < since), None)
        return [e for e in ordered if e.done_on >= since] + ([before] if before is not None else [])

    return _read(child_ids, deadline, pick)


def _read(
    child_ids: Iterable[str], deadline: Deadline, pick: Callable[[Iterable[HistoryEntry]], list[HistoryEntry]]
) -> Histories:
    instrument(HistoryRecord)
    read = batch_get(HistoryRecord, child_ids, deadline)
    histories = Histories(unfinished=read.unfinished, corrupt=set(read.corrupt))
    for child_id, values in read.items.items():
        try:
            entries = _validated(child_id, values.get("entries") or ())
        except CorruptRecord as exc:
            logger.error("Corrupt history", extra={"id": exc.record_id, "fields": exc.fields})
            histories.corrupt.add(child_id)
        else:
            histories.entries[child_id] = tuple(pick(entries))
    return histories


def _validated(child_id: str, stored: Iterable[EntryAttribute]) -> list[HistoryEntry]:
    return [
        validated(HistoryEntry, {"id": child_id, "activity_id": e.activity_id, "done_on": e.done_on}, "History")
        for e in stored
    ]


def _newest_first(entry: HistoryEntry) -> tuple[date, str]:
    return entry.done_on, entry.activity_id


def newest(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """The newest ``MAX_ENTRIES`` of ``entries``: by ``done_on``, then activity id, both descending (deterministic
    whatever order they were stored in)."""
    return sorted(entries, key=_newest_first, reverse=True)[:MAX_ENTRIES]


def retained(entries: Iterable[HistoryEntry], today: date | None = None) -> list[HistoryEntry]:
    """What a stored history keeps, newest first: the newest ``MAX_ENTRIES`` (the recommendations), and every entry
    of the last ``RETAINED_DAYS`` before ``today`` (default: today, UTC; a child's progress), at most
    ``RETAINED_MAX``."""
    since = (today or datetime.now(UTC).date()) - timedelta(days=RETAINED_DAYS)
    ordered = sorted(entries, key=_newest_first, reverse=True)
    return [e for i, e in enumerate(ordered) if i < MAX_ENTRIES or e.done_on >= since][:RETAINED_MAX]


def _worth_trimming(stored: int, kept: int) -> bool:
    """Whether a rewrite from ``stored`` to ``kept`` entries pays: it drops ``TRIM_AT - MAX_ENTRIES`` entries at
    least (one UpdateItem per that many completions), or the list nears ``HISTORY_CAP``."""
    dropped, slack = stored - kept, TRIM_AT - MAX_ENTRIES
    return stored > TRIM_AT and dropped > 0 and (dropped >= slack or stored > HISTORY_CAP - slack)


def _stored(entries: Iterable[HistoryEntry]) -> list[EntryAttribute]:
    return [
        EntryAttribute(activity_id=e.activity_id, done_on=e.done_on.isoformat())  # type: ignore[no-untyped-call]
        for e in entries
    ]


# --- writes -------------------------------------------------------------------------------------------------------


def prepend_action(child_id: str, entries: Sequence[HistoryEntry]) -> WriteAction:
    """The update that puts ``entries`` in front of a child's stored history (creating the item if it has none):
    ``SET entries = list_append(:new, if_not_exists(entries, :empty)) ADD revision 1``, on condition that the list
    then holds at most ``HISTORY_CAP`` entries. No read, and nothing a concurrent prepend could break: two
    completions of one child, in two transactions, both land (DynamoDB serializes them)."""
    new = _stored(sorted(entries, key=lambda e: (e.done_on, e.activity_id), reverse=True))
    has_room = size(HistoryRecord.entries) <= HISTORY_CAP - len(new)  # type: ignore[no-untyped-call]
    return WriteAction(
        "update",
        HistoryRecord(child_id=child_id),
        condition=HistoryRecord.entries.does_not_exist() | has_room,
        actions=(
            HistoryRecord.entries.set((HistoryRecord.entries | []).prepend(new)),
            HistoryRecord.revision.add(1),
        ),
    )


def delete_action(child_id: str) -> WriteAction:
    """The delete of a child's history item (none is fine)."""
    return WriteAction("delete", HistoryRecord(child_id=child_id))


def trim_many(child_ids: Iterable[str], deadline: Deadline) -> set[str]:
    """Rewrite every stored history of ``child_ids`` longer than ``TRIM_AT`` to what it keeps (``retained``), when
    that is worth a write (``_worth_trimming``); call it after completions of these children were written. Returns
    the children whose history is due for a trim that did not happen (not read or not written in time, or a prepend
    came in between): harmless, since reads pick what they need anyway and the next trim catches up; logged by id.

    Cost: one BatchGetItem per 100 children, plus one conditional UpdateItem per history actually trimmed. The
    rewrite is conditional on the ``revision`` read, so it never drops an entry prepended after the read."""
    instrument(HistoryRecord)
    read = batch_get(HistoryRecord, child_ids, deadline, ["child_id", "entries", "revision"])
    left = set(read.unfinished)
    for child_id, values in read.items.items():
        stored = values.get("entries") or []
        if len(stored) <= TRIM_AT:
            continue
        try:
            keep = retained(_validated(child_id, stored))
        except CorruptRecord:
            continue  # left as it is: its readers answer 500 (read_many logs it)
        if not _worth_trimming(len(stored), len(keep)):
            continue
        if deadline.remaining_s() < get_settings().dynamodb_call_worst_case_s:
            left.add(child_id)
            continue
        kept = _stored(keep)
        revision = values.get("revision")
        unchanged = HistoryRecord.revision.does_not_exist() if revision is None else HistoryRecord.revision == revision
        try:
            HistoryRecord._get_connection().update_item(
                child_id, actions=[HistoryRecord.entries.set(kept)], condition=unchanged
            )
        except STORE_ERRORS as exc:
            conflict = isinstance(exc, UpdateError) and exc.cause_response_code == "ConditionalCheckFailedException"
            if not (conflict or is_transient(exc)):
                raise
            logger.info("History trim skipped", extra={"id": child_id, "error": error_code(exc)})
            left.add(child_id)
    if left:
        logger.warning("Histories not trimmed", extra={"ids": sorted(left)[:20], "count": len(left)})
    return left


def save(histories: Mapping[str, Sequence[HistoryEntry]]) -> None:
    """Write children's histories (demo data, tests), newest first, keeping what a trim keeps (``retained``)."""
    with HistoryRecord.batch_write() as batch:
        for child_id, entries in histories.items():
            batch.save(HistoryRecord(child_id=child_id, entries=_stored(retained(entries))))
