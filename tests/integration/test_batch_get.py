"""POST /api/v1/batch/get end to end inside the function (DESIGN 3.1, 3.4, 3.5, 4): the Lambda handler runs HTTP API
v2 events from events/ against moto's DynamoDB, with tables built from template.yaml and the core demo data."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from early_learning.settings import Settings
from early_learning.store.base import counting_calls
from functions.batch_get.app import handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.data import extra
from tests.events import load_event, response_json
from tests.integration.faults import BatchGetSpy, connection_reset, throttled

BLOCKS, SONGS, GARDEN = ids.PUBLIC_BLOCKS, ids.PUBLIC_SONGS, ids.PUBLIC_GARDEN
PUPPETS, SENSORY_BIN, MAPLE_ART, MISSING = (
    ids.SUNRISE_PUPPETS,
    ids.SUNRISE_SENSORY_BIN,
    ids.MAPLE_LEAF_ART,
    ids.MISSING,
)
ALL_FIELDS = {
    "id",
    "org_id",
    "name",
    "description",
    "activity_type",
    "min_age_months",
    "max_age_months",
    "setting",
    "min_group_size",
    "max_group_size",
    "duration_minutes",
    "materials",
    "special_needs_adaptations",
    "weather_suitability",
    "version",
    "updated_at",
}


def call(context: FakeLambdaContext, body: Any = None, **event: Any) -> dict[str, Any]:
    """Invoke the function with events/batch_get.json (as the admin of sunrise unless ``sub`` says otherwise)."""
    response: dict[str, Any] = handler(load_event("batch_get.json", body=body, **event), context)
    return response


def batch(context: FakeLambdaContext, ids: list[str], fields: str | None = None, **event: Any) -> dict[str, Any]:
    """A batch GET of activities that must be answered 200; returns the envelope."""
    body: dict[str, Any] = {"resource_type": "activities", "ids": ids}
    if fields is not None:
        body["fields"] = fields
    response = call(context, body, **event)
    assert response["statusCode"] == 200, response_json(response)
    envelope: dict[str, Any] = response_json(response)
    return envelope


def problem(response: dict[str, Any], status: int) -> dict[str, Any]:
    assert response["statusCode"] == status, response_json(response)
    assert response["headers"]["content-type"] == "application/problem+json"
    body: dict[str, Any] = response_json(response)
    assert body["status"] == status
    assert body["title"]
    return body


def by_status(envelope: dict[str, Any]) -> list[tuple[str, int]]:
    return [(r["id"], r["status_code"]) for r in envelope["results"]]


def assert_totals_add_up(envelope: dict[str, Any], requested: int) -> None:
    assert envelope["total_requested"] == requested == len(envelope["results"])
    assert envelope["total_succeeded"] == sum(1 for r in envelope["results"] if r["status"] == "success")
    assert envelope["total_requested"] == envelope["total_succeeded"] + envelope["total_failed"]


# --- the events as committed ------------------------------------------------------------------------------------


def test_the_batch_get_event_returns_every_item_with_the_selected_fields(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given the committed event: five activities sunrise's admin may see, fields id,name,activity_type
    # When the function handles it
    response = handler(load_event("batch_get.json"), lambda_context)
    # Then every item succeeds with exactly those fields
    assert response["statusCode"] == 200
    envelope = response_json(response)
    assert envelope["resource_type"] == "activities"
    assert by_status(envelope) == [(i, 200) for i in (BLOCKS, SONGS, GARDEN, PUPPETS, SENSORY_BIN)]
    assert all(set(r["data"]) == {"id", "name", "activity_type"} for r in envelope["results"])
    assert envelope["results"][0]["data"] == {
        "id": BLOCKS,
        "name": "Block Tower Challenge",
        "activity_type": "cognitive",
    }
    assert_totals_add_up(envelope, 5)
    assert envelope["processed_at"].endswith("Z")


def test_the_partial_event_mixes_every_kind_of_item_result(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given the committed event: found, missing, another org's, malformed, upper-case duplicate, own org's
    response = handler(load_event("batch_get_partial.json"), lambda_context)
    envelope = response_json(response)
    # Then the batch is a 200 with one result per id, in order, each with its own status
    assert response["statusCode"] == 200
    assert [r["status_code"] for r in envelope["results"]] == [200, 404, 404, 400, 200, 200]
    assert [r.get("error_code") for r in envelope["results"]] == [
        None,
        "not_found",
        "not_found",
        "invalid_id",
        None,
        None,
    ]
    assert (envelope["total_requested"], envelope["total_succeeded"], envelope["total_failed"]) == (6, 3, 3)
    assert all(r["retryable"] is False for r in envelope["results"] if r["status"] == "error")


# --- DESIGN 3.1 per-item rules ----------------------------------------------------------------------------------


def test_results_answer_the_ids_in_request_order_echoed_as_sent(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    ids = [SENSORY_BIN, GARDEN.upper(), BLOCKS, PUPPETS, SONGS]
    envelope = batch(lambda_context, ids, fields="name")
    assert [r["id"] for r in envelope["results"]] == ids
    assert [r["data"]["id"] for r in envelope["results"]] == [i.lower() for i in ids]


def test_totals_add_up_in_a_mixed_batch(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    ids = [BLOCKS, MISSING, "nope", BLOCKS, MAPLE_ART, PUPPETS, "1234", SONGS.upper()]
    envelope = batch(lambda_context, ids)
    assert_totals_add_up(envelope, len(ids))
    assert (envelope["total_succeeded"], envelope["total_failed"]) == (4, 4)


def test_duplicates_are_answered_at_every_position_and_fetched_once(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy
) -> None:
    # Given the same activity three times (once in upper case) and a missing one twice
    ids = [BLOCKS, MISSING, BLOCKS.upper(), BLOCKS, MISSING]
    # When the batch runs
    with counting_calls() as calls:
        envelope = batch(lambda_context, ids, fields="name")
    # Then every position is answered
    assert by_status(envelope) == [(BLOCKS, 200), (MISSING, 404), (BLOCKS.upper(), 200), (BLOCKS, 200), (MISSING, 404)]
    # And DynamoDB got one BatchGetItem with each distinct key once (it rejects duplicate keys)
    assert batch_get_spy.calls == [[BLOCKS, MISSING]]
    assert calls.count("BatchGetItem") == 1


def test_uuids_match_case_insensitively(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    mixed = "A1B2C3D4-0000-4000-8000-00000000a001"
    envelope = batch(lambda_context, [PUPPETS.upper(), mixed])
    assert by_status(envelope) == [(PUPPETS.upper(), 200), (mixed, 200)]
    assert [r["data"]["name"] for r in envelope["results"]] == ["Feelings Puppet Show"] * 2


def test_a_malformed_id_is_an_item_400(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given ids that are not 8-4-4-4-12 UUIDs next to a valid one
    bad_ids = ["not-a-uuid", "123", f"{BLOCKS}\n", f"{{{BLOCKS}}}", BLOCKS.replace("-", ""), "x" * 128]
    # When they are asked for
    envelope = batch(lambda_context, [*bad_ids, BLOCKS])
    # Then each malformed one is an item 400 invalid_id, echoed as sent, and the valid one succeeds
    *bad, good = envelope["results"]
    assert [(r["id"], r["status"], r["status_code"], r["error_code"]) for r in bad] == [
        (bad_id, "error", 400, "invalid_id") for bad_id in bad_ids
    ]
    assert all(r["retryable"] is False and "UUID" in r["error"] for r in bad)
    assert good["status_code"] == 200


def test_missing_and_another_orgs_activity_get_the_same_404(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given sunrise's admin asks for a missing activity and one private to maple
    envelope = batch(lambda_context, [MISSING, MAPLE_ART])
    missing, foreign = envelope["results"]
    # Then both are item 404 not_found, and nothing but the id tells them apart
    for item in (missing, foreign):
        assert (item["status"], item["status_code"], item["error_code"], item["retryable"]) == (
            "error",
            404,
            "not_found",
            False,
        )
        assert "data" not in item
    assert missing["error"] == f"Activity with id {MISSING} not found"
    assert foreign["error"].replace(MAPLE_ART, MISSING) == missing["error"]
    assert set(missing) == set(foreign)


def test_the_owning_org_and_the_public_catalog_are_readable(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    envelope = batch(lambda_context, [MAPLE_ART, PUPPETS, BLOCKS], sub=ids.ADMIN_MAPLE_SUB)
    assert by_status(envelope) == [(MAPLE_ART, 200), (PUPPETS, 404), (BLOCKS, 200)]


def test_without_fields_every_field_is_returned_as_get_activity_would(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    envelope = batch(lambda_context, [BLOCKS, GARDEN])
    for result in envelope["results"]:
        assert set(result["data"]) == ALL_FIELDS
    # Absent optional attributes come back with their defaults, not as null; a record stored before versions is 1
    assert envelope["results"][0]["data"]["weather_suitability"] == []
    assert envelope["results"][0]["data"]["version"] == 1
    assert envelope["results"][1]["data"]["weather_suitability"] == ["sunny", "cloudy"]


def test_fields_become_a_projection_that_keeps_the_permission_attributes(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy
) -> None:
    # When a client asks for the name only
    envelope = batch(lambda_context, [BLOCKS, PUPPETS], fields="name")
    # Then DynamoDB was asked for the name and what the permission check needs, not the whole item
    assert batch_get_spy.projections == [{"id", "name", "org_id"}]
    # And the response carries the id and the name only (org_id was read, checked, and dropped)
    assert [r["data"] for r in envelope["results"]] == [
        {"id": BLOCKS, "name": "Block Tower Challenge"},
        {"id": PUPPETS, "name": "Feelings Puppet Show"},
    ]


def test_field_selection_never_weakens_authorization(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given fields that leave out org_id, the attribute the permission check needs
    envelope = batch(lambda_context, [MAPLE_ART, MISSING], fields="name,description")
    # Then maple's activity is still a 404 for sunrise, exactly like a missing one
    assert by_status(envelope) == [(MAPLE_ART, 404), (MISSING, 404)]


def test_selected_fields_have_the_values_of_the_full_representation(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given every activity, in full and with every optional field selected
    ids = [BLOCKS, SONGS, GARDEN, PUPPETS, SENSORY_BIN]
    optional = "setting,materials,special_needs_adaptations,weather_suitability,min_group_size,duration_minutes"
    full = batch(lambda_context, ids)
    projected = batch(lambda_context, ids, fields=optional)
    # Then a selected field has the same value either way (an absent list is [], not null)
    for whole, part in zip(full["results"], projected["results"], strict=True):
        assert part["data"] == {name: whole["data"][name] for name in part["data"]}
        assert set(part["data"]) == {"id", *optional.split(",")}


def test_ids_beyond_the_limit_or_none_are_a_422(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # 101 ids: the committed event
    too_many = problem(handler(load_event("batch_get_too_large.json"), lambda_context), 422)
    assert [e["pointer"] for e in too_many["errors"]] == ["#/ids"]
    # 0 ids
    empty = problem(call(lambda_context, {"resource_type": "activities", "ids": []}), 422)
    assert [e["pointer"] for e in empty["errors"]] == ["#/ids"]


def test_exactly_100_ids_are_accepted_and_cost_one_batch_get_item(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy
) -> None:
    ids = [f"0000cafe-0000-4000-8000-{i:012d}" for i in range(99)] + [BLOCKS]
    envelope = batch(lambda_context, ids, fields="name")
    assert_totals_add_up(envelope, 100)
    assert envelope["total_succeeded"] == 1
    assert [len(keys) for keys in batch_get_spy.calls] == [100]


def test_an_unsupported_resource_type_is_a_400(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    for resource_type in ["widgets", "Activities", "activity", ""]:
        body = problem(call(lambda_context, {"resource_type": resource_type, "ids": [BLOCKS]}), 400)
        assert body["title"] == "Unsupported resource type", resource_type
        assert "activities" in body["detail"]


def test_an_unknown_field_is_a_400_naming_the_allowed_fields(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    response = call(lambda_context, {"resource_type": "activities", "ids": [BLOCKS], "fields": "name,colour"})
    body = problem(response, 400)
    assert "'colour'" in body["detail"]
    assert all(name in body["detail"] for name in ALL_FIELDS)


def test_items_that_would_overflow_the_response_are_503_response_too_large(
    seeded: Any, lambda_context: FakeLambdaContext, settings_env: Any
) -> None:
    # Given a response budget room for about one full activity
    settings_env(response_limit_bytes=700)
    # When three are asked for
    envelope = batch(lambda_context, [BLOCKS, SONGS, GARDEN])
    # Then the first is answered and the others are retryable 503s, and the totals still add up
    assert by_status(envelope) == [(BLOCKS, 200), (SONGS, 503), (GARDEN, 503)]
    assert {(r["error_code"], r["retryable"]) for r in envelope["results"][1:]} == {("response_too_large", True)}
    assert_totals_add_up(envelope, 3)


# --- DynamoDB faults: never a 500 for a partial failure ---------------------------------------------------------


def test_unprocessed_keys_are_retried_and_succeed(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy, fast_retries: Settings
) -> None:
    batch_get_spy.withhold = lambda attempt, key: attempt == 0 and key == SONGS
    envelope = batch(lambda_context, [BLOCKS, SONGS, GARDEN], fields="name")
    assert by_status(envelope) == [(BLOCKS, 200), (SONGS, 200), (GARDEN, 200)]
    assert batch_get_spy.calls[1:] == [[SONGS]]


def test_keys_still_unprocessed_after_the_retry_budget_are_503_unavailable(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy, fast_retries: Settings
) -> None:
    # Given DynamoDB never processes one of the keys
    batch_get_spy.withhold = lambda attempt, key: key == SONGS
    # When the batch runs
    envelope = batch(lambda_context, [BLOCKS, SONGS, GARDEN, SONGS])
    # Then that item is a retryable 503 at each of its positions, and the others succeed
    assert by_status(envelope) == [(BLOCKS, 200), (SONGS, 503), (GARDEN, 200), (SONGS, 503)]
    unavailable = envelope["results"][1]
    assert (unavailable["error_code"], unavailable["retryable"]) == ("unavailable", True)
    assert_totals_add_up(envelope, 4)
    # And it was tried a bounded number of times: once, then retry_max_attempts retries
    assert batch_get_spy.attempts == 1 + fast_retries.retry_max_attempts


def test_throttling_makes_items_503_inside_a_200_envelope(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy, fast_retries: Settings
) -> None:
    batch_get_spy.fail = lambda attempt: throttled()
    envelope = batch(lambda_context, [BLOCKS, "bad", MISSING])
    assert by_status(envelope) == [(BLOCKS, 503), ("bad", 400), (MISSING, 503)]
    assert [r["retryable"] for r in envelope["results"]] == [True, False, True]
    assert batch_get_spy.attempts == 1 + fast_retries.retry_max_attempts


def test_an_error_after_part_of_the_batch_was_read_is_a_200_with_the_rest_503(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy, fast_retries: Settings
) -> None:
    # Given the first BatchGetItem answers all but one key, and every retry's connection is reset (transient)
    batch_get_spy.withhold = lambda attempt, key: attempt == 0 and key == GARDEN
    batch_get_spy.fail = lambda attempt: connection_reset() if attempt >= 1 else None
    # When the batch runs
    envelope = batch(lambda_context, [BLOCKS, GARDEN, MISSING])
    # Then what was read is answered (found or not) and only the key that failed is a retryable 503
    assert by_status(envelope) == [(BLOCKS, 200), (GARDEN, 503), (MISSING, 404)]
    assert envelope["results"][1]["retryable"] is True


def test_an_error_after_a_read_that_found_nothing_is_still_a_200(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy, fast_retries: Settings
) -> None:
    # Given the first BatchGetItem proves one key absent and leaves the other unprocessed, and the retry fails
    batch_get_spy.withhold = lambda attempt, key: attempt == 0 and key == GARDEN
    batch_get_spy.fail = lambda attempt: connection_reset() if attempt >= 1 else None
    # Then the absent one is a 404 and the other a 503: a partial failure, not a 500 for the whole batch
    envelope = batch(lambda_context, [MISSING, GARDEN])
    assert by_status(envelope) == [(MISSING, 404), (GARDEN, 503)]


def test_a_programming_error_after_part_of_the_batch_was_read_is_a_500_not_a_retryable_503(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy, fast_retries: Settings
) -> None:
    # Given the first BatchGetItem answers all but one key, and the retry meets an error that is not DynamoDB's
    batch_get_spy.withhold = lambda attempt, key: attempt == 0 and key == GARDEN
    batch_get_spy.fail = lambda attempt: RuntimeError("a bug") if attempt == 1 else None
    # Then it propagates (DESIGN 6): a 500 problem, never items a client would retry forever (before: GARDEN 503)
    problem(call(lambda_context, {"resource_type": "activities", "ids": [BLOCKS, GARDEN]}), 500)


def test_an_unexpected_error_when_nothing_could_be_read_is_a_500_problem_with_the_correlation_id(
    seeded: Any,
    lambda_context: FakeLambdaContext,
    batch_get_spy: BatchGetSpy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given DynamoDB fails with an unexpected error on the first call
    batch_get_spy.fail = lambda attempt: RuntimeError("secret-internal-detail")
    event = load_event("batch_get.json")
    # When the batch runs
    with caplog.at_level(logging.ERROR):
        response = handler(event, lambda_context)
    # Then the answer is a 500 problem quoting the API Gateway request id, with no trace of the error
    body = problem(response, 500)
    assert body["correlation_id"] == event["requestContext"]["requestId"]
    raw = json.dumps(body)
    assert "secret-internal-detail" not in raw
    assert "Traceback" not in raw
    assert "RuntimeError" not in raw
    # And the full error is logged
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors
    assert any(record.exc_info and "secret-internal-detail" in str(record.exc_info[1]) for record in errors)


def test_no_time_left_makes_every_readable_item_503_without_calling_dynamodb(
    seeded: Any, lambda_context: FakeLambdaContext, batch_get_spy: BatchGetSpy
) -> None:
    # Given the Lambda has no more time than the safety margin it keeps for the response
    lambda_context.timeout_ms = 1000
    # When a batch arrives
    envelope = batch(lambda_context, [BLOCKS, "bad"])
    # Then the valid id is a retryable 503 and DynamoDB was not called
    assert by_status(envelope) == [(BLOCKS, 503), ("bad", 400)]
    assert envelope["results"][0]["retryable"] is True
    assert batch_get_spy.attempts == 0


# --- DESIGN 3.4 problem details ---------------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_a_400_problem(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    for raw_body in ["{not json", '{"resource_type": "activities", "ids": [', "\x00\x01", "{'single': 'quotes'}"]:
        body = problem(call(lambda_context, raw_body=raw_body), 400)
        assert body["detail"] == "The request body is not valid JSON", raw_body


def test_a_422_points_at_each_invalid_field(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    response = call(lambda_context, {"resource_type": 5, "ids": [BLOCKS, 7, "x" * 129], "fields": 3, "extra": 1})
    body = problem(response, 422)
    assert sorted(e["pointer"] for e in body["errors"]) == [
        "#/extra",
        "#/fields",
        "#/ids/1",
        "#/ids/2",
        "#/resource_type",
    ]
    assert {e["location"] for e in body["errors"]} == {"body"}


def test_a_422_never_echoes_large_input(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    huge = "q" * 9_000  # 0.9 MB in all: under the 1 MB body limit (413), so that the schema is what refuses it
    response = call(lambda_context, {"resource_type": huge, "ids": [huge] * 100, "fields": huge})
    body = problem(response, 422)
    assert "qqqq" not in json.dumps(body)
    assert len(json.dumps(body)) < 5_000
    assert len(body["errors"]) == 20  # DESIGN 3.4: at most 20 entries, however many fields failed


def test_a_body_over_1_mb_is_a_413_problem_before_it_is_parsed(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Not even JSON: a 413 (not a 400) shows that the size was refused before any parsing (DESIGN 3.6)
    event = load_event("batch_get.json", raw_body="[" * (1024 * 1024 + 1))
    body = problem(handler(event, lambda_context), 413)
    assert body["detail"] == "The request body is over this route's limit of 1048576 bytes"


# --- DESIGN 4 identity ------------------------------------------------------------------------------------------


def test_claims_arrive_as_strings_including_list_claims(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # Given the authorizer's claims as HTTP API hands them over: strings only, groups as "[a b]"
    claims = {
        "sub": ids.TEACHER_SUNRISE_SUB,
        "cognito:groups": "[educators staff]",
        "scope": "openid email",
        "client_id": "4ea1ut1s8dkvtqv8demoappcl",
        "username": "teacher@sunrise.example",
        "token_use": "access",
        "exp": "1771275600",
    }
    # Then the caller is recognised from its sub
    envelope = batch(lambda_context, [PUPPETS], claims=claims)
    assert by_status(envelope) == [(PUPPETS, 200)]


@pytest.mark.parametrize("token_use", ["id", None, "", "Access"])
def test_only_an_access_token_may_call_the_api(
    seeded: Any, lambda_context: FakeLambdaContext, token_use: str | None
) -> None:
    # Given the claims of a Cognito ID token of a member (API Gateway's JWT authorizer lets it through: its "aud" is
    # the app client), or claims with no or another token_use
    claims = {"sub": ids.TEACHER_SUNRISE_SUB, "aud": "4ea1ut1s8dkvtqv8demoappcl", "email": "teacher@sunrise.example"}
    if token_use is not None:
        claims["token_use"] = token_use
    # Then the function refuses it: a 401 problem with a Bearer challenge (before: 200)
    response = call(lambda_context, claims=claims)
    body = problem(response, 401)
    assert "access token" in body["detail"]
    assert response["headers"]["www-authenticate"] == 'Bearer error="invalid_token"'


def test_a_valid_token_without_membership_is_a_403_problem(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    body = problem(call(lambda_context, sub=extra.NO_MEMBERSHIP_SUB), 403)
    assert body["title"] == "Forbidden"


def test_no_verified_identity_is_a_401_problem(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    # No claims at all, claims without a sub, an empty sub
    for claims in [{}, {"username": "admin@sunrise.example"}, {"sub": ""}]:
        body = problem(call(lambda_context, claims=claims), 401)
        assert body["title"] == "Unauthorized"


def test_an_event_without_an_authorizer_is_a_401_problem(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    event = load_event("batch_get.json")
    del event["requestContext"]["authorizer"]
    problem(handler(event, lambda_context), 401)


# --- DESIGN 3.5 compression -------------------------------------------------------------------------------------


def test_a_large_response_is_gzipped_and_base64_encoded_when_the_client_accepts_gzip(
    seeded: Any, lambda_context: FakeLambdaContext
) -> None:
    response = call(lambda_context, {"resource_type": "activities", "ids": [BLOCKS, SONGS, GARDEN]})
    assert response["headers"]["content-encoding"] == "gzip"
    assert response["isBase64Encoded"] is True
    assert len(json.dumps(response_json(response))) > 1_000
    assert len(response["body"]) < len(json.dumps(response_json(response)))


def test_a_small_response_is_not_compressed(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    response = call(lambda_context, {"resource_type": "activities", "ids": [BLOCKS], "fields": "name"})
    assert "content-encoding" not in response["headers"]
    assert response["isBase64Encoded"] is False
    assert json.loads(response["body"])["total_succeeded"] == 1


def test_a_client_that_does_not_accept_gzip_gets_plain_json(seeded: Any, lambda_context: FakeLambdaContext) -> None:
    body = {"resource_type": "activities", "ids": [BLOCKS, SONGS, GARDEN]}
    response = call(lambda_context, body, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in response["headers"]
    assert response["isBase64Encoded"] is False
    assert len(response["body"]) > 1_000
