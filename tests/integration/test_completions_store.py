"""Completions in the store under moto (DESIGN 3.7): one transaction records a completion and its child's history
entry; existing ids and missing children; bounded histories; erasure with the child, past one transaction's 100
actions; throttled and lost-answer transactions; and the recommendations seeing a completion at once."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError  # type: ignore[import-untyped]
from pynamodb.exceptions import TransactWriteError

from early_learning.domain import Completion, HistoryEntry
from early_learning.envelope import Deadline
from early_learning.settings import Settings
from early_learning.store import activities, history
from early_learning.store.actions import WriteAction
from early_learning.store.base import counting_calls
from early_learning.store.children import ChildRecord
from early_learning.store.completions import (
    CHILD_ACTION,
    COMPLETION_ACTION,
    HISTORY_ACTION,
    CompletionRecord,
    child_erasure_actions,
    completion_landed,
    completion_write,
    completion_writes,
    erase_child_data,
    to_domain,
    to_record,
)
from early_learning.store.history import HISTORY_CAP, MAX_ENTRIES, TRIM_AT, EntryAttribute, HistoryRecord
from early_learning.store.writes import (
    MAX_TRANSACTION_ACTIONS,
    ItemWrite,
    WriteResult,
    write_all,
    write_each,
)
from functions.batch_recommendations.app import handler as batch_handler
from local.demo import ids
from local.demo.core import CORE_HISTORY
from tests.data.extra import PICTURE_BOOK, STORY_CARDS
from tests.events import load_event
from tests.integration.children_support import call
from tests.integration.store_faults import StoreFaults, client_error

TODAY = date(2026, 2, 16)  # the events' date
AVA, BEN = ids.CHILD_AVA, ids.CHILD_BEN
FAST_RETRIES = {"retry_base_delay_s": 0.001, "retry_max_delay_s": 0.004, "retry_max_attempts": 3}


@pytest.fixture(autouse=True)
def _cold_catalog() -> Iterator[None]:
    activities.clear_catalog_cache()
    yield
    activities.clear_catalog_cache()


def completion(
    child_id: str = AVA, activity_id: str = PICTURE_BOOK, done_on: date = TODAY, completion_id: str | None = None
) -> Completion:
    return Completion(
        id=completion_id or str(uuid.uuid4()),
        child_id=child_id,
        activity_id=activity_id,
        done_on=done_on,
        created_at=datetime.now(UTC),
    )


def deadline(seconds: float = 20) -> Deadline:
    return Deadline(int(seconds * 1000))


def record(*completions: Completion) -> list[WriteResult]:
    """Each completion as an item of a non-atomic batch, in its own transaction."""
    writes = [ItemWrite(c.id, completion_write(c), landed=completion_landed(c)) for c in completions]
    results = write_each(writes, deadline())
    return [results[c.id] for c in completions]


def stored_completions(child_id: str) -> list[Completion]:
    return [to_domain(dict(r.attribute_values)) for r in CompletionRecord.query(child_id, consistent_read=True)]


def stored_history(child_id: str) -> HistoryRecord | None:
    try:
        return HistoryRecord.get(child_id, consistent_read=True)
    except HistoryRecord.DoesNotExist:
        return None


def stored_entries(child_id: str) -> list[tuple[str, str]]:
    found = stored_history(child_id)
    return [(e.activity_id, e.done_on) for e in found.entries] if found else []


def read_entries(child_id: str) -> tuple[HistoryEntry, ...]:
    return history.read_many([child_id], deadline()).entries.get(child_id, ())


def store_raw_history(child_id: str, entries: list[HistoryEntry], revision: int | None = None) -> None:
    """A stored history exactly as given (no trimming), as prepends would leave it."""
    stored = [EntryAttribute(activity_id=e.activity_id, done_on=e.done_on.isoformat()) for e in entries]  # type: ignore[no-untyped-call]
    HistoryRecord(child_id=child_id, entries=stored, revision=revision).save()


def entries(count: int, first_day: date = date(2025, 1, 1)) -> list[HistoryEntry]:
    """``count`` entries on distinct days, in random order (seeded)."""
    made = [
        HistoryEntry(activity_id=str(uuid.UUID(int=i + 1)), done_on=first_day + timedelta(days=i)) for i in range(count)
    ]
    random.Random(count).shuffle(made)
    return made


def seed_completions(child_id: str, count: int) -> list[Completion]:
    made = [completion(child_id, done_on=TODAY - timedelta(days=i % 30)) for i in range(count)]
    with CompletionRecord.batch_write() as batch:
        for c in made:
            batch.save(to_record(c))
    return made


def child_delete(child_id: str) -> WriteAction:
    """The child's own delete, as the service builds it (here: on condition that it exists)."""
    return WriteAction("delete", ChildRecord(id=child_id), ChildRecord.id.exists())


