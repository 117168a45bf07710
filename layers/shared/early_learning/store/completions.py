"""The completions table: what children did (DESIGN 3.7), recorded with the child's history in one transaction, and
erased with the child.

A completion is stored under its child (hash key ``child_id``, range key the completion's ``id``), so that a child's
completions are one Query. It is only ever written through ``completion_write`` (or ``completion_writes`` for an
all-or-nothing batch): the put of the completion, the prepend of its entry to the child's history item (which the
recommendations read, so they see it at once) and a check that the child still exists, applied together by
``store.writes`` in one TransactWriteItems.

Erasing a child (``child_erasure_actions``, then ``erase_child_data``): the child's delete, its history and as many of
its completions as fit go in one transaction; the completions left over are swept afterwards. From a client's view
the erasure is all or nothing: every read and write of a completion or a history goes through the child (its
permission check reads the child first), so once the child's delete is applied, what remains of its completions is
unreachable, and nothing can be added to it (a completion's transaction checks that its child exists). The reverse
order, completions first, would be visible: a child delete that then fails (a version conflict, a 503 for the item)
would leave an existing child with its completions gone, reported as "not applied".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from early_learning.domain import Completion, HistoryEntry, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store import history
from early_learning.store.actions import WriteAction
from early_learning.store.base import backoff_delay, configure, instrument
from early_learning.store.children import ChildRecord
from early_learning.store.errors import STORE_ERRORS, error_code, is_transient, validated
from early_learning.store.writes import MAX_TRANSACTION_ACTIONS

COMPLETION_ACTION, HISTORY_ACTION, CHILD_ACTION = 0, 1, 2
"""Positions of ``completion_write``'s actions, as ``WriteResult.failed_action`` names them when a condition fails:
the completion's id exists already (``already_exists``); the child's history is full (``history.HISTORY_CAP``:
``history.trim_many``, then the item is ``unavailable``, retryable); the child no longer exists (``not_found``)."""

BATCH_WRITE_LIMIT = 25
"""DynamoDB's maximum requests per BatchWriteItem."""


class CompletionRecord(Model):
    class Meta:
        table_name = "completions"

    child_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    activity_id = UnicodeAttribute()
    done_on = UnicodeAttribute()  # ISO date
    created_at = UnicodeAttribute()  # ISO 8601, UTC


configure(CompletionRecord, get_settings().completions_table)


def to_record(completion: Completion) -> CompletionRecord:
    return CompletionRecord(**completion.model_dump(mode="json"))


def to_domain(values: dict[str, Any]) -> Completion:
    """The domain model of a stored completion; ``CorruptRecord`` (naming only its id and fields) when it does not
    validate."""
    return validated(Completion, values, "Completion")


# --- recording ----------------------------------------------------------------------------------------------------


def _entry(completion: Completion) -> HistoryEntry:
    return HistoryEntry(activity_id=completion.activity_id, done_on=completion.done_on)


def _put(completion: Completion) -> WriteAction:
    """The completion, on condition that its id is new under its child (a client-chosen id that exists fails)."""
    return WriteAction("put", to_record(completion), CompletionRecord.id.does_not_exist())


def _child_exists(child_id: str) -> WriteAction:
    return WriteAction("check", ChildRecord(id=child_id), ChildRecord.id.exists())


def completion_write(completion: Completion) -> tuple[WriteAction, ...]:
    """The actions that record one completion, for one ``ItemWrite`` (``write_each``, or ``write_all`` when the
    batch has one completion per child): the put of the completion (new id only), the prepend of its entry to the
    child's history, and a check that the child exists; see ``COMPLETION_ACTION``, ``HISTORY_ACTION`` and
    ``CHILD_ACTION`` for what a failed condition at each position means. Pure: nothing is read.

    Two completions of one child in two transactions both land (the prepend has no condition a concurrent one could
    break; DynamoDB answers ``TransactionConflict`` to one of them, which ``store.writes`` retries). In one
    transaction they cannot: use ``completion_writes``. After the writes, call ``history.trim_many`` for the
    children written (it keeps their stored histories short)."""
    return (
        _put(completion),
        history.prepend_action(completion.child_id, [_entry(completion)]),
        _child_exists(completion.child_id),
    )


def completion_writes(completions: Sequence[Completion]) -> list[tuple[WriteAction, ...]]:
    """The actions of each completion, in order, for ONE all-or-nothing transaction (``write_all``): DynamoDB refuses
    a transaction with two actions on one item, so the first completion of each child carries the history prepend
    of all that child's completions and the child check (``completion_write``'s three actions, same positions), and
    the others only their put. Actions: one per completion plus two per distinct child; check
    ``writes.fits_one_transaction``. Not for ``write_each``, where a later completion's entries would ride on an
    earlier one's transaction."""
    by_child: dict[str, list[Completion]] = {}
    for completion in completions:
        by_child.setdefault(completion.child_id, []).append(completion)
    writes: list[tuple[WriteAction, ...]] = []
    for completion in completions:
        siblings = by_child[completion.child_id]
        if siblings[0] is completion:
            entries = [_entry(c) for c in siblings]
            prepend = history.prepend_action(completion.child_id, entries)
            writes.append((_put(completion), prepend, _child_exists(completion.child_id)))
        else:
            writes.append((_put(completion),))
    return writes


