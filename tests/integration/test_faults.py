"""DynamoDB faults under the three batch routes (DESIGN 3.1, 3.6): batch GET of activities, batch GET of children
and batch recommendations, with faults injected through botocore's hooks on every table's client (store_faults.py).

Whatever the fault, the answer is a 200 envelope in which the items that could not be read in time are 503
``retryable`` (a 500 problem only when nothing at all could be read), after a bounded number of attempts, within the
Lambda's time. Durations are only checked as bounds (the Lambda's remaining time), never as benchmarks.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from early_learning.domain import Activity, ActivityType, Child, HistoryEntry
from early_learning.settings import LAMBDA_RESPONSE_LIMIT_BYTES, get_settings
from early_learning.store import activities, children, history
from functions.batch_get.app import handler as batch_get_handler
from functions.batch_recommendations.app import handler as recommendations_handler
from local.demo import ids
from local.demo.children import generate_children
from tests.conftest import FakeLambdaContext
from tests.events import load_event, response_json
from tests.integration.children_support import Handler
from tests.integration.store_faults import StoreFaults, client_error, read_timeout

ACTIVITIES_TABLE, CHILDREN_TABLE, HISTORY_TABLE = "ActivitiesTable", "ChildrenTable", "HistoryTable"
FAST_RETRIES = {"retry_base_delay_s": 0.001, "retry_max_delay_s": 0.004, "retry_max_attempts": 5}
"""Backoff of a few milliseconds (the retries really sleep) and an explicit retry budget."""


@dataclass(frozen=True)
class Route:
    """A batch route and a request of five ids: three readable, one not found for the caller, one malformed."""

    handler: Handler
    event: str
    sub: str
    body: dict[str, Any]
    tables: tuple[str, ...]
    """The tables it reads with BatchGetItem, in order."""

    @property
    def ids(self) -> list[str]:
        return list(self.body.get("ids") or self.body["child_ids"])


READABLE, NOT_FOUND, MALFORMED = [0, 1, 2], 3, 4
NORMAL = [200, 200, 200, 404, 400]
ROUTES: dict[str, Route] = {
    "activities": Route(
        batch_get_handler,
        "batch_get.json",
        ids.ADMIN_SUNRISE_SUB,
        {
            "resource_type": "activities",
            "ids": [ids.PUBLIC_BLOCKS, ids.PUBLIC_SONGS, ids.SUNRISE_PUPPETS, ids.MAPLE_LEAF_ART, "bad"],
        },
        (ACTIVITIES_TABLE,),
    ),
    "children": Route(
        batch_get_handler,
        "batch_get.json",
        ids.TEACHER_SUNRISE_SUB,
        {"resource_type": "children", "ids": [ids.CHILD_AVA, ids.CHILD_BEN, ids.CHILD_CHLOE, ids.CHILD_ELLA, "bad"]},
        (CHILDREN_TABLE,),
    ),
    "recommendations": Route(
        recommendations_handler,
        "batch_recommendations.json",
        ids.TEACHER_SUNRISE_SUB,
        {"child_ids": [ids.CHILD_AVA, ids.CHILD_BEN, ids.CHILD_CHLOE, ids.CHILD_ELLA, "bad"]},
        (CHILDREN_TABLE, HISTORY_TABLE),
    ),
}


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    elapsed_s: float
    payload_bytes: int
    """Size of the Lambda response payload (the proxy response as the runtime serializes it)."""

    @property
    def statuses(self) -> list[int]:
        return [r["status_code"] for r in self.body["results"]]

    def result(self, position: int) -> dict[str, Any]:
        item: dict[str, Any] = self.body["results"][position]
        return item


def call(route: Route, context: FakeLambdaContext, body: Any = None, **event: Any) -> Answer:
    request = load_event(route.event, body=body or route.body, sub=route.sub, **event)
    started = time.monotonic()
    response = route.handler(request, context)
    elapsed = time.monotonic() - started
    payload = len(json.dumps(response, ensure_ascii=False).encode())
    return Answer(response["statusCode"], response_json(response), elapsed, payload)


def assert_envelope(answer: Answer, statuses: list[int]) -> None:
    """A 200 envelope with these item statuses, totals that add up, and every 503 retryable 'unavailable'."""
    assert answer.status == 200, answer.body
    assert answer.statuses == statuses
    body = answer.body
    assert body["total_requested"] == len(statuses) == body["total_succeeded"] + body["total_failed"]
    for result in body["results"]:
        if result["status_code"] == 503:
            assert (result["error_code"], result["retryable"]) == ("unavailable", True)


route_names = pytest.mark.parametrize("name", list(ROUTES))


# --- UnprocessedKeys --------------------------------------------------------------------------------------------


@route_names
def test_partially_unprocessed_keys_are_retried_alone_and_every_item_answered(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given DynamoDB leaves the second id unprocessed in the first answer of every table the route reads
    route = ROUTES[name]
    faults.settings(**FAST_RETRIES)
    second = route.ids[1]
    faults.withhold = lambda table, attempt, key: attempt == 0 and key == second
    # When the batch runs
    answer = call(route, lambda_context)
    # Then every item gets its normal answer, and each retry asked for that key alone
    assert_envelope(answer, NORMAL)
    for table in route.tables:
        assert [call.keys for call in faults.attempts(table=table)][1:] == [[second]]


@route_names
def test_keys_that_stay_unprocessed_are_503_after_a_bounded_number_of_attempts(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given DynamoDB never processes the second id, in any table
    route = ROUTES[name]
    settings = faults.settings(**FAST_RETRIES)
    second = route.ids[1]
    faults.withhold = lambda table, attempt, key: key == second
    # When the batch runs
    answer = call(route, lambda_context)
    # Then that item is a retryable 503 and the others keep their answers
    assert_envelope(answer, [200, 503, 200, 404, 400])
    # And it was tried once plus retry_max_attempts times, no more
    assert len(faults.attempts(table=route.tables[0])) == 1 + settings.retry_max_attempts


# --- throttling and unexpected errors ---------------------------------------------------------------------------


@route_names
@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_persistent_throttling_makes_every_readable_item_503_in_a_200_envelope(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str, code: str
) -> None:
    # Given every BatchGetItem is throttled beyond what botocore's own retries absorb
    route = ROUTES[name]
    settings = faults.settings(**FAST_RETRIES)
    faults.fail = lambda operation, table, attempt: client_error(code) if operation == "BatchGetItem" else None
    # When the batch runs
    answer = call(route, lambda_context)
    # Then nothing is lost: the ids that could not be read are retryable 503s, the malformed one is still a 400
    assert_envelope(answer, [503, 503, 503, 503, 400])
    # And the throttled table was tried a bounded number of times
    assert len(faults.attempts(table=route.tables[0])) == 1 + settings.retry_max_attempts


@route_names
def test_throttling_that_clears_is_retried_and_succeeds(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    route = ROUTES[name]
    faults.settings(**FAST_RETRIES)
    throttled = client_error("ThrottlingException")
    faults.fail = lambda operation, table, attempt: throttled if operation == "BatchGetItem" and attempt < 2 else None
    assert_envelope(call(route, lambda_context), NORMAL)


@route_names
def test_an_unexpected_error_before_anything_was_read_is_a_500_problem_without_details(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given the first BatchGetItem of the route fails with an error that is not throttling
    route = ROUTES[name]
    faults.fail = lambda operation, table, attempt: RuntimeError("secret-internal-detail") if attempt == 0 else None
    # When the batch runs
    request = load_event(route.event, body=route.body, sub=route.sub)
    response = route.handler(request, lambda_context)
    # Then nothing at all could be read: a 500 problem quoting the request id, with nothing of the error
    assert response["statusCode"] == 500
    assert response["headers"]["content-type"] == "application/problem+json"
    body = response_json(response)
    assert body["correlation_id"] == request["requestContext"]["requestId"]
    assert "secret-internal-detail" not in json.dumps(body)
    assert "Traceback" not in json.dumps(body)


def second_id_unprocessed_then(route: Route, faults: StoreFaults, error: Callable[[int], BaseException]) -> None:
    """The route's first BatchGetItem on its first table leaves the second id unprocessed, and every later attempt
    on that table fails with ``error(attempt)`` before it is sent (retries of a few milliseconds)."""
    faults.settings(**FAST_RETRIES)
    second, first_table = route.ids[1], route.tables[0]
    faults.withhold = lambda table, attempt, key: table == first_table and attempt == 0 and key == second
    faults.fail = lambda operation, table, attempt: error(attempt) if table == first_table and attempt >= 1 else None


@route_names
def test_a_transient_error_after_part_was_read_leaves_only_the_rest_503(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given the first BatchGetItem leaves the second id unprocessed and every retry times out
    route = ROUTES[name]
    second_id_unprocessed_then(route, faults, lambda attempt: read_timeout())
    # When the batch runs / Then what was read is answered and only the failed key is a retryable 503
    assert_envelope(call(route, lambda_context), [200, 503, 200, 404, 400])


@route_names
def test_a_programming_error_after_part_was_read_is_a_500_not_a_retryable_503(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given the first BatchGetItem leaves the second id unprocessed and the retry meets an error that is not a
    # DynamoDB failure (a bug: before, it was answered 503, retryable, and clients retried it forever)
    route = ROUTES[name]
    second_id_unprocessed_then(route, faults, lambda attempt: RuntimeError("secret-internal-detail"))
    # When the batch runs / Then it propagates (DESIGN 6): a 500 problem with nothing of the error
    answer = call(route, lambda_context)
    assert answer.status == 500
    assert "secret-internal-detail" not in json.dumps(answer.body)


@pytest.mark.parametrize(
    ("operation", "table"),
    [("BatchGetItem", HISTORY_TABLE), ("Query", ACTIVITIES_TABLE)],
    ids=["history", "catalog"],
)
def test_a_transient_error_after_the_children_were_read_is_not_a_500(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, operation: str, table: str
) -> None:
    # Given the children of a recommendations batch are read, but then the histories or the catalog time out
    route = ROUTES["recommendations"]
    faults.settings(**FAST_RETRIES)
    faults.fail = lambda op, tbl, attempt: read_timeout() if (op, tbl) == (operation, table) else None
    # When the batch runs
    answer = call(route, lambda_context)
    # Then it is a partial failure, not a 500: the children the caller may see are retryable 503s, the others keep
    # their answers (DESIGN 3.1)
    assert_envelope(answer, [503, 503, 503, 404, 400])
    assert faults.attempts(operation, table)


@pytest.mark.parametrize(
    ("operation", "table"),
    [("BatchGetItem", HISTORY_TABLE), ("Query", ACTIVITIES_TABLE)],
    ids=["history", "catalog"],
)
def test_a_programming_error_after_the_children_were_read_is_a_500_not_a_retryable_503(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, operation: str, table: str
) -> None:
    # Given the histories or the catalog fail with an error that is not DynamoDB's (before: every child 503)
    route = ROUTES["recommendations"]
    faults.fail = lambda op, tbl, attempt: (
        RuntimeError("secret-internal-detail") if (op, tbl) == (operation, table) else None
    )
    # When the batch runs / Then it is a 500 problem that says nothing of the error (DESIGN 6)
    answer = call(route, lambda_context)
    assert answer.status == 500
    assert "secret-internal-detail" not in json.dumps(answer.body)


def test_a_throttled_membership_read_is_a_503_problem_not_a_500(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    # Given the caller's membership cannot be read: GetItem throttled beyond botocore's retries
    faults.fail = lambda operation, table, attempt: (
        client_error("ProvisionedThroughputExceededException", "GetItem") if operation == "GetItem" else None
    )
    # When a batch arrives
    request = load_event("batch_get.json")
    response = batch_get_handler(request, lambda_context)
    # Then the request as a whole is a 503 problem the client may retry (nothing at all could be read)
    assert response["statusCode"] == 503
    assert response["headers"]["content-type"] == "application/problem+json"
    assert "retry" in response_json(response)["detail"]
    # And it says when: after the store's backoff cap, in whole seconds (at least one)
    assert response["headers"]["retry-after"] == "1"


# --- slow and hung store near the Lambda deadline ---------------------------------------------------------------


@route_names
def test_a_slow_store_near_the_deadline_answers_within_the_lambdas_time(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given a Lambda with 2.5 s left (1 s of it kept for the response), SDK calls that may take up to 0.3 s each,
    # every call taking 0.15 s, and the second id never processed (so the retries go on until time runs out)
    route = ROUTES[name]
    lambda_context.timeout_ms = 2500
    settings = faults.settings(
        **FAST_RETRIES, dynamodb_connect_timeout_s=0.1, dynamodb_read_timeout_s=0.2, dynamodb_sdk_max_retries=0
    )
    assert settings.dynamodb_call_worst_case_s == pytest.approx(0.3)
    faults.delay_s = 0.15
    second = route.ids[1]
    faults.withhold = lambda table, attempt, key: key == second
    # When the batch runs
    answer = call(route, lambda_context)
    # Then it answers before the Lambda's time is up, with a bounded number of attempts
    assert answer.elapsed_s < lambda_context.timeout_ms / 1000
    assert len(faults.attempts(table=route.tables[0])) <= 1 + settings.retry_max_attempts
    # And with a 200 envelope: the unread id is a retryable 503, the others answered or, if time ran out, 503 too
    assert answer.status == 200
    assert answer.statuses[1] == 503
    assert answer.statuses[MALFORMED] == 400
    assert all(answer.statuses[i] in (NORMAL[i], 503) for i in range(len(NORMAL)))
    assert all(r["retryable"] for r in answer.body["results"] if r["status_code"] == 503)


@route_names
def test_a_hung_store_is_given_up_in_time_botocore_retries_included(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given BatchGetItem requests that hang until the read timeout (0.15 s) and fail, which botocore retries once
    # itself, and a Lambda with 3 s left
    route = ROUTES[name]
    lambda_context.timeout_ms = 3000
    settings = faults.settings(
        **FAST_RETRIES, dynamodb_connect_timeout_s=0.05, dynamodb_read_timeout_s=0.15, dynamodb_sdk_max_retries=1
    )
    faults.transport = lambda operation: read_timeout() if operation == "BatchGetItem" else None
    faults.transport_delay_s = settings.dynamodb_read_timeout_s
    # When the batch runs
    answer = call(route, lambda_context)
    # Then every readable id is a retryable 503 in a 200 envelope, answered within the Lambda's time
    assert_envelope(answer, [503, 503, 503, 503, 400])
    assert answer.elapsed_s < lambda_context.timeout_ms / 1000
    # And botocore's retries were part of the bounded budget: two HTTP attempts per call, few calls
    calls = len(faults.attempts(table=route.tables[0]))
    assert 1 <= calls <= 1 + settings.retry_max_attempts
    assert faults.sends["BatchGetItem"] == 2 * calls


def test_no_time_left_for_a_cold_catalog_answers_the_children_503(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    # Given the default settings (a DynamoDB call may take up to 7 s, botocore's timeouts and retry included), a
    # Lambda with 8.5 s left (7.5 s before the deadline) and batch reads that take 0.4 s each: the children are read
    # with 7.5 s left, but a catalog query would start with less than 7 s left
    assert get_settings().dynamodb_call_worst_case_s == pytest.approx(7.0)
    route = ROUTES["recommendations"]
    lambda_context.timeout_ms = 8_500
    faults.delay_s, faults.slow_operations = 0.4, frozenset({"BatchGetItem"})
    # When the batch runs
    answer = call(route, lambda_context)
    # Then the catalog is not queried (a query might outlive the Lambda), and the children it needed are retryable
    # 503s in a 200 envelope, while the others keep their answers
    assert faults.attempts("Query") == []
    assert_envelope(answer, [503, 503, 503, 404, 400])
    assert answer.elapsed_s < lambda_context.timeout_ms / 1000


# --- response size: items near DynamoDB's 400 KB limit ------------------------------------------------------------

ITEM_TEXT_CHARS = 392_000
"""Near DynamoDB's 400 KB item limit (names and values in UTF-8): 100 such items are about 40 MB, six times
Lambda's 6 MB response limit."""