def child_exists(child_id: str) -> bool:
    return ChildRecord.count(child_id, consistent_read=True) > 0


# --- recording --------------------------------------------------------------------------------------------------


def test_a_completion_is_stored_and_leads_its_childs_history_in_one_transaction(data: Any) -> None:
    # Given Ava, with two activities in her history
    done = completion(AVA, PICTURE_BOOK)
    # When her completion is recorded
    with counting_calls() as calls:
        (result,) = record(done)
    # Then it is written with one TransactWriteItems
    assert result == WriteResult("written")
    assert calls == ["TransactWriteItems"]
    # And stored as it was given
    assert stored_completions(AVA) == [done]
    # And it is the newest entry of her history, in front of the ones she had
    assert read_entries(AVA) == (HistoryEntry(activity_id=PICTURE_BOOK, done_on=TODAY), *CORE_HISTORY[AVA])
    assert stored_history(AVA).revision == 1  # type: ignore[union-attr]


def test_a_first_completion_creates_the_childs_history(data: Any) -> None:
    # Given Dev, who has no history item yet
    assert stored_history(ids.CHILD_DEV) is None
    # When a completion of his is recorded
    assert record(completion(ids.CHILD_DEV, STORY_CARDS)) == [WriteResult("written")]
    # Then his history holds it
    assert read_entries(ids.CHILD_DEV) == (HistoryEntry(activity_id=STORY_CARDS, done_on=TODAY),)


def test_an_existing_completion_id_fails_its_condition_and_changes_nothing(data: Any) -> None:
    # Given a recorded completion
    first = completion(AVA, PICTURE_BOOK)
    record(first)
    # When another completion with the same id is recorded (a client-chosen id)
    again = completion(AVA, STORY_CARDS, done_on=TODAY - timedelta(days=1), completion_id=first.id)
    (result,) = record(again)
    # Then its put's condition failed
    assert result == WriteResult("condition_failed", COMPLETION_ACTION)
    # And nothing of it was applied: neither the completion nor its history entry
    assert stored_completions(AVA) == [first]
    assert [e.activity_id for e in read_entries(AVA)].count(STORY_CARDS) == 0
    assert stored_history(AVA).revision == 1  # type: ignore[union-attr]


def test_a_completion_of_a_child_that_does_not_exist_is_not_recorded(data: Any) -> None:
    # Given a child id that names no child (or one deleted since it was read)
    ghost = str(uuid.uuid4())
    # When a completion of it is recorded
    (result,) = record(completion(ghost))
    # Then the child check failed and nothing was written: no completion, and no history item made up for it
    assert result == WriteResult("condition_failed", CHILD_ACTION)
    assert stored_completions(ghost) == []
    assert stored_history(ghost) is None


def test_an_atomic_batch_gives_each_child_one_history_update(data: Any) -> None:
    # Given two completions of Ava and one of Ben, for one all-or-nothing transaction
    batch = [completion(AVA, PICTURE_BOOK), completion(BEN, STORY_CARDS), completion(AVA, STORY_CARDS)]
    actions = completion_writes(batch)
    # Then each child's first completion carries the history update and the child check, the other only its put
    assert [len(a) for a in actions] == [3, 3, 1]
    # When they are written together
    writes = [ItemWrite(c.id, a) for c, a in zip(batch, actions, strict=True)]
    results = write_all(writes, deadline())
    # Then all are written, and each history holds its child's new entries once
    assert set(results.values()) == {WriteResult("written")}
    assert {e.activity_id for e in read_entries(AVA)} >= {PICTURE_BOOK, STORY_CARDS}
    assert len(stored_entries(AVA)) == len(CORE_HISTORY[AVA]) + 2
    assert len(stored_entries(BEN)) == len(CORE_HISTORY[BEN]) + 1


