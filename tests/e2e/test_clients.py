"""The Python client (clients/python) against the local stack: 1,000 ids in one call, complete and in order; 503
items and 429 answers injected on the way (an httpx transport wrapped around the real one) retried to success; an
atomic batch's 424s not retried; a write whose answer was lost retried with its key and applied once; a job
submitted, awaited with a progress bar and paged; a webhook delivered by the stack verified; the async client."""

from __future__ import annotations

import io
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from activity_batch_client import AsyncClient, Client, RetryPolicy, verify_webhook
from activity_batch_client.models import Activity, PartialActivity
from local.demo import ids
from local.demo.catalog import generate_activities
from local.demo.core import CORE_ACTIVITIES
from tests.e2e.conftest import Stack, run_async
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.e2e

ADMIN = "admin@sunrise.example"
TEACHER = "teacher@sunrise.example"
RETRY = RetryPolicy(attempts=6, base_delay_s=0.05, max_delay_s=1.0)


def readable_ids(org_id: str = "sunrise") -> list[str]:
    return [a.id for a in (*CORE_ACTIVITIES, *generate_activities()) if a.org_id in (org_id, "public")]


def client(stack: Stack, user: str = ADMIN, **options: Any) -> Client:
    options.setdefault("retry", RETRY)
    return Client(stack.api_url, token=lambda: stack.token(user), **options)


@dataclass
class Faults(httpx.BaseTransport):
    """The real transport, with faults on the way for the batch requests (POSTs; the GET of the limits passes):
    ``answer(number, request)`` may answer the n-th instead of the server, ``change(number, request, response)`` may
    change the server's answer (or raise as a lost answer)."""

    answer: Callable[[int, httpx.Request], httpx.Response | None] = lambda number, request: None
    change: Callable[[int, httpx.Request, httpx.Response], httpx.Response] = lambda number, request, response: response
    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    sent: list[httpx.Request] = field(default_factory=list)
    answered: list[httpx.Response] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return self.inner.handle_request(request)
        with self.lock:
            number = len(self.sent)
            self.sent.append(request)
        injected = self.answer(number, request)
        if injected is not None:
            return injected
        response = self.inner.handle_request(request)
        response.read()
        with self.lock:
            self.answered.append(response)
        return self.change(number, request, response)

    def close(self) -> None:
        self.inner.close()

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.sent if request.url.path == path]


def with_results(response: httpx.Response, change: Callable[[int, dict[str, Any]], dict[str, Any]]) -> httpx.Response:
    """The response with its envelope's results changed one by one (and its totals kept consistent)."""
    envelope = response.json()
    envelope["results"] = [change(index, result) for index, result in enumerate(envelope["results"])]
    failed = sum(result["status"] == "error" for result in envelope["results"])
    envelope["total_succeeded"], envelope["total_failed"] = len(envelope["results"]) - failed, failed
    return httpx.Response(response.status_code, headers={"content-type": "application/json"}, json=envelope)


# --- reads ----------------------------------------------------------------------------------------------------------


def test_a_thousand_ids_in_one_call_come_back_complete_and_in_order(stack: Stack) -> None:
    # Given 1,000 ids: the organization's and the public catalog's activities over and over, a missing one, another
    # organization's and a malformed one among them, in upper case here and there
    readable = readable_ids()
    wanted = list(itertools.islice(itertools.cycle(readable), 1000))
    wanted[10], wanted[500], wanted[999] = ids.MISSING, ids.MAPLE_LEAF_ART, "not-a-uuid"
    wanted[20] = wanted[20].upper()
    # When they are fetched in one call
    counting = Faults()
    with client(stack, transport=counting) as api:
        found = api.get_many("activities", wanted, fields="id,name")
    # Then every id is answered at its own position, in requests of the server's limit, 100 (10 of them, and more
    # only if the gateway's throttling refused one, which is sent again)
    assert [item.id for item in found] == wanted
    sent = counting.bodies("/api/v1/batch/get")
    assert {len(body["ids"]) for body in sent} == {100}
    assert len(sent) >= 10
    assert [(index, item.status_code) for index, item in enumerate(found) if not item.ok] == [
        (10, 404),
        (500, 404),
        (999, 400),
    ]
    for wanted_id, item in zip(wanted, found, strict=True):
        if item.ok:
            assert isinstance(item.data, PartialActivity)
            assert item.data.id == wanted_id.lower()
            assert item.data.name
            assert item.data.model_fields_set == {"id", "name"}
    assert set(found.by_id) == set(wanted)
    assert len(found.succeeded) == 997


