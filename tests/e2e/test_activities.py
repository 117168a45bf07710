"""The individual activity routes over HTTP: one activity, and the caller's catalog page by page."""

from __future__ import annotations

import boto3
import httpx
import pytest

from local.demo import ids
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

TEACHER = "teacher@sunrise.example"
MAPLE_ADMIN = "admin@maple.example"


def test_one_activity_is_the_same_object_as_a_batch_item(api: httpx.Client, stack: Stack) -> None:
    # When the teacher reads a Sunrise activity alone and in a batch
    single = api.get(f"/api/v1/activities/{ids.SUNRISE_PUPPETS}", headers=stack.headers(TEACHER))
    batch = api.post(
        "/api/v1/batch/get",
        json={"resource_type": "activities", "ids": [ids.SUNRISE_PUPPETS]},
        headers=stack.headers(TEACHER),
    )
    # Then both carry the same activity
    assert single.status_code == 200
    assert single.json() == batch.json()["results"][0]["data"]


def test_another_organizations_private_activity_is_404(api: httpx.Client, stack: Stack) -> None:
    # When Maple's admin reads one of Sunrise's private activities, and an id that does not exist
    hidden = api.get(f"/api/v1/activities/{ids.SUNRISE_PUPPETS}", headers=stack.headers(MAPLE_ADMIN))
    missing = api.get(f"/api/v1/activities/{ids.MISSING}", headers=stack.headers(MAPLE_ADMIN))
    # Then both are the same 404 problem
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["title"] == missing.json()["title"]


def test_the_list_pages_through_exactly_what_the_caller_may_see(api: httpx.Client, stack: Stack) -> None:
    # Given what the activities table holds: Sunrise's private activities and the public ones are the teacher's
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint_url, region_name=stack.info["region"])
    pages = dynamodb.get_paginator("scan").paginate(TableName="ActivitiesTable", ProjectionExpression="id, org_id")
    stored = [(item["id"]["S"], item["org_id"]["S"]) for page in pages for item in page["Items"]]
    expected = {activity_id for activity_id, org_id in stored if org_id in (ids.SUNRISE, "public")}
    assert {org_id for _, org_id in stored} >= {ids.SUNRISE, ids.MAPLE, "public"}
    # When the teacher follows next_cursor to the end
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(100):
        params = {"limit": "50", **({"cursor": cursor} if cursor else {})}
        response = api.get("/api/v1/activities", params=params, headers=stack.headers(TEACHER))
        assert response.status_code == 200
        page = response.json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Then every visible activity came exactly once, and nothing of Maple's
    assert sorted(seen) == sorted(expected)


def test_a_forged_cursor_is_a_400_problem(api: httpx.Client, stack: Stack) -> None:
    response = api.get("/api/v1/activities", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=stack.headers(TEACHER))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_query_parameters_reach_the_function(api: httpx.Client, stack: Stack) -> None:
    response = api.get("/api/v1/activities", params={"limit": "101"}, headers=stack.headers(TEACHER))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query"