def test_one_transaction_cannot_hold_two_history_updates_of_one_child(data: Any) -> None:
    # Why completion_writes exists: DynamoDB (and moto) refuse two actions on one item in one transaction
    batch = [completion(AVA, PICTURE_BOOK), completion(AVA, STORY_CARDS)]
    writes = [ItemWrite(c.id, completion_write(c)) for c in batch]
    with pytest.raises(TransactWriteError) as refused:
        write_all(writes, deadline())
    assert "multiple operations on one item" in str(refused.value.cause_response_message)
    assert stored_completions(AVA) == []


def test_a_failing_completion_rolls_back_an_atomic_batch(data: Any) -> None:
    # Given an atomic batch whose second completion names a child that does not exist
    batch = [completion(AVA, PICTURE_BOOK), completion(str(uuid.uuid4()), STORY_CARDS)]
    writes = [ItemWrite(c.id, a) for c, a in zip(batch, completion_writes(batch), strict=True)]
    # When it is written
    results = write_all(writes, deadline())
    # Then the failing one says why, the other is rolled back, and nothing was written
    assert results == {
        batch[0].id: WriteResult("rolled_back"),
        batch[1].id: WriteResult("condition_failed", CHILD_ACTION),
    }
    assert stored_completions(AVA) == []
    assert read_entries(AVA) == CORE_HISTORY[AVA]


# --- bounded histories ---------------------------------------------------------------------------------------------


def test_reads_keep_the_newest_entries_by_day_then_activity(data: Any) -> None:
    # Given more completions of Ava than the recommendations look at, recorded in no particular order of day
    days = [
        TODAY - timedelta(days=d) for d in (3, 0, 7, 1, 1, 12, 5, 2, 9, 0, 4, 6, 8, 10, 11, 13, 14, 15, 3, 2, 16, 17)
    ]
    done = [completion(AVA, str(uuid.uuid4()), day) for day in days]
    assert all(result == WriteResult("written") for result in record(*done))
    # Then every prepend is stored (nothing trims below TRIM_AT)
    stored = stored_entries(AVA)
    assert len(stored) == len(done) + len(CORE_HISTORY[AVA]) <= TRIM_AT
    # And reads see the newest MAX_ENTRIES, by day then activity id, both descending
    every = [HistoryEntry(activity_id=a, done_on=date.fromisoformat(d)) for a, d in stored]
    expected = sorted(every, key=lambda e: (e.done_on, e.activity_id), reverse=True)[:MAX_ENTRIES]
    assert list(read_entries(AVA)) == expected


def test_a_trim_rewrites_a_long_history_to_its_newest_entries(data: Any) -> None:
    # Given Ava's stored history longer than TRIM_AT (trims had not run), and Ben's short one
    long = entries(TRIM_AT + 5)
    store_raw_history(AVA, long, revision=7)
    # When their histories are trimmed
    with counting_calls() as calls:
        left = history.trim_many([AVA, BEN], deadline())
    # Then Ava's holds its newest MAX_ENTRIES, newest first, with one BatchGetItem and one UpdateItem
    assert left == set()
    newest = sorted(long, key=lambda e: (e.done_on, e.activity_id), reverse=True)[:MAX_ENTRIES]
    assert stored_entries(AVA) == [(e.activity_id, e.done_on.isoformat()) for e in newest]
    assert list(read_entries(AVA)) == newest
    assert calls == ["BatchGetItem", "UpdateItem"]
    # And Ben's was left alone
    assert read_entries(BEN) == CORE_HISTORY[BEN]
    # And a later completion is prepended to the trimmed list
    record(completion(AVA, PICTURE_BOOK))
    assert stored_entries(AVA)[0] == (PICTURE_BOOK, TODAY.isoformat())
    assert len(stored_entries(AVA)) == MAX_ENTRIES + 1


def test_a_trim_never_drops_an_entry_prepended_after_its_read(data: Any) -> None:
    # Given Ava's long history, and a completion recorded between the trim's read and its write
    store_raw_history(AVA, entries(TRIM_AT + 5), revision=3)
    late = completion(AVA, PICTURE_BOOK)
    events = HistoryRecord._get_connection().connection.client.meta.events
    fired: list[bool] = []

    def concurrent_completion(**_: Any) -> None:
        if not fired:
            fired.append(True)
            assert record(late) == [WriteResult("written")]

    events.register("before-call.dynamodb.UpdateItem", concurrent_completion)
    try:
        # When the trim runs
        left = history.trim_many([AVA], deadline())
    finally:
        events.unregister("before-call.dynamodb.UpdateItem", concurrent_completion)
    # Then it did not overwrite the list (the revision it read is gone), and the late entry is there
    assert fired
    assert left == {AVA}
    assert stored_entries(AVA)[0] == (PICTURE_BOOK, TODAY.isoformat())
    assert len(stored_entries(AVA)) == TRIM_AT + 6
    # And the next trim keeps it, as the newest entry
    assert history.trim_many([AVA], deadline()) == set()
    assert read_entries(AVA)[0] == HistoryEntry(activity_id=PICTURE_BOOK, done_on=TODAY)
    assert len(stored_entries(AVA)) == MAX_ENTRIES


