"""Per-caller item quotas (DESIGN 3.11) through a local stack of their own, started with low quotas the way a deploy's
settings would set them (``READ_QUOTA_ITEMS=60 make run``): requests sent in parallel, by several Lambda environments
at once, never spend more than the quota, and the quotas table holds exactly what was granted.

The session's stack (tests/e2e/conftest.py) runs with quotas raised out of reach, so that no other test meets them.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import httpx
import pytest

from local.background import StackDidNotStart, background_stack
from local.demo import ids
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

READ_QUOTA = 60
QUOTA_SETTINGS = {"READ_QUOTA_ITEMS": str(READ_QUOTA), "WRITE_QUOTA_ITEMS": "10", "QUOTA_WINDOW_S": "3600"}
"""A window of an hour: the test never sees it reset, whatever the machine's load."""
ADMIN = "admin@sunrise.example"
TEACHER = "teacher@sunrise.example"
PARALLEL = 20
COSTS = (2, 3, 5, 7)
"""The batches' sizes, in turn: 85 items asked for in all, against a quota of 60."""
RATE_LIMIT = re.compile(r'^"read";r=(\d+);t=(\d+)$')


@pytest.fixture(scope="module")
def quota_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    try:
        with background_stack(Path(tmp_path_factory.mktemp("quota-stack")), QUOTA_SETTINGS) as background:
            yield Stack(background.info, background.env, background.log)
    except StackDidNotStart as exc:
        pytest.fail(str(exc))


def past_the_gateway(request: Callable[[], httpx.Response]) -> httpx.Response:
    """``request()``'s answer once API Gateway's own throttling (a 429 without problem details) lets it through."""
    for _ in range(40):
        response = request()
        if response.status_code != 429 or response.headers["content-type"] == "application/problem+json":
            return response
        time.sleep(0.25)
    return response


def batch_get(stack: Stack, user: str, count: int) -> httpx.Response:
    body = {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS] * count}
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        return past_the_gateway(lambda: client.post("/api/v1/batch/get", json=body, headers=stack.headers(user)))


def left(response: httpx.Response) -> int:
    match = RATE_LIMIT.match(response.headers["ratelimit"])
    assert match, response.headers
    return int(match[1])


def stored_used(stack: Stack) -> dict[str, int]:
    """The quotas table as the emulator holds it: items used, by record."""
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_endpoint_url,
        region_name=stack.info["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = dynamodb.scan(TableName="QuotasTable")["Items"]
    return {item["id"]["S"]: int(item["used"]["N"]) for item in items}


def test_parallel_requests_never_spend_more_than_the_quota(quota_stack: Stack) -> None:
    # Given 20 batch GETs of 2 to 7 ids by one caller, sent at once (85 items against a read quota of 60)
    costs = list(itertools.islice(itertools.cycle(COSTS), PARALLEL))
    quota_stack.token(ADMIN)  # signed in before the race
    start = threading.Barrier(PARALLEL)

    def race(cost: int) -> tuple[int, httpx.Response]:
        start.wait()
        return cost, batch_get(quota_stack, ADMIN, cost)

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(race, costs))
    # Then some are granted and the others refused, each as a whole
    granted = [(cost, response) for cost, response in answers if response.status_code == 200]
    refused = [response for _, response in answers if response.status_code != 200]
    assert granted
    assert refused
    for response in refused:
        assert response.status_code == 429, response.text[:300]
        assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) >= 1
    for cost, response in granted:
        assert response.json()["total_requested"] == cost
    # And what was granted never exceeds the quota
    spent = sum(cost for cost, _ in granted)
    assert spent <= READ_QUOTA
    # And no grant was lost: the last one saw every grant before it, and the table holds exactly their sum
    assert min(left(response) for _, response in granted) == READ_QUOTA - spent
    assert sorted(stored_used(quota_stack).values()) == [spent]
    # And the refusals saw what the grants left (never less than nothing, never more than there was)
    assert all(0 <= left(response) <= READ_QUOTA for response in refused)


def test_another_caller_is_unaffected_and_writes_have_their_own_quota(quota_stack: Stack) -> None:
    # Whatever the admin has spent, the teacher starts with its whole read quota
    answer = batch_get(quota_stack, TEACHER, 5)
    assert answer.status_code == 200, answer.text[:300]
    assert left(answer) == READ_QUOTA - 5
    assert answer.headers["ratelimit-policy"] == f'"read";q={READ_QUOTA};w=3600'
    # And the limits endpoint announces the quotas the stack runs with
    with httpx.Client(base_url=quota_stack.api_url, timeout=60) as client:
        limits = past_the_gateway(lambda: client.get("/api/v1/batch/limits", headers=quota_stack.headers(TEACHER)))
    assert limits.status_code == 200
    assert limits.json()["quotas"] == [
        {"policy": "read", "quota": READ_QUOTA, "window_s": 3600, "unit": "items"},
        {"policy": "write", "quota": 10, "window_s": 3600, "unit": "items"},
    ]
