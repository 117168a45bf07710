"""store.writes without DynamoDB: bounded concurrency of non-atomic batches, the mapping of a cancelled transaction's
reasons back to its items, and retries within the deadline (the DynamoDB side is tested under moto in
tests/integration/test_batch_writes.py and test_write_faults.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from early_learning.envelope import Deadline
from early_learning.settings import get_settings
from early_learning.store import writes
from early_learning.store.actions import WriteAction
from early_learning.store.activities import ActivityRecord
from early_learning.store.history import HistoryRecord
from early_learning.store.writes import ItemWrite


def item(key: str, *kinds: str) -> ItemWrite:
    actions = tuple(
        WriteAction(kind, HistoryRecord(child_id=key) if kind == "delete" else ActivityRecord(id=key))  # type: ignore[arg-type]
        for kind in kinds or ("put",)
    )
    return ItemWrite(key, actions)


def cancelled(*codes: str) -> TransactWriteError:
    """What PynamoDB raises for a cancelled TransactWriteItems: one reason per action, in request order."""
    response: Any = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
    reasons = [None if code == "None" else CancellationReason(code=code) for code in codes]
    cause = VerboseClientError(response, "TransactWriteItems", cancellation_reasons=reasons)
    return TransactWriteError("Failed to write transaction items", cause)


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"RETRY_BASE_DELAY_S": "0.001", "RETRY_MAX_DELAY_S": "0.002", "WRITE_CONCURRENCY": "3"}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_non_atomic_batch_writes_at_most_write_concurrency_items_at_once(
    fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    running, peak, lock = 0, 0, threading.Lock()

    def send(batch: Sequence[ItemWrite], token: str) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    monkeypatch.setattr(writes, "_send", send)
    results = writes.write_each([item(f"k{n}") for n in range(12)], Deadline(30_000))
    assert {r.status for r in results.values()} == {"written"}
    assert peak == 3  # WRITE_CONCURRENCY


def test_a_cancelled_transaction_names_the_failing_item_and_rolls_back_the_others(
    fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Request order is checks, deletes, puts, updates: item b's delete is sent first, then a's put, then b's put
    def send(batch: Sequence[ItemWrite], token: str) -> None:
        raise cancelled("None", "ConditionalCheckFailed", "None")

    monkeypatch.setattr(writes, "_send", send)
    results = writes.write_all([item("a"), item("b", "put", "delete")], Deadline(30_000))
    assert results["a"].status == "condition_failed"
    assert results["a"].failed_action == 0
    assert results["b"].status == "rolled_back"


def test_a_transaction_conflict_is_retried_then_written(fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def send(batch: Sequence[ItemWrite], token: str) -> None:
        attempts.append(token)
        if len(attempts) < 3:
            raise cancelled("TransactionConflict")

    monkeypatch.setattr(writes, "_send", send)
    assert writes.write_all([item("a")], Deadline(30_000))["a"].status == "written"
    assert len(attempts) == 3
    assert len(set(attempts)) == 1  # the same ClientRequestToken on every retry: DynamoDB applies it once


def test_an_item_not_written_before_the_deadline_is_unavailable_and_not_sent(
    fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[Any] = []
    monkeypatch.setattr(writes, "_send", lambda batch, token: sent.append(batch))
    results = writes.write_each([item("a")], Deadline(100))  # less than one call's worst case
    assert results["a"].status == "unavailable"
    assert sent == []


def test_a_lost_answer_then_a_failed_condition_is_written_when_the_item_holds_this_write(
    fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ReadTimeoutError  # type: ignore[import-untyped]

    calls = 0

    def send(batch: Sequence[ItemWrite], token: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ReadTimeoutError(endpoint_url="https://dynamodb")  # applied, but the answer was lost
        raise cancelled("ConditionalCheckFailed")  # the retry meets its own write

    monkeypatch.setattr(writes, "_send", send)
    landed = ItemWrite("a", item("a").actions, landed=lambda: True)
    assert writes.write_each([landed], Deadline(30_000))["a"].status == "written"
    other = ItemWrite("b", item("b").actions, landed=lambda: False)
    calls = 0
    assert writes.write_each([other], Deadline(30_000))["b"].status == "condition_failed"
