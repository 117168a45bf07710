"""POST /api/v1/batch/activities/recommendations and GET /api/v1/children/{id}/recommendations under moto
(DESIGN 3.2, 3.3, 4): envelope rules, per-item authorization, filters, determinism, DynamoDB round trips, logs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from early_learning.domain import Setting, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.recommendation_models import BatchRecommendationsRequest
from early_learning.scoring import recommend
from early_learning.services import recommendations
from early_learning.settings import Settings
from early_learning.store import activities
from early_learning.store.base import counting_calls
from functions.batch_recommendations.app import handler as batch_handler
from functions.children.app import handler as children_handler
from local.demo import ids
from local.demo.children import generate_children, generated_child_id
from local.demo.core import CORE_CHILDREN, CORE_HISTORY, CORE_MEMBERSHIPS
from tests.data import extra
from tests.events import load_event
from tests.integration.children_support import Answer, call, statuses, without_timestamps

SUNRISE_A_CHILDREN = [ids.CHILD_AVA, ids.CHILD_BEN, ids.CHILD_CHLOE, ids.CHILD_DEV]
NOT_FOUND = "Child with id {} not found"
BULK = [
    *generate_children(ids.SUNRISE, ids.SUNRISE_A, 25),
    *generate_children(ids.SUNRISE, ids.SUNRISE_B, 25),
]


@pytest.fixture(autouse=True)
def _cold_catalog() -> Iterator[None]:
    """Each test starts with a cold catalog cache (each has its own moto tables)."""
    activities.clear_catalog_cache()
    yield
    activities.clear_catalog_cache()


@pytest.fixture
def children_data(seeded: Any) -> Any:
    """Core activities and memberships, the extra activities, the core children and histories, and 50 more
    children of sunrise's two classrooms."""
    extra.seed_core(BULK)
    return seeded


def post(context: Any, body: Any = None, *, sub: str = ids.TEACHER_SUNRISE_SUB, **kw: Any) -> Answer:
    event = load_event("batch_recommendations.json", body=body, sub=sub, **kw)
    return call(batch_handler, event, context)


def get_one(context: Any, child_id: str, query: str = "", *, sub: str = ids.PARENT_SUNRISE_SUB) -> Answer:
    event = load_event(
        "child_recommendations.json", sub=sub, path=f"/api/v1/children/{child_id}/recommendations", query={}
    )
    event["pathParameters"] = {"id": child_id}
    event["rawQueryString"] = query  # verbatim, so that a parameter can repeat
    return call(children_handler, event, context)


def activity_ids(item: dict[str, Any]) -> list[str]:
    return [rec["activity"]["id"] for rec in item["data"]["recommendations"]]


# --- the envelope -------------------------------------------------------------------------------------------------


def test_a_classroom_gets_one_successful_result_per_child_in_request_order(children_data, lambda_context):
    # Given the teacher of SUNRISE_A and the event asking for its four children (max 3 each, sunny)
    # When the batch is requested
    answer = post(lambda_context)
    # Then every child is answered, in order, with its own recommendations
    assert answer.status == 200
    body = answer.body
    assert [r["id"] for r in body["results"]] == SUNRISE_A_CHILDREN
    assert statuses(body) == [200] * 4
    assert (body["total_requested"], body["total_succeeded"], body["total_failed"]) == (4, 4, 0)
    assert "resource_type" not in body
    for result in body["results"]:
        data = result["data"]
        assert data["child_id"] == result["id"]
        recs = data["recommendations"]
        assert 1 <= len(recs) <= 3
        scores = [rec["relevance_score"] for rec in recs]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= score <= 1.0 for score in scores)
        assert all(rec["reasoning"] for rec in recs)


