"""POST /api/v1/batch/get over HTTP through the local stack, with tokens of the demo users."""

from __future__ import annotations

import json

import httpx
import pytest

from local.demo import ids
from local.demo.catalog import generate_activities
from local.demo.core import CORE_ACTIVITIES
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

BATCH = "/api/v1/batch/get"
TEACHER = "teacher@sunrise.example"
MAPLE_ADMIN = "admin@maple.example"


def visible_ids(org_id: str) -> list[str]:
    everything = [*CORE_ACTIVITIES, *generate_activities()]
    return [a.id for a in everything if a.org_id in (org_id, "public")]


def test_a_batch_answers_every_id_in_order_with_partial_success(api: httpx.Client, stack: Stack) -> None:
    # Given ids the teacher may read, one of another organization, a missing one and a malformed one
    requested = [ids.PUBLIC_BLOCKS, ids.SUNRISE_PUPPETS, ids.MAPLE_LEAF_ART, ids.MISSING, "not-a-uuid"]
    # When the teacher fetches them in one call
    response = api.post(
        BATCH,
        json={"resource_type": "activities", "ids": requested, "fields": "id,name,activity_type"},
        headers=stack.headers(TEACHER),
    )
    # Then one result per id, in order, with per-item status codes and totals that add up
    assert response.status_code == 200
    envelope = response.json()
    assert [r["id"] for r in envelope["results"]] == requested
    assert [r["status_code"] for r in envelope["results"]] == [200, 200, 404, 404, 400]
    assert envelope["results"][0]["data"] == {
        "id": ids.PUBLIC_BLOCKS,
        "name": "Block Tower Challenge",
        "activity_type": "cognitive",
    }
    assert (envelope["total_requested"], envelope["total_succeeded"], envelope["total_failed"]) == (5, 2, 3)
    assert envelope["resource_type"] == "activities"


def test_another_organizations_private_activity_is_an_item_404_like_a_missing_one(
    api: httpx.Client, stack: Stack
) -> None:
    # Given Maple's admin and one of Sunrise's private activities
    requested = [ids.SUNRISE_PUPPETS, ids.MISSING, ids.MAPLE_LEAF_ART]
    # When Maple's admin asks for it in a batch
    response = api.post(
        BATCH, json={"resource_type": "activities", "ids": requested}, headers=stack.headers(MAPLE_ADMIN)
    )
    # Then it is answered exactly like an id that does not exist: nothing reveals that it exists
    hidden, missing, own = response.json()["results"]
    assert (hidden["status_code"], hidden["error_code"]) == (404, "not_found")
    assert hidden["error"] == missing["error"].replace(ids.MISSING, ids.SUNRISE_PUPPETS)
    assert "data" not in hidden
    assert own["status_code"] == 200


def test_a_full_batch_of_demo_activities_comes_back_gzipped(api: httpx.Client, stack: Stack) -> None:
    # Given 100 generated activities the teacher may see
    requested = visible_ids(ids.SUNRISE)[-100:]
    # When the client accepts gzip
    response = api.post(
        BATCH,
        json={"resource_type": "activities", "ids": requested},
        headers={**stack.headers(TEACHER), "Accept-Encoding": "gzip"},
    )
    # Then the envelope is compressed on the wire and every item succeeds
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < len(response.content) / 3
    assert response.json()["total_succeeded"] == 100


def test_without_accept_encoding_the_envelope_is_plain(api: httpx.Client, stack: Stack) -> None:
    response = api.post(
        BATCH,
        json={"resource_type": "activities", "ids": visible_ids(ids.SUNRISE)[:20]},
        headers={**stack.headers(TEACHER), "Accept-Encoding": "identity"},
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS] * 101}, 422),
        ({"resource_type": "activities", "ids": []}, 422),
        ({"resource_type": "spaceships", "ids": [ids.PUBLIC_BLOCKS]}, 400),
        ({"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS], "fields": "id,colour"}, 400),
    ],
    ids=["101 ids", "no ids", "unknown resource type", "unknown field"],
)
def test_bad_requests_are_problem_details_from_the_function(
    api: httpx.Client, stack: Stack, body: dict[str, object], status: int
) -> None:
    response = api.post(BATCH, json=body, headers=stack.headers(TEACHER))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status


def test_a_body_that_is_not_json_is_400(api: httpx.Client, stack: Stack) -> None:
    response = api.post(
        BATCH, content=b"{not json", headers={**stack.headers(TEACHER), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON"


def test_make_invoke_runs_the_handler_with_an_event_file_against_the_stack(stack: Stack) -> None:
    # When `make invoke FUNCTION=BatchGetFunction EVENT=events/batch_get.json` runs
    result = stack.run_cli("local.invoke", "BatchGetFunction", "events/batch_get.json")
    # Then it prints the function's response, body decoded: the event's caller (Sunrise's admin) sees all five
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["statusCode"] == 200
    assert response["body"]["total_succeeded"] == 5


def test_make_invoke_with_an_unknown_function_lists_the_known_ones(stack: Stack) -> None:
    result = stack.run_cli("local.invoke", "NoSuchFunction", "events/batch_get.json")
    assert result.returncode == 2
    assert "BatchGetFunction" in result.stderr
