"""Batch jobs through the local stack (DESIGN 3.9): the routes behind the gateway, the chunk queue in the emulator,
the worker run by the local Lambda runtime through the template's SQS event source mapping. A job of 1,200 items
from 202 to completed with counters consistent at every poll and results equal to the synchronous route's; chunks
delivered again; the active-job limit under concurrent submissions; cancellation; visibility.

The at-least-once cases that need a fault inside the worker (a crash after the writes, a poison chunk dead-lettered)
are in tests/integration/test_jobs.py, where the fault can be injected; here the chunks are delivered twice for real.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import httpx
import pytest

from local.demo.catalog import generate_activities
from local.demo.core import CORE_ACTIVITIES
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

JOBS = "/api/v1/batch/jobs"
MAPLE_ADMIN = "admin@maple.example"
TEACHER = "teacher@sunrise.example"
PARENT = "parent@sunrise.example"
WAIT_S = 180.0


def send(request: Callable[[], httpx.Response]) -> httpx.Response:
    """``request()``'s answer once API Gateway's own throttling (a 429 without problem details) lets it through."""
    for _ in range(40):
        response = request()
        if response.status_code != 429 or response.headers["content-type"] == "application/problem+json":
            return response
        time.sleep(0.25)
    return response


def submit(api: httpx.Client, stack: Stack, user: str, operation: str, request: dict[str, Any]) -> httpx.Response:
    body = {"operation": operation, "request": request}
    return send(lambda: api.post(JOBS, json=body, headers=stack.headers(user)))


def maple_ids(count: int) -> list[str]:
    readable = [a.id for a in (*CORE_ACTIVITIES, *generate_activities()) if a.org_id in ("maple", "public")]
    keys = list(itertools.islice(itertools.cycle(readable), count))
    keys[7], keys[500] = "not-a-uuid", "ffffffff-ffff-4fff-8fff-ffffffffffff"  # an item 400 and an item 404
    return keys


def watch(api: httpx.Client, stack: Stack, user: str, job_id: str, until: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every poll of the job until its status is one of ``until``."""
    polls: list[dict[str, Any]] = []
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        answer = send(lambda: api.get(f"{JOBS}/{job_id}", headers=stack.headers(user)))
        assert answer.status_code == 200, answer.text[:500]
        polls.append(answer.json())
        if polls[-1]["status"] in until:
            return polls
        time.sleep(0.2)
    pytest.fail(f"the job did not end within {WAIT_S:.0f} s: {polls[-1]}")


def all_results(api: httpx.Client, stack: Stack, user: str, job_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "500", **({"cursor": cursor} if cursor else {})}
        page = send(lambda p=params: api.get(f"{JOBS}/{job_id}/results", params=p, headers=stack.headers(user)))  # type: ignore[misc]
        assert page.status_code == 200, page.text[:500]
        found += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return found