def completion_landed(completion: Completion) -> Callable[[], bool]:
    """For ``ItemWrite.landed``: whether the stored completion of this id is this very write (same activity, day and
    ``created_at``), read consistently; a transient failure of that read says no (the item is then answered
    ``already_exists``, which DESIGN 3.7 makes the answer to a retried create anyway)."""

    def landed() -> bool:
        instrument(CompletionRecord)
        try:
            data = CompletionRecord._get_connection().get_item(
                completion.child_id, range_key=completion.id, consistent_read=True
            )
        except STORE_ERRORS as exc:
            if not is_transient(exc):
                raise
            return False
        stored = data.get("Item")
        if not stored:
            return False
        expected = to_record(completion).serialize()
        return all(stored.get(name) == expected[name] for name in ("activity_id", "done_on", "created_at"))

    return landed


# --- erasure with the child -------------------------------------------------------------------------------------


def child_erasure_actions(
    child_id: str, deadline: Deadline, room: int = MAX_TRANSACTION_ACTIONS - 1
) -> tuple[WriteAction, ...]:
    """The actions that erase a child's data in the transaction of the child's own delete (which the service builds):
    the delete of its history item and of its first ``room - 1`` completions (read with one consistent Query).
    ``room`` is what the transaction has left (default: a transaction of the child's delete and these).

    After the transaction is written, call ``erase_child_data``: it sweeps the completions that did not fit and any
    recorded between the Query and the transaction (one Query when there are none). A transient failure of the
    Query raises ``StoreUnavailable`` before anything was written (the item is ``unavailable``, retryable)."""
    if room < 1:
        raise ValueError("room must leave space for the history's delete")
    keys: list[str] = []
    if room > 1:
        if deadline.remaining_s() < get_settings().dynamodb_call_worst_case_s:
            raise StoreUnavailable("The child's completions could not be read in time; retry the request")
        try:
            keys = _completion_ids(child_id, room - 1)
        except STORE_ERRORS as exc:
            if not is_transient(exc):
                raise
            logger.warning("Completions query failed transiently", extra={"error": error_code(exc)})
            raise StoreUnavailable("The child's completions could not be read in time; retry the request") from None
    return (
        history.delete_action(child_id),
        *(WriteAction("delete", CompletionRecord(child_id=child_id, id=key)) for key in keys),
    )


def erase_child_data(child_id: str, deadline: Deadline, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Delete a child's history item and every completion it has: Query, then BatchWriteItem deletes (25 a call,
    unprocessed ones retried with backoff), until a Query finds none. Idempotent: a call that ran out of time is
    resumed by the next one. True when nothing is left; False when the deadline or transient failures stopped it
    (what is left is unreachable by clients once the child is gone; logged by id).

    Only for a child that no longer exists (after its delete was written), or to clear leftovers before an id is
    used for a new child: while the child exists, a partial erasure would be visible."""
    settings = get_settings()
    call_s = settings.dynamodb_call_worst_case_s
    instrument(CompletionRecord)
    instrument(history.HistoryRecord)
    history_deleted = False
    pending: list[dict[str, dict[str, str]]] = []  # keys read and not deleted yet
    attempt = 0
    while deadline.remaining_s() >= call_s:
        try:
            if not history_deleted:
                history.HistoryRecord._get_connection().delete_item(child_id)
                history_deleted = True
            if not pending:
                keys = _completion_ids(child_id, 4 * BATCH_WRITE_LIMIT)
                if not keys:
                    return True
                pending = [_key(child_id, key) for key in keys]
            data = CompletionRecord._get_connection().batch_write_item(delete_items=pending[:BATCH_WRITE_LIMIT])
            unprocessed = data.get("UnprocessedItems", {}).get(CompletionRecord.Meta.table_name, [])
            pending = [request["DeleteRequest"]["Key"] for request in unprocessed] + pending[BATCH_WRITE_LIMIT:]
            if not unprocessed:
                attempt = 0
                continue
            logger.info("Deletes left unprocessed; backing off", extra={"id": child_id, "count": len(unprocessed)})
        except STORE_ERRORS as exc:
            if not is_transient(exc):
                raise
            logger.warning("Erasure failed transiently", extra={"id": child_id, "error": error_code(exc)})
        delay = backoff_delay(attempt, settings.retry_base_delay_s, settings.retry_max_delay_s)
        attempt += 1
        if attempt > settings.retry_max_attempts or delay + call_s > deadline.remaining_s():
            break
        sleep(delay)
    logger.warning("Child's data not fully erased in time; a later call resumes", extra={"id": child_id})
    return False


def _key(child_id: str, completion_id: str) -> dict[str, dict[str, str]]:
    return {"child_id": {"S": child_id}, "id": {"S": completion_id}}


def _completion_ids(child_id: str, limit: int) -> list[str]:
    """The ids of a child's first ``limit`` completions (one consistent Query, keys only)."""
    data = CompletionRecord._get_connection().query(
        child_id, attributes_to_get=["child_id", "id"], consistent_read=True, limit=limit
    )
    return [str(item["id"]["S"]) for item in data.get("Items", ())]
