"""POST /api/v1/activities and /children, PATCH and DELETE /api/v1/activities/{id} and /children/{id} under moto
(DESIGN 3.3): the batch items' rules for one resource, answered with its status, ETag, Location, If-Match
preconditions, the merge patch's media types, problems for the item's errors, and Idempotency-Key replays."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from early_learning.envelope import Deadline
from early_learning.store import activities, children, history
from functions.activities.app import handler as activities_handler
from functions.activity_write.app import handler as activity_writes
from functions.child_write.app import handler as child_writes
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.data.extra import ACTIVITY_DRAFT
from tests.events import load_event, response_json
from tests.integration.children_support import Answer, Handler
from tests.integration.store_faults import StoreFaults, condition_failed

NEW_ID = "5e1f0000-0000-4000-8000-00000000d001"
NEW_CHILD = "c41d0000-0000-4000-8000-00000000d002"
DRAFT = ACTIVITY_DRAFT
CHILD_DRAFT = {"name": "Noor", "classroom_id": ids.SUNRISE_A, "birth_date": "2023-05-01"}
PROBLEM = "application/problem+json"
MERGE_PATCH = "application/merge-patch+json"


def send(handler: Handler, event: dict[str, Any], context: FakeLambdaContext) -> Answer:
    """Invoke ``handler``; the body decoded (None when there is none: a 204)."""
    response = handler(event, context)
    body = response_json(response) if response.get("body") else None
    return Answer(response["statusCode"], body, dict(response.get("headers") or {}))


def activity_path(key: str) -> str:
    return f"/api/v1/activities/{key}"


def child_path(key: str) -> str:
    return f"/api/v1/children/{key}"


def create_activity(
    context: FakeLambdaContext, body: Any, sub: str = ids.ADMIN_SUNRISE_SUB, headers: dict[str, str] | None = None
) -> Answer:
    return send(activity_writes, load_event("create_activity.json", body=body, sub=sub, headers=headers), context)


def patch_activity(
    context: FakeLambdaContext,
    key: str,
    changes: Any,
    *,
    if_match: str | None = None,
    content_type: str = MERGE_PATCH,
    sub: str = ids.ADMIN_SUNRISE_SUB,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> Answer:
    extra = {
        "content-type": content_type,
        **({"if-match": if_match} if if_match is not None else {}),
        **(headers or {}),
    }
    event = load_event(
        "update_activity.json",
        body=changes if raw_body is None else None,
        raw_body=raw_body,
        path=activity_path(key),
        sub=sub,
        headers=extra,
    )
    return send(activity_writes, event, context)


def delete_activity(
    context: FakeLambdaContext,
    key: str,
    *,
    if_match: str | None = None,
    sub: str = ids.ADMIN_SUNRISE_SUB,
    headers: dict[str, str] | None = None,
) -> Answer:
    extra = {**({"if-match": if_match} if if_match is not None else {}), **(headers or {})}
    event = load_event("delete_activity.json", path=activity_path(key), sub=sub, headers=extra)
    return send(activity_writes, event, context)


def get_activity(context: FakeLambdaContext, key: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    return send(activities_handler, load_event("get_activity.json", path=activity_path(key), sub=sub), context)


def is_problem(answer: Answer, status: int) -> bool:
    return (
        answer.status == status
        and answer.headers.get("content-type") == PROBLEM
        and isinstance(answer.body, dict)
        and answer.body["status"] == status
    )


def stored(key: str) -> Any:
    return activities.read_one(key)


def sunrise_activities() -> list[Any]:
    return list(activities.list_page([ids.SUNRISE], 100, (0, None))[0])


# --- create -------------------------------------------------------------------------------------------------------


def test_a_create_answers_201_with_location_etag_and_the_activity(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = create_activity(lambda_context, {"id": NEW_ID, **DRAFT})
    assert answer.status == 201, answer.body
    assert answer.headers["location"] == activity_path(NEW_ID)
    assert answer.headers["etag"] == '"1"'
    assert answer.headers["content-type"] == "application/json"
    assert (answer.body["id"], answer.body["org_id"], answer.body["version"]) == (NEW_ID, ids.SUNRISE, 1)
    assert answer.body["name"] == "Rainbow rice"
    assert stored(NEW_ID).name == "Rainbow rice"


def test_a_create_without_an_id_gets_one_and_says_where(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = create_activity(lambda_context, DRAFT)
    assert answer.status == 201
    assert answer.headers["location"] == activity_path(answer.body["id"])
    assert stored(answer.body["id"]) is not None


def test_a_create_of_an_existing_id_is_a_409_problem(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert create_activity(lambda_context, {"id": NEW_ID, **DRAFT}).status == 201
    again = create_activity(lambda_context, {"id": NEW_ID, **DRAFT, "name": "Another"})
    assert is_problem(again, 409)
    assert stored(NEW_ID).name == "Rainbow rice"


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({**DRAFT, "min_age_months": "18"}, ["#/min_age_months"]),  # strict: a string is not a number
        ({**DRAFT, "activity_type": "juggling"}, ["#/activity_type"]),
        ({**DRAFT, "org_id": "maple"}, ["#/org_id"]),  # set by the API
        ({**DRAFT, "colour": "red"}, ["#/colour"]),
        ({k: v for k, v in DRAFT.items() if k != "name"}, ["#/name"]),
        ({**DRAFT, "id": "not-a-uuid"}, ["#/id"]),
        ({**DRAFT, "description": "x" * 20_000}, ["#"]),  # over the item size bound
    ],
)
def test_an_invalid_body_is_a_422_problem_with_pointers_into_it(
    data: Any, lambda_context: FakeLambdaContext, body: Any, pointers: list[str]
) -> None:
    before = sunrise_activities()
    answer = create_activity(lambda_context, body)
    assert is_problem(answer, 422), answer.body
    assert [error["pointer"] for error in answer.body["errors"]] == pointers
    assert all(error["location"] == "body" for error in answer.body["errors"])
    assert "x" * 100 not in str(answer.body)  # never echoes the input
    assert sunrise_activities() == before  # nothing created


def test_a_body_that_is_not_an_object_is_a_422_problem(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = create_activity(lambda_context, [DRAFT])
    assert is_problem(answer, 422)
    assert [error["pointer"] for error in answer.body["errors"]] == ["#"]


def test_a_guardian_may_not_create_activities(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = create_activity(lambda_context, {"id": NEW_ID, **DRAFT}, sub=ids.PARENT_SUNRISE_SUB)
    assert is_problem(answer, 403)
    assert stored(NEW_ID) is None


# --- read: ETag -----------------------------------------------------------------------------------------------------


def test_a_single_read_answers_the_version_as_etag(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = get_activity(lambda_context, ids.SUNRISE_PUPPETS)
    assert answer.status == 200
    assert answer.headers["etag"] == f'"{answer.body["version"]}"' == '"1"'
    assert patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 9}).status == 200
    assert get_activity(lambda_context, ids.SUNRISE_PUPPETS).headers["etag"] == '"2"'


# --- update: JSON Merge Patch ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", [MERGE_PATCH, "application/json", "application/merge-patch+json; charset=utf-8"]
)
def test_a_patch_applies_the_merge_patch_and_answers_the_new_version(
    data: Any, lambda_context: FakeLambdaContext, content_type: str
) -> None:
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 45}, content_type=content_type)
    assert answer.status == 200, answer.body
    assert (answer.body["duration_minutes"], answer.body["version"]) == (45, 2)
    assert answer.headers["etag"] == '"2"'
    assert "location" not in answer.headers
    assert (stored(ids.SUNRISE_PUPPETS).duration_minutes, stored(ids.SUNRISE_PUPPETS).version) == (45, 2)


def test_a_patch_with_null_resets_a_field_to_its_default(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert stored(ids.SUNRISE_PUPPETS).materials
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"materials": None, "setting": None})
    assert answer.status == 200
    assert (answer.body["materials"], answer.body["setting"]) == ([], "indoor")
    assert stored(ids.SUNRISE_PUPPETS).materials == []


@pytest.mark.parametrize(
    ("changes", "pointers"),
    [
        ({"name": None}, ["#/name"]),  # required: cannot be reset
        ({"duration_minutes": "45"}, ["#/duration_minutes"]),
        ({"colour": "red"}, ["#/colour"]),
        ({"version": 7, "org_id": "maple"}, ["#/version", "#/org_id"]),
        ([{"name": "x"}], ["#"]),  # a merge patch of anything but an object would replace the whole resource
    ],
)
def test_an_invalid_patch_is_a_422_problem_with_pointers_into_the_body_and_nothing_applied(
    data: Any, lambda_context: FakeLambdaContext, changes: Any, pointers: list[str]
) -> None:
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, changes)
    assert is_problem(answer, 422), answer.body
    assert [error["pointer"] for error in answer.body["errors"]] == pointers
    assert stored(ids.SUNRISE_PUPPETS).version == 1


def test_a_patch_over_the_item_bound_is_a_422_problem(data: Any, lambda_context: FakeLambdaContext) -> None:
    # A resource is at most 16 KB of JSON, as a create's item: a larger patch never reaches DynamoDB's 400 KB limit
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"description": "x" * 500_000})
    assert is_problem(answer, 422)
    assert [error["pointer"] for error in answer.body["errors"]] == ["#"]
    assert stored(ids.SUNRISE_PUPPETS).version == 1


def test_a_patch_with_many_unknown_members_lists_20_of_them(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {f"unknown_{n}": n for n in range(30)})
    assert is_problem(answer, 422)
    assert len(answer.body["errors"]) == 20
    assert "30 errors" in answer.body["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_patch_of_another_media_type_is_a_415_problem(
    data: Any, lambda_context: FakeLambdaContext, content_type: str
) -> None:
    answer = patch_activity(
        lambda_context, ids.SUNRISE_PUPPETS, None, content_type=content_type, raw_body='{"duration_minutes": 5}'
    )
    assert is_problem(answer, 415), answer.body
    assert answer.headers["accept-patch"] == f"{MERGE_PATCH}, application/json"
    assert stored(ids.SUNRISE_PUPPETS).version == 1


def test_a_patch_that_is_not_json_is_a_400_problem(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, None, raw_body="{not json")
    assert is_problem(answer, 400)


# --- If-Match -------------------------------------------------------------------------------------------------------


def test_a_patch_with_a_stale_if_match_is_a_412_problem_and_applies_nothing(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    assert patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 30}, if_match='"1"').status == 200
    stale = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 31}, if_match='"1"')
    assert is_problem(stale, 412), stale.body
    assert stale.body["current_version"] == 2
    assert (stored(ids.SUNRISE_PUPPETS).duration_minutes, stored(ids.SUNRISE_PUPPETS).version) == (30, 2)
    # With the current ETag, it applies
    fresh = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 31}, if_match='"2"')
    assert (fresh.status, fresh.headers["etag"]) == (200, '"3"')


def test_if_match_star_matches_any_existing_version(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 30}).status == 200
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 31}, if_match="*")
    assert (answer.status, answer.headers["etag"]) == (200, '"3"')
    assert is_problem(patch_activity(lambda_context, ids.MISSING, {}, if_match="*"), 404)


@pytest.mark.parametrize("if_match", ["1", 'W/"1"', '"1", "2"', '"abc"', '"0"', '"01"', "", '"1'])
def test_a_malformed_if_match_is_a_400_problem(data: Any, lambda_context: FakeLambdaContext, if_match: str) -> None:
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 5}, if_match=if_match)
    assert is_problem(answer, 400), answer.body
    assert answer.body["title"] == "Invalid If-Match"
    if if_match not in ("", "1"):
        assert if_match not in answer.body["detail"]  # never echoed
    assert is_problem(delete_activity(lambda_context, ids.SUNRISE_PUPPETS, if_match=if_match), 400)
    assert stored(ids.SUNRISE_PUPPETS).version == 1


def test_missing_or_forbidden_resources_are_answered_before_the_precondition(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    assert is_problem(patch_activity(lambda_context, ids.MISSING, {}, if_match='"9"'), 404)
    assert is_problem(patch_activity(lambda_context, ids.PUBLIC_BLOCKS, {}, if_match='"9"'), 403)
    assert is_problem(delete_activity(lambda_context, ids.MAPLE_LEAF_ART, if_match='"9"'), 404)
    assert is_problem(delete_activity(lambda_context, ids.PUBLIC_BLOCKS, if_match='"9"'), 403)


# --- permissions and ids --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("write", ["patch", "delete"])
def test_the_public_catalog_is_403_and_another_orgs_or_a_missing_activity_404(
    data: Any, lambda_context: FakeLambdaContext, write: str
) -> None:
    def attempt(key: str) -> Answer:
        if write == "patch":
            return patch_activity(lambda_context, key, {"duration_minutes": 5})
        return delete_activity(lambda_context, key)

    public, other_org, missing = attempt(ids.PUBLIC_BLOCKS), attempt(ids.MAPLE_LEAF_ART), attempt(ids.MISSING)
    assert is_problem(public, 403)
    assert is_problem(other_org, 404)
    assert is_problem(missing, 404)
    # The same answer for another organization's and a missing activity: nothing says the first exists
    assert other_org.body["detail"].replace(ids.MAPLE_LEAF_ART, "X") == missing.body["detail"].replace(ids.MISSING, "X")
    assert stored(ids.PUBLIC_BLOCKS) is not None
    assert stored(ids.MAPLE_LEAF_ART) is not None


@pytest.mark.parametrize("write", ["patch", "delete"])
def test_a_malformed_id_is_a_400_problem(data: Any, lambda_context: FakeLambdaContext, write: str) -> None:
    answer = (
        patch_activity(lambda_context, "not-a-uuid", {})
        if write == "patch"
        else delete_activity(lambda_context, "not-a-uuid")
    )
    assert is_problem(answer, 400)


def test_a_guardian_may_not_change_or_delete_activities(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert is_problem(patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {}, sub=ids.PARENT_SUNRISE_SUB), 403)
    assert is_problem(delete_activity(lambda_context, ids.SUNRISE_PUPPETS, sub=ids.PARENT_SUNRISE_SUB), 403)
    assert stored(ids.SUNRISE_PUPPETS).version == 1


def test_an_educator_may_write_its_organizations_activities(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 7}, sub=ids.TEACHER_SUNRISE_SUB)
    assert answer.status == 200


# --- delete ---------------------------------------------------------------------------------------------------------


def test_a_delete_answers_204_and_the_activity_is_gone(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = delete_activity(lambda_context, ids.SUNRISE_PUPPETS)
    assert (answer.status, answer.body) == (204, None)
    assert "etag" not in answer.headers
    assert is_problem(get_activity(lambda_context, ids.SUNRISE_PUPPETS), 404)
    assert is_problem(delete_activity(lambda_context, ids.SUNRISE_PUPPETS), 404)


def test_a_delete_with_another_version_in_if_match_is_a_412_problem(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    assert patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 30}).status == 200
    stale = delete_activity(lambda_context, ids.SUNRISE_PUPPETS, if_match='"1"')
    assert is_problem(stale, 412)
    assert stale.body["current_version"] == 2
    assert stored(ids.SUNRISE_PUPPETS) is not None
    assert delete_activity(lambda_context, ids.SUNRISE_PUPPETS, if_match='"2"').status == 204
    assert stored(ids.SUNRISE_PUPPETS) is None


def test_a_delete_with_if_match_star_deletes_any_version(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert delete_activity(lambda_context, ids.SUNRISE_PUPPETS, if_match="*").status == 204
    assert stored(ids.SUNRISE_PUPPETS) is None


# --- Idempotency-Key ------------------------------------------------------------------------------------------------


def replayed(first: Answer, again: Answer) -> bool:
    """``again`` is ``first`` given again: the same status, body and headers, marked as a replay. (``RateLimit`` is
    not the first answer's but the caller's quota now: a replay is a request, and counted, DESIGN 3.11.)"""
    headers = {k: v for k, v in again.headers.items() if k not in ("idempotent-replayed", "ratelimit")}
    first_headers = {k: v for k, v in first.headers.items() if k != "ratelimit"}
    return (
        again.headers.get("idempotent-replayed") == "true"
        and "idempotent-replayed" not in first.headers
        and (again.status, again.body, headers) == (first.status, first.body, first_headers)
    )


def test_a_replayed_create_answers_the_first_answer_and_creates_once(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    key = {"idempotency-key": "create-1"}
    first = create_activity(lambda_context, DRAFT, headers=key)
    again = create_activity(lambda_context, DRAFT, headers=key)
    assert first.status == 201
    assert replayed(first, again)
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == '"1"'
    rainbow = [activity for activity in sunrise_activities() if activity.name == "Rainbow rice"]
    assert len(rainbow) == 1  # created once
    # The same key with another body: refused
    assert is_problem(create_activity(lambda_context, {**DRAFT, "name": "Other"}, headers=key), 422)


def test_a_replayed_patch_and_delete_answer_the_first_answer_and_apply_once(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    key = {"idempotency-key": "patch-1"}
    first = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 41}, headers=key)
    again = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 41}, headers=key)
    assert first.status == 200
    assert replayed(first, again)
    assert stored(ids.SUNRISE_PUPPETS).version == 2  # applied once
    delete_key = {"idempotency-key": "delete-1"}
    gone = delete_activity(lambda_context, ids.SUNRISE_PUPPETS, headers=delete_key)
    assert gone.status == 204
    assert replayed(gone, delete_activity(lambda_context, ids.SUNRISE_PUPPETS, headers=delete_key))


def test_a_refused_write_frees_its_key(data: Any, lambda_context: FakeLambdaContext) -> None:
    # A problem is not kept: the same request, once it can succeed, runs (DESIGN 3.8: an error releases the key)
    key = {"idempotency-key": "stale-1"}
    assert patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 5}).status == 200
    stale = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"materials": []}, if_match='"2"', headers=key)
    assert stale.status == 200
    assert is_problem(
        patch_activity(
            lambda_context,
            ids.SUNRISE_PUPPETS,
            {"materials": ["x"]},
            if_match='"2"',
            headers={"idempotency-key": "stale-2"},
        ),
        412,
    )
    again = patch_activity(
        lambda_context,
        ids.SUNRISE_PUPPETS,
        {"materials": ["x"]},
        if_match='"3"',
        headers={"idempotency-key": "stale-2"},
    )
    assert again.status == 200
    assert "idempotent-replayed" not in again.headers


# --- store faults ---------------------------------------------------------------------------------------------------


def test_a_change_made_meanwhile_is_a_409_problem_without_if_match_and_412_with_it(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    # The PATCH's conditional PutItem is refused: the item changed between its read and the write
    faults.fail = lambda op, table, attempt: condition_failed("PutItem") if op == "PutItem" else None
    meanwhile = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 5})
    assert is_problem(meanwhile, 409), meanwhile.body
    assert meanwhile.body["title"] == "Changed meanwhile"
    assert is_problem(patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 5}, if_match='"1"'), 412)


def test_a_store_that_stays_throttled_is_a_503_problem_with_retry_after(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    faults.settings(retry_base_delay_s=0.001, retry_max_delay_s=0.004, retry_max_attempts=2)
    throttled = ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutItem"
    )
    faults.fail = lambda op, table, attempt: throttled if op == "PutItem" and table == "ActivitiesTable" else None
    key = {"idempotency-key": "throttled-1"}
    answer = patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 5}, headers=key)
    assert is_problem(answer, 503), answer.body
    assert int(answer.headers["retry-after"]) >= 1
    assert stored(ids.SUNRISE_PUPPETS).version == 1
    # Nothing was applied, and the key is free: the retry runs
    faults.fail = lambda op, table, attempt: None
    assert patch_activity(lambda_context, ids.SUNRISE_PUPPETS, {"duration_minutes": 5}, headers=key).status == 200


# --- children -------------------------------------------------------------------------------------------------------


def create_child(context: FakeLambdaContext, body: Any, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    return send(child_writes, load_event("create_child.json", body=body, sub=sub), context)


def patch_child(
    context: FakeLambdaContext, key: str, changes: Any, sub: str = ids.ADMIN_SUNRISE_SUB, if_match: str | None = None
) -> Answer:
    headers = {"if-match": if_match} if if_match is not None else {}
    event = load_event("update_child.json", body=changes, path=child_path(key), sub=sub, headers=headers)
    return send(child_writes, event, context)


def delete_child(context: FakeLambdaContext, key: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    return send(child_writes, load_event("delete_child.json", path=child_path(key), sub=sub), context)


def stored_child(key: str) -> Any:
    return children.read_many([key], Deadline(30_000)).items.get(key)


def test_an_admin_creates_a_child_201_with_location_and_etag(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = create_child(lambda_context, {"id": NEW_CHILD, **CHILD_DRAFT})
    assert answer.status == 201, answer.body
    assert answer.headers["location"] == child_path(NEW_CHILD)
    assert answer.headers["etag"] == '"1"'
    assert (answer.body["org_id"], answer.body["classroom_id"]) == (ids.SUNRISE, ids.SUNRISE_A)
    assert stored_child(NEW_CHILD) is not None


def test_only_admins_create_or_delete_children(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert is_problem(create_child(lambda_context, CHILD_DRAFT, sub=ids.TEACHER_SUNRISE_SUB), 403)
    assert is_problem(delete_child(lambda_context, ids.CHILD_AVA, sub=ids.TEACHER_SUNRISE_SUB), 403)
    assert is_problem(patch_child(lambda_context, ids.CHILD_AVA, {}, sub=ids.PARENT_SUNRISE_SUB), 403)
    assert stored_child(ids.CHILD_AVA) is not None


def test_an_educator_changes_its_classrooms_children_but_cannot_move_them(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    ok = patch_child(lambda_context, ids.CHILD_AVA, {"special_needs": ["autism"]}, sub=ids.TEACHER_SUNRISE_SUB)
    assert (ok.status, ok.body["special_needs"], ok.headers["etag"]) == (200, ["autism"], '"2"')
    moved = patch_child(lambda_context, ids.CHILD_AVA, {"classroom_id": ids.SUNRISE_B}, sub=ids.TEACHER_SUNRISE_SUB)
    assert is_problem(moved, 403)
    # Another classroom's child is invisible to it: 404
    assert is_problem(patch_child(lambda_context, ids.CHILD_ELLA, {}, sub=ids.TEACHER_SUNRISE_SUB), 404)


def test_a_child_patch_with_a_stale_if_match_is_a_412_problem(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert patch_child(lambda_context, ids.CHILD_AVA, {"focus_domains": ["motor"]}, if_match='"1"').status == 200
    assert is_problem(patch_child(lambda_context, ids.CHILD_AVA, {"focus_domains": []}, if_match='"1"'), 412)
    assert stored_child(ids.CHILD_AVA)["focus_domains"] == ["motor"]


def test_a_child_delete_answers_204_and_erases_its_history(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert history.read_many([ids.CHILD_AVA], Deadline(30_000)).entries.get(ids.CHILD_AVA)
    assert delete_child(lambda_context, ids.CHILD_AVA).status == 204
    assert stored_child(ids.CHILD_AVA) is None
    assert not history.read_many([ids.CHILD_AVA], Deadline(30_000)).entries.get(ids.CHILD_AVA)
    assert is_problem(delete_child(lambda_context, ids.CHILD_AVA), 404)
    # Another organization's child: 404 as if missing
    assert is_problem(delete_child(lambda_context, ids.CHILD_GRACE), 404)


# --- POST /api/v1/children/{id}/completions ----------------------------------------------------------------------


def record(context: FakeLambdaContext, child_id: str, body: dict[str, Any], sub: str) -> Answer:
    path = f"/api/v1/children/{child_id}/completions"
    event = load_event("create_completion.json", body=body, sub=sub, path=path)
    event["pathParameters"] = {"id": child_id}
    return send(child_writes, event, context)


def test_a_guardian_records_a_completion_of_its_child(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = record(lambda_context, ids.CHILD_AVA, {"activity_id": ids.PUBLIC_BLOCKS}, ids.PARENT_SUNRISE_SUB)
    assert answer.status == 201, answer.body
    assert answer.body["child_id"] == ids.CHILD_AVA
    assert answer.body["done_on"] == "2026-02-16"  # the request's day


def test_a_completion_of_another_child_or_activity_is_a_404_problem(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    not_mine = record(lambda_context, ids.CHILD_BEN, {"activity_id": ids.PUBLIC_BLOCKS}, ids.PARENT_SUNRISE_SUB)
    assert not_mine.status == 404
    other_org = record(lambda_context, ids.CHILD_AVA, {"activity_id": ids.MAPLE_LEAF_ART}, ids.PARENT_SUNRISE_SUB)
    assert other_org.status == 404


def test_a_completion_body_is_validated_with_pointers(data: Any, lambda_context: FakeLambdaContext) -> None:
    body = {"activity_id": ids.PUBLIC_BLOCKS, "child_id": ids.CHILD_BEN, "done_on": "yesterday"}
    answer = record(lambda_context, ids.CHILD_AVA, body, ids.PARENT_SUNRISE_SUB)
    assert answer.status == 422
    assert [e["pointer"] for e in answer.body["errors"]] == ["#/child_id"]
    bad_day = record(
        lambda_context, ids.CHILD_AVA, {"activity_id": ids.PUBLIC_BLOCKS, "done_on": "x"}, ids.PARENT_SUNRISE_SUB
    )
    assert [e["pointer"] for e in bad_day.body["errors"]] == ["#/done_on"]
