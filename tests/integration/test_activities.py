"""GET /api/v1/activities/{id} and GET /api/v1/activities (DESIGN 3.3) inside the function, under moto, with the
HTTP API v2 events of events/ and the core demo data."""

from __future__ import annotations

from typing import Any

from early_learning.services.cursors import encode
from functions.activities.app import handler
from functions.batch_get.app import handler as batch_handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.data import extra
from tests.events import load_event, response_json

SUNRISE_VISIBLE = {
    ids.SUNRISE_PUPPETS,
    ids.SUNRISE_SENSORY_BIN,
    ids.PUBLIC_BLOCKS,
    ids.PUBLIC_SONGS,
    ids.PUBLIC_GARDEN,
}


def get(context: FakeLambdaContext, activity_id: str, **event: Any) -> dict[str, Any]:
    response: dict[str, Any] = handler(
        load_event("get_activity.json", path=f"/api/v1/activities/{activity_id}", **event), context
    )
    return response


def list_page(context: FakeLambdaContext, query: dict[str, str], **event: Any) -> dict[str, Any]:
    response: dict[str, Any] = handler(load_event("list_activities.json", query=query, **event), context)
    return response


def ok(response: dict[str, Any]) -> Any:
    assert response["statusCode"] == 200, response_json(response)
    return response_json(response)


def problem(response: dict[str, Any], status: int) -> dict[str, Any]:
    assert response["statusCode"] == status, response_json(response)
    assert response["headers"]["content-type"] == "application/problem+json"
    body: dict[str, Any] = response_json(response)
    assert body["status"] == status
    return body


# --- one activity -----------------------------------------------------------------------------------------------


