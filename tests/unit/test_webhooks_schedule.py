"""Webhook retries (early_learning.webhooks.schedule): the schedule setting and what each attempt's answer means."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from early_learning.settings import Settings, get_settings
from early_learning.webhooks.schedule import DELIVERY_TIMEOUT_S, Outcome, next_delay, outcome

DESIGN_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)  # 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h


def test_the_default_schedule_is_the_designs() -> None:
    assert Settings().webhook_retry_schedule_s == DESIGN_SCHEDULE


@pytest.mark.parametrize(("attempt", "delay"), list(enumerate(DESIGN_SCHEDULE, start=1)))
def test_each_failed_attempt_waits_its_step_of_the_schedule(attempt: int, delay: int) -> None:
    assert next_delay(attempt, DESIGN_SCHEDULE) == delay


@pytest.mark.parametrize("attempt", [8, 9, 1000])
def test_after_the_last_attempt_there_is_no_next_one(attempt: int) -> None:
    assert next_delay(attempt, DESIGN_SCHEDULE) is None


@pytest.mark.parametrize("attempt", [0, -1])
def test_attempts_are_counted_from_one(attempt: int) -> None:
    with pytest.raises(ValueError, match="from 1"):
        next_delay(attempt, DESIGN_SCHEDULE)


def test_a_message_that_always_fails_gets_eight_attempts_then_the_dead_letter_queue() -> None:
    attempt, waited = 1, 0
    while outcome(500, elapsed_s=0.2) is Outcome.RETRY and (delay := next_delay(attempt, DESIGN_SCHEDULE)) is not None:
        attempt, waited = attempt + 1, waited + delay
    assert attempt == 8
    assert waited == 5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000  # about 27.6 hours


@pytest.fixture
def schedule_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def test_without_a_schedule_the_setting_is_used(schedule_env: pytest.MonkeyPatch) -> None:
    assert [next_delay(attempt) for attempt in range(1, 9)] == [*DESIGN_SCHEDULE, None]
    schedule_env.setenv("WEBHOOK_RETRY_SCHEDULE_S", "1,2,3")
    get_settings.cache_clear()
    assert [next_delay(attempt) for attempt in range(1, 5)] == [1, 2, 3, None]


@pytest.mark.parametrize(
    ("value", "schedule"),
    [
        ("1,2,3", (1, 2, 3)),
        (" 2 , 4 ", (2, 4)),
        ("[5, 10]", (5, 10)),
        (str((3, 6)), (3, 6)),
        (str((9,)), (9,)),
        ("7", (7,)),
        ("0,43200", (0, 43200)),
    ],
)
def test_the_schedule_is_read_from_the_environment(value: str, schedule: tuple[int, ...]) -> None:
    assert Settings.from_environ({"WEBHOOK_RETRY_SCHEDULE_S": value}).webhook_retry_schedule_s == schedule


@pytest.mark.parametrize("value", ["", "[]", "1,x", "1,,2", "-1", "1.5", "43201"])
def test_a_schedule_that_cannot_be_is_refused(value: str) -> None:
    # No step, a step that is not a whole number of seconds, or one longer than SQS can hold a message back (12 h)
    with pytest.raises(ValidationError):
        Settings.from_environ({"WEBHOOK_RETRY_SCHEDULE_S": value})


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_a_2xx_within_ten_seconds_is_delivered(status: int) -> None:
    assert outcome(status, elapsed_s=0.05) is Outcome.DELIVERED
    assert outcome(status, elapsed_s=DELIVERY_TIMEOUT_S) is Outcome.DELIVERED
    assert DELIVERY_TIMEOUT_S == 10.0


@pytest.mark.parametrize("status", [200, 204])
def test_a_2xx_that_came_too_late_is_retried(status: int) -> None:
    assert outcome(status, elapsed_s=10.01) is Outcome.RETRY


@pytest.mark.parametrize("elapsed_s", [0.01, 30.0])
def test_410_gone_disables_the_endpoint(elapsed_s: float) -> None:
    assert outcome(410, elapsed_s=elapsed_s) is Outcome.DISABLE


@pytest.mark.parametrize("status", [300, 301, 302, 303, 304, 307, 308])
def test_a_redirect_is_not_followed_but_retried(status: int) -> None:
    assert outcome(status, elapsed_s=0.05) is Outcome.RETRY


@pytest.mark.parametrize("status", [100, 199, 400, 401, 403, 404, 408, 409, 413, 429, 500, 502, 503, 504, 599])
def test_any_other_status_is_retried(status: int) -> None:
    assert outcome(status, elapsed_s=0.05) is Outcome.RETRY


@pytest.mark.parametrize("elapsed_s", [0.0, 10.0, 12.5])
def test_no_answer_a_timeout_or_a_connection_error_is_retried(elapsed_s: float) -> None:
    assert outcome(None, elapsed_s=elapsed_s) is Outcome.RETRY