def test_partial_event_answers_every_position_with_its_own_status(children_data, lambda_context):
    # Given the teacher's partial event: own child, missing, other org, malformed, other classroom, the first id
    # again in upper case, and another own child
    event = load_event("batch_recommendations_partial.json")
    sent = json.loads(event["body"])["child_ids"]
    # When it is sent
    answer = call(batch_handler, event, lambda_context)
    body = answer.body
    # Then each position is answered, ids echoed as sent
    assert answer.status == 200
    assert [r["id"] for r in body["results"]] == sent
    assert statuses(body) == [200, 404, 404, 400, 404, 200, 200]
    assert (body["total_requested"], body["total_succeeded"], body["total_failed"]) == (7, 3, 4)
    # And missing, other organization and other classroom are indistinguishable
    for position, child_id in ((1, ids.MISSING_CHILD), (2, ids.CHILD_GRACE), (4, ids.CHILD_ELLA)):
        result = body["results"][position]
        assert result["error"] == NOT_FOUND.format(child_id)
        assert (result["error_code"], result["retryable"]) == ("not_found", False)
    assert body["results"][3]["error_code"] == "invalid_id"
    # And the duplicate (matched case-insensitively) gets the same answer at both positions
    assert body["results"][5]["data"] == body["results"][0]["data"]


@pytest.mark.parametrize(
    ("sub", "child_ids", "expected"),
    [
        pytest.param(
            ids.PARENT_SUNRISE_SUB,
            [ids.CHILD_AVA, ids.CHILD_FINN, ids.CHILD_BEN, ids.CHILD_GRACE],
            [200, 200, 404, 404],
            id="guardian-own-children-only",
        ),
        pytest.param(
            ids.ADMIN_SUNRISE_SUB,
            [ids.CHILD_AVA, ids.CHILD_ELLA, ids.CHILD_FINN, ids.CHILD_HUGO],
            [200, 200, 200, 404],
            id="admin-whole-org",
        ),
        pytest.param(
            ids.ADMIN_MAPLE_SUB,
            [ids.CHILD_GRACE, ids.CHILD_IRIS, ids.CHILD_AVA],
            [200, 200, 404],
            id="other-admin-own-org",
        ),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB, [ids.CHILD_DEV, ids.CHILD_ELLA], [200, 404], id="educator-own-classroom-only"
        ),
    ],
)
def test_each_item_is_authorized_for_the_caller(children_data, lambda_context, sub, child_ids, expected):
    # Given a caller and children some of which it may not see / When recommended
    body = post(lambda_context, {"child_ids": child_ids}, sub=sub).body
    # Then the invisible ones are 404 with the same message as a missing child
    assert statuses(body) == expected
    for result, child_id in zip(body["results"], child_ids, strict=True):
        if result["status_code"] == 404:
            assert result["error"] == NOT_FOUND.format(child_id)


def test_a_caller_without_membership_gets_403_for_the_whole_batch(children_data, lambda_context):
    answer = post(lambda_context, {"child_ids": [ids.CHILD_AVA]}, sub=extra.NO_MEMBERSHIP_SUB)
    assert answer.status == 403
    assert answer.headers["content-type"] == "application/problem+json"


# --- request validation: a 422 problem, never a 500 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        pytest.param({"child_ids": []}, "#/child_ids", id="no-children"),
        pytest.param({"child_ids": [generated_child_id(ids.SUNRISE_A, n) for n in range(51)]}, "#/child_ids", id="51"),
        pytest.param({}, "#/child_ids", id="child-ids-missing"),
        pytest.param({"child_ids": ids.CHILD_AVA}, "#/child_ids", id="child-ids-a-string"),
        pytest.param({"child_ids": [7]}, "#/child_ids/0", id="child-id-a-number"),
        pytest.param({"child_ids": ["x" * 129]}, "#/child_ids/0", id="child-id-too-long"),
        pytest.param({"child_ids": [ids.CHILD_AVA], "max_recommendations": 0}, "#/max_recommendations", id="max-0"),
        pytest.param({"child_ids": [ids.CHILD_AVA], "max_recommendations": 21}, "#/max_recommendations", id="max-21"),
        pytest.param(
            {"child_ids": [ids.CHILD_AVA], "max_recommendations": "five"}, "#/max_recommendations", id="max-not-int"
        ),
        pytest.param(
            {"child_ids": [ids.CHILD_AVA], "max_recommendations": 2.5}, "#/max_recommendations", id="max-fraction"
        ),
        pytest.param({"child_ids": [ids.CHILD_AVA], "weather": "foggy"}, "#/weather", id="unknown-weather"),
        pytest.param(
            {"child_ids": [ids.CHILD_AVA], "activity_types": ["juggling"]}, "#/activity_types/0", id="unknown-type"
        ),
        pytest.param(
            {"child_ids": [ids.CHILD_AVA], "activity_types": "motor"}, "#/activity_types", id="types-a-string"
        ),
        pytest.param({"child_ids": [ids.CHILD_AVA], "group_size": 0}, "#/group_size", id="group-size-0"),
        pytest.param({"child_ids": [ids.CHILD_AVA], "child_age_months": -1}, "#/child_age_months", id="negative-age"),
        pytest.param(
            {"child_ids": [ids.CHILD_AVA], "include_special_needs": "perhaps"}, "#/include_special_needs", id="not-bool"
        ),
        pytest.param({"child_ids": [ids.CHILD_AVA], "max_recomendations": 3}, "#/max_recomendations", id="misspelt"),
        pytest.param(["not", "an", "object"], "#", id="body-a-list"),
    ],
)
def test_invalid_requests_are_422_problems_naming_the_field(children_data, lambda_context, body, pointer):
    # Given a request body that breaks the contract / When sent
    answer = post(lambda_context, body)
    # Then a 422 problem points at the field, without echoing the input
    assert answer.status == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["status"] == 422
    assert pointer in [error["pointer"] for error in answer.body["errors"]]
    assert "x" * 129 not in json.dumps(answer.body)