_PRINTABLE = bytes(range(0x20, 0x7F))
QUOTES = bytes.maketrans(bytes(range(256)), (b'"' * 40 + b"\\" * 40 + _PRINTABLE * 2)[:256])
"""A third quotes and backslashes: each takes four bytes once the body is escaped inside the Lambda payload."""
RANDOM = bytes.maketrans(bytes(range(256)), (_PRINTABLE.replace(b'"', b"").replace(b"\\", b"") * 3)[:256])
"""Printable characters JSON does not escape, drawn evenly: gzip saves less than the third base64 then adds."""


def hostile_text(seed: int, size: int = ITEM_TEXT_CHARS, alphabet: bytes = QUOTES) -> str:
    """Random text that the payload does not treat kindly; with QUOTES, also non-ASCII letters (two bytes in
    UTF-8, and six in a JSON document that escapes them)."""
    text = random.Random(seed).randbytes(size).translate(alphabet).decode()
    return text.replace("~", "\u00e9") if alphabet is QUOTES else text


def big_activity(n: int, alphabet: bytes = QUOTES) -> Activity:
    return Activity(
        id=f"b16a0000-0000-4000-8000-{n:012d}",
        org_id=ids.SUNRISE,
        name=f"Big activity {n}",
        description=hostile_text(n, alphabet=alphabet),
        activity_type=ActivityType.MOTOR,
        min_age_months=0,
        max_age_months=120,
    )