def test_the_get_activity_event_returns_the_same_object_as_a_batch_item(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given the committed event: sunrise's admin gets one of sunrise's activities
    single = ok(handler(load_event("get_activity.json"), lambda_context))
    # When the same activity is fetched in a batch without field selection
    body = {"resource_type": "activities", "ids": [ids.SUNRISE_PUPPETS]}
    envelope = ok(batch_handler(load_event("batch_get.json", body=body), lambda_context))
    # Then both carry the same object
    assert single == envelope["results"][0]["data"]
    assert single["id"] == ids.SUNRISE_PUPPETS
    assert single["name"] == "Feelings Puppet Show"


def test_a_public_activity_is_readable_by_every_organization(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    assert ok(get(lambda_context, ids.PUBLIC_GARDEN, sub=ids.ADMIN_MAPLE_SUB))["org_id"] == "public"
    assert ok(get(lambda_context, ids.PUBLIC_GARDEN))["id"] == ids.PUBLIC_GARDEN


def test_the_id_is_matched_case_insensitively(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    assert ok(get(lambda_context, ids.SUNRISE_PUPPETS.upper()))["id"] == ids.SUNRISE_PUPPETS


def test_another_orgs_activity_is_a_404_just_like_a_missing_one(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # When sunrise's admin asks for maple's private activity and for one that does not exist
    foreign = problem(get(lambda_context, ids.MAPLE_LEAF_ART), 404)
    missing = problem(get(lambda_context, ids.MISSING), 404)
    # Then the two answers differ only by the id
    assert foreign["detail"].replace(ids.MAPLE_LEAF_ART, ids.MISSING) == missing["detail"]
    assert {k: v for k, v in foreign.items() if k != "detail"} == {k: v for k, v in missing.items() if k != "detail"}
    # And maple itself can read it
    assert ok(get(lambda_context, ids.MAPLE_LEAF_ART, sub=ids.ADMIN_MAPLE_SUB))["org_id"] == "maple"


def test_a_malformed_id_is_a_400_problem(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    for bad in ["not-a-uuid", f"{ids.SUNRISE_PUPPETS}%0A", ids.SUNRISE_PUPPETS.replace("-", "")]:
        body = problem(get(lambda_context, bad), 400)
        assert body["title"] == "Invalid id"


def test_an_overlong_id_is_a_422_problem_that_does_not_echo_it(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    body = problem(get(lambda_context, "a" * 500), 422)
    assert [e["pointer"] for e in body["errors"]] == ["#/id"]
    assert "a" * 129 not in str(body)


# --- the catalog, page by page ----------------------------------------------------------------------------------


def test_pages_walk_the_whole_visible_catalog_once(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given the committed event (limit=2) as sunrise's admin
    page = ok(handler(load_event("list_activities.json"), lambda_context))
    pages = [page]
    # When the next_cursor of each page is followed to the end
    while page["next_cursor"] is not None and len(pages) < 10:
        page = ok(list_page(lambda_context, {"limit": "2", "cursor": page["next_cursor"]}))
        pages.append(page)
    # Then every page has at most 2 items, the last one says so, and together they are exactly what sunrise may see
    listed = [item["id"] for p in pages for item in p["items"]]
    assert all(len(p["items"]) <= 2 for p in pages)
    assert pages[-1]["next_cursor"] is None
    assert sorted(listed) == sorted(SUNRISE_VISIBLE)
    # And the organization's own activities come first, then the public catalog
    assert set(listed[:2]) == {ids.SUNRISE_PUPPETS, ids.SUNRISE_SENSORY_BIN}


def test_another_org_sees_its_own_activities_and_the_public_catalog(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    page = ok(list_page(lambda_context, {"limit": "100"}, sub=ids.ADMIN_MAPLE_SUB))
    assert page["items"][0]["id"] == ids.MAPLE_LEAF_ART
    assert {item["org_id"] for item in page["items"]} == {"maple", "public"}
    assert len(page["items"]) == 4
    assert page["next_cursor"] is None


def test_the_default_page_size_is_used_without_a_limit(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    page = ok(list_page(lambda_context, {}))
    assert len(page["items"]) == len(SUNRISE_VISIBLE)
    assert page["next_cursor"] is None


def test_an_invalid_cursor_is_a_400_problem(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    for cursor in ["zzz", "eyJwIjo5OSwiayI6bnVsbH0", "%%%"]:
        body = problem(list_page(lambda_context, {"limit": "2", "cursor": cursor}), 400)
        assert body["title"] == "Invalid cursor"


def test_a_cursor_cannot_reach_another_organizations_partition(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given a cursor positioned inside sunrise's partition
    cursor = encode((0, {"id": {"S": ids.SUNRISE_PUPPETS}, "org_id": {"S": "sunrise"}}))
    assert ok(list_page(lambda_context, {"limit": "1", "cursor": cursor}))["items"]
    # When maple's admin presents it
    response = list_page(lambda_context, {"limit": "1", "cursor": cursor}, sub=ids.ADMIN_MAPLE_SUB)
    # Then it is rejected rather than used to read sunrise's activities
    problem(response, 400)


def test_a_limit_out_of_range_is_a_422_pointing_at_the_query_parameter(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    for limit in ["0", "101", "abc", "-1"]:
        body = problem(list_page(lambda_context, {"limit": limit}), 422)
        assert [(e["pointer"], e["location"]) for e in body["errors"]] == [("#/limit", "query")], limit


def test_a_large_page_is_gzipped_for_a_client_that_accepts_it(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    response = list_page(lambda_context, {"limit": "5"})
    assert response["headers"]["content-encoding"] == "gzip"
    assert response["isBase64Encoded"] is True
    assert len(response_json(response)["items"]) == 5


# --- identity ---------------------------------------------------------------------------------------------------


def test_a_caller_without_membership_is_a_403_problem_on_both_routes(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    problem(get(lambda_context, ids.PUBLIC_BLOCKS, sub=extra.NO_MEMBERSHIP_SUB), 403)
    problem(list_page(lambda_context, {}, sub=extra.NO_MEMBERSHIP_SUB), 403)


def test_a_request_without_claims_is_a_401_problem_on_both_routes(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    problem(get(lambda_context, ids.PUBLIC_BLOCKS, claims={}), 401)
    problem(list_page(lambda_context, {}, claims={}), 401)