def test_the_too_many_event_is_refused_with_422(children_data, lambda_context):
    answer = call(batch_handler, load_event("batch_recommendations_too_many.json"), lambda_context)
    assert answer.status == 422
    assert answer.body["errors"][0]["pointer"] == "#/child_ids"


def test_a_body_that_is_not_json_is_a_400_problem(children_data, lambda_context):
    answer = post(lambda_context, raw_body='{"child_ids": [')
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("limit", [1, 20])
def test_max_recommendations_bounds_are_accepted_and_respected(children_data, lambda_context, limit):
    # Given the smallest and largest allowed max_recommendations / When requested for a classroom
    body = post(lambda_context, {"child_ids": SUNRISE_A_CHILDREN, "max_recommendations": limit}).body
    # Then no child gets more, and with 20 every child gets more than the default 5
    counts = [len(r["data"]["recommendations"]) for r in body["results"]]
    assert all(count <= limit for count in counts)
    assert all(count > (0 if limit == 1 else 5) for count in counts)


# --- filters, personalization, determinism ------------------------------------------------------------------------


def test_rain_excludes_outdoor_activities_for_every_child(children_data, lambda_context):
    # Given a whole classroom (and more) on a rainy day
    child_ids = [*SUNRISE_A_CHILDREN, *(c.id for c in BULK[:10])]
    body = post(lambda_context, {"child_ids": child_ids, "weather": "rainy", "max_recommendations": 20},
                sub=ids.ADMIN_SUNRISE_SUB).body  # fmt: skip
    # Then no recommendation of any child is an outdoor-only activity
    assert body["total_succeeded"] == len(child_ids)
    recs = [rec for r in body["results"] for rec in r["data"]["recommendations"]]
    assert recs
    assert all(rec["activity"]["setting"] != Setting.OUTDOOR for rec in recs)
    assert all(not rec["activity"]["weather_suitability"] or "rainy" in rec["activity"]["weather_suitability"]
               for rec in recs)  # fmt: skip


def test_activity_types_and_group_size_hold_for_every_child(children_data, lambda_context):
    # Given a filter on types and a group of 5
    body = post(
        lambda_context,
        {"child_ids": SUNRISE_A_CHILDREN, "activity_types": ["motor", "cognitive"], "group_size": 5,
         "max_recommendations": 20},
    ).body  # fmt: skip
    # Then every recommended activity is of those types and takes a group of 5
    recs = [rec["activity"] for r in body["results"] for rec in r["data"]["recommendations"]]
    assert recs
    assert {a["activity_type"] for a in recs} <= {"motor", "cognitive"}
    assert all(a["min_group_size"] <= 5 <= a["max_group_size"] for a in recs)


def test_only_the_callers_catalog_is_recommended(children_data, lambda_context):
    # Given sunrise's teacher / When asking for as many recommendations as allowed
    body = post(lambda_context, {"child_ids": SUNRISE_A_CHILDREN, "max_recommendations": 20}).body
    # Then maple's private activities never appear
    orgs = {rec["activity"]["org_id"] for r in body["results"] for rec in r["data"]["recommendations"]}
    assert orgs <= {"sunrise", "public"}
    assert "sunrise" in orgs


