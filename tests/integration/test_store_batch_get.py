"""BatchGetItem with retries (early_learning.store.base.batch_get; DESIGN 3.1 and 6) under moto.

Faults are injected with botocore event hooks on the activities client (see faults.py), the sleeps are recorded
instead of slept, and the deadline runs on a fake clock: no test here waits for anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pynamodb.exceptions import PynamoDBException

from early_learning.domain import Activity, ActivityType
from early_learning.envelope import Deadline
from early_learning.settings import Settings
from early_learning.store import activities, base
from early_learning.store.activities import ActivityRecord
from early_learning.store.base import BatchRead, counting_calls
from local.demo import ids
from tests.integration.faults import BatchGetSpy, connection_reset, throttled
from tests.integration.store_faults import client_error

A, B, C = ids.PUBLIC_BLOCKS, ids.PUBLIC_SONGS, ids.PUBLIC_GARDEN
CORE = [A, B, C, ids.SUNRISE_PUPPETS]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Sleeps:
    """A ``sleep`` that records the delays and, given a clock, moves it on instead of waiting."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.delays: list[float] = []
        self.clock = clock

    def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.clock is not None:
            self.clock.now += delay


def generated_id(i: int) -> str:
    return f"0000beef-0000-4000-8000-{i:012d}"


@pytest.fixture
def many(seeded: Any) -> list[str]:
    """150 more activities in the table; returns their ids."""
    ids = [generated_id(i) for i in range(150)]
    activities.save(
        Activity(
            id=activity_id,
            org_id="public",
            name=f"Generated activity {i}",
            description="Generated for the round-trip tests.",
            activity_type=ActivityType.MOTOR,
            min_age_months=12,
            max_age_months=60,
        )
        for i, activity_id in enumerate(ids)
    )
    return ids


@pytest.fixture
def retries(settings_env: Callable[..., Settings]) -> Settings:
    """An explicit retry budget, independent of the defaults: 5 retries, 50 ms doubling up to 400 ms; SDK calls
    whose worst case (botocore's timeouts, no SDK retries) is 50 ms, so that short deadlines still allow calls."""
    return settings_env(
        retry_base_delay_s=0.05,
        retry_max_delay_s=0.4,
        retry_max_attempts=5,
        dynamodb_connect_timeout_s=0.02,
        dynamodb_read_timeout_s=0.03,
        dynamodb_sdk_max_retries=0,
    )


