"""POST /api/v1/batch/create, /update and /delete under moto (DESIGN 3.7): per-item validation and permissions,
versions, duplicates, atomic batches, and what each costs in DynamoDB calls."""

from __future__ import annotations

from typing import Any

import pytest

from early_learning.envelope import Deadline
from early_learning.store import activities, children, history
from early_learning.store.base import counting_calls
from functions.batch_write.app import handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.data.extra import ACTIVITY_DRAFT
from tests.events import load_event
from tests.integration.children_support import Answer, call, statuses

NEW_ID = "5e1f0000-0000-4000-8000-00000000c001"
OTHER_NEW_ID = "5e1f0000-0000-4000-8000-00000000c002"
DRAFT = ACTIVITY_DRAFT


def write(context: FakeLambdaContext, route: str, body: dict[str, Any], sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    return call(handler, load_event(f"batch_{route}.json", body=body, sub=sub), context)


def create(context: FakeLambdaContext, items: list[Any], atomic: bool = False, **kw: Any) -> Answer:
    return write(context, "create", {"resource_type": "activities", "items": items, "atomic": atomic}, **kw)


def update(
    context: FakeLambdaContext, items: list[Any], atomic: bool = False, kind: str = "activities", **kw: Any
) -> Answer:
    return write(context, "update", {"resource_type": kind, "items": items, "atomic": atomic}, **kw)


def delete(
    context: FakeLambdaContext, keys: list[str], atomic: bool = False, kind: str = "activities", **kw: Any
) -> Answer:
    return write(context, "delete", {"resource_type": kind, "ids": keys, "atomic": atomic}, **kw)


def stored_activity(key: str) -> Any:
    return activities.read_one(key)


# --- create ---------------------------------------------------------------------------------------------------------


def test_a_create_answers_201_with_the_resource_at_version_1_in_the_callers_org(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    answer = create(lambda_context, [{"id": NEW_ID, **DRAFT}, DRAFT])
    assert answer.status == 200, answer.body
    assert statuses(answer.body) == [201, 201]
    first, second = (r["data"] for r in answer.body["results"])
    assert (first["id"], first["org_id"], first["version"]) == (NEW_ID, ids.SUNRISE, 1)
    assert first["updated_at"]
    # without an id, the server generates one, and answers with it
    assert answer.body["results"][1]["id"] == second["id"] != NEW_ID
    assert stored_activity(second["id"]).name == "Rainbow rice"


def test_a_create_of_an_existing_id_is_409_already_exists(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert statuses(create(lambda_context, [{"id": NEW_ID, **DRAFT}]).body) == [201]
    again = create(lambda_context, [{"id": NEW_ID, **DRAFT, "name": "Another"}])
    assert statuses(again.body) == [409]
    assert again.body["results"][0]["error_code"] == "already_exists"
    assert stored_activity(NEW_ID).name == "Rainbow rice"  # not overwritten


@pytest.mark.parametrize(
    ("item", "pointers"),
    [
        ({**DRAFT, "min_age_months": "18"}, ["#/min_age_months"]),  # strict: a string is not a number
        ({**DRAFT, "activity_type": "juggling"}, ["#/activity_type"]),
        ({**DRAFT, "org_id": "maple"}, ["#/org_id"]),  # set by the API
        ({**DRAFT, "version": 7}, ["#/version"]),
        ({**DRAFT, "colour": "red"}, ["#/colour"]),
        ({k: v for k, v in DRAFT.items() if k != "name"}, ["#/name"]),
        ({**DRAFT, "id": "not-a-uuid"}, ["#/id"]),
        (7, ["#"]),
        ({**DRAFT, "description": "x" * 20_000}, ["#"]),  # over the item size bound
    ],
)
def test_an_invalid_item_is_an_item_422_with_pointers_and_the_rest_is_written(
    data: Any, lambda_context: FakeLambdaContext, item: Any, pointers: list[str]
) -> None:
    answer = create(lambda_context, [item, {"id": NEW_ID, **DRAFT}])
    assert statuses(answer.body) == [422, 201]
    error = answer.body["results"][0]
    assert error["error_code"] == "invalid_item"
    assert [e["pointer"] for e in error["errors"]] == pointers
    assert "x" * 100 not in str(error)  # never echoes the input


def test_the_same_id_twice_is_duplicate_id_after_the_first(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = create(lambda_context, [{"id": NEW_ID, **DRAFT}, {"id": NEW_ID.upper(), **DRAFT}])
    assert statuses(answer.body) == [201, 400]
    assert answer.body["results"][1]["error_code"] == "duplicate_id"
    assert answer.body["results"][1]["id"] == NEW_ID.upper()  # echoed as sent


# --- update ---------------------------------------------------------------------------------------------------------


def test_an_update_applies_the_merge_patch_and_increments_the_version(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    answer = update(lambda_context, [{"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 45}, "version": 1}])
    assert statuses(answer.body) == [200], answer.body
    data_ = answer.body["results"][0]["data"]
    assert (data_["duration_minutes"], data_["version"]) == (45, 2)
    assert stored_activity(ids.SUNRISE_PUPPETS).version == 2


def test_null_resets_an_optional_field_to_its_default(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = update(lambda_context, [{"id": ids.SUNRISE_PUPPETS, "changes": {"materials": None}}])
    assert answer.body["results"][0]["data"]["materials"] == []
    bad = update(lambda_context, [{"id": ids.SUNRISE_PUPPETS, "changes": {"name": None}}])
    assert bad.body["results"][0]["errors"] == [{"pointer": "#/changes/name", "detail": "Required: it cannot be reset"}]


def test_a_stale_version_is_409_version_conflict_with_the_current_version(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    assert statuses(
        update(lambda_context, [{"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 30}}]).body
    ) == [200]
    stale = update(lambda_context, [{"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 31}, "version": 1}])
    result = stale.body["results"][0]
    assert (result["status_code"], result["error_code"], result["current_version"]) == (409, "version_conflict", 2)
    assert result["retryable"] is False
    assert stored_activity(ids.SUNRISE_PUPPETS).duration_minutes == 30


def test_update_permissions_per_item(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = update(
        lambda_context,
        [
            {"id": ids.PUBLIC_BLOCKS, "changes": {"duration_minutes": 5}},  # the public catalog: visible, read-only
            {"id": ids.MAPLE_LEAF_ART, "changes": {"duration_minutes": 5}},  # another org's: invisible
            {"id": ids.MISSING, "changes": {"duration_minutes": 5}},
            {"id": "nope", "changes": {}},
        ],
    )
    assert statuses(answer.body) == [403, 404, 404, 400]
    assert answer.body["results"][0]["error_code"] == "forbidden"


def test_an_educator_cannot_move_a_child_to_another_classroom(data: Any, lambda_context: FakeLambdaContext) -> None:
    item = {"id": ids.CHILD_AVA, "changes": {"classroom_id": ids.SUNRISE_B}}
    answer = update(
        lambda_context,
        [item, {"id": ids.CHILD_AVA.upper(), "changes": {}}],
        kind="children",
        sub=ids.TEACHER_SUNRISE_SUB,
    )
    assert statuses(answer.body) == [403, 400]
    ok = update(
        lambda_context,
        [{"id": ids.CHILD_AVA, "changes": {"special_needs": ["autism"]}}],
        kind="children",
        sub=ids.TEACHER_SUNRISE_SUB,
    )
    assert statuses(ok.body) == [200]


def test_a_role_that_may_never_do_it_is_a_403_problem(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = update(lambda_context, [{"id": ids.SUNRISE_PUPPETS, "changes": {}}], sub=ids.PARENT_SUNRISE_SUB)
    assert answer.status == 403
    assert answer.headers["content-type"] == "application/problem+json"


# --- atomic ---------------------------------------------------------------------------------------------------------


def test_an_atomic_batch_with_a_failing_item_applies_nothing(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = update(
        lambda_context,
        [
            {"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 33}},
            {"id": ids.PUBLIC_BLOCKS, "changes": {"duration_minutes": 5}},
        ],
        atomic=True,
    )
    assert statuses(answer.body) == [424, 403]
    assert answer.body["results"][0]["error_code"] == "rolled_back"
    assert answer.body["results"][0]["retryable"] is False
    assert stored_activity(ids.SUNRISE_PUPPETS).duration_minutes != 33


def test_an_atomic_batch_whose_condition_fails_in_the_transaction_is_rolled_back(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given one item already exists: the transaction is cancelled by its condition
    assert statuses(create(lambda_context, [{"id": NEW_ID, **DRAFT}]).body) == [201]
    answer = create(lambda_context, [{"id": OTHER_NEW_ID, **DRAFT}, {"id": NEW_ID, **DRAFT}], atomic=True)
    assert statuses(answer.body) == [424, 409]
    assert stored_activity(OTHER_NEW_ID) is None


def test_an_atomic_batch_of_fine_items_is_one_transaction(data: Any, lambda_context: FakeLambdaContext) -> None:
    items = [{"id": f"5e1f0000-0000-4000-8000-0000000001{n:02d}", **DRAFT} for n in range(50)]
    with counting_calls() as calls:
        answer = create(lambda_context, items, atomic=True)
    assert set(statuses(answer.body)) == {201}
    assert calls.count("TransactWriteItems") == 1


def test_an_atomic_batch_over_one_transaction_is_a_422_problem_and_writes_nothing(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given 60 children: deleting them is 120 actions (each child goes with its history), over DynamoDB's 100
    keys = [f"c41d0000-0000-4000-8000-0000000e{n:04d}" for n in range(60)]
    new = [{"id": k, "classroom_id": ids.SUNRISE_A, "name": "N", "birth_date": "2023-01-01"} for k in keys]
    created = write(lambda_context, "create", {"resource_type": "children", "items": new})
    assert set(statuses(created.body)) == {201}
    # When they are deleted atomically / Then nothing is written, and the request says why
    answer = delete(lambda_context, keys, atomic=True, kind="children")
    assert answer.status == 422
    assert answer.body["title"] == "Atomic batch too large"
    assert len(children.read_many(keys, Deadline(30_000)).items) == 60


# --- delete ---------------------------------------------------------------------------------------------------------


def test_a_delete_answers_deleted_and_erases_the_childs_history(data: Any, lambda_context: FakeLambdaContext) -> None:
    assert history.read_many([ids.CHILD_AVA], Deadline(30_000)).entries.get(ids.CHILD_AVA)
    answer = delete(lambda_context, [ids.CHILD_AVA, ids.MISSING], kind="children")
    assert statuses(answer.body) == [200, 404]
    assert answer.body["results"][0]["data"] == {"id": ids.CHILD_AVA, "deleted": True}
    assert ids.CHILD_AVA not in children.read_many([ids.CHILD_AVA], Deadline(30_000)).items
    assert not history.read_many([ids.CHILD_AVA], Deadline(30_000)).entries.get(ids.CHILD_AVA)


def test_a_non_atomic_batch_costs_one_read_and_one_conditional_write_per_item(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    items = [{"id": key, "changes": {"duration_minutes": 12}} for key in (ids.SUNRISE_PUPPETS, ids.SUNRISE_SENSORY_BIN)]
    with counting_calls() as calls:
        answer = update(lambda_context, items)
    assert statuses(answer.body) == [200, 200]
    # GetItem: the caller's membership; UpdateItem: its write quota (DESIGN 3.11)
    assert sorted(calls) == ["BatchGetItem", "GetItem", "PutItem", "PutItem", "UpdateItem"]


def test_an_item_whose_write_takes_several_actions_is_a_transaction_of_its_own(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # A child's delete erases its history with it: all or nothing, even in a non-atomic batch
    with counting_calls() as calls:
        answer = delete(lambda_context, [ids.CHILD_AVA, ids.CHILD_BEN], kind="children")
    assert statuses(answer.body) == [200, 200]
    assert calls.count("TransactWriteItems") == 2


# --- Idempotency-Key (DESIGN 3.8) -------------------------------------------------------------------------------


def keyed_update(context: FakeLambdaContext, changes: dict[str, Any], key: str) -> Answer:
    body = {"resource_type": "activities", "items": [{"id": ids.SUNRISE_PUPPETS, "changes": changes}]}
    event = load_event("batch_update.json", body=body, sub=ids.ADMIN_SUNRISE_SUB, headers={"idempotency-key": key})
    return call(handler, event, context)


def test_a_replayed_batch_write_answers_the_first_answer_and_writes_once(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    first = keyed_update(lambda_context, {"duration_minutes": 41}, "retry-1")
    again = keyed_update(lambda_context, {"duration_minutes": 41}, "retry-1")
    assert statuses(first.body) == [200]
    assert again.body == first.body
    assert again.headers.get("idempotent-replayed") == "true"
    assert stored_activity(ids.SUNRISE_PUPPETS).version == 2  # applied once
    other = keyed_update(lambda_context, {"duration_minutes": 42}, "retry-1")
    assert other.status == 422
    assert stored_activity(ids.SUNRISE_PUPPETS).duration_minutes == 41


# --- completions (DESIGN 3.7) ----------------------------------------------------------------------------------


def complete(context: FakeLambdaContext, items: list[Any], sub: str, atomic: bool = False) -> Answer:
    return write(context, "create", {"resource_type": "completions", "items": items, "atomic": atomic}, sub=sub)


def recommended(context: FakeLambdaContext, child_id: str) -> list[dict[str, Any]]:
    from functions.batch_recommendations.app import handler as recommendations

    body = {"child_ids": [child_id], "max_recommendations": 3}
    event = load_event("batch_recommendations.json", body=body, sub=ids.ADMIN_SUNRISE_SUB)
    answer = call(recommendations, event, context)
    result: list[dict[str, Any]] = answer.body["results"][0]["data"]["recommendations"]
    return result


def test_a_completion_changes_the_childs_next_recommendations_at_once(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given Ava's best recommendation, a fresh activity
    before = recommended(lambda_context, ids.CHILD_AVA)
    top = before[0]["activity"]["id"]
    assert "Fresh" in before[0]["reasoning"]
    # When her guardian records that she did it today
    answer = complete(lambda_context, [{"child_id": ids.CHILD_AVA, "activity_id": top}], sub=ids.PARENT_SUNRISE_SUB)
    assert statuses(answer.body) == [201], answer.body
    assert answer.body["results"][0]["data"]["done_on"] == "2026-02-16"  # the request's day
    # Then her very next recommendations no longer call it fresh
    after = recommended(lambda_context, ids.CHILD_AVA)
    assert all(r["activity"]["id"] != top or "Fresh" not in r["reasoning"] for r in after)
    assert [r["activity"]["id"] for r in after] != [r["activity"]["id"] for r in before]


def test_completion_permissions_per_item(data: Any, lambda_context: FakeLambdaContext) -> None:
    items = [
        {"child_id": ids.CHILD_FINN, "activity_id": ids.PUBLIC_BLOCKS},  # the guardian's own child
        {"child_id": ids.CHILD_BEN, "activity_id": ids.PUBLIC_BLOCKS},  # not the guardian's child
        {"child_id": ids.CHILD_AVA, "activity_id": ids.MAPLE_LEAF_ART},  # an activity the caller cannot read
        {"child_id": "ben", "activity_id": ids.PUBLIC_BLOCKS},
    ]
    answer = complete(lambda_context, items, sub=ids.PARENT_SUNRISE_SUB)
    assert statuses(answer.body) == [201, 404, 404, 422]
    assert answer.body["results"][3]["errors"][0]["pointer"] == "#/child_id"


def test_an_atomic_batch_of_completions_with_a_failing_item_records_nothing(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    from early_learning.store import completions

    items = [
        {"id": NEW_ID, "child_id": ids.CHILD_AVA, "activity_id": ids.PUBLIC_BLOCKS},
        {"child_id": ids.CHILD_BEN, "activity_id": ids.PUBLIC_BLOCKS},  # not the guardian's
    ]
    answer = complete(lambda_context, items, sub=ids.PARENT_SUNRISE_SUB, atomic=True)
    assert statuses(answer.body) == [424, 404]
    assert completions.CompletionRecord.count(ids.CHILD_AVA) == 0


def test_deleting_a_child_erases_its_completions(data: Any, lambda_context: FakeLambdaContext) -> None:
    from early_learning.store import completions

    items = [{"child_id": ids.CHILD_AVA, "activity_id": a} for a in (ids.PUBLIC_BLOCKS, ids.PUBLIC_SONGS)]
    assert statuses(complete(lambda_context, items, sub=ids.ADMIN_SUNRISE_SUB).body) == [201, 201]
    assert completions.CompletionRecord.count(ids.CHILD_AVA) == 2
    assert statuses(delete(lambda_context, [ids.CHILD_AVA], kind="children").body) == [200]
    assert completions.CompletionRecord.count(ids.CHILD_AVA) == 0