def test_children_of_one_classroom_get_different_explained_recommendations(children_data, lambda_context):
    # Given the four children of SUNRISE_A (different ages, focus domains, needs and histories)
    body = post(lambda_context, {"child_ids": SUNRISE_A_CHILDREN, "max_recommendations": 5}).body
    by_child = {r["id"]: r["data"]["recommendations"] for r in body["results"]}
    # Then their recommendation lists differ
    assert len({tuple(rec["activity"]["id"] for rec in recs) for recs in by_child.values()}) == 4
    # And the reasons name what made the difference
    ben = [rec["reasoning"] for rec in by_child[ids.CHILD_BEN]]
    assert any("Adapted for fine motor delay" in reason for reason in ben)
    assert any("Supports motor development" in r or "Supports sensory development" in r for r in ben)
    chloe = [rec["reasoning"] for rec in by_child[ids.CHILD_CHLOE]]
    assert any("Adapted for autism" in reason for reason in chloe)
    # And a recently done activity is never called fresh
    recent_of_ava = {entry.activity_id for entry in CORE_HISTORY[ids.CHILD_AVA]}
    for rec in by_child[ids.CHILD_AVA]:
        if rec["activity"]["id"] in recent_of_ava:
            assert "Done recently" in rec["reasoning"]
        else:
            assert "Fresh activity suggestion" in rec["reasoning"]


def test_a_recently_done_activity_scores_below_an_equal_fresh_one(children_data, lambda_context):
    # Given Ava recently did the Rhyme Time Circle but neither the Story Sequencing Cards nor the Picture Book Walk:
    # three language activities that all fit 40 months, none adapted to needs she does not have
    body = post(
        lambda_context, {"child_ids": [ids.CHILD_AVA], "activity_types": ["language"], "child_age_months": 40}
    ).body
    recs = {rec["activity"]["id"]: rec for rec in body["results"][0]["data"]["recommendations"]}
    # Then the recent one scores below the two fresh ones, which score the same, and the reasons say why
    score = {activity_id: rec["relevance_score"] for activity_id, rec in recs.items()}
    assert score[ids.PUBLIC_SONGS] < score[extra.STORY_CARDS] == score[extra.PICTURE_BOOK]
    assert "Done recently" in recs[ids.PUBLIC_SONGS]["reasoning"]
    assert "Fresh activity suggestion" in recs[extra.STORY_CARDS]["reasoning"]


def test_child_age_months_overrides_the_birth_date(children_data, lambda_context):
    # Given children of very different ages, and a request fixing the age at 14 months
    body = post(
        lambda_context, {"child_ids": SUNRISE_A_CHILDREN, "child_age_months": 14, "max_recommendations": 20}
    ).body
    # Then "Perfect age match" is said exactly of the activities whose range covers 14 months, for every child
    for result in body["results"]:
        for rec in result["data"]["recommendations"]:
            covers = rec["activity"]["min_age_months"] <= 14 <= rec["activity"]["max_age_months"]
            assert rec["reasoning"].startswith("Perfect age match") == covers


def test_the_same_request_gives_the_same_answer(children_data, lambda_context):
    # Given one request / When sent twice (the second with a warm catalog cache)
    request = {"child_ids": [*SUNRISE_A_CHILDREN, ids.CHILD_AVA], "weather": "sunny", "group_size": 4}
    first, second = post(lambda_context, request).body, post(lambda_context, request).body
    # Then the answers are equal but for their timestamps
    assert without_timestamps(first) == without_timestamps(second)


def test_the_single_child_route_answers_the_batch_items_data(children_data, lambda_context):
    # Given the same options as query parameters and as a batch body
    batch = post(
        lambda_context,
        {"child_ids": [ids.CHILD_FINN], "activity_types": ["language", "cognitive"], "weather": "rainy",
         "max_recommendations": 4},
        sub=ids.PARENT_SUNRISE_SUB,
    ).body  # fmt: skip
    single = get_one(
        lambda_context,
        ids.CHILD_FINN,
        "activity_types=language&activity_types=cognitive&weather=rainy&max_recommendations=4",
    )
    # Then the single route's body is the batch item's data
    assert single.status == 200
    assert without_timestamps(single.body) == without_timestamps(batch["results"][0]["data"])
    assert len(single.body["recommendations"]) == 4


