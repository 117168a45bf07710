"""The Python client's batching (clients/python): chunks by the server's limits (count and bytes), bounded
concurrency, answers in request order, retryable items sent again with a new Idempotency-Key, atomic batches never
resent in part. Against httpx.MockTransport: a fake of the batch routes that answers each item by its id."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from activity_batch_client import ApiError, AsyncClient, Client, Limits, RetryPolicy
from activity_batch_client._batching import chunks, encode

LIMITS = Limits(get_ids=100, recommendation_child_ids=50, write_items=10, atomic_write_items=25)
Fault = Callable[[int, dict[str, Any], httpx.Request], httpx.Response | dict[str, Any] | None]


def ids(count: int, prefix: str = "id") -> list[str]:
    return [f"{prefix}-{index:05d}" for index in range(count)]


def success(item_id: str, data: dict[str, Any] | None = None, status_code: int = 200) -> dict[str, Any]:
    return {"id": item_id, "status": "success", "status_code": status_code, "data": data or {"id": item_id}}


def activity(item_id: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "org_id": "sunrise",
        "name": "Stacking cups",
        "description": "Build a tower",
        "activity_type": "motor",
        "min_age_months": 9,
        "max_age_months": 30,
        "version": 2,
    }


def error(item_id: str, status_code: int, code: str, *, retryable: bool) -> dict[str, Any]:
    return {
        "id": item_id,
        "status": "error",
        "status_code": status_code,
        "error": f"{code} {item_id}",
        "error_code": code,
        "retryable": retryable,
    }


def envelope(results: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    failed = sum(result["status"] == "error" for result in results)
    return {
        "results": results,
        "total_requested": len(results),
        "total_succeeded": len(results) - failed,
        "total_failed": failed,
        "processed_at": "2026-02-16T20:00:00Z",
        **extra,
    }


@dataclass
class FakeApi:
    """The batch routes, answering every item a success unless ``fault`` (called with the request's number, its
    body and the request) answers the request itself or changes its results."""

    fault: Fault | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    hold: threading.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with self.lock:
            number = len(self.requests)
            self.requests.append(request)
            self.bodies.append(body)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.hold is not None:
                self.hold.wait(0.05)
            return self.answer(number, body, request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def answer(self, number: int, body: dict[str, Any], request: httpx.Request) -> httpx.Response:
        changed = self.fault(number, body, request) if self.fault else None
        if isinstance(changed, httpx.Response):
            return changed
        items = body.get("ids") or body.get("child_ids") or body.get("items") or []
        item_ids = [item["id"] if isinstance(item, dict) else item for item in items]
        path = request.url.path
        data = (
            (lambda item_id: {"id": item_id, "deleted": True})
            if path.endswith("/delete")
            else activity
            if path.endswith(("/create", "/update"))
            else (lambda item_id: {"id": item_id})
        )
        results = [success(item_id, data(item_id)) for item_id in item_ids]
        if isinstance(changed, dict):
            results = [changed.get(item_id, result) for item_id, result in zip(item_ids, results, strict=True)]
        extra = {"resource_type": body["resource_type"]} if "resource_type" in body else {}
        if path.endswith(("/create", "/update", "/delete")):
            extra["atomic"] = body.get("atomic", False)
        return httpx.Response(200, json=envelope(results, **extra))

    def sent_ids(self) -> list[list[str]]:
        return [
            [item["id"] if isinstance(item, dict) else item for item in body.get("ids") or body.get("items") or []]
            for body in self.bodies
        ]

    def keys(self) -> list[str | None]:
        return [request.headers.get("idempotency-key") for request in self.requests]


def client(api: FakeApi, *, limits: Limits = LIMITS, **options: Any) -> tuple[Client, list[float]]:
    slept: list[float] = []
    options.setdefault("retry", RetryPolicy(attempts=4, base_delay_s=0.01, max_delay_s=0.05))
    made = Client(
        "http://api.test",
        token="t0ken",
        limits=limits,
        transport=httpx.MockTransport(api),
        sleep=slept.append,
        **options,
    )
    return made, slept


# --- chunks ---------------------------------------------------------------------------------------------------------


def test_chunks_hold_at_most_the_limit_of_items_and_cover_every_item_once_in_order() -> None:
    found = chunks(ids(250), {"resource_type": "activities"}, "ids", 100, 1_000_000)
    assert [(r.start, r.stop) for r in found] == [(0, 100), (100, 200), (200, 250)]


def test_chunks_also_stay_under_the_byte_limit_and_an_oversized_item_goes_alone() -> None:
    base = {"resource_type": "activities", "atomic": False}
    items: list[Any] = [{"name": "x" * 300}] * 10 + [{"name": "y" * 5000}] + [{"name": "z"}] * 3
    found = chunks(items, base, "items", 100, 1_000)
    assert [len(r) for r in found] == [3, 3, 3, 1, 1, 3]
    for chunk in found:
        size = len(encode({**base, "items": items[chunk.start : chunk.stop]}))
        assert size <= 1_000 or len(chunk) == 1


# --- order, concurrency, limits -------------------------------------------------------------------------------------


def test_get_many_splits_by_the_limit_and_answers_in_request_order() -> None:
    api = FakeApi()
    wanted = ids(250)
    made, _ = client(api)
    with made:
        found = made.get_many("activities", wanted, fields=["id", "name"])
    assert [item.id for item in found] == wanted
    assert sorted(len(sent) for sent in api.sent_ids()) == [50, 100, 100]
    assert {body["fields"] for body in api.bodies} == {"id,name"}
    assert found.requests == 3
    assert found.ok
    assert len(found.succeeded) == 250
    assert found.by_id["id-00007"].data is not None


def test_a_chunk_size_below_the_servers_limit_is_honoured() -> None:
    api = FakeApi()
    made, _ = client(api, chunk_size=20)
    with made:
        made.get_many("activities", ids(45))
    assert sorted(len(sent) for sent in api.sent_ids()) == [5, 20, 20]


def test_no_more_requests_are_in_flight_than_max_concurrency() -> None:
    api = FakeApi(hold=threading.Event())
    made, _ = client(api, max_concurrency=3, chunk_size=1)
    with made:
        found = made.get_many("activities", ids(24))
    assert len(api.requests) == 24
    assert 1 <= api.most_in_flight <= 3
    assert [item.id for item in found] == ids(24)


def test_recommend_sends_the_options_with_every_chunk_of_children() -> None:
    api = FakeApi(
        fault=lambda n, body, request: {
            child: success(child, {"child_id": child, "recommendations": [], "generated_at": "2026-02-16T20:00:00Z"})
            for child in body["child_ids"]
        }
    )
    made, _ = client(api)
    with made:
        found = made.recommend(ids(60, "child"), max_recommendations=3, weather="sunny")
    assert sorted(len(body["child_ids"]) for body in api.bodies) == [10, 50]
    assert all(body["max_recommendations"] == 3 and body["weather"] == "sunny" for body in api.bodies)
    assert all("group_size" not in body for body in api.bodies)
    assert found[59].data is not None
    assert found[59].data.child_id == "child-00059"


def test_an_empty_call_sends_nothing() -> None:
    api = FakeApi()
    made, _ = client(api)
    with made:
        assert len(made.get_many("activities", [])) == 0
    assert api.requests == []


def test_every_request_carries_the_token_of_its_provider() -> None:
    api = FakeApi()
    tokens = iter(["first", "second", "third"])
    with Client(
        "http://api.test", token=lambda: next(tokens), limits=LIMITS, transport=httpx.MockTransport(api)
    ) as made:
        made.get_many("activities", ids(150))
    assert sorted(request.headers["authorization"] for request in api.requests) == ["Bearer first", "Bearer second"]


# --- retryable items and idempotency keys ---------------------------------------------------------------------------


def test_retryable_items_are_sent_again_alone_and_their_answers_take_their_places() -> None:
    flaky = {"id-00003", "id-00008"}

    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
        if number == 0:
            return {item: error(item, 503, "unavailable", retryable=True) for item in flaky} | {
                "id-00005": error("id-00005", 404, "not_found", retryable=False)
            }
        return {}

    api = FakeApi(fault=fault)
    made, slept = client(api)
    with made:
        found = made.get_many("activities", ids(10))
    assert api.sent_ids() == [ids(10), ["id-00003", "id-00008"]]
    assert [item.id for item in found] == ids(10)
    assert [item.id for item in found.failed] == ["id-00005"]
    assert found.by_id["id-00003"].ok
    assert len(slept) == 1


def test_a_write_has_a_key_kept_on_a_resend_of_the_same_request_and_new_for_a_retry_of_items() -> None:
    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> httpx.Response | dict[str, Any]:
        if number == 0:
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"title": "Unavailable", "status": 503})
        if number == 1:
            return {"b": error("b", 503, "unavailable", retryable=True)}
        return {}

    api = FakeApi(fault=fault)
    made, _ = client(api)
    with made:
        found = made.update("activities", [{"id": item, "changes": {"duration_minutes": 5}} for item in "abc"])
    first, resent, items_again = api.keys()
    assert first
    assert resent
    assert items_again
    assert first == resent
    assert items_again != first
    assert api.sent_ids() == [["a", "b", "c"], ["a", "b", "c"], ["b"]]
    assert found.ok


def test_reads_carry_no_idempotency_key() -> None:
    api = FakeApi()
    made, _ = client(api)
    with made:
        made.get_many("activities", ids(3))
    assert api.keys() == [None]


def test_items_still_failing_after_the_attempts_keep_their_last_answer() -> None:
    api = FakeApi(fault=lambda n, body, request: {"id-00001": error("id-00001", 503, "unavailable", retryable=True)})
    made, _ = client(api, retry=RetryPolicy(attempts=3, base_delay_s=0.0))
    with made:
        found = made.get_many("activities", ids(3))
    assert len(api.requests) == 3
    assert [(item.id, item.status_code, item.retryable) for item in found.failed] == [("id-00001", 503, True)]


# --- atomic batches -------------------------------------------------------------------------------------------------


def test_an_atomic_batch_with_an_item_that_failed_for_good_is_not_retried() -> None:
    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
        return {
            item["id"]: error(item["id"], 422, "invalid_item", retryable=False)
            if item["id"] == "b"
            else error(item["id"], 424, "rolled_back", retryable=False)
            for item in body["items"]
        }

    api = FakeApi(fault=fault)
    made, _ = client(api)
    with made:
        found = made.update("activities", [{"id": item, "changes": {}} for item in "abcd"], atomic=True)
    assert len(api.requests) == 1
    assert api.bodies[0]["atomic"] is True
    assert [item.status_code for item in found] == [424, 422, 424, 424]


def test_an_atomic_batch_that_failed_only_for_a_transient_reason_is_resent_whole() -> None:
    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
        if number > 0:
            return {}
        return {
            item["id"]: error(item["id"], 503, "unavailable", retryable=True)
            if item["id"] == "c"
            else error(item["id"], 424, "rolled_back", retryable=False)
            for item in body["items"]
        }

    api = FakeApi(fault=fault)
    made, _ = client(api)
    with made:
        found = made.update("activities", [{"id": item, "changes": {}} for item in "abcd"], atomic=True)
    assert api.sent_ids() == [list("abcd"), list("abcd")]
    assert api.keys()[0] != api.keys()[1]
    assert found.ok


def test_an_atomic_batch_over_the_servers_limit_is_refused_before_anything_is_sent() -> None:
    api = FakeApi()
    made, _ = client(api)
    with made, pytest.raises(ValueError, match="at most 25"):
        made.delete("activities", ids(26), atomic=True)
    assert api.requests == []


def test_a_non_atomic_write_is_split_by_the_write_limit() -> None:
    api = FakeApi()
    made, _ = client(api)
    with made:
        found = made.delete("activities", ids(25))
    assert sorted(len(sent) for sent in api.sent_ids()) == [5, 10, 10]
    assert len(set(api.keys())) == 3
    assert [item.id for item in found] == ids(25)


# --- refusals -------------------------------------------------------------------------------------------------------


def test_a_request_refused_as_a_whole_raises_api_error_with_its_problem() -> None:
    problem = {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "resource_type: 'toys'"}
    api = FakeApi(
        fault=lambda n, body, request: httpx.Response(
            400, json=problem, headers={"content-type": "application/problem+json"}
        )
    )
    made, _ = client(api)
    with made, pytest.raises(ApiError) as raised:
        made.get_many("toys", ids(3))
    assert raised.value.status_code == 400
    assert raised.value.problem is not None
    assert raised.value.problem.detail == "resource_type: 'toys'"
    assert len(api.requests) == 1


# --- the async client -----------------------------------------------------------------------------------------------


def run(coroutine: Any) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def test_the_async_client_chunks_bounds_concurrency_retries_items_and_keeps_the_order() -> None:
    seen: list[int] = []

    def fault(number: int, body: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
        if "id-00042" in body["ids"]:
            seen.append(number)
            if len(seen) == 1:
                return {"id-00042": error("id-00042", 503, "unavailable", retryable=True)}
        return {}

    api = FakeApi(fault=fault)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(0)

    async def main() -> Any:
        async with AsyncClient(
            "http://api.test",
            token="t",
            limits=LIMITS,
            transport=httpx.MockTransport(api),
            max_concurrency=2,
            chunk_size=10,
            sleep=sleep,
            retry=RetryPolicy(attempts=4, base_delay_s=0.0),
        ) as made:
            return await made.get_many("activities", ids(95))

    found = run(main())
    assert [item.id for item in found] == ids(95)
    assert found.ok
    assert api.most_in_flight <= 2
    assert ["id-00042"] in api.sent_ids()
    assert slept
