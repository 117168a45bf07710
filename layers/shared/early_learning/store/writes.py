"""Conditional writes (DESIGN 3.7, 6): each item of a batch on its own (non-atomic, with bounded concurrency), or
every item in one TransactWriteItems (atomic), retried within the deadline.

An item written on its own whose write is one action (an activity or a child created, updated or deleted) is one
conditional PutItem or DeleteItem: DynamoDB's cheapest conditional write (a transaction costs twice the write
capacity, and the emulator copies the table for each). An item whose write needs several actions (a child and its
history, a completion and its child's history) goes as a TransactWriteItems of its own, applied all or nothing, with
a ``ClientRequestToken`` that makes a retry after a lost answer safe. Where no token protects a retry (a single
write, or an emulator that ignores it), an item whose condition fails on a retry is read back
(``ItemWrite.landed``): if it holds what this write wrote, the write had landed.

Results name the action whose condition failed, so that the service tells ``already_exists`` from
``version_conflict``; nothing here knows HTTP or the API's error codes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field
from typing import Literal

from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.transactions import TransactWrite

from early_learning.domain import AtomicBatchTooLarge
from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.actions import Kind, WriteAction
from early_learning.store.base import backoff_delay, instrument
from early_learning.store.errors import STORE_ERRORS, error_code, is_transient

MAX_TRANSACTION_ACTIONS = 100
"""DynamoDB's limit on the actions of one TransactWriteItems."""

_KIND_ORDER: dict[Kind, int] = {"check": 0, "delete": 1, "put": 2, "update": 3}
"""The order in which PynamoDB sends a transaction's actions (condition checks, deletes, puts, updates): the order
of DynamoDB's CancellationReasons, which this module maps back to items."""


@dataclass(frozen=True)
class ItemWrite:
    """The write of one item: its actions, applied together."""

    key: str
    actions: tuple[WriteAction, ...]
    landed: Callable[[], bool] | None = None
    """After a retry whose condition failed: whether the item already holds what this write wrote."""


@dataclass(frozen=True)
class WriteResult:
    status: Literal["written", "condition_failed", "unavailable", "rolled_back"]
    failed_action: int | None = None
    """With ``condition_failed``: the index, in the item's ``actions``, of the action whose condition failed."""


@dataclass
class _Attempts:
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    uncertain: bool = False
    """An earlier attempt may have been applied (its answer was lost)."""


def _send(writes: Sequence[ItemWrite], token: str) -> None:
    """One conditional write when ``writes`` is one action of one item, else one TransactWriteItems of every action."""
    first = writes[0].actions[0].record
    instrument(type(first))
    if len(writes) == 1 and len(writes[0].actions) == 1 and writes[0].actions[0].kind != "check":
        _write_one(writes[0].actions[0])
        return
    connection = type(first)._get_connection().connection
    with TransactWrite(connection=connection, client_request_token=token) as transaction:
        for write in writes:
            for action in write.actions:
                if action.kind == "put":
                    transaction.save(action.record, condition=action.condition)
                elif action.kind == "delete":
                    transaction.delete(action.record, condition=action.condition, add_version_condition=False)
                elif action.kind == "update":
                    transaction.update(
                        action.record, list(action.actions), condition=action.condition, add_version_condition=False
                    )
                else:
                    model = type(action.record)
                    hash_key = model._hash_key_attribute().attr_name  # type: ignore[no-untyped-call]
                    assert action.condition is not None
                    transaction.condition_check(model, getattr(action.record, hash_key), condition=action.condition)


def _write_one(action: WriteAction) -> None:
    """One action as a conditional PutItem, DeleteItem or UpdateItem."""
    if action.kind == "put":
        action.record.save(condition=action.condition, add_version_condition=False)
    elif action.kind == "delete":
        action.record.delete(condition=action.condition, add_version_condition=False)
    else:
        action.record.update(list(action.actions), condition=action.condition, add_version_condition=False)


def _request_order(writes: Sequence[ItemWrite]) -> list[tuple[int, int]]:
    """(item index, action index) of every action, in the order the transaction sends them."""
    order = [(i, a) for i, write in enumerate(writes) for a in range(len(write.actions))]
    return sorted(order, key=lambda ia: _KIND_ORDER[writes[ia[0]].actions[ia[1]].kind])