def test_the_child_recommendations_event_works_unchanged(children_data, lambda_context):
    answer = call(children_handler, load_event("child_recommendations.json"), lambda_context)
    assert answer.status == 200
    assert answer.body["child_id"] == ids.CHILD_AVA
    assert all(rec["activity"]["setting"] != "outdoor" for rec in answer.body["recommendations"])


@pytest.mark.parametrize(
    ("sub", "child_id"),
    [
        pytest.param(ids.PARENT_SUNRISE_SUB, ids.CHILD_BEN, id="guardian-not-own-child"),
        pytest.param(ids.TEACHER_SUNRISE_SUB, ids.CHILD_ELLA, id="educator-other-classroom"),
        pytest.param(ids.ADMIN_SUNRISE_SUB, ids.CHILD_GRACE, id="admin-other-org"),
        pytest.param(ids.ADMIN_SUNRISE_SUB, ids.MISSING_CHILD, id="missing"),
    ],
)
def test_the_single_child_route_is_404_for_missing_or_inaccessible(children_data, lambda_context, sub, child_id):
    answer = get_one(lambda_context, child_id, sub=sub)
    assert answer.status == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["detail"] == NOT_FOUND.format(child_id)


@pytest.mark.parametrize(
    ("child_id", "query", "status"),
    [
        pytest.param("not-a-uuid", "", 400, id="malformed-id"),
        pytest.param(ids.CHILD_AVA, "max_recommendations=0", 422, id="max-0"),
        pytest.param(ids.CHILD_AVA, "max_recommendations=21", 422, id="max-21"),
        pytest.param(ids.CHILD_AVA, "max_recommendations=many", 422, id="max-not-int"),
        pytest.param(ids.CHILD_AVA, "weather=foggy", 422, id="unknown-weather"),
        pytest.param(ids.CHILD_AVA, "activity_types=juggling", 422, id="unknown-type"),
        pytest.param(ids.CHILD_AVA, "group_size=0", 422, id="group-size-0"),
        pytest.param(ids.CHILD_AVA, "include_special_needs=perhaps", 422, id="not-bool"),
        pytest.param(ids.CHILD_AVA, "max_recomendations=3", 422, id="misspelt-option"),
    ],
)
def test_the_single_child_route_refuses_bad_input_with_a_problem(
    children_data, lambda_context, child_id, query, status
):
    answer = get_one(lambda_context, child_id, query)
    assert answer.status == status
    assert answer.headers["content-type"] == "application/problem+json"


# --- deadline, downstream failures, response size -------------------------------------------------------------------


def test_children_not_scored_before_the_deadline_are_503_retryable(children_data, monkeypatch):
    # Given a deadline that passes once two children have been scored
    now = [0.0]
    deadline = Deadline(10_000, clock=lambda: now[0])
    scored = []

    def recommend_then_advance_clock(*args: Any, **kwargs: Any) -> Any:
        scored.append(args[0].id)
        if len(scored) == 2:
            now[0] += 60.0
        return recommend(*args, **kwargs)

    monkeypatch.setattr(recommendations, "recommend", recommend_then_advance_clock)
    request = BatchRecommendationsRequest(child_ids=[*SUNRISE_A_CHILDREN, "bad-id"])
    caller = next(m for m in CORE_MEMBERSHIPS if m.sub == ids.TEACHER_SUNRISE_SUB)
    # When the batch runs
    response = recommendations.batch_recommendations(request, caller, deadline, ids.REFERENCE_DATE)
    # Then the first two are answered, the rest are 503 retryable, and the malformed id is still 400
    body = json.loads(response.body)
    assert statuses(body) == [200, 200, 503, 503, 400]
    assert [r.get("retryable") for r in body["results"][2:4]] == [True, True]
    assert body["total_requested"] == body["total_succeeded"] + body["total_failed"] == 5


def test_an_expired_lambda_deadline_answers_items_503_not_a_500(children_data, lambda_context):
    # Given a Lambda with less time left than the safety margin
    lambda_context.timeout_ms = 500
    # When a batch arrives
    answer = post(lambda_context, {"child_ids": [ids.CHILD_AVA, "bad-id"]})
    # Then the batch is 200 with the valid item unavailable (retryable) and the malformed one 400
    assert answer.status == 200
    assert statuses(answer.body) == [503, 400]
    assert answer.body["results"][0]["error_code"] == "unavailable"
    assert answer.body["results"][0]["retryable"] is True


