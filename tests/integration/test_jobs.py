"""Batch jobs under moto (DESIGN 3.9): the routes' handler, and the worker and dead-letter consumer fed by the
template's queues as Lambda's event source feeds them (tests/integration/jobs_support.py). Results equal to the
synchronous routes', counters that add up, at-least-once delivery (a chunk twice, a worker failing after its writes,
a poison chunk dead-lettered), cancellation, visibility, the active-job limit, idempotency and the announcement."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from early_learning.domain import Membership, Role, StoreUnavailable
from early_learning.jobs import operations
from early_learning.store import activities, memberships
from early_learning.store import jobs as jobs_store
from early_learning.store.base import counting_calls
from local.demo import ids
from tests.data.extra import ACTIVITY_DRAFT, EXTRA_ACTIVITIES
from tests.integration.jobs_support import Jobs, jobs_fixture, sync_batch_get  # noqa: F401

READABLE = [
    ids.PUBLIC_BLOCKS,
    ids.PUBLIC_SONGS,
    ids.SUNRISE_PUPPETS,
    *(a.id for a in EXTRA_ACTIVITIES if a.org_id in ("public", ids.SUNRISE)),
]
"""Activities the sunrise admin may read."""
MIXED = [*READABLE, ids.MAPLE_LEAF_ART, ids.MISSING, "not-a-uuid", ids.SUNRISE_PUPPETS.upper()]


def submitted(answer: Any) -> str:
    assert answer.status == 202, answer.body
    job_id = str(answer.body["id"])
    assert answer.headers["location"] == f"/api/v1/batch/jobs/{job_id}"
    return job_id


def counters_add_up(job: dict[str, Any]) -> None:
    assert job["processed"] == job["succeeded"] + job["failed"] <= job["total"]


def without_index(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert [r["index"] for r in results] == list(range(len(results)))
    return [{k: v for k, v in r.items() if k != "index"} for r in results]


# --- a job from 202 to completed ---------------------------------------------------------------------------------


def test_a_get_job_answers_every_item_as_the_synchronous_route_does(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(MIXED), 250))
    answer = jobs.submit("get", {"resource_type": "activities", "ids": keys})
    job_id = submitted(answer)
    assert answer.body == {
        **answer.body,
        "operation": "get",
        "resource_type": "activities",
        "status": "queued",
        "total": 250,
        "processed": 0,
        "succeeded": 0,
        "failed": 0,
        "completed_at": None,
    }
    jobs.drain()
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["total"]) == ("completed", 250, 250)
    counters_add_up(job)
    assert job["completed_at"] is not None
    results = jobs.all_results(job_id)
    assert without_index(results) == sync_batch_get(jobs.context, keys)
    assert job["failed"] == sum(1 for r in results if r["status"] == "error") > 0
    # Three chunks of at most 100 ids; the worker took them in batches (BatchSize)
    assert sum(jobs.invocations) == 3
    # The end was announced once, with ids and counts only
    (event,) = jobs.webhook_events()
    assert event["org_id"] == ids.SUNRISE
    assert event["event"]["data"] == {
        "job_id": job_id,
        "operation": "get",
        "resource_type": "activities",
        "status": "completed",
        "total": 250,
        "succeeded": job["succeeded"],
        "failed": job["failed"],
        "created_by": ids.ADMIN_SUNRISE_SUB,
    }


def test_results_page_in_request_order_filter_by_status_and_refuse_other_jobs_cursors(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(MIXED), 230))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    other = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    jobs.drain()
    first = jobs.results(job_id, limit="70")
    assert [r["index"] for r in first.body["items"]] == list(range(70))
    everything = jobs.all_results(job_id, limit="70")
    assert [r["index"] for r in everything] == list(range(230))
    errors = jobs.all_results(job_id, status="error", limit="7")
    assert errors == [r for r in everything if r["status"] == "error"]
    successes = jobs.all_results(job_id, status="success")
    assert len(successes) + len(errors) == 230
    # A cursor names its job: another job's path does not take it, nor does a forged one
    assert jobs.results(other, cursor=first.body["next_cursor"]).status == 400
    assert jobs.results(job_id, cursor="eyJqIjoieCJ9").status == 400
    assert jobs.results(job_id, cursor="%%%").status == 400


def test_a_page_ends_before_a_chunk_not_answered_yet(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(READABLE), 250))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    (first, *_rest) = jobs.receive("JobChunksQueue", 1)
    from functions.job_worker.app import handler as worker

    jobs.deliver("JobChunksQueue", worker, [first])  # one chunk answered, whichever SQS handed over first
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"]) == ("running", 100)
    page = jobs.results(job_id, limit="1000").body
    assert page["next_cursor"] is not None
    assert [r["index"] for r in page["items"]] in ([], list(range(100)))


# --- at least once --------------------------------------------------------------------------------------------


def test_a_chunk_delivered_twice_is_answered_and_counted_once(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(READABLE), 300))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    for chunk in (0, 1, 1, 2):
        jobs.send_chunk(job_id, chunk)  # duplicates, before and after the originals
    jobs.drain()
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["succeeded"], job["failed"]) == ("completed", 300, 300, 0)
    assert [r["index"] for r in jobs.all_results(job_id)] == list(range(300))
    for chunk in (0, 2):  # and after the job ended
        jobs.send_chunk(job_id, chunk)
    jobs.drain()
    assert jobs.get(job_id).body == job
    assert len(jobs.webhook_events()) == 1


def test_a_read_chunk_is_answered_from_its_message_with_one_read_and_one_transaction(jobs: Jobs) -> None:
    from functions.job_worker.app import handler as worker

    keys = list(itertools.islice(itertools.cycle(READABLE), 250))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    (message,) = jobs.receive("JobChunksQueue", 1)
    run = json.loads(message["Body"])["run"]
    assert run["items"] == keys[run["start"] : run["start"] + 100]
    assert run["creator"]["sub"] == ids.ADMIN_SUNRISE_SUB
    with counting_calls() as calls:
        jobs.deliver("JobChunksQueue", worker, [message])
    # No read before: the batch GET's own read, then the results, the counts and every check in one transaction
    assert calls == ["BatchGetItem", "TransactWriteItems"]
    assert (jobs.get(job_id).body["status"], jobs.get(job_id).body["processed"]) == ("running", 100)
    # The same message again: answered already, counted once
    jobs.sqs.send_message(QueueUrl=jobs.names["JobChunksQueue"], MessageBody=message["Body"])
    jobs.drain()
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["succeeded"]) == ("completed", 250, 250)
    assert without_index(jobs.all_results(job_id)) == sync_batch_get(jobs.context, keys)
    assert len(jobs.webhook_events()) == 1


def test_a_message_is_answered_only_as_its_job_was_stored_and_with_the_creators_permissions(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(READABLE), 300))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    messages = {json.loads(m["Body"])["chunk"]: m for m in jobs.receive("JobChunksQueue", 10)}
    assert sorted(messages) == [0, 1, 2]
    for message in messages.values():
        jobs.sqs.delete_message(QueueUrl=jobs.names["JobChunksQueue"], ReceiptHandle=message["ReceiptHandle"])
    forged = [json.loads(messages[chunk]["Body"]) for chunk in (0, 1)]
    forged[0]["run"]["items"] = [ids.PUBLIC_SONGS] * 100  # other items than the stored chunk's
    forged[1]["run"]["creator"]["org_id"] = ids.MAPLE  # another organization's permissions
    for body in (*forged, json.loads(messages[2]["Body"])):
        jobs.sqs.send_message(QueueUrl=jobs.names["JobChunksQueue"], MessageBody=json.dumps(body))
    jobs.drain()
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["succeeded"]) == ("completed", 300, 300)
    assert without_index(jobs.all_results(job_id)) == sync_batch_get(jobs.context, keys)


def test_a_read_job_runs_with_the_creators_permissions_of_the_moment(jobs: Jobs) -> None:
    # Given an educator's job reading the children of its classroom, and the classroom taken away before it runs
    children = list(itertools.islice(itertools.cycle([ids.CHILD_AVA, ids.CHILD_BEN]), 150))
    job_id = submitted(jobs.submit("get", {"resource_type": "children", "ids": children}, ids.TEACHER_SUNRISE_SUB))
    educator = Membership(
        sub=ids.TEACHER_SUNRISE_SUB, org_id=ids.SUNRISE, role=Role.EDUCATOR, classroom_ids=frozenset({ids.SUNRISE_B})
    )
    memberships.save([educator])
    jobs.drain()
    results = jobs.all_results(job_id, ids.TEACHER_SUNRISE_SUB)
    assert {(r["status"], r["status_code"]) for r in results} == {("error", 404)}
    assert jobs.get(job_id, ids.TEACHER_SUNRISE_SUB).body["failed"] == 150


@pytest.mark.parametrize(
    "change",
    [
        {"org_id": ids.MAPLE},
        {"role": Role.ADMIN},
        {"classroom_ids": frozenset({ids.SUNRISE_A, ids.SUNRISE_B})},
        {"classroom_ids": frozenset()},
        {"child_ids": frozenset({ids.CHILD_AVA})},
    ],
)
def test_a_membership_check_holds_only_while_the_membership_is_unchanged(jobs: Jobs, change: dict[str, Any]) -> None:
    from pynamodb.exceptions import TransactWriteError

    from early_learning.settings import get_settings

    before = Membership(
        sub="0d0d0000-0000-4000-8000-0000000000aa",
        org_id=ids.SUNRISE,
        role=Role.EDUCATOR,
        classroom_ids=frozenset({ids.SUNRISE_A}),
    )
    after = Membership(**{**before.model_dump(), **change})
    memberships.save([before])
    connection = jobs_store.JobRecord._get_connection().connection
    marker = {"TableName": get_settings().jobs_table, "Item": {"pk": {"S": "TEST"}, "sk": {"S": "TEST"}}}
    connection.transact_write_items([memberships.unchanged(before)], [], [marker], [])  # holds: no error
    memberships.save([after])
    with pytest.raises(TransactWriteError):
        connection.transact_write_items([memberships.unchanged(before)], [], [marker], [])
    connection.transact_write_items([memberships.unchanged(after)], [], [marker], [])


def _create_activities(jobs: Jobs, count: int) -> list[str]:
    items = [{**ACTIVITY_DRAFT, "name": f"Activity {n}"} for n in range(count)]
    job_id = submitted(jobs.submit("create", {"resource_type": "activities", "items": items}))
    jobs.drain()
    results = jobs.all_results(job_id)
    assert [r["status_code"] for r in results] == [201] * count
    return [str(r["id"]) for r in results]


def test_a_worker_failing_after_its_writes_applies_them_once(jobs: Jobs, monkeypatch: pytest.MonkeyPatch) -> None:
    created = _create_activities(jobs, 150)
    assert all(activities.read_one(key).version == 1 for key in created)  # type: ignore[union-attr]
    store = jobs_store.store_results
    failures = {"left": 2}

    def crash_after_the_writes(*args: Any, **kwargs: Any) -> Any:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("the worker stops before its results are stored")
        return store(*args, **kwargs)

    monkeypatch.setattr(jobs_store, "store_results", crash_after_the_writes)
    items = [{"id": key, "changes": {"duration_minutes": 33}} for key in created]
    job_id = submitted(jobs.submit("update", {"resource_type": "activities", "items": items}))
    jobs.drain()
    assert failures["left"] == 0
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["succeeded"]) == ("completed", 150, 150)
    # Each activity was changed once (version 2), and answered with that version
    assert {activities.read_one(key).version for key in created} == {2}  # type: ignore[union-attr]
    assert {r["data"]["version"] for r in jobs.all_results(job_id)} == {2}


def test_a_poison_chunk_is_dead_lettered_and_its_items_answered_503(
    jobs: Jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = list(itertools.islice(itertools.cycle(READABLE), 250))
    poison = "5e1f0000-0000-4000-8000-0000000000ff"
    keys[150] = poison  # in the second chunk
    run = operations.run

    def fails_on_poison(operation: str, options: Any, items: list[Any], *args: Any) -> Any:
        if poison in items:
            raise RuntimeError("a chunk that fails every time")
        return run(operation, options, items, *args)

    monkeypatch.setattr(operations, "run", fails_on_poison)
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    jobs.drain()
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["succeeded"], job["failed"]) == ("completed", 250, 150, 100)
    results = jobs.all_results(job_id)
    assert [r["index"] for r in results] == list(range(250))
    dead = results[100:200]
    assert {(r["status_code"], r["error_code"], r["retryable"]) for r in dead} == {(503, "unavailable", True)}
    assert [r["id"] for r in dead] == keys[100:200]
    assert len(jobs.webhook_events()) == 1


# --- cancel ----------------------------------------------------------------------------------------------------


def test_a_cancelled_job_answers_its_unprocessed_items_409_and_ends_cancelled(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(READABLE), 250))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    cancelled = jobs.cancel(job_id)
    assert cancelled.status == 200, cancelled.body
    assert (cancelled.body["status"], cancelled.body["completed_at"]) == ("cancelled", None)
    jobs.drain()
    job = jobs.get(job_id).body
    assert (job["status"], job["processed"], job["failed"]) == ("cancelled", 250, 250)
    assert job["completed_at"] is not None
    results = jobs.all_results(job_id)
    assert {(r["status_code"], r["error_code"]) for r in results} == {(409, "cancelled")}
    (event,) = jobs.webhook_events()
    assert event["event"]["data"]["status"] == "cancelled"
    # An ended job cannot be cancelled
    again = jobs.cancel(job_id)
    assert again.status == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_cancelling_a_completed_job_is_a_409_problem(jobs: Jobs) -> None:
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": READABLE}))
    jobs.drain()
    assert jobs.cancel(job_id).status == 409
    assert jobs.get(job_id).body["status"] == "completed"


# --- who sees what ---------------------------------------------------------------------------------------------


def test_a_job_is_visible_to_its_creator_only(jobs: Jobs) -> None:
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": READABLE}))
    for sub in (ids.TEACHER_SUNRISE_SUB, ids.ADMIN_MAPLE_SUB):
        assert jobs.get(job_id, sub).status == 404
        assert jobs.results(job_id, sub).status == 404
        assert jobs.cancel(job_id, sub).status == 404
        assert jobs.listing(sub).body["items"] == []
    assert jobs.get(ids.MISSING).status == 404
    assert jobs.get("not-a-uuid").status == 400
    assert jobs.get(job_id).status == 200


def test_the_listing_is_newest_first_page_by_page_and_its_cursors_are_the_callers(jobs: Jobs) -> None:
    made = []
    for _ in range(3):
        made.append(submitted(jobs.submit("get", {"resource_type": "activities", "ids": READABLE[:2]})))
        jobs.drain()
    first = jobs.listing(limit="2").body
    second = jobs.listing(limit="2", cursor=first["next_cursor"]).body
    assert [j["id"] for j in first["items"] + second["items"]] == made[::-1]
    assert second["next_cursor"] is None
    assert jobs.listing(ids.TEACHER_SUNRISE_SUB, limit="2", cursor=first["next_cursor"]).status == 400
    assert jobs.listing(limit="2", cursor="bm90LWEta2V5").status == 400


def test_the_worker_runs_with_the_creators_permissions_of_the_moment(jobs: Jobs) -> None:
    # Given an educator's update job, and the educator made a guardian before it runs
    teacher = memberships.read_fresh(ids.TEACHER_SUNRISE_SUB)
    assert teacher is not None
    items = [{"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 12}}]
    job_id = submitted(jobs.submit("update", {"resource_type": "activities", "items": items}, ids.TEACHER_SUNRISE_SUB))
    memberships.save([Membership(**{**teacher.model_dump(), "role": Role.GUARDIAN})])
    jobs.drain()
    (result,) = jobs.all_results(job_id, ids.TEACHER_SUNRISE_SUB)
    assert (result["status_code"], result["error_code"]) == (403, "forbidden")
    assert activities.read_one(ids.SUNRISE_PUPPETS).duration_minutes != 12  # type: ignore[union-attr]


# --- limits and idempotency ------------------------------------------------------------------------------------


def test_at_most_three_active_jobs_per_caller(jobs: Jobs) -> None:
    body = {"resource_type": "activities", "ids": READABLE[:3]}
    held = [submitted(jobs.submit("get", body)) for _ in range(3)]
    refused = jobs.submit("get", body)
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-type"] == "application/problem+json"
    assert submitted(jobs.submit("get", body, ids.TEACHER_SUNRISE_SUB))  # another caller's own three
    jobs.cancel(held[0])  # a cancelled job is no longer active
    submitted(jobs.submit("get", body))
    assert jobs.submit("get", body).status == 429
    jobs.drain()  # every job ends: the slots are free
    for _ in range(3):
        submitted(jobs.submit("get", body))


def test_an_idempotency_key_makes_one_job_of_a_repeated_submission(jobs: Jobs) -> None:
    body = {"resource_type": "activities", "ids": READABLE[:3]}
    first = jobs.submit("get", body, **{"idempotency-key": "job-1"})
    again = jobs.submit("get", body, **{"idempotency-key": "job-1"})
    assert submitted(first) == submitted(again)
    assert again.headers["idempotent-replayed"] == "true"
    assert len(jobs.listing().body["items"]) == 1
    assert jobs.submit("get", {**body, "ids": READABLE[:4]}, **{"idempotency-key": "job-1"}).status == 422


def test_a_job_whose_chunks_cannot_be_queued_fails_at_once(jobs: Jobs, monkeypatch: pytest.MonkeyPatch) -> None:
    from early_learning.store import queues

    def unavailable(*args: Any) -> None:
        raise StoreUnavailable("SQS is throttling")

    monkeypatch.setattr(queues, "send_many", unavailable)
    answer = jobs.submit("get", {"resource_type": "activities", "ids": READABLE})
    assert answer.status == 503
    assert answer.headers["retry-after"]
    (job,) = jobs.listing().body["items"]
    assert (job["status"], job["processed"]) == ("failed", 0)
    assert job["completed_at"] is not None
    assert [e["event"]["data"]["status"] for e in jobs.webhook_events()] == ["failed"]
    monkeypatch.undo()
    for _ in range(3):  # its slot was released
        submitted(jobs.submit("get", {"resource_type": "activities", "ids": READABLE}))


# --- requests --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "request_body", "status", "pointer"),
    [
        ("get", {"resource_type": "activities", "ids": [ids.MISSING] * 10_001}, 422, "#/request/ids"),
        ("get", {"resource_type": "activities", "ids": []}, 422, "#/request/ids"),
        ("get", {"resource_type": "activities", "ids": [7]}, 422, "#/request/ids/0"),
        ("get", {"ids": [ids.MISSING]}, 422, "#/request/resource_type"),
        ("update", {"resource_type": "activities", "items": [{}], "atomic": False}, 422, "#/request/atomic"),
        ("create", {"resource_type": "activities", "items": [{"name": "x" * 20_000}]}, 422, "#/request/items/0"),
        ("recommendations", {"child_ids": [ids.CHILD_AVA], "max_recommendations": "5"}, 422, None),
        ("get", {"resource_type": "toys", "ids": [ids.MISSING]}, 400, None),
        ("get", {"resource_type": "activities", "ids": [ids.MISSING], "fields": "id,secret"}, 400, None),
        ("update", {"resource_type": "completions", "items": [{}]}, 400, None),
    ],
)
def test_a_request_is_checked_by_its_operations_rules(
    jobs: Jobs, operation: str, request_body: dict[str, Any], status: int, pointer: str | None
) -> None:
    answer = jobs.submit(operation, request_body)
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    if pointer is not None:
        assert pointer in [error["pointer"] for error in answer.body["errors"]]
    assert "x" * 100 not in str(answer.body)
    assert jobs.listing().body["items"] == []


def test_ten_thousand_ids_are_one_job_of_a_hundred_chunks(jobs: Jobs) -> None:
    keys = list(itertools.islice(itertools.cycle(READABLE), 10_000))
    job_id = submitted(jobs.submit("get", {"resource_type": "activities", "ids": keys}))
    job = jobs_store.read_job(job_id)
    assert job is not None
    assert (job.total, job.chunks) == (10_000, 100)


# --- who may submit what (DESIGN 4) ----------------------------------------------------------------------------

ADMIN, EDUCATOR, GUARDIAN = ids.ADMIN_SUNRISE_SUB, ids.TEACHER_SUNRISE_SUB, ids.PARENT_SUNRISE_SUB
ITEMS: dict[tuple[str, str], dict[str, Any]] = {
    ("create", "activities"): {"items": [ACTIVITY_DRAFT]},
    ("update", "activities"): {"items": [{"id": ids.SUNRISE_PUPPETS, "changes": {"duration_minutes": 9}}]},
    ("delete", "activities"): {"ids": [ids.SUNRISE_SENSORY_BIN]},
    ("create", "children"): {"items": [{"name": "Noor", "birth_date": "2023-01-02", "classroom_id": ids.SUNRISE_A}]},
    ("update", "children"): {"items": [{"id": ids.CHILD_AVA, "changes": {"special_needs": []}}]},
    ("delete", "children"): {"ids": [ids.CHILD_BEN]},
    ("create", "completions"): {"items": [{"child_id": ids.CHILD_AVA, "activity_id": ids.PUBLIC_BLOCKS}]},
    ("get", "activities"): {"ids": [ids.PUBLIC_BLOCKS]},
    ("get", "children"): {"ids": [ids.CHILD_AVA]},
}
MAY_SUBMIT = {
    ("create", "activities"): {ADMIN, EDUCATOR},
    ("update", "activities"): {ADMIN, EDUCATOR},
    ("delete", "activities"): {ADMIN, EDUCATOR},
    ("create", "children"): {ADMIN},
    ("update", "children"): {ADMIN, EDUCATOR},
    ("delete", "children"): {ADMIN},
    ("create", "completions"): {ADMIN, EDUCATOR, GUARDIAN},
    ("get", "activities"): {ADMIN, EDUCATOR, GUARDIAN},
    ("get", "children"): {ADMIN, EDUCATOR, GUARDIAN},
}
"""DESIGN 4's table, per operation and resource type: the roles whose job is accepted (the others: 403 problem)."""


