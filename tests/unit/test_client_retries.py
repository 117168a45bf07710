"""The Python client's retries (clients/python): 429 and 503 answers sent again after capped exponential backoff
with full jitter, or after ``Retry-After`` (seconds, an HTTP date, or an exhausted ``RateLimit``'s reset), given up
when the server asks for longer than the policy allows; lost answers retried; refusals not retried."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from activity_batch_client import ApiError, RetryPolicy
from activity_batch_client.retry import retry_after_s, should_retry
from tests.unit.test_client_batching import FakeApi, client, ids

QUOTA_PROBLEM = {"type": "about:blank", "title": "Too Many Requests", "status": 429, "detail": "read quota"}


def refuse(times: int, status: int = 429, **headers: str) -> Any:
    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> httpx.Response | None:
        if number < times:
            return httpx.Response(status, headers=headers, json=QUOTA_PROBLEM | {"status": status})
        return None

    return fault


# --- the policy -----------------------------------------------------------------------------------------------------


def test_backoff_is_full_jitter_under_a_doubling_ceiling_capped() -> None:
    policy = RetryPolicy(attempts=20, base_delay_s=0.1, max_delay_s=1.0, rng=random.Random(7))
    for retry in range(15):
        ceiling = min(1.0, 0.1 * 2**retry)
        draws = [policy.backoff(retry) for _ in range(200)]
        assert all(0.0 <= draw <= ceiling for draw in draws)
        assert max(draws) > ceiling * 0.8  # the whole range is used, not a fixed wait


def test_retry_after_is_waited_with_a_little_jitter_and_a_longer_one_is_not() -> None:
    policy = RetryPolicy(attempts=5, base_delay_s=0.2, max_retry_after_s=30.0, rng=random.Random(1))
    assert 12.0 <= (policy.delay(0, 12.0) or 0) <= 12.2
    assert policy.delay(0, 31.0) is None


def test_no_delay_is_given_once_the_attempts_are_spent() -> None:
    policy = RetryPolicy(attempts=3)
    assert policy.delay(0, None) is not None
    assert policy.delay(1, None) is not None
    assert policy.delay(2, None) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": " 0 "}, 0.0),
        ({"ratelimit": '"read";r=0;t=12'}, 12.0),
        ({"ratelimit": '"read";r=5;t=12'}, None),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_the_headers(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_s(headers) == expected


def test_retry_after_as_an_http_date_is_the_time_until_it() -> None:
    now = datetime(2026, 2, 16, 20, 0, 0, tzinfo=UTC)
    assert retry_after_s({"retry-after": format_datetime(now + timedelta(seconds=9), usegmt=True)}, now) == 9.0
    assert retry_after_s({"retry-after": format_datetime(now - timedelta(seconds=9), usegmt=True)}, now) == 0.0


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        *[(status, {}, True) for status in (429, 502, 503, 504)],
        *[(status, {}, False) for status in (400, 500)],
        (409, {"retry-after": "1"}, True),
        (409, {}, False),
    ],
)
def test_which_answers_are_sent_again(status: int, headers: dict[str, str], expected: bool) -> None:
    assert should_retry(status, headers) is expected


# --- the client -----------------------------------------------------------------------------------------------------


def test_a_429_with_retry_after_is_waited_for_then_sent_again() -> None:
    api = FakeApi(fault=refuse(2, 429, **{"Retry-After": "3"}))
    made, slept = client(api, retry=RetryPolicy(attempts=5, base_delay_s=0.01))
    with made:
        found = made.get_many("activities", ids(4))
    assert found.ok
    assert found.requests == 3
    assert len(slept) == 2
    assert all(3.0 <= wait <= 3.01 for wait in slept)


def test_a_503_without_retry_after_backs_off_under_the_cap() -> None:
    api = FakeApi(fault=refuse(3, 503))
    made, slept = client(api, retry=RetryPolicy(attempts=5, base_delay_s=0.5, max_delay_s=0.8))
    with made:
        assert made.get_many("activities", ids(4)).ok
    assert len(slept) == 3
    assert all(0.0 <= wait <= ceiling for wait, ceiling in zip(slept, [0.5, 0.8, 0.8], strict=True))


def test_the_gateways_429_without_retry_after_is_retried_too() -> None:
    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(429, json={"message": "Too Many Requests"}) if number == 0 else None

    api = FakeApi(fault=fault)
    made, _ = client(api)
    with made:
        assert made.get_many("activities", ids(2)).ok


def test_a_retry_after_over_the_policys_maximum_gives_the_items_up_at_once() -> None:
    api = FakeApi(fault=refuse(99, 429, **{"Retry-After": "3600"}))
    made, slept = client(api, retry=RetryPolicy(attempts=5, max_retry_after_s=60))
    with made:
        found = made.get_many("activities", ids(3))
    assert len(api.requests) == 1
    assert slept == []
    assert [(item.status_code, item.error_code, item.retryable) for item in found] == [(429, "rate_limited", True)] * 3


def test_answers_that_keep_saying_not_now_are_given_up_after_the_attempts() -> None:
    api = FakeApi(fault=refuse(99, 503, **{"Retry-After": "1"}))
    made, slept = client(api, retry=RetryPolicy(attempts=3, base_delay_s=0.0))
    with made:
        found = made.get_many("activities", ids(2))
    assert len(api.requests) == 3
    assert slept == [1.0, 1.0]
    assert {(item.status_code, item.error_code) for item in found} == {(503, "unavailable")}


def test_a_lost_answer_is_sent_again_with_the_same_key() -> None:
    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> None:
        if number == 0:
            raise httpx.ReadError("connection reset", request=request)

    api = FakeApi(fault=fault)
    made, _ = client(api)
    with made:
        found = made.delete("activities", ["a", "b"])
    assert found.ok
    assert len(api.keys()) == 2
    assert api.keys()[0] == api.keys()[1]


def test_a_busy_idempotency_key_is_waited_for() -> None:
    api = FakeApi(fault=refuse(1, 409, **{"Retry-After": "1"}))
    made, slept = client(api)
    with made:
        assert made.create("activities", [{"id": "a", "name": "n"}]).ok
    assert slept
    assert slept[0] >= 1.0


@pytest.mark.parametrize("status", [400, 401, 403, 409, 413, 422, 500])
def test_a_refusal_is_not_retried(status: int) -> None:
    api = FakeApi(fault=refuse(99, status))
    made, slept = client(api)
    with made, pytest.raises(ApiError) as raised:
        made.get_many("activities", ids(2))
    assert raised.value.status_code == status
    assert len(api.requests) == 1
    assert slept == []


def test_other_routes_are_retried_the_same_way_and_raise_when_they_give_up() -> None:
    api = FakeApi(fault=refuse(99, 429, **{"Retry-After": "2"}))
    made, slept = client(api, retry=RetryPolicy(attempts=2))
    with made, pytest.raises(ApiError) as raised:
        made.request("POST", "/api/v1/batch/jobs", json={"operation": "get", "request": {}}, idempotency_key="k")
    assert raised.value.status_code == 429
    assert raised.value.problem is not None
    assert len(api.requests) == 2
    assert {request.headers["idempotency-key"] for request in api.requests} == {"k"}
    assert slept[0] >= 2.0
