"""README's write walkthrough over HTTP through the local stack (DESIGN 3.7, 3.8): create, an update with a stale
version, an atomic batch rolled back, a replay with an idempotency key, and a completion that changes a child's
next recommendations."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from local.demo import ids
from tests.data.extra import ACTIVITY_DRAFT
from tests.e2e.conftest import Stack, unthrottled

pytestmark = pytest.mark.e2e

ADMIN = "admin@sunrise.example"
PARENT = "parent@sunrise.example"
DRAFT = ACTIVITY_DRAFT


def post(
    api: httpx.Client, stack: Stack, path: str, body: dict[str, Any], user: str = ADMIN, **headers: str
) -> httpx.Response:
    return unthrottled(lambda: api.post(path, json=body, headers={**stack.headers(user), **headers}))


def statuses(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text[:500]
    return [item["status_code"] for item in response.json()["results"]]


def test_create_then_update_with_a_stale_version(api: httpx.Client, stack: Stack) -> None:
    key = str(uuid.uuid4())
    created = post(api, stack, "/api/v1/batch/create", {"resource_type": "activities", "items": [{"id": key, **DRAFT}]})
    assert statuses(created) == [201]
    assert created.json()["results"][0]["data"]["version"] == 1
    first = {"resource_type": "activities", "items": [{"id": key, "changes": {"duration_minutes": 25}, "version": 1}]}
    assert statuses(post(api, stack, "/api/v1/batch/update", first)) == [200]
    stale = {"resource_type": "activities", "items": [{"id": key, "changes": {"duration_minutes": 30}, "version": 1}]}
    conflict = post(api, stack, "/api/v1/batch/update", stale)
    assert statuses(conflict) == [409]
    assert conflict.json()["results"][0]["current_version"] == 2


def test_an_atomic_batch_is_rolled_back_as_a_whole(api: httpx.Client, stack: Stack) -> None:
    key = str(uuid.uuid4())
    body = {
        "resource_type": "activities",
        "atomic": True,
        "items": [{"id": key, **DRAFT}, {"id": str(uuid.uuid4()), **DRAFT, "activity_type": "juggling"}],
    }
    answer = post(api, stack, "/api/v1/batch/create", body)
    assert statuses(answer) == [424, 422]
    again = post(api, stack, "/api/v1/batch/get", {"resource_type": "activities", "ids": [key]})
    assert statuses(again) == [404]  # nothing was written


def test_a_replay_with_the_same_idempotency_key_is_the_first_answer(api: httpx.Client, stack: Stack) -> None:
    key, idempotency_key = str(uuid.uuid4()), f"walkthrough-{uuid.uuid4()}"
    body = {"resource_type": "activities", "items": [{"id": key, **DRAFT}]}
    first = post(api, stack, "/api/v1/batch/create", body, **{"Idempotency-Key": idempotency_key})
    again = post(api, stack, "/api/v1/batch/create", body, **{"Idempotency-Key": idempotency_key})
    assert statuses(first) == [201]
    assert again.json() == first.json()  # not a 409 already_exists: the first answer, replayed
    assert again.headers["idempotent-replayed"] == "true"
    other = post(api, stack, "/api/v1/batch/create", {**body, "atomic": True}, **{"Idempotency-Key": idempotency_key})
    assert other.status_code == 422


def test_a_completion_changes_the_childs_next_recommendations(api: httpx.Client, stack: Stack) -> None:
    def top_three() -> list[dict[str, Any]]:
        body = {"child_ids": [ids.CHILD_FINN], "max_recommendations": 3}
        answer = post(api, stack, "/api/v1/batch/activities/recommendations", body, user=PARENT)
        result: list[dict[str, Any]] = answer.json()["results"][0]["data"]["recommendations"]
        return result

    before = top_three()
    fresh = next(r["activity"]["id"] for r in before if "Fresh" in r["reasoning"])
    body = {"resource_type": "completions", "items": [{"child_id": ids.CHILD_FINN, "activity_id": fresh}]}
    assert statuses(post(api, stack, "/api/v1/batch/create", body, user=PARENT)) == [201]
    after = top_three()
    assert all(r["activity"]["id"] != fresh or "Fresh" not in r["reasoning"] for r in after)