@pytest.fixture
def max_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full jitter drawing its maximum every time, so that the delays are the ceilings and can be asserted."""
    original = base.backoff_delay

    def at_ceiling(attempt: int, base_s: float, cap_s: float, rand: Callable[[], float] = lambda: 1.0) -> float:
        return original(attempt, base_s, cap_s, rand=lambda: 1.0)

    monkeypatch.setattr(base, "backoff_delay", at_ceiling)


def read(keys: list[str], deadline: Deadline | None = None, sleep: Callable[[float], None] | None = None) -> BatchRead:
    return base.batch_get(ActivityRecord, keys, deadline or Deadline(29_000), sleep=sleep or Sleeps())


# --- round trips ------------------------------------------------------------------------------------------------


def test_150_distinct_ids_cost_exactly_two_batch_get_item_calls(many: list[str], batch_get_spy: BatchGetSpy) -> None:
    # When 150 distinct activities are read through the store
    with counting_calls() as calls:
        result = activities.read_many(many, Deadline(29_000))
    # Then it took one BatchGetItem per 100 keys, and nothing else
    assert calls == ["BatchGetItem", "BatchGetItem"]
    assert [len(keys) for keys in batch_get_spy.calls] == [100, 50]
    assert set(result.items) == set(many)
    assert result.unfinished == set()


def test_repeated_keys_are_requested_once(seeded: Any, batch_get_spy: BatchGetSpy) -> None:
    # DynamoDB rejects a BatchGetItem with duplicate keys, so they must never reach it.
    with counting_calls() as calls:
        result = activities.read_many([A, B, A, A, B], Deadline(29_000))
    assert calls == ["BatchGetItem"]
    assert batch_get_spy.calls == [[A, B]]
    assert set(result.items) == {A, B}


def test_a_missing_key_is_neither_an_item_nor_unfinished(seeded: Any) -> None:
    result = read([A, ids.MISSING])
    assert set(result.items) == {A}
    assert result.unfinished == set()


def test_a_projection_always_includes_the_permission_attributes(seeded: Any, batch_get_spy: BatchGetSpy) -> None:
    # When only the name is asked for
    result = activities.read_many([ids.MAPLE_LEAF_ART], Deadline(29_000), ["name"])
    # Then DynamoDB is asked for the name plus what the permission check needs, and nothing more
    assert batch_get_spy.projections == [{"id", "name", "org_id"}]
    assert result.items[ids.MAPLE_LEAF_ART] == {
        "id": ids.MAPLE_LEAF_ART,
        "name": "Maple Leaf Prints",
        "org_id": "maple",
    }


# --- UnprocessedKeys --------------------------------------------------------------------------------------------


def test_partially_unprocessed_keys_are_retried_alone_and_succeed(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    # Given DynamoDB leaves two of the keys unprocessed in its first answer
    batch_get_spy.withhold = lambda attempt, key: attempt == 0 and key in {B, C}
    sleeps = Sleeps()
    # When the keys are read
    result = read([A, B, C, ids.MISSING], sleep=sleeps)
    # Then only those two are sent again, after one backoff, and every key is answered
    assert batch_get_spy.calls == [[A, B, C, ids.MISSING], [B, C]]
    assert len(sleeps.delays) == 1
    assert set(result.items) == {A, B, C}
    assert result.unfinished == set()


def test_keys_that_stay_unprocessed_are_unfinished_after_a_bounded_number_of_growing_capped_delays(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings, max_jitter: None
) -> None:
    # Given DynamoDB never processes one key
    batch_get_spy.withhold = lambda attempt, key: key == B
    sleeps = Sleeps()
    # When the keys are read
    result = read([A, B, C], sleep=sleeps)
    # Then that key was tried once plus retry_max_attempts times, alone after the first call
    assert batch_get_spy.attempts == 1 + retries.retry_max_attempts == 6
    assert batch_get_spy.calls[1:] == [[B]] * 5
    # And the delays between tries doubled from the base and then stayed at the cap
    assert sleeps.delays == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.4])
    # And it is reported unfinished while the others were read
    assert result.unfinished == {B}
    assert set(result.items) == {A, C}


def test_backoff_delays_are_jittered_within_their_growing_ceilings(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    batch_get_spy.withhold = lambda attempt, key: True
    sleeps = Sleeps()
    result = read([A], sleep=sleeps)
    ceilings = [min(0.4, 0.05 * 2**attempt) for attempt in range(5)]
    assert len(sleeps.delays) == 5
    assert all(0 <= delay <= ceiling for delay, ceiling in zip(sleeps.delays, ceilings, strict=True))
    assert result.unfinished == {A}


# --- the deadline -----------------------------------------------------------------------------------------------


def test_the_deadline_cuts_the_retries_short(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings, max_jitter: None
) -> None:
    # Given a key DynamoDB never processes and only 300 ms left in the request
    batch_get_spy.withhold = lambda attempt, key: key == B
    clock = FakeClock()
    sleeps = Sleeps(clock)
    # When the keys are read
    result = read([A, B], Deadline(300, clock=clock), sleep=sleeps)
    # Then it backs off 50 and 100 ms, and stops rather than sleep 200 ms with 150 ms left
    assert sleeps.delays == pytest.approx([0.05, 0.1])
    assert batch_get_spy.attempts == 3 < 1 + retries.retry_max_attempts
    assert sum(sleeps.delays) < 0.3
    assert result.unfinished == {B}
    assert set(result.items) == {A}


def test_an_expired_deadline_sends_nothing_and_leaves_every_key_unfinished(
    seeded: Any, batch_get_spy: BatchGetSpy
) -> None:
    result = read([A, B, A], Deadline(1000, safety_ms=1000))
    assert batch_get_spy.attempts == 0
    assert result.unfinished == {A, B}
    assert result.items == {}


def test_a_slow_first_chunk_leaves_the_second_unsent_and_unfinished(
    many: list[str], batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    # Given the first BatchGetItem takes all the time there is
    clock = FakeClock()

    def slow_first_call(attempt: int) -> None:
        if attempt == 0:
            clock.now += 5.0

    batch_get_spy.fail = slow_first_call
    # When 150 keys are read with 2 s left
    result = read(many, Deadline(2000, clock=clock))
    # Then the first chunk is answered and the second is never sent
    assert batch_get_spy.attempts == 1
    assert set(result.items) == set(many[:100])
    assert result.unfinished == set(many[100:])


# --- errors -----------------------------------------------------------------------------------------------------


def test_persistent_throttling_is_retried_then_leaves_the_keys_unfinished(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    # Given every BatchGetItem is throttled beyond what botocore's own retries absorb
    batch_get_spy.fail = lambda attempt: throttled()
    sleeps = Sleeps()
    # When the keys are read
    result = read([A, B], sleep=sleeps)
    # Then no exception escapes: it retried within the budget and reports the keys unfinished
    assert batch_get_spy.attempts == 1 + retries.retry_max_attempts
    assert len(sleeps.delays) == retries.retry_max_attempts
    assert result.unfinished == {A, B}
    assert result.items == {}


def test_throttling_that_clears_is_retried_and_succeeds(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    batch_get_spy.fail = lambda attempt: throttled() if attempt == 0 else None
    result = read([A, B])
    assert batch_get_spy.calls == [[A, B], [A, B]]
    assert set(result.items) == {A, B}
    assert result.unfinished == set()


def test_an_unexpected_error_before_anything_was_read_propagates(seeded: Any, batch_get_spy: BatchGetSpy) -> None:
    # The request then fails as a whole (a 500 problem, see test_batch_get.py): there is nothing to answer with.
    batch_get_spy.fail = lambda attempt: RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        read([A, B])
    assert batch_get_spy.attempts == 1


def test_a_transient_error_after_a_chunk_was_read_leaves_only_the_rest_unfinished(
    many: list[str], batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    # Given the second chunk's BatchGetItem keeps losing its connection
    batch_get_spy.fail = lambda attempt: connection_reset() if attempt >= 1 else None
    # When 150 keys are read
    result = read(many)
    # Then the first chunk's items are kept and the second chunk's keys are unfinished
    assert set(result.items) == set(many[:100])
    assert result.unfinished == set(many[100:])


def test_a_transient_error_on_every_retry_leaves_only_the_retried_keys_unfinished(
    seeded: Any, batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    batch_get_spy.withhold = lambda attempt, key: attempt == 0 and key == B
    batch_get_spy.fail = lambda attempt: connection_reset() if attempt >= 1 else None
    result = read([A, B, C])
    assert set(result.items) == {A, C}
    assert result.unfinished == {B}


@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), KeyError("x"), client_error("ValidationException"), client_error("AccessDeniedException")],
    ids=["runtime-error", "key-error", "validation-exception", "access-denied"],
)
def test_an_error_that_is_not_transient_propagates_even_after_a_chunk_was_read(
    many: list[str], batch_get_spy: BatchGetSpy, retries: Settings, error: BaseException
) -> None:
    # DESIGN 6: a programming error or a permanent DynamoDB error is not retried, and never reported as unfinished
    # (a retryable 503 a client would resend forever); before, everything after the first answer was.
    batch_get_spy.fail = lambda attempt: error if attempt == 1 else None
    with pytest.raises((type(error), PynamoDBException)):  # PynamoDB wraps botocore's ClientError
        read(many)
    assert len(batch_get_spy.calls) == 2


def test_keys_proven_absent_count_as_read_when_a_later_call_fails(
    many: list[str], batch_get_spy: BatchGetSpy, retries: Settings
) -> None:
    # Given a first chunk of keys DynamoDB answered, all of them absent, and a second chunk that fails
    absent = [f"dead0000-0000-4000-8000-{i:012d}" for i in range(100)]
    batch_get_spy.fail = lambda attempt: connection_reset() if attempt >= 1 else None
    # When they are read
    result = read(absent + many[:50])
    # Then the answer "absent" stands (404s, not a failed request) and only the failed chunk is unfinished
    assert result.items == {}
    assert result.unfinished == set(many[:50])