def assert_fits_and_overflows(answer: Answer, count: int) -> None:
    """Under Lambda's limit, with the first items answered and every later one a retryable response_too_large."""
    assert answer.status == 200
    assert answer.payload_bytes < LAMBDA_RESPONSE_LIMIT_BYTES
    succeeded = answer.body["total_succeeded"]
    assert 1 <= succeeded < count
    assert answer.statuses == [200] * succeeded + [503] * (count - succeeded)
    overflow = answer.body["results"][succeeded:]
    assert {(r["error_code"], r["retryable"]) for r in overflow} == {("response_too_large", True)}


@pytest.mark.parametrize(
    ("count", "alphabet", "encoding"),
    [(100, QUOTES, "identity"), (30, RANDOM, "gzip")],
    ids=["100-quotes-plain", "30-random-gzip"],
)
def test_activities_near_400_kb_stay_under_lambdas_6_mb(
    seeded: Any, lambda_context: FakeLambdaContext, count: int, alphabet: bytes, encoding: str
) -> None:
    # Given activities of about 400 KB each, of text that escaping or base64 makes bigger in the payload
    big = [big_activity(n, alphabet) for n in range(count)]
    activities.save(big)
    headers = {"accept-encoding": encoding}
    # When all of them are asked for in one batch, by a client that does not accept gzip, or that does
    body = {"resource_type": "activities", "ids": [a.id for a in big]}
    answer = call(ROUTES["activities"], lambda_context, body, headers=headers)
    # Then the Lambda response payload stays under 6 MB: the first items are answered and the others are
    # retryable 503 response_too_large
    assert_fits_and_overflows(answer, count)


