"""The children and recommendations routes over HTTP through the local stack, with its demo data and real tokens;
and the guide's recommendation examples, unchanged but for real child ids."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from local.demo import ids
from tests.e2e.conftest import Stack
from tests.e2e.guide_client import BatchClient

pytestmark = pytest.mark.e2e

TEACHER = "teacher@sunrise.example"
PARENT = "parent@sunrise.example"
ADMIN_MAPLE = "admin@maple.example"
SUNRISE_A_CORE = [ids.CHILD_AVA, ids.CHILD_BEN, ids.CHILD_CHLOE, ids.CHILD_DEV]


def list_all(api: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(50):
        params = {"limit": "7", **({"cursor": cursor} if cursor else {})}
        response = api.get("/api/v1/children", params=params, headers=headers)
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the listing does not end")


def test_the_guides_recommendations_example_works_with_real_child_ids(api: httpx.Client, stack: Stack) -> None:
    # Given the teacher's token and the guide's "Example Usage" of batch recommendations (its ids replaced by the
    # teacher's classroom)
    token = stack.token(TEACHER)
    printed: list[str] = []
    response = httpx.post(
        f"{stack.api_url}/api/v1/batch/activities/recommendations",
        json={"child_ids": SUNRISE_A_CORE, "max_recommendations": 5, "weather": "sunny", "group_size": 10},
        headers={"Authorization": f"Bearer {token}"},
    )
    data = response.json()
    for result in data["results"]:
        child_id = result["id"]
        if result["status"] == "success":
            recommendations = result["data"]["recommendations"]
            printed.append(f"Child {child_id}: {len(recommendations)} recommendations")
    # Then every child of the classroom gets five recommendations from the demo catalog
    assert printed == [f"Child {child_id}: 5 recommendations" for child_id in SUNRISE_A_CORE]


def test_the_guides_batch_client_gets_recommendations_by_child(stack: Stack) -> None:
    # Given the guide's BatchClient, verbatim, with the guardian's token
    client = BatchClient(stack.api_url, stack.token(PARENT))
    # When it asks for its two children and a child of another family
    by_child = asyncio.run(client.batch_recommendations([ids.CHILD_AVA, ids.CHILD_FINN, ids.CHILD_BEN], 3))
    # Then it gets recommendations for its own children only, explained
    assert sorted(by_child) == sorted([ids.CHILD_AVA, ids.CHILD_FINN])
    assert all(len(recs) == 3 and all(rec["reasoning"] for rec in recs) for recs in by_child.values())


def test_each_demo_user_lists_the_children_it_may_see(api: httpx.Client, stack: Stack) -> None:
    # When the demo users list their children page by page
    teacher = list_all(api, stack.headers(TEACHER))
    parent = list_all(api, stack.headers(PARENT))
    maple = list_all(api, stack.headers(ADMIN_MAPLE))
    # Then the teacher sees its classroom (core and generated children), the parent its two children, and the
    # other organization's admin only its own
    assert {c["classroom_id"] for c in teacher} == {ids.SUNRISE_A}
    assert set(SUNRISE_A_CORE) <= {c["id"] for c in teacher}
    assert len(teacher) == len({c["id"] for c in teacher}) > len(SUNRISE_A_CORE)
    assert sorted(c["id"] for c in parent) == sorted(ids.GUARDIAN_CHILD_IDS)
    assert {c["org_id"] for c in maple} == {ids.MAPLE}


def test_one_childs_recommendations_and_the_404_of_another_family(api: httpx.Client, stack: Stack) -> None:
    headers = stack.headers(PARENT)
    own = api.get(
        f"/api/v1/children/{ids.CHILD_FINN}/recommendations",
        params={"weather": "rainy", "activity_types": ["language", "cognitive"]},
        headers=headers,
    )
    other = api.get(f"/api/v1/children/{ids.CHILD_BEN}/recommendations", headers=headers)
    assert own.status_code == 200
    activities = [rec["activity"] for rec in own.json()["recommendations"]]
    assert activities
    assert all(a["setting"] != "outdoor" and a["activity_type"] in ("language", "cognitive") for a in activities)
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"


def test_batch_get_children_through_the_gateway(api: httpx.Client, stack: Stack) -> None:
    response = api.post(
        "/api/v1/batch/get",
        json={"resource_type": "children", "ids": [ids.CHILD_AVA, ids.CHILD_GRACE], "fields": "id,classroom_id"},
        headers=stack.headers(PARENT),
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["data"] == {"id": ids.CHILD_AVA, "classroom_id": ids.SUNRISE_A}
    assert results[1]["status_code"] == 404