@pytest.mark.parametrize(("operation", "resource_type"), list(MAY_SUBMIT))
@pytest.mark.parametrize("sub", [ADMIN, EDUCATOR, GUARDIAN, "0d0d0000-0000-4000-8000-000000000005"])
def test_who_may_submit_which_operation(jobs: Jobs, operation: str, resource_type: str, sub: str) -> None:
    answer = jobs.submit(operation, {"resource_type": resource_type, **ITEMS[(operation, resource_type)]}, sub)
    expected = 202 if sub in MAY_SUBMIT[(operation, resource_type)] else 403
    assert answer.status == expected, answer.body
    if expected == 403:
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("sub", [ADMIN, EDUCATOR, GUARDIAN])
def test_every_member_may_ask_for_recommendations_answered_as_the_synchronous_route(jobs: Jobs, sub: str) -> None:
    from functions.batch_recommendations.app import handler
    from tests.events import load_event
    from tests.integration.children_support import call, without_timestamps

    children = [ids.CHILD_AVA, ids.CHILD_ELLA, ids.CHILD_GRACE, ids.MISSING_CHILD, "nope"]
    job_id = submitted(jobs.submit("recommendations", {"child_ids": children, "max_recommendations": 3}, sub))
    jobs.drain()
    body = {"child_ids": children, "max_recommendations": 3}
    sync = call(handler, load_event("batch_recommendations.json", body=body, sub=sub), jobs.context)
    assert without_timestamps(without_index(jobs.all_results(job_id, sub))) == without_timestamps(sync.body["results"])