def _cancelled(exc: BaseException) -> list[str | None] | None:
    """The codes of a refused write's actions in request order (None where an action was fine): a cancelled
    transaction's reasons, or the one failed condition of a single write; None when the error is neither."""
    if isinstance(exc, PutError | DeleteError | UpdateError):
        # error_code, not PynamoDB's cause_response_code: that one raises for a timeout's cause (no response).
        return ["ConditionalCheckFailed"] if error_code(exc) == "ConditionalCheckFailedException" else None
    reasons = getattr(exc, "cancellation_reasons", None)
    if not reasons:
        return None
    return [reason.code if reason is not None and reason.code != "None" else None for reason in reasons]


def _attempt(
    writes: Sequence[ItemWrite], deadline: Deadline, sleep: Callable[[float], None] = time.sleep
) -> list[WriteResult]:
    """Send ``writes`` as one transaction, retrying transient failures with backoff within the deadline."""
    settings = get_settings()
    state = _Attempts()
    attempt = 0
    while True:
        if deadline.remaining_s() < settings.dynamodb_call_worst_case_s:
            return [WriteResult("unavailable")] * len(writes)
        try:
            _send(writes, state.token)
            return [WriteResult("written")] * len(writes)
        except STORE_ERRORS as exc:
            codes = _cancelled(exc)
            retry = is_transient(exc) or (codes is not None and any(c in _RETRIED for c in codes if c))
            if codes is not None and not retry:
                return _conflicts(writes, codes, state.uncertain)
            if not retry:
                raise
            logger.warning("Write failed transiently", extra={"error": error_code(exc), "items": len(writes)})
            state.uncertain = True
        delay = backoff_delay(attempt, settings.retry_base_delay_s, settings.retry_max_delay_s)
        attempt += 1
        if (
            attempt > settings.retry_max_attempts
            or delay + settings.dynamodb_call_worst_case_s > deadline.remaining_s()
        ):
            return [WriteResult("unavailable")] * len(writes)
        sleep(delay)


_RETRIED = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "InternalServerError"}
"""Cancellation reasons worth another attempt (another transaction held the item, or capacity ran short)."""


def _conflicts(writes: Sequence[ItemWrite], codes: list[str | None], uncertain: bool) -> list[WriteResult]:
    """The items of a cancelled transaction: the one whose condition failed, and every other one rolled back. After
    an uncertain attempt, a failed condition may be this very write, already applied: ``landed`` says."""
    results = [WriteResult("rolled_back")] * len(writes)
    for (item, action), code in zip(_request_order(writes), codes, strict=False):
        if code == "ConditionalCheckFailed":
            landed = writes[item].landed
            if uncertain and len(writes) == 1 and landed is not None and landed():
                return [WriteResult("written")]
            results[item] = WriteResult("condition_failed", action)
    return results


def write_each(writes: Sequence[ItemWrite], deadline: Deadline) -> dict[str, WriteResult]:
    """Each item on its own (one conditional write, or a transaction of its own), ``write_concurrency`` at a time; an
    item not started before the deadline leaves room for one call is ``unavailable`` (and was not applied)."""
    if not writes:
        return {}
    with ThreadPoolExecutor(max_workers=min(get_settings().write_concurrency, len(writes))) as pool:
        # Each in a copy of this context: the DynamoDB call counting (store.base.counting_calls) follows the writes.
        futures = {write.key: pool.submit(copy_context().run, _attempt, [write], deadline) for write in writes}
        return {key: future.result()[0] for key, future in futures.items()}


def write_all(writes: Sequence[ItemWrite], deadline: Deadline) -> dict[str, WriteResult]:
    """Every item in one transaction: all written, or none (the items that failed say why, the others are
    ``rolled_back``). The caller checks ``fits_one_transaction`` first."""
    if not writes:
        return {}
    return {write.key: result for write, result in zip(writes, _attempt(writes, deadline), strict=True)}


def write_batch(writes: Sequence[ItemWrite], atomic: bool, doomed: bool, deadline: Deadline) -> dict[str, WriteResult]:
    """A batch's writes: each item on its own, or all in one transaction (``atomic``). An atomic batch where an item
    already failed (``doomed``) writes nothing; one that does not fit one transaction is refused before anything is
    written (a child's delete, or a child's first completion, takes more than one action)."""
    if not atomic:
        return write_each(writes, deadline)
    if not fits_one_transaction(writes):
        raise AtomicBatchTooLarge(
            "This atomic batch needs more than DynamoDB's 100 actions in one transaction (a child's delete takes "
            "two): send fewer items, or atomic: false"
        )
    if doomed:
        return {write.key: WriteResult("rolled_back") for write in writes}
    return write_all(writes, deadline)


def fits_one_transaction(writes: Sequence[ItemWrite]) -> bool:
    return sum(len(write.actions) for write in writes) <= MAX_TRANSACTION_ACTIONS


def new_id() -> str:
    return str(uuid.uuid4())