def test_a_full_history_fails_the_completion_until_it_is_trimmed(data: Any) -> None:
    # Given Ava's stored history at its hard cap (every trim had failed)
    store_raw_history(AVA, entries(HISTORY_CAP), revision=HISTORY_CAP)
    done = completion(AVA, PICTURE_BOOK)
    # When a completion is recorded
    (result,) = record(done)
    # Then the history's condition failed, and nothing was written: the item never grows past the cap
    assert result == WriteResult("condition_failed", HISTORY_ACTION)
    assert stored_completions(AVA) == []
    assert len(stored_entries(AVA)) == HISTORY_CAP
    # And once trimmed, the same completion is recorded
    assert history.trim_many([AVA], deadline()) == set()
    assert record(done) == [WriteResult("written")]
    assert read_entries(AVA)[0] == HistoryEntry(activity_id=PICTURE_BOOK, done_on=TODAY)


# --- erasure with the child ----------------------------------------------------------------------------------------


def test_a_child_with_few_completions_is_erased_in_its_deletes_transaction(data: Any) -> None:
    # Given Ava with a few completions, and Ben with his own
    seed_completions(AVA, 5)
    bens = seed_completions(BEN, 3)
    # When her delete is written with her erasure's actions
    erasure = child_erasure_actions(AVA, deadline())
    assert len(erasure) == 1 + 5  # her history, her completions
    results = write_each([ItemWrite(AVA, (child_delete(AVA), *erasure))], deadline())
    # Then she, her history and her completions are gone in that one transaction
    assert results[AVA] == WriteResult("written")
    assert not child_exists(AVA)
    assert stored_history(AVA) is None
    assert stored_completions(AVA) == []
    # And the sweep afterwards finds nothing left, in one Query (after the history's idempotent delete)
    with counting_calls() as calls:
        assert erase_child_data(AVA, deadline()) is True
    assert calls == ["DeleteItem", "Query"]
    # And Ben's data is untouched
    assert sorted(c.id for c in stored_completions(BEN)) == sorted(c.id for c in bens)
    assert read_entries(BEN) == CORE_HISTORY[BEN]


def test_a_child_with_more_completions_than_a_transaction_holds_is_erased_child_first(data: Any) -> None:
    # Given Ava with 150 completions: more than fit one transaction with her delete and her history's
    seed_completions(AVA, 150)
    bens = seed_completions(BEN, 3)
    erasure = child_erasure_actions(AVA, deadline())
    writes = [ItemWrite(AVA, (child_delete(AVA), *erasure))]
    assert sum(len(w.actions) for w in writes) == MAX_TRANSACTION_ACTIONS
    # When her delete's transaction is written
    assert write_each(writes, deadline())[AVA] == WriteResult("written")
    # Then what clients can see is all gone at once: the child (every completion and history read goes through it)
    assert not child_exists(AVA)
    assert stored_history(AVA) is None
    # And the completions that did not fit are left for the sweep
    assert len(stored_completions(AVA)) == 150 - (MAX_TRANSACTION_ACTIONS - 2)
    # When the sweep runs
    with counting_calls() as calls:
        assert erase_child_data(AVA, deadline()) is True
    # Then nothing of hers is left: one Query per 100 keys, one BatchWriteItem per 25, and a last empty Query
    assert stored_completions(AVA) == []
    assert calls.count("BatchWriteItem") == 3
    assert calls.count("Query") == 2
    # And running it again is harmless
    assert erase_child_data(AVA, deadline()) is True
    # And Ben's data is untouched
    assert sorted(c.id for c in stored_completions(BEN)) == sorted(c.id for c in bens)
    assert read_entries(BEN) == CORE_HISTORY[BEN]