def chunk_queue(stack: Stack) -> tuple[Any, str]:
    sqs = boto3.client(
        "sqs",
        endpoint_url=stack.aws_endpoint_url,
        region_name=stack.info["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return sqs, sqs.get_queue_url(QueueName="JobChunksQueue")["QueueUrl"]


def test_a_job_of_1200_items_runs_to_completed_as_the_synchronous_route_answers(
    api: httpx.Client, stack: Stack
) -> None:
    # Given 1,200 ids a maple admin may read, with a malformed and a missing one
    keys = maple_ids(1200)
    # When the job is submitted
    answer = submit(api, stack, MAPLE_ADMIN, "get", {"resource_type": "activities", "ids": keys, "fields": "id,name"})
    assert answer.status_code == 202, answer.text[:500]
    job = answer.json()
    assert answer.headers["location"] == f"{JOBS}/{job['id']}"
    assert (job["status"], job["total"], job["processed"], job["completed_at"]) == ("queued", 1200, 0, None)
    # Then it runs to completed, its counters consistent and never decreasing at every poll
    polls = watch(api, stack, MAPLE_ADMIN, job["id"], ("completed", "failed", "cancelled"))
    for before, after in itertools.pairwise([job, *polls]):
        assert after["processed"] == after["succeeded"] + after["failed"] <= after["total"] == 1200
        assert all(after[n] >= before[n] for n in ("processed", "succeeded", "failed"))
    done = polls[-1]
    assert (done["status"], done["processed"], done["failed"]) == ("completed", 1200, 2)
    assert done["completed_at"] is not None
    # And its results are the synchronous route's answers for the same ids, each with its index
    results = all_results(api, stack, MAPLE_ADMIN, job["id"])
    assert [r.pop("index") for r in results] == list(range(1200))
    expected: list[dict[str, Any]] = []
    for start in range(0, 1200, 100):
        body = {"resource_type": "activities", "ids": keys[start : start + 100], "fields": "id,name"}
        batch = send(lambda b=body: api.post("/api/v1/batch/get", json=b, headers=stack.headers(MAPLE_ADMIN)))  # type: ignore[misc]
        expected += batch.json()["results"]
    assert results == expected
    # When some of its chunks are delivered again (SQS delivers at least once)
    sqs, queue = chunk_queue(stack)
    for chunk in (0, 5, 11):
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"job_id": job["id"], "chunk": chunk}))
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
        if attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0":
            break
        time.sleep(0.2)
    # Then nothing is answered or counted twice
    again = send(lambda: api.get(f"{JOBS}/{job['id']}", headers=stack.headers(MAPLE_ADMIN))).json()
    assert again == done
    assert len(all_results(api, stack, MAPLE_ADMIN, job["id"])) == 1200
    # And the job is its creator's alone
    assert send(lambda: api.get(f"{JOBS}/{job['id']}", headers=stack.headers(PARENT))).status_code == 404
    listed = send(lambda: api.get(JOBS, headers=stack.headers(MAPLE_ADMIN))).json()["items"]
    assert job["id"] in [j["id"] for j in listed]


def test_concurrent_submissions_never_pass_three_active_jobs_and_a_cancel_frees_one(
    api: httpx.Client, stack: Stack
) -> None:
    # Given five large jobs submitted at once by one caller
    request = {"resource_type": "activities", "ids": maple_ids(10_000)}
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: submit(api, stack, TEACHER, "get", request), range(5)))
    # Then three are accepted and two refused with a 429 problem
    assert sorted(a.status_code for a in answers) == [202, 202, 202, 429, 429]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    accepted = [a.json()["id"] for a in answers if a.status_code == 202]
    # When they are cancelled
    for job_id in accepted:
        cancelled = send(lambda j=job_id: api.post(f"{JOBS}/{j}/cancel", headers=stack.headers(TEACHER)))  # type: ignore[misc]
        assert cancelled.status_code == 200, cancelled.text[:300]
        assert cancelled.json()["status"] == "cancelled"
    # Then a new job is accepted at once, and each cancelled job ends with every item answered
    replacement = submit(api, stack, TEACHER, "get", {"resource_type": "activities", "ids": maple_ids(600)[:3]})
    assert replacement.status_code == 202, replacement.text[:300]
    for job_id in accepted:
        ended = watch(api, stack, TEACHER, job_id, ("cancelled",))[-1]
        deadline = time.monotonic() + WAIT_S
        while ended["completed_at"] is None and time.monotonic() < deadline:
            time.sleep(0.2)
            ended = send(lambda j=job_id: api.get(f"{JOBS}/{j}", headers=stack.headers(TEACHER))).json()  # type: ignore[misc]
        assert ended["processed"] == ended["succeeded"] + ended["failed"] == 10_000
        assert ended["failed"] > 0  # the items not processed before the cancel: 409 cancelled
        again = send(lambda j=job_id: api.post(f"{JOBS}/{j}/cancel", headers=stack.headers(TEACHER)))  # type: ignore[misc]
        assert again.status_code == 409