def test_an_unreadable_catalog_answers_the_visible_children_503(children_data, lambda_context, monkeypatch):
    # Given the catalog query fails after botocore's retries
    def unavailable(org_id: str, key: Any, build: Any, deadline: Any = None) -> Any:
        raise StoreUnavailable("The activity catalog could not be read; retry the request")

    monkeypatch.setattr(activities, "catalog_view", unavailable)
    # When a batch arrives / Then visible children are 503 retryable, and the rest keep their own answers
    body = post(lambda_context, {"child_ids": [ids.CHILD_AVA, ids.CHILD_ELLA, "bad-id"]}).body
    assert statuses(body) == [503, 404, 400]
    assert body["results"][0]["retryable"] is True


def test_items_past_the_response_size_limit_are_503_response_too_large(children_data, lambda_context, monkeypatch):
    # Given a response budget that holds about one child's recommendations
    monkeypatch.setattr(recommendations, "get_settings", lambda: Settings(response_limit_bytes=6000))
    # When four children get 5 recommendations each
    body = post(lambda_context, {"child_ids": SUNRISE_A_CHILDREN}).body
    # Then the first is answered and the later ones are marked too large, retryable
    assert statuses(body)[0] == 200
    assert body["results"][-1]["error_code"] == "response_too_large"
    assert body["results"][-1]["retryable"] is True


# --- cost: DynamoDB round trips do not grow with the batch ----------------------------------------------------------


@pytest.fixture
def batch_calls(monkeypatch) -> list[list[str]]:
    """The DynamoDB operations each batch sent, as the service counts them for its DynamoDBCalls metric."""
    counted: list[list[str]] = []

    @contextmanager
    def recording() -> Iterator[list[str]]:
        with counting_calls() as calls:
            counted.append(calls)
            yield calls

    monkeypatch.setattr(recommendations, "counting_calls", recording)
    return counted


def test_dynamodb_calls_do_not_grow_with_the_number_of_children(children_data, lambda_context, batch_calls):
    # Given batches of 1, 10 and 50 children the admin may see
    sizes = {n: [child.id for child in BULK[:n]] for n in (1, 10, 50)}

    def calls_for(child_ids: list[str]) -> list[str]:
        body = post(lambda_context, {"child_ids": child_ids}, sub=ids.ADMIN_SUNRISE_SUB).body
        assert body["total_succeeded"] == len(child_ids)
        return sorted(batch_calls[-1])

    # When each is requested with a cold catalog cache
    cold = {}
    for n, child_ids in sizes.items():
        activities.clear_catalog_cache()
        cold[n] = calls_for(child_ids)
    # Then each costs the same: the children, their histories, and one Query per catalog partition
    assert cold[1] == cold[10] == cold[50] == ["BatchGetItem", "BatchGetItem", "Query", "Query"]
    # And with the catalog cached in the warm function, the same two BatchGetItem calls whatever the size
    warm = {n: calls_for(child_ids) for n, child_ids in sizes.items()}
    assert warm[1] == warm[10] == warm[50] == ["BatchGetItem", "BatchGetItem"]


# --- privacy --------------------------------------------------------------------------------------------------------


def test_logs_never_carry_childrens_names_or_birth_dates(children_data, lambda_context, capfd, caplog):
    # Given every route that reads children, including failures
    call(batch_handler, load_event("batch_recommendations_partial.json"), lambda_context)
    call(batch_handler, load_event("batch_recommendations.json"), lambda_context)
    call(children_handler, load_event("child_recommendations.json"), lambda_context)
    get_one(lambda_context, ids.CHILD_BEN)  # 404
    post(lambda_context, {"child_ids": [c.id for c in BULK[:10]]}, sub=ids.ADMIN_SUNRISE_SUB)
    # When the captured logs are read
    logged = capfd.readouterr().out + capfd.readouterr().err + caplog.text
    # Then they show the batches were logged, by ids and counts, without any name or birth date
    assert "batch processed" in logged
    for child in (*CORE_CHILDREN, *BULK[:10]):
        assert child.name not in logged
        assert child.birth_date.isoformat() not in logged
