"""Faults under batch writes (DESIGN 3.7, 6), injected into the botocore clients (moto untouched): throttling mid-batch,
transaction conflicts, an answer lost after the write landed, a hung store near the deadline. Every item is answered,
none is half-applied, and the totals add up."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError, ReadTimeoutError  # type: ignore[import-untyped]

from early_learning.store import activities
from functions.batch_write.app import handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.events import load_event
from tests.integration.children_support import Answer, call, statuses
from tests.integration.store_faults import StoreFaults, cancelled, client_error, read_timeout

FAST = {"retry_base_delay_s": 0.001, "retry_max_delay_s": 0.004, "retry_max_attempts": 4}
TARGETS = [ids.SUNRISE_PUPPETS, ids.SUNRISE_SENSORY_BIN]
ONE_WRITE = "PutItem"
"""How an activity's update is written when items go one by one: one conditional PutItem (store.writes)."""
ATOMIC = "TransactWriteItems"
"""How an atomic batch is written."""


def update_all(context: FakeLambdaContext, minutes: int, atomic: bool = False) -> Answer:
    items = [{"id": key, "changes": {"duration_minutes": minutes}} for key in TARGETS]
    body = {"resource_type": "activities", "items": items, "atomic": atomic}
    return call(handler, load_event("batch_update.json", body=body, sub=ids.ADMIN_SUNRISE_SUB), context)


def durations() -> list[int]:
    return [activities.read_one(key).duration_minutes for key in TARGETS]  # type: ignore[union-attr]


def totals_add_up(body: dict[str, Any]) -> bool:
    return bool(body["total_requested"] == len(body["results"]) == body["total_succeeded"] + body["total_failed"])


def conflict() -> ClientError:
    """A transaction cancelled because another one held the item (DynamoDB's TransactionConflict)."""
    return cancelled("TransactionConflict")


def test_throttling_mid_batch_is_retried_and_every_item_is_written(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    faults.settings(**FAST)
    throttled = client_error("ThrottlingException", ONE_WRITE)
    faults.fail = lambda op, table, attempt: throttled if op == ONE_WRITE and attempt in (1, 2) else None
    answer = update_all(lambda_context, 44)
    assert statuses(answer.body) == [200, 200]
    assert durations() == [44, 44]
    assert totals_add_up(answer.body)


def test_a_store_that_stays_throttled_answers_503_and_applies_nothing(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    faults.settings(**FAST)
    before = durations()
    throttled = client_error("ProvisionedThroughputExceededException", ONE_WRITE)
    faults.fail = lambda op, table, attempt: throttled if op == ONE_WRITE else None
    answer = update_all(lambda_context, 45)
    assert statuses(answer.body) == [503, 503]
    assert all(r["retryable"] and r["error_code"] == "unavailable" for r in answer.body["results"])
    assert durations() == before
    assert totals_add_up(answer.body)


def test_an_atomic_batch_on_a_store_that_stays_throttled_answers_503_and_applies_nothing(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    faults.settings(**FAST)
    before = durations()
    throttled = client_error("ThrottlingException", ATOMIC)
    faults.fail = lambda op, table, attempt: throttled if op == ATOMIC else None
    answer = update_all(lambda_context, 45, atomic=True)
    assert statuses(answer.body) == [503, 503]
    assert durations() == before
    assert totals_add_up(answer.body)


def test_a_transaction_conflict_is_retried(data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext) -> None:
    faults.settings(**FAST)
    faults.fail = lambda op, table, attempt: conflict() if op == ATOMIC and attempt == 0 else None
    assert statuses(update_all(lambda_context, 46, atomic=True).body) == [200, 200]
    assert durations() == [46, 46]
    assert len(faults.attempts(ATOMIC)) == 2


def test_an_answer_lost_after_the_write_landed_is_still_a_success_and_applied_once(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    # Given the first write reaches DynamoDB and is applied, but its answer never comes back
    faults.settings(**FAST)
    lost: list[int] = []

    def after_call(**_: Any) -> None:
        if not lost:
            lost.append(1)
            raise ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/")

    events = activities.ActivityRecord._get_connection().connection.client.meta.events
    events.register(f"after-call.dynamodb.{ONE_WRITE}", after_call)
    try:
        items = [{"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 48}}]
        body = {"resource_type": "activities", "items": items}
        answer = call(handler, load_event("batch_update.json", body=body, sub=ids.ADMIN_SUNRISE_SUB), lambda_context)
    finally:
        events.unregister(f"after-call.dynamodb.{ONE_WRITE}", after_call)
    # Then the retry finds its own write in place: a success, not a version conflict, and the version moved once
    assert lost == [1]
    assert statuses(answer.body) == [200], answer.body
    stored = activities.read_one(ids.SUNRISE_PUPPETS)
    assert stored is not None
    assert (stored.duration_minutes, stored.version) == (48, answer.body["results"][0]["data"]["version"])


def test_a_hung_store_near_the_deadline_answers_every_item_and_applies_nothing(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    # Given 2.5 s left, and a store that never answers a write: each attempt waits for the 0.3 s read timeout
    faults.settings(**FAST, dynamodb_connect_timeout_s=0.2, dynamodb_read_timeout_s=0.3, dynamodb_sdk_max_retries=0)
    faults.transport = lambda operation: read_timeout() if operation == ONE_WRITE else None
    faults.transport_delay_s = 0.3
    lambda_context.timeout_ms = 2_500 + get_safety_ms()
    before = durations()
    answer = update_all(lambda_context, 49)
    # Then every item is answered 503, retryable; nothing was applied; the attempts stopped at the deadline
    assert statuses(answer.body) == [503, 503]
    assert all(r["retryable"] for r in answer.body["results"])
    assert totals_add_up(answer.body)
    assert durations() == before
    assert 0 < faults.sends[ONE_WRITE] <= 2 * (FAST["retry_max_attempts"] + 1)


def get_safety_ms() -> int:
    from early_learning.settings import get_settings

    return get_settings().deadline_safety_ms