def test_a_failed_child_delete_erases_nothing(data: Any) -> None:
    # Given Ava's erasure, and her delete on a condition that fails (the service's version check, say)
    seed_completions(AVA, 4)
    erasure = child_erasure_actions(AVA, deadline())
    stale = WriteAction("delete", ChildRecord(id=AVA), ChildRecord.version == 99)
    # When the transaction is written
    result = write_each([ItemWrite(AVA, (stale, *erasure))], deadline())[AVA]
    # Then nothing of hers was erased
    assert result == WriteResult("condition_failed", 0)
    assert child_exists(AVA)
    assert len(stored_completions(AVA)) == 4
    assert read_entries(AVA) == CORE_HISTORY[AVA]


def test_completions_cannot_be_recorded_once_the_child_is_deleted(data: Any) -> None:
    # Given Ava deleted with her erasure
    write_each([ItemWrite(AVA, (child_delete(AVA), *child_erasure_actions(AVA, deadline())))], deadline())
    # When a completion of hers arrives (its permission check had read her before the delete)
    (result,) = record(completion(AVA))
    # Then it is refused, and neither a completion nor a history item is left behind for a sweep to miss
    assert result == WriteResult("condition_failed", CHILD_ACTION)
    assert stored_completions(AVA) == []
    assert stored_history(AVA) is None


def test_a_sweep_stopped_by_throttling_is_resumed_by_the_next_call(data: Any, faults: StoreFaults) -> None:
    # Given Ava deleted with 120 completions, and every BatchWriteItem throttled
    faults.settings(**FAST_RETRIES)
    seed_completions(AVA, 120)
    write_each([ItemWrite(AVA, (child_delete(AVA), *child_erasure_actions(AVA, deadline())))], deadline())
    faults.fail = lambda op, table, attempt: client_error("ThrottlingException", op) if op == "BatchWriteItem" else None
    seeded = len(faults.attempts("BatchWriteItem"))
    # When the sweep runs
    finished = erase_child_data(AVA, deadline())
    # Then it stops after a bounded number of attempts and says so
    assert finished is False
    assert len(faults.attempts("BatchWriteItem")) - seeded == 1 + FAST_RETRIES["retry_max_attempts"]
    assert len(stored_completions(AVA)) == 120 - (MAX_TRANSACTION_ACTIONS - 2)
    # When the throttling clears and the sweep runs again
    faults.fail = lambda op, table, attempt: None
    # Then it finishes
    assert erase_child_data(AVA, deadline()) is True
    assert stored_completions(AVA) == []


def test_deletes_left_unprocessed_are_retried(data: Any, fast_retries: Settings) -> None:
    # Given a deleted child's leftover completions, and a first BatchWriteItem that leaves two of its deletes
    # unprocessed (DynamoDB does so when the table is throttled)
    ghost = str(uuid.uuid4())
    seed_completions(ghost, 30)
    events = CompletionRecord._get_connection().connection.client.meta.events
    withheld: list[Any] = []
    reported: list[bool] = []

    def withhold(params: dict[str, Any], **_: Any) -> None:
        if not withheld:
            requests = params["RequestItems"]["CompletionsTable"]
            withheld.extend(requests[-2:])
            del requests[-2:]

    def report_unprocessed(parsed: dict[str, Any], **_: Any) -> None:
        if withheld and not reported:
            reported.append(True)
            parsed["UnprocessedItems"] = {"CompletionsTable": list(withheld)}

    events.register("before-parameter-build.dynamodb.BatchWriteItem", withhold)
    events.register("after-call.dynamodb.BatchWriteItem", report_unprocessed)
    try:
        # When the sweep runs
        with counting_calls() as calls:
            finished = erase_child_data(ghost, deadline())
    finally:
        events.unregister("before-parameter-build.dynamodb.BatchWriteItem", withhold)
        events.unregister("after-call.dynamodb.BatchWriteItem", report_unprocessed)
    # Then the withheld deletes were sent again, and nothing is left
    assert withheld
    assert finished is True
    assert stored_completions(ghost) == []
    assert calls.count("BatchWriteItem") == 2  # 25 sent (2 unprocessed), then those 2 with the last 5


# --- faults on the transaction -----------------------------------------------------------------------------------


