"""Per-caller item quotas (DESIGN 3.11) inside the functions, under moto: a request costs its items against the
caller's ``read`` or ``write`` quota, a request that does not fit is a 429 problem and does nothing, the RateLimit
headers count down and reset with the window, callers are apart, and a quotas table that does not answer fails open.

Concurrent requests never overspending is proven over HTTP, in parallel (tests/e2e/test_quotas.py): moto's
in-process mock is not thread-safe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from early_learning.settings import Settings
from early_learning.store import activities, idempotency, quotas
from early_learning.store.base import counting_calls
from early_learning.web.quotas import QUOTA_EXCEEDED_TYPE, Window
from functions.activities.app import handler as activities_handler
from functions.batch_get.app import handler as batch_get_handler
from functions.batch_write.app import handler as batch_write_handler
from functions.limits.app import handler as limits_handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.data.extra import ACTIVITY_DRAFT
from tests.events import load_event
from tests.integration.children_support import Answer, call
from tests.integration.conftest import EVENTS_TIME_EPOCH_MS
from tests.integration.store_faults import StoreFaults, client_error

QUOTAS_TABLE = "QuotasTable"
RATE_LIMIT = re.compile(r'^"(read|write)";r=(\d+);t=(\d+)$')
NEW_IDS = [f"5e1f0000-0000-4000-8000-0000000d00{n:02d}" for n in range(10)]


@pytest.fixture
def quota(settings_env: Callable[..., Settings]) -> Callable[..., Settings]:
    """Quotas as the template sets them (environment variables), for the test only."""
    return settings_env


def rate_limit(answer: Answer) -> tuple[str, int, int]:
    """The ``RateLimit`` field: policy, items left, seconds until the window resets."""
    match = RATE_LIMIT.match(answer.headers["ratelimit"])
    assert match, answer.headers["ratelimit"]
    return match[1], int(match[2]), int(match[3])


def batch_get(context: FakeLambdaContext, count: int, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    body = {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS] * count}
    return call(batch_get_handler, load_event("batch_get.json", body=body, sub=sub), context)


def get_activity(context: FakeLambdaContext, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    return call(activities_handler, load_event("get_activity.json", sub=sub), context)


def create(context: FakeLambdaContext, keys: list[str], headers: dict[str, str] | None = None) -> Answer:
    body = {"resource_type": "activities", "items": [{**ACTIVITY_DRAFT, "id": key} for key in keys]}
    return call(batch_write_handler, load_event("batch_create.json", body=body, headers=headers), context)


def refused(answer: Answer, policy: str) -> dict[str, Any]:
    """A 429 quota problem with ``Retry-After`` (the seconds until the window resets, as ``RateLimit``'s ``t``)."""
    assert answer.status == 429, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["type"] == QUOTA_EXCEEDED_TYPE
    assert answer.body["title"] == "Quota exceeded"
    assert int(answer.headers["retry-after"]) == rate_limit(answer)[2] >= 1
    assert rate_limit(answer)[0] == policy
    body: dict[str, Any] = answer.body
    return body


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    """The clock stopped at the events' time (moved by the test with ``shift``)."""
    with time_machine.travel(EVENTS_TIME_EPOCH_MS / 1000, tick=False) as traveller:
        yield traveller


# --- a request that does not fit ---------------------------------------------------------------------------------


def test_a_batch_costs_its_items_and_one_over_the_budget_is_a_429_that_reads_nothing(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    quota(read_quota_items=150)
    # Given a batch of 100 ids: 100 of the caller's 150 read items
    first = batch_get(lambda_context, 100)
    assert first.status == 200
    assert first.headers["ratelimit-policy"] == '"read";q=150;w=60'
    assert rate_limit(first)[:2] == ("read", 50)
    # When another batch of 100 comes in the same window
    with counting_calls() as calls:
        second = batch_get(lambda_context, 100)
    # Then it is refused, having spent nothing: 50 are still left, for a smaller batch
    body = refused(second, "read")
    assert rate_limit(second)[1] == 50
    assert "50 of its 150 items" in body["detail"]
    # And nothing was read: the one conditional update of the quota, no BatchGetItem (the membership is cached)
    assert calls == ["UpdateItem"]
    assert rate_limit(batch_get(lambda_context, 50))[1] == 0


def test_a_write_over_the_budget_writes_nothing_and_keeps_no_idempotency_record(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    quota(write_quota_items=8)
    assert rate_limit(create(lambda_context, NEW_IDS[7:10]))[:2] == ("write", 5)
    # Given a create of 6 activities, with an Idempotency-Key: over the 5 items left
    key = {"idempotency-key": "quota-refused-1"}
    with counting_calls() as calls:
        answer = create(lambda_context, NEW_IDS[:6], key)
    refused(answer, "write")
    assert rate_limit(answer)[1] == 5
    # Then nothing was written: no activity, no Idempotency-Key record; the fresh membership and the quota only
    assert sorted(calls) == ["GetItem", "UpdateItem"]
    assert all(activities.read_one(key) is None for key in NEW_IDS[:6])
    assert idempotency.IdempotencyItem.count() == 0
    # And the same key is free for a request that fits (no record claimed it): 5 created
    fits = create(lambda_context, NEW_IDS[:5], key)
    assert fits.status == 200, fits.body
    assert [r["status_code"] for r in fits.body["results"]] == [201] * 5
    assert rate_limit(fits)[:2] == ("write", 0)


def test_a_request_over_the_whole_quota_is_refused_without_a_call(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    quota(read_quota_items=10)
    with counting_calls() as calls:
        answer = batch_get(lambda_context, 11)
    assert answer.status == 429
    assert "more than the whole read quota of 10 items" in answer.body["detail"]
    assert int(answer.headers["retry-after"]) >= 1
    assert calls == ["GetItem"]  # the caller's membership: no quota update, no read of the data
    assert "ratelimit" not in answer.headers  # not counted
    assert answer.headers["ratelimit-policy"] == '"read";q=10;w=60'


def test_requests_refused_before_their_items_are_known_cost_nothing(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    quota(read_quota_items=10)
    # A 422 (no ids) and a 403 (no membership) are not counted
    invalid = call(
        batch_get_handler, load_event("batch_get.json", body={"resource_type": "activities"}), lambda_context
    )
    assert invalid.status == 422
    assert "ratelimit" not in invalid.headers
    assert invalid.headers["ratelimit-policy"] == '"read";q=10;w=60'
    stranger = batch_get(lambda_context, 3, sub="0d0d0000-0000-4000-8000-000000000005")
    assert stranger.status == 403
    assert "ratelimit" not in stranger.headers
    # So the whole quota is still there
    assert rate_limit(batch_get(lambda_context, 1))[1] == 9


# --- callers, policies, windows ----------------------------------------------------------------------------------


def test_another_caller_and_the_other_policy_are_unaffected(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    quota(read_quota_items=100, write_quota_items=3)
    # Given sunrise's admin has used up its read quota
    assert rate_limit(batch_get(lambda_context, 100))[1] == 0
    refused(batch_get(lambda_context, 1), "read")
    # Then its teacher and maple's admin still read their whole quota
    for sub in (ids.TEACHER_SUNRISE_SUB, ids.ADMIN_MAPLE_SUB):
        assert rate_limit(batch_get(lambda_context, 1, sub=sub))[:2] == ("read", 99)
    # And the admin's writes have their own budget
    written = create(lambda_context, NEW_IDS[:2])
    assert written.status == 200
    assert rate_limit(written)[:2] == ("write", 1)


def test_the_headers_count_down_and_reset_at_the_end_of_the_window(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings], frozen: time_machine.Traveller
) -> None:
    quota(read_quota_items=10, quota_window_s=60)
    # Given the caller's window, at the events' time
    window = Window.at(ids.ADMIN_SUNRISE_SUB, 60, EVENTS_TIME_EPOCH_MS / 1000)
    # When it reads one activity, then a listing of 4, then one more
    one = get_activity(lambda_context)
    listing = call(activities_handler, load_event("list_activities.json", query={"limit": "4"}), lambda_context)
    assert (one.status, listing.status) == (200, 200)
    assert rate_limit(one) == ("read", 9, window.reset_s)
    assert rate_limit(listing) == ("read", 5, window.reset_s)  # a listing costs its limit
    assert one.headers["ratelimit-policy"] == '"read";q=10;w=60'
    # Then the time left counts down with the clock
    frozen.shift(window.reset_s - 1)
    last = get_activity(lambda_context)
    assert rate_limit(last) == ("read", 4, 1)
    # And at the end of the window the whole quota is back, for a new window
    frozen.shift(1)
    renewed = get_activity(lambda_context)
    assert rate_limit(renewed) == ("read", 9, 60)


def test_a_windows_record_expires_after_its_window(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings], frozen: time_machine.Traveller
) -> None:
    quota(read_quota_items=10, quota_window_s=60)
    get_activity(lambda_context)
    (record,) = list(quotas.QuotaRecord.scan())
    window = Window.at(ids.ADMIN_SUNRISE_SUB, 60, EVENTS_TIME_EPOCH_MS / 1000)
    assert record.id == f"{ids.ADMIN_SUNRISE_SUB}#read#{window.start}"
    assert record.used == 1
    assert record.expiration > window.start + 60  # the table's TTL attribute: after the window has ended


# --- a quotas table that does not answer -------------------------------------------------------------------------


def test_a_throttled_quotas_table_fails_open(
    data: Any, lambda_context: FakeLambdaContext, faults: StoreFaults, quota: Callable[..., Settings]
) -> None:
    faults.settings(read_quota_items=1)
    faults.fail = lambda operation, table, attempt: (
        client_error("ProvisionedThroughputExceededException", operation) if table == QUOTAS_TABLE else None
    )
    # When the quotas table is throttled / Then the requests are served, uncounted (twice, over a quota of 1)
    for _ in range(2):
        answer = batch_get(lambda_context, 1)
        assert answer.status == 200, answer.body
        assert answer.body["results"][0]["status_code"] == 200
        assert "ratelimit" not in answer.headers
        assert answer.headers["ratelimit-policy"] == '"read";q=1;w=60'
    assert faults.injected == 2


def test_a_quotas_table_refusing_for_good_is_a_500_and_nothing_is_read(
    data: Any, lambda_context: FakeLambdaContext, faults: StoreFaults
) -> None:
    # A missing permission or table is a deploy error: never hidden behind an open door
    faults.fail = lambda operation, table, attempt: (
        client_error("AccessDeniedException", operation) if table == QUOTAS_TABLE else None
    )
    answer = batch_get(lambda_context, 1)
    assert answer.status == 500
    assert answer.body["correlation_id"]
    assert faults.attempts("BatchGetItem") == []


# --- the limits endpoint -------------------------------------------------------------------------------------------


def test_the_limits_endpoint_answers_the_quotas_the_functions_enforce(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    quota(read_quota_items=7, write_quota_items=4, quota_window_s=30)
    answer = call(limits_handler, load_event("batch_limits.json"), lambda_context)
    assert answer.status == 200, answer.body
    assert answer.body["quotas"] == [
        {"policy": "read", "quota": 7, "window_s": 30, "unit": "items"},
        {"policy": "write", "quota": 4, "window_s": 30, "unit": "items"},
    ]
    # It costs one read item itself; the batch routes enforce the quota it announced
    assert rate_limit(answer)[:2] == ("read", 6)
    assert batch_get(lambda_context, 6).status == 200
    refused(batch_get(lambda_context, 1), "read")
    assert answer.body["batch_get"] == {"max_ids": 100}


def test_quotas_switched_off_count_nothing_and_send_no_headers(
    data: Any, lambda_context: FakeLambdaContext, quota: Callable[..., Settings]
) -> None:
    # The benchmarks' baseline (QUOTAS_ENABLED=false): no UpdateItem, no RateLimit header, no quota announced
    quota(quotas_enabled="false", read_quota_items=1)
    with counting_calls() as calls:
        answers = [batch_get(lambda_context, 2) for _ in range(2)]
    assert [a.status for a in answers] == [200, 200]
    assert "UpdateItem" not in calls
    assert not {"ratelimit", "ratelimit-policy"} & set(answers[0].headers)
    assert call(limits_handler, load_event("batch_limits.json"), lambda_context).body["quotas"] == []
