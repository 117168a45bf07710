"""Findings of the outside review (issue "Hardening"), each through the handlers under moto: the gateway's deadline,
one store error policy on the single and listing routes, corrupt stored records, and bounded caches.
(Cursors: test_children.py and unit/test_cursor.py; tokens: test_batch_get.py; bodies: test_bad_inputs.py.)"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from early_learning.store import activities, memberships
from early_learning.store.activities import ActivityRecord
from early_learning.store.children import ChildRecord
from early_learning.store.history import HistoryRecord
from functions.activities.app import handler as activities_handler
from functions.batch_get.app import handler as batch_get_handler
from functions.batch_recommendations.app import handler as recommendations_handler
from functions.children.app import handler as children_handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.events import load_event
from tests.integration.children_support import Answer, call, statuses
from tests.integration.store_faults import StoreFaults, client_error, read_timeout

# --- the deadline counts from API Gateway's timeEpoch (DESIGN 3.6) -------------------------------------------------


def test_time_spent_before_the_handler_counts_against_the_gateways_30_s(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given a request API Gateway received 29.5 s ago (a slow authorizer, a long cold start), while Lambda's own
    # context still has 29 s left
    event = load_event("batch_get.json")
    event["requestContext"]["timeEpoch"] = int(time.time() * 1000) - 29_500
    # When the function handles it
    answer = call(batch_get_handler, event, lambda_context)
    # Then it does not start work the gateway will not wait for: every item is a retryable 503 (before: 200s,
    # answered after the gateway had given up)
    assert answer.status == 200
    assert set(statuses(answer.body)) == {503}
    assert all(item["retryable"] for item in answer.body["results"])


def test_a_fresh_request_gets_its_full_time(data: Any, lambda_context: FakeLambdaContext) -> None:
    event = load_event("batch_get.json")
    event["requestContext"]["timeEpoch"] = int(time.time() * 1000) - 100
    assert 503 not in statuses(call(batch_get_handler, event, lambda_context).body)


# --- one store error policy: single and listing routes (DESIGN 3.4, 6) --------------------------------------------

SINGLE_AND_LISTING = {
    "GET /activities/{id} GetItem": (activities_handler, load_event("get_activity.json"), "GetItem"),
    "GET /activities Query": (activities_handler, load_event("list_activities.json"), "Query"),
    "GET /children Query": (children_handler, load_event("list_children.json", sub=ids.ADMIN_SUNRISE_SUB), "Query"),
}


@pytest.mark.parametrize("route", SINGLE_AND_LISTING)
@pytest.mark.parametrize(
    "error", [lambda op: client_error("ProvisionedThroughputExceededException", op), lambda op: read_timeout()]
)
def test_a_throttled_single_or_listing_read_is_a_503_problem_with_retry_after(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext, route: str, error: Any
) -> None:
    # Given the route's read is throttled (or times out) beyond botocore's retries; the membership still reads
    handler, event, operation = SINGLE_AND_LISTING[route]
    faults.fail = lambda op, table, attempt: error(op) if op == operation else None
    # When the route is called
    answer = call(handler, event, lambda_context)
    # Then it is a 503 problem the client may retry after a while (before: a 500)
    assert answer.status == 503, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) >= 1


def test_a_permanent_store_error_on_a_single_route_stays_a_500(
    data: Any, faults: StoreFaults, lambda_context: FakeLambdaContext
) -> None:
    # An error no retry will fix (a missing table, a denied permission) is not a 503
    faults.fail = lambda op, table, attempt: client_error("AccessDeniedException", op) if op == "Query" else None
    assert call(activities_handler, load_event("list_activities.json"), lambda_context).status == 500


# --- corrupt stored records (DESIGN 3.1, 6) ---------------------------------------------------------------------


def corrupt(model: Any, key: str, **values: Any) -> None:
    """Overwrite attributes of a stored record with values its domain model rejects."""
    client = model._get_connection().connection.client
    names = {f"#a{i}": name for i, name in enumerate(values)}
    client.update_item(
        TableName=model.Meta.table_name,
        Key={model._hash_key_attribute().attr_name: {"S": key}},
        UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(values))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={f":v{i}": value for i, value in enumerate(values.values())},
    )


def test_a_corrupt_child_is_an_item_500_in_batch_get_and_the_rest_is_answered(
    data: Any, lambda_context: FakeLambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    # Given Ben's stored birth date is not a date
    corrupt(ChildRecord, ids.CHILD_BEN, birth_date={"S": "not-a-date"})
    body = {"resource_type": "children", "ids": [ids.CHILD_AVA, ids.CHILD_BEN]}
    # When the admin reads Ava and Ben
    with caplog.at_level(logging.ERROR):
        answer = call(batch_get_handler, load_event("batch_get.json", body=body), lambda_context)
    # Then Ava is answered and Ben is an item 500 that a retry will not fix (before: a 500 for the whole batch)
    assert answer.status == 200, answer.body
    assert statuses(answer.body) == [200, 500]
    ben = answer.body["results"][1]
    assert (ben["error_code"], ben["retryable"]) == ("internal_error", False)
    # And the log names Ben by id only
    logged = " ".join(
        record.getMessage() + json.dumps(getattr(record, "__dict__", {}), default=str) for record in caplog.records
    )
    assert ids.CHILD_BEN in logged
    assert "not-a-date" not in logged


def test_a_child_whose_stored_types_are_wrong_is_an_item_500(data: Any, lambda_context: FakeLambdaContext) -> None:
    # A number where the model has a string: PynamoDB cannot even deserialize it
    corrupt(ChildRecord, ids.CHILD_BEN, name={"N": "7"})
    body = {"resource_type": "children", "ids": [ids.CHILD_AVA, ids.CHILD_BEN]}
    answer = call(batch_get_handler, load_event("batch_get.json", body=body), lambda_context)
    assert statuses(answer.body) == [200, 500]


def test_a_corrupt_activity_is_an_item_500_in_batch_get(data: Any, lambda_context: FakeLambdaContext) -> None:
    corrupt(ActivityRecord, ids.PUBLIC_BLOCKS, activity_type={"S": "juggling"})
    body = {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS, ids.SUNRISE_PUPPETS]}
    answer = call(batch_get_handler, load_event("batch_get.json", body=body), lambda_context)
    assert statuses(answer.body) == [500, 200]


def recommend(context: FakeLambdaContext, child_ids: list[str]) -> Answer:
    event = load_event("batch_recommendations.json", body={"child_ids": child_ids}, sub=ids.ADMIN_SUNRISE_SUB)
    return call(recommendations_handler, event, context)


def test_a_corrupt_child_is_an_item_500_in_recommendations(data: Any, lambda_context: FakeLambdaContext) -> None:
    corrupt(ChildRecord, ids.CHILD_BEN, birth_date={"S": "not-a-date"})
    answer = recommend(lambda_context, [ids.CHILD_AVA, ids.CHILD_BEN])
    assert answer.status == 200, answer.body
    assert statuses(answer.body) == [200, 500]


def test_a_corrupt_history_is_an_item_500_for_that_child_only(data: Any, lambda_context: FakeLambdaContext) -> None:
    corrupt(HistoryRecord, ids.CHILD_BEN, entries={"L": [{"M": {"activity_id": {"S": "x"}, "done_on": {"S": "soon"}}}]})
    assert statuses(recommend(lambda_context, [ids.CHILD_AVA, ids.CHILD_BEN]).body) == [200, 500]


def test_a_corrupt_activity_in_the_catalog_is_left_out_of_every_recommendation(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given one public activity that no longer validates
    corrupt(ActivityRecord, ids.PUBLIC_BLOCKS, min_age_months={"S": "young"})
    # When children are recommended for / Then every child is answered, and never with that activity
    answer = recommend(lambda_context, [ids.CHILD_AVA, ids.CHILD_BEN])
    assert statuses(answer.body) == [200, 200]
    chosen = {r["activity"]["id"] for item in answer.body["results"] for r in item["data"]["recommendations"]}
    assert ids.PUBLIC_BLOCKS not in chosen


def test_a_corrupt_activity_is_a_500_problem_on_its_single_route(data: Any, lambda_context: FakeLambdaContext) -> None:
    corrupt(ActivityRecord, ids.SUNRISE_PUPPETS, activity_type={"S": "juggling"})
    event = load_event("get_activity.json", path=f"/api/v1/activities/{ids.SUNRISE_PUPPETS}")
    event["pathParameters"] = {"id": ids.SUNRISE_PUPPETS}
    answer = call(activities_handler, event, lambda_context)
    assert answer.status == 500
    assert answer.headers["content-type"] == "application/problem+json"


# --- bounded caches (DESIGN 4, 6) -------------------------------------------------------------------------------


def test_the_membership_cache_is_bounded(data: Any) -> None:
    # A stream of tokens of unknown subs cannot grow a warm function's memory without bound
    limit = int(memberships._cache.maxsize)
    for n in range(limit + 50):
        memberships.get(f"00000000-0000-4000-8000-{n:012d}")
    assert len(memberships._cache) <= limit


def test_no_membership_is_remembered_briefly_and_a_membership_for_the_full_ttl() -> None:
    from early_learning.domain import Membership, Role
    from early_learning.settings import get_settings

    settings = get_settings()
    member = Membership(sub="s", org_id=ids.SUNRISE, role=Role.ADMIN)
    assert memberships._expiry("s", None, 100.0) == 100.0 + settings.membership_negative_ttl_s
    assert memberships._expiry("s", member, 100.0) == 100.0 + settings.membership_cache_ttl_s
    assert settings.membership_negative_ttl_s <= 5 < settings.membership_cache_ttl_s


def test_the_public_catalog_is_cached_once_for_every_organization(data: Any, faults: StoreFaults) -> None:
    # Given a cold cache: Sunrise's catalog costs its own partition and the public one
    activities.clear_catalog_cache()
    sunrise = activities.visible_catalog(ids.SUNRISE)
    queries_after_sunrise = len(faults.attempts("Query"))
    # When Maple's catalog is read
    maple = activities.visible_catalog(ids.MAPLE)
    # Then only Maple's own partition is queried, and the public activities are the very same objects
    assert len(faults.attempts("Query")) - queries_after_sunrise == 1
    public_in_sunrise = {id(a) for a in sunrise if a.is_public}
    public_in_maple = {id(a) for a in maple if a.is_public}
    assert public_in_sunrise
    assert public_in_sunrise == public_in_maple


def test_the_catalog_cache_is_bounded() -> None:
    assert activities._partitions.maxsize >= 2  # the public catalog and at least one organization
    assert activities._partitions.ttl > 0