def test_children_near_400_kb_stay_under_lambdas_6_mb(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given 30 children of SUNRISE_A whose records are near 400 KB (long notes on their special needs)
    big = [
        Child(
            id=f"b16c0000-0000-4000-8000-{n:012d}",
            org_id=ids.SUNRISE,
            classroom_id=ids.SUNRISE_A,
            name=f"Child {n}",
            birth_date="2022-01-01",
            special_needs=[hostile_text(n * 10 + part, ITEM_TEXT_CHARS // 10) for part in range(10)],
        )
        for n in range(30)
    ]
    children.save(big)
    # When the teacher asks for all of them
    body = {"resource_type": "children", "ids": [c.id for c in big]}
    answer = call(ROUTES["children"], lambda_context, body)
    # Then the response fits and the overflow is retryable
    assert_fits_and_overflows(answer, 30)


def test_recommendations_of_huge_activities_stay_under_lambdas_6_mb(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given a catalog whose only motor activities are near 400 KB, and 20 children of the teacher's classroom
    activities.save(big_activity(n) for n in range(6))
    kids = generate_children(ids.SUNRISE, ids.SUNRISE_A, 20)
    children.save(kids)
    history.save({kid.id: [HistoryEntry(activity_id=ids.PUBLIC_BLOCKS, done_on="2026-02-01")] for kid in kids})
    activities.clear_catalog_cache()
    # When five motor recommendations are asked for every child (each child's answer is about 2 MB)
    body = {"child_ids": [kid.id for kid in kids], "activity_types": ["motor"], "max_recommendations": 5}
    answer = call(ROUTES["recommendations"], lambda_context, body)
    activities.clear_catalog_cache()
    # Then the response fits, the first children are answered and the others are retryable response_too_large
    assert_fits_and_overflows(answer, 20)
    assert len(answer.result(0)["data"]["recommendations"]) == 5