def test_503_items_and_429_answers_on_the_way_are_retried_until_every_item_succeeds(stack: Stack) -> None:
    # Given a network on which the 1st and 4th requests are refused 429 with Retry-After, and the server's answers to
    # the 2nd and 3rd requests come back with every third item 503 "unavailable" (retryable); one request at a time
    def answer(number: int, request: httpx.Request) -> httpx.Response | None:
        if number in (0, 3):
            problem = {"type": "about:blank", "title": "Too Many Requests", "status": 429, "detail": "read quota"}
            return httpx.Response(429, headers={"Retry-After": "1"}, json=problem)
        return None

    def change(number: int, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if number not in (1, 2):
            return response
        return with_results(
            response,
            lambda index, result: (
                result
                if index % 3
                else {
                    "id": result["id"],
                    "status": "error",
                    "status_code": 503,
                    "error": "try again",
                    "error_code": "unavailable",
                    "retryable": True,
                }
            ),
        )

    faults = Faults(answer, change)
    wanted = readable_ids()[:150]
    # When 150 activities are fetched (two requests: 100 and 50)
    with client(stack, transport=faults, max_concurrency=1) as api:
        found = api.get_many("activities", wanted)
    # Then every item ends a success, in order
    assert found.ok
    assert [item.id for item in found] == wanted
    assert all(isinstance(item.data, PartialActivity) and item.data.id == item.id for item in found)
    # And a refused request was sent again whole, and only the failed items of an answer, in a request of their own:
    # the first 100 (429, then 34 items 503), those 34 (12 of them 503 again), those 12 (429, then all good), the 50
    sent = [len(body["ids"]) for body in faults.bodies("/api/v1/batch/get")]
    assert sent == [100, 100, 34, 12, 12, 50]
    assert faults.bodies("/api/v1/batch/get")[2]["ids"] == wanted[0:100:3]
    assert found.requests == len(faults.sent) == 6


# --- writes ---------------------------------------------------------------------------------------------------------


def new_activities(count: int, name: str) -> list[dict[str, Any]]:
    return [
        {
            "name": f"{name} {index}",
            "description": "A client test",
            "activity_type": "motor",
            "min_age_months": 12,
            "max_age_months": 48,
        }
        for index in range(count)
    ]


def test_an_atomic_batchs_424s_are_not_retried_and_nothing_is_applied(stack: Stack) -> None:
    with client(stack) as api:
        created = api.create("activities", new_activities(3, "Atomic"))
        assert created.ok
        made = [item.data for item in created if isinstance(item.data, Activity)]
        # Given an atomic update of three activities, one of whose changes is invalid
        counting = Faults()
        with client(stack, transport=counting) as counted:
            items = [{"id": activity.id, "changes": {"duration_minutes": 33}} for activity in made]
            items[1]["changes"] = {"activity_type": "juggling"}
            found = counted.update("activities", items, atomic=True)
        # Then it was sent once: the invalid item is 422, the others 424 rolled back, none of them retryable
        assert len(counting.sent) == 1
        assert [(item.status_code, item.error_code) for item in found] == [
            (424, "rolled_back"),
            (422, "invalid_item"),
            (424, "rolled_back"),
        ]
        # And nothing was written
        again = api.get_many("activities", [activity.id for activity in made], fields="id,version,duration_minutes")
        assert [
            (item.data.version, item.data.duration_minutes) for item in again if isinstance(item.data, PartialActivity)
        ] == [
            (1, made[0].duration_minutes),
            (1, made[1].duration_minutes),
            (1, made[2].duration_minutes),
        ]


def test_a_write_whose_answer_was_lost_is_retried_with_its_key_and_applied_once(stack: Stack) -> None:
    with client(stack) as api:
        made = [item.data for item in api.create("activities", new_activities(4, "Idempotent"))]
        assert all(isinstance(activity, Activity) and activity.version == 1 for activity in made)

        # Given a network that loses the server's first answer (the update was applied)
        def change(number: int, request: httpx.Request, response: httpx.Response) -> httpx.Response:
            if number == 0:
                raise httpx.ReadError("connection reset after the request", request=request)
            return response

        faults = Faults(change=change)
        # When the batch update (no version: each application would add one) is made through it
        with client(stack, transport=faults) as flaky:
            items: list[dict[str, Any]] = [
                {"id": activity.id, "changes": {"duration_minutes": 41}} for activity in made if activity
            ]
            found = flaky.update("activities", items)
        # Then it was sent twice with the same key, the second answer a replay of the first
        assert found.ok
        assert len(faults.sent) == 2
        assert faults.sent[0].headers["idempotency-key"] == faults.sent[1].headers["idempotency-key"]
        assert faults.answered[1].headers["idempotent-replayed"] == "true"
        # And each activity was changed once: version 2, not 3
        assert {item.data.version for item in found if isinstance(item.data, Activity)} == {2}
        stored = api.get_many("activities", [item["id"] for item in items], fields="version,duration_minutes")
        assert {
            (item.data.version, item.data.duration_minutes) for item in stored if isinstance(item.data, PartialActivity)
        } == {(2, 41)}
        deleted = api.delete("activities", [item["id"] for item in items])
        assert deleted.ok


def test_completions_are_recorded_by_complete(stack: Stack) -> None:
    with client(stack, "parent@sunrise.example") as api:
        found = api.complete([{"child_id": ids.CHILD_AVA, "activity_id": ids.PUBLIC_SONGS}])
    assert found.ok
    assert found[0].status_code == 201


# --- jobs and webhooks ----------------------------------------------------------------------------------------------


def test_a_job_is_submitted_awaited_with_a_progress_bar_and_paged(stack: Stack) -> None:
    wanted = list(itertools.islice(itertools.cycle(readable_ids()), 250))
    wanted[7] = ids.MISSING
    progress = io.StringIO()
    with client(stack) as api:
        job = api.jobs.submit("get", {"resource_type": "activities", "ids": wanted, "fields": "id,name"})
        assert job.job is not None
        assert (job.job.status, job.job.total) == ("queued", 250)
        ended = job.wait(progress=progress, poll_interval_s=0.2, timeout_s=120)
        pages = list(job.results(page_size=100))
        errors = list(job.items(status="error"))
    assert (ended.status, ended.processed, ended.succeeded, ended.failed) == ("completed", 250, 249, 1)
    assert progress.getvalue().splitlines()[-1].endswith("250/250 items (100%), 1 failed, completed")
    assert [len(page.items) for page in pages] == [100, 100, 50]
    items = [item for page in pages for item in page.items]
    assert [item.index for item in items] == list(range(250))
    assert [item.id for item in items] == wanted
    assert [(item.index, item.status_code) for item in errors] == [(7, 404)]


def test_a_job_completed_webhook_from_the_stack_verifies(stack: Stack) -> None:
    with receiving() as receiver, client(stack) as api:
        registered = api.request(
            "POST",
            "/api/v1/webhooks",
            json={"url": receiver.url(), "events": ["batch.job.completed"], "description": "client test"},
            idempotency_key="client-webhook-test",
        ).json()
        try:
            job = api.jobs.submit("get", {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS]})
            job.wait(timeout_s=120, poll_interval_s=0.2)
            deliveries = receiver.wait_for(1, 60)
            for extra in range(2, 6):  # the organization's other jobs may end meanwhile
                events = [verify_webhook(registered["secret"], d.body, d.headers) for d in deliveries]
                if any(event.data.job_id == job.id for event in events):
                    break
                deliveries = receiver.wait_for(extra, 60)
        finally:
            api.request("DELETE", f"/api/v1/webhooks/{registered['id']}")
    mine = [event for event in events if event.data.job_id == job.id]
    assert [(event.type, event.data.status, event.data.total) for event in mine] == [
        ("batch.job.completed", "completed", 1)
    ]
    forged = dict(deliveries[0].headers, **{"webhook-id": "msg_forged"})
    with pytest.raises(Exception, match="signature"):
        verify_webhook(registered["secret"], deliveries[0].body, forged)


# --- the async client -----------------------------------------------------------------------------------------------


def test_the_async_client_reads_and_recommends_in_request_order(stack: Stack) -> None:
    children = [ids.CHILD_AVA, ids.MISSING_CHILD, ids.CHILD_BEN, ids.CHILD_CHLOE, ids.CHILD_DEV] * 12

    async def main() -> tuple[Any, Any]:
        async with AsyncClient(stack.api_url, token=stack.token(TEACHER), retry=RETRY) as api:
            read = await api.get_many("children", children, fields=["id", "name"])
            recommended = await api.recommend(children, max_recommendations=2, weather="sunny")
            return read, recommended

    read, recommended = run_async(main())
    assert [item.id for item in read] == children
    assert [item.id for item in recommended] == children
    assert recommended.requests == 2  # 60 children: 50 and 10
    assert {item.id for item in recommended.failed} == {ids.MISSING_CHILD}
    ava = recommended.by_id[ids.CHILD_AVA].data
    assert ava is not None
    assert ava.child_id == ids.CHILD_AVA
    assert 1 <= len(ava.recommendations) <= 2