def test_a_throttled_transaction_is_retried_and_applied_once(data: Any, faults: StoreFaults) -> None:
    # Given the first TransactWriteItems throttled beyond botocore's own retries
    faults.settings(**FAST_RETRIES)
    throttled = client_error("ThrottlingException", "TransactWriteItems")
    faults.fail = lambda op, table, attempt: throttled if op == "TransactWriteItems" and attempt == 0 else None
    done = completion(AVA, PICTURE_BOOK)
    # When the completion is recorded
    (result,) = record(done)
    # Then it is written by the second attempt, once
    assert result == WriteResult("written")
    assert len(faults.attempts("TransactWriteItems")) == 2
    assert stored_completions(AVA) == [done]
    assert [a for a, _ in stored_entries(AVA)].count(PICTURE_BOOK) == 1


def test_persistent_throttling_leaves_the_completion_unwritten_and_retryable(data: Any, faults: StoreFaults) -> None:
    settings = faults.settings(**FAST_RETRIES)
    throttled = client_error("ThrottlingException", "TransactWriteItems")
    faults.fail = lambda op, table, attempt: throttled if op == "TransactWriteItems" else None
    (result,) = record(completion(AVA, PICTURE_BOOK))
    assert result == WriteResult("unavailable")
    assert len(faults.attempts("TransactWriteItems")) == 1 + settings.retry_max_attempts
    assert stored_completions(AVA) == []
    assert read_entries(AVA) == CORE_HISTORY[AVA]


def test_a_transaction_whose_answer_was_lost_is_written_once(data: Any, fast_retries: Settings) -> None:
    # Given a transaction that DynamoDB applies, but whose answer never arrives (a read timeout)
    client = CompletionRecord._get_connection().connection.client
    lost: list[bool] = []

    def lose_the_answer(**_: Any) -> None:
        if not lost:
            lost.append(True)
            raise ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/")

    client.meta.events.register("after-call.dynamodb.TransactWriteItems", lose_the_answer)
    done = completion(AVA, PICTURE_BOOK)
    try:
        # When the completion is recorded
        (result,) = record(done)
    finally:
        client.meta.events.unregister("after-call.dynamodb.TransactWriteItems", lose_the_answer)
    # Then the retry reports it written (the token, or the read-back of what was written), and it is there once
    assert lost
    assert result == WriteResult("written")
    assert stored_completions(AVA) == [done]
    assert [a for a, _ in stored_entries(AVA)].count(PICTURE_BOOK) == 1


def test_landed_tells_this_write_from_another_with_the_same_id(data: Any) -> None:
    done = completion(AVA, PICTURE_BOOK)
    assert completion_landed(done)() is False
    record(done)
    assert completion_landed(done)() is True
    other = done.model_copy(update={"created_at": done.created_at + timedelta(seconds=1)})
    assert completion_landed(other)() is False


# --- the recommendations see a completion at once ----------------------------------------------------------------


def recommendations_of(context: Any, body: dict[str, Any] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Recommendations per child: of the teacher's event (Ava, Ben, Chloe, Dev; three each, sunny), or of ``body``."""
    answer = call(batch_handler, load_event("batch_recommendations.json", body=body), context)
    assert answer.status == 200
    return {r["id"]: r["data"]["recommendations"] for r in answer.body["results"]}


def test_a_recorded_completion_changes_the_childs_next_recommendations(data: Any, lambda_context: Any) -> None:
    # Given Ava's recommendations, whose best one is a fresh activity
    before = recommendations_of(lambda_context)
    best = before[AVA][0]
    assert "Fresh activity suggestion" in best["reasoning"]
    activity_id = best["activity"]["id"]
    # When she is recorded doing it, through the store's write
    assert record(completion(AVA, activity_id)) == [WriteResult("written")]
    # Then her very next recommendations no longer hold it among her best three
    after = recommendations_of(lambda_context)
    assert activity_id not in [rec["activity"]["id"] for rec in after[AVA]]
    # And the other children's recommendations did not change
    assert {k: v for k, v in after.items() if k != AVA} == {k: v for k, v in before.items() if k != AVA}
    # And where it still shows (a longer list), it is scored as done recently, lower than before
    longer = recommendations_of(lambda_context, {"child_ids": [AVA], "max_recommendations": 20, "weather": "sunny"})
    (again,) = [rec for rec in longer[AVA] if rec["activity"]["id"] == activity_id]
    assert "Done recently" in again["reasoning"]
    assert again["relevance_score"] < best["relevance_score"]
