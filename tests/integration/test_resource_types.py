"""The readable resource types of DESIGN 3.12 besides activities and children, through POST /api/v1/batch/get under
moto: classrooms, coaching sessions and a child's progress. Their values and field selection, keys scoped by
organization, a guardian's reach following its children, progress against hand-computed expectations (a completion
recorded through the API counted at once, the period ending on the request's day), partial failures, a get job's
chunk, and a constant number of DynamoDB round trips whatever the batch's size. Who may read what, role by relation,
is tests/integration/test_permission_matrix.py."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from early_learning.domain import Child, Classroom, HistoryEntry, Membership, Role
from early_learning.envelope import Deadline
from early_learning.jobs import operations
from early_learning.settings import get_settings
from early_learning.store import activities, children, classrooms, coaching, history, memberships
from early_learning.store.base import counting_calls
from functions.batch_get.app import handler as batch_get_handler
from functions.child_write.app import handler as child_writes
from local.demo import ids
from local.demo.children import generate_children, generate_history
from local.demo.staff import CORE_CLASSROOMS, CORE_COACHING_SESSIONS
from tests.conftest import FakeLambdaContext
from tests.events import load_event
from tests.integration.children_support import Answer, call
from tests.integration.conftest import EVENTS_TIME_EPOCH_MS
from tests.integration.store_faults import StoreFaults, client_error

TODAY = ids.REFERENCE_DATE  # the events' day (requestContext.timeEpoch)
TYPES = ("cognitive", "motor", "language", "social_emotional", "creative", "sensory")
CLASSROOM = {c.id: c.model_dump(mode="json") for c in CORE_CLASSROOMS}
SESSION = {s.id: s.model_dump(mode="json") for s in CORE_COACHING_SESSIONS}


@pytest.fixture
def staff(data: Any) -> Any:
    """The core data (``data``), and the demo's classrooms and coaching sessions."""
    classrooms.save(CORE_CLASSROOMS)
    coaching.save(CORE_COACHING_SESSIONS)
    return data


def get(
    context: FakeLambdaContext,
    resource_type: str,
    keys: list[str],
    *,
    fields: str | None = None,
    sub: str = ids.ADMIN_SUNRISE_SUB,
    epoch_ms: int | None = None,
) -> Answer:
    body: dict[str, Any] = {"resource_type": resource_type, "ids": keys}
    if fields is not None:
        body["fields"] = fields
    event = load_event("batch_get.json", body=body, sub=sub)
    if epoch_ms is not None:
        event["requestContext"]["timeEpoch"] = epoch_ms
    answer = call(batch_get_handler, event, context)
    assert answer.status == 200, answer.body
    assert answer.body["resource_type"] == resource_type
    return answer


def statuses(answer: Answer) -> list[int]:
    return [result["status_code"] for result in answer.body["results"]]


def payloads(answer: Answer) -> list[Any]:
    return [result.get("data") for result in answer.body["results"]]


def progress(child_id: str, done: int, counts: dict[str, int], last: str | None, focus: list[str]) -> dict[str, Any]:
    """A ``child_progress`` item's data, written out by hand."""
    return {
        "id": child_id,
        "child_id": child_id,
        "period_days": 30,
        "activities_done": done,
        "by_domain": {kind: counts.get(kind, 0) for kind in TYPES},
        "last_done_on": last,
        "suggested_focus": focus,
    }


# --- classrooms ---------------------------------------------------------------------------------------------------


def test_classrooms_are_answered_in_full_or_by_field_within_the_callers_organization(
    staff: Any, lambda_context: FakeLambdaContext
) -> None:
    keys = [ids.SUNRISE_A, ids.SUNRISE_C, ids.MAPLE_A, ids.MISSING_CLASSROOM, ids.SUNRISE_A.upper(), "sunrise-a"]
    # When Sunrise's admin asks for its classrooms, Maple's, a missing one, one in upper case and an old-style id
    full = get(lambda_context, "classrooms", keys)
    # Then its own are answered in full, the others as missing, the malformed one 400
    assert statuses(full) == [200, 200, 404, 404, 200, 400]
    assert payloads(full)[:2] == [CLASSROOM[ids.SUNRISE_A], CLASSROOM[ids.SUNRISE_C]]
    assert full.body["results"][2]["error"] == f"Classroom with id {ids.MAPLE_A} not found"
    # And with fields, exactly those (and id): the permission attributes read for the check are dropped
    some = get(lambda_context, "classrooms", [ids.SUNRISE_B], fields="capacity,name")
    assert payloads(some) == [{"id": ids.SUNRISE_B, "capacity": 16, "name": "Busy Bees"}]


def test_a_classroom_id_means_something_only_inside_its_organization(
    staff: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given a Maple classroom that happens to have the id of a Sunrise one
    twin = Classroom(
        id=ids.SUNRISE_A, org_id=ids.MAPLE, name="Maple twin", min_age_months=0, max_age_months=99, capacity=3
    )
    classrooms.save([twin])
    # When each organization's admin asks for that id / Then each gets its own classroom, never the other's
    sunrise = get(lambda_context, "classrooms", [ids.SUNRISE_A])
    maple = get(lambda_context, "classrooms", [ids.SUNRISE_A], sub=ids.ADMIN_MAPLE_SUB)
    assert payloads(sunrise) == [CLASSROOM[ids.SUNRISE_A]]
    assert payloads(maple) == [twin.model_dump(mode="json")]


def test_a_guardians_classrooms_are_where_its_children_are_now(staff: Any, lambda_context: FakeLambdaContext) -> None:
    keys = [ids.SUNRISE_A, ids.SUNRISE_B, ids.SUNRISE_C]
    # Given the guardian of Ava (SUNRISE_A) and Finn (SUNRISE_B)
    before = get(lambda_context, "classrooms", keys, sub=ids.PARENT_SUNRISE_SUB)
    assert statuses(before) == [200, 200, 404]
    # When Finn moves to SUNRISE_C (the guardian's membership, cached, is unchanged)
    finn = next(c for c in children_of_core() if c.id == ids.CHILD_FINN)
    children.save([finn.model_copy(update={"classroom_id": ids.SUNRISE_C})])
    # Then the guardian's reach moved with him, in its next request
    with counting_calls() as calls:
        after = get(lambda_context, "classrooms", keys, sub=ids.PARENT_SUNRISE_SUB)
    assert statuses(after) == [200, 404, 200]
    # And it cost one more BatchGetItem, of its children, than another caller's request
    assert calls == ["UpdateItem", "BatchGetItem", "BatchGetItem"]


def test_a_guardian_without_children_reads_no_classroom(staff: Any, lambda_context: FakeLambdaContext) -> None:
    lonely = Membership(sub="6a1e0000-0000-4000-8000-000000000009", org_id=ids.SUNRISE, role=Role.GUARDIAN)
    memberships.save([lonely])
    assert statuses(get(lambda_context, "classrooms", [ids.SUNRISE_A], sub=lonely.sub)) == [404]


def test_unprocessed_classroom_keys_are_retried_under_their_organization(
    staff: Any, lambda_context: FakeLambdaContext, fast_retries: Any
) -> None:
    # Given a classrooms table that leaves every key unprocessed in its first answer (as DynamoDB sends them back)
    client = classrooms.ClassroomRecord._get_connection().connection.client
    answers: list[int] = []

    def withhold_first(parsed: dict[str, Any], **_: Any) -> None:
        table = get_settings().classrooms_table
        answers.append(len(parsed.get("Responses", {}).get(table, [])))
        if len(answers) == 1:
            found = parsed["Responses"].pop(table)
            keys = [{"org_id": item["org_id"], "id": item["id"]} for item in found]
            parsed["UnprocessedKeys"] = {table: {"Keys": keys}}

    client.meta.events.register("after-call.dynamodb.BatchGetItem", withhold_first)
    try:
        answer = get(lambda_context, "classrooms", [ids.SUNRISE_A, ids.SUNRISE_B])
    finally:
        client.meta.events.unregister("after-call.dynamodb.BatchGetItem", withhold_first)
    # Then the retry asked for them again, under the caller's organization, and both were answered
    assert answers == [2, 2]
    assert payloads(answer) == [CLASSROOM[ids.SUNRISE_A], CLASSROOM[ids.SUNRISE_B]]


# --- coaching sessions ----------------------------------------------------------------------------------------------


def test_an_educator_reads_its_own_coaching_sessions(staff: Any, lambda_context: FakeLambdaContext) -> None:
    own = [ids.COACHING_TEACHER_DONE, ids.COACHING_TEACHER_PLANNED, ids.COACHING_TEACHER_CANCELLED]
    answer = get(lambda_context, "coaching_sessions", [*own, ids.COACHING_OTHER_EDUCATOR], sub=ids.TEACHER_SUNRISE_SUB)
    assert statuses(answer) == [200, 200, 200, 404]
    assert payloads(answer)[:3] == [SESSION[key] for key in own]
    assert [d["status"] for d in payloads(answer)[:3]] == ["done", "planned", "cancelled"]


def test_a_selected_field_a_session_lacks_has_its_default(staff: Any, lambda_context: FakeLambdaContext) -> None:
    # Given a session stored without goals or notes
    bare = CORE_COACHING_SESSIONS[0].model_copy(update={"id": "c0ac0000-0000-4000-8000-0000000000a9", "goals": []})
    coaching.save([bare.model_copy(update={"notes": ""})])
    # When its goals, notes and status are asked for / Then the absent ones have their full-representation values
    answer = get(lambda_context, "coaching_sessions", [bare.id], fields="goals,notes,status")
    assert payloads(answer) == [{"id": bare.id, "goals": [], "notes": "", "status": "done"}]


def test_a_corrupt_session_is_an_item_500_and_the_others_are_answered(
    staff: Any, lambda_context: FakeLambdaContext
) -> None:
    broken = "c0ac0000-0000-4000-8000-0000000000e5"
    staff.put_item(
        TableName=get_settings().coaching_sessions_table,
        Item={
            "org_id": {"S": ids.SUNRISE},
            "id": {"S": broken},
            "educator_sub": {"S": ids.TEACHER_SUNRISE_SUB},
            "classroom_id": {"S": ids.SUNRISE_A},
            "scheduled_on": {"S": "someday"},
            "status": {"S": "postponed"},
            "focus_domain": {"S": "motor"},
        },
    )
    answer = get(lambda_context, "coaching_sessions", [broken, ids.COACHING_TEACHER_DONE])
    assert statuses(answer) == [500, 200]
    assert answer.body["results"][0]["error_code"] == "internal_error"


# --- child progress ---------------------------------------------------------------------------------------------


def children_of_core() -> list[Child]:
    from local.demo.core import CORE_CHILDREN

    return list(CORE_CHILDREN)


def test_progress_of_the_core_children_as_computed_by_hand(data: Any, lambda_context: FakeLambdaContext) -> None:
    # Given the core histories (local.demo.core): Ava did Rhyme Time (language) 1 day and the puppet show
    # (social-emotional) 6 days before the events' day; Ella the puppet show 2 days and the bug hunt (sensory) 9 days
    # before; Dev nothing yet; Grace is Maple's
    keys = [ids.CHILD_AVA, ids.CHILD_ELLA, ids.CHILD_DEV, ids.CHILD_GRACE]
    answer = get(lambda_context, "child_progress", keys)
    assert statuses(answer) == [200, 200, 200, 404]
    assert payloads(answer)[:3] == [
        progress(
            ids.CHILD_AVA,
            2,
            {"language": 1, "social_emotional": 1},
            "2026-02-15",
            ["cognitive", "motor", "creative", "sensory"],
        ),
        progress(
            ids.CHILD_ELLA,
            2,
            {"social_emotional": 1, "sensory": 1},
            "2026-02-14",
            ["cognitive", "motor", "language", "creative"],
        ),
        progress(ids.CHILD_DEV, 0, {}, None, list(TYPES)),
    ]
    assert answer.body["results"][3]["error"] == f"Child progress with id {ids.CHILD_GRACE} not found"


def test_a_completion_recorded_through_the_api_counts_at_once(data: Any, lambda_context: FakeLambdaContext) -> None:
    before = get(lambda_context, "child_progress", [ids.CHILD_AVA], sub=ids.PARENT_SUNRISE_SUB)
    assert payloads(before)[0]["activities_done"] == 2
    # When the guardian records that Ava did the block tower (cognitive) today
    event = load_event(
        "create_completion.json",
        body={"activity_id": ids.PUBLIC_BLOCKS},
        sub=ids.PARENT_SUNRISE_SUB,
        path=f"/api/v1/children/{ids.CHILD_AVA}/completions",
    )
    event["pathParameters"] = {"id": ids.CHILD_AVA}
    assert call(child_writes, event, lambda_context).status == 201
    # Then her progress counts it in the very next request
    after = get(lambda_context, "child_progress", [ids.CHILD_AVA], sub=ids.PARENT_SUNRISE_SUB)
    assert payloads(after) == [
        progress(
            ids.CHILD_AVA,
            3,
            {"cognitive": 1, "language": 1, "social_emotional": 1},
            "2026-02-16",
            ["motor", "creative", "sensory"],
        )
    ]


def test_the_period_is_the_30_days_ending_on_the_requests_day(data: Any, lambda_context: FakeLambdaContext) -> None:
    # Given Ben's history: the block tower today, Rhyme Time 29 days ago (the period's first day), the puppet show 30
    # days ago (outside), an activity no longer in the catalog 3 days ago, and the bug hunt dated tomorrow
    def entry(activity_id: str, days_ago: int) -> HistoryEntry:
        return HistoryEntry(activity_id=activity_id, done_on=TODAY - timedelta(days=days_ago))

    history.save(
        {
            ids.CHILD_BEN: [
                entry(ids.PUBLIC_BLOCKS, 0),
                entry(ids.PUBLIC_SONGS, 29),
                entry(ids.SUNRISE_PUPPETS, 30),
                entry(ids.MISSING, 3),
                entry(ids.PUBLIC_GARDEN, -1),
            ]
        }
    )
    # When his progress is asked for on the events' day / Then 3 done (the unknown one in no domain), tomorrow's not
    on_the_day = get(lambda_context, "child_progress", [ids.CHILD_BEN])
    assert payloads(on_the_day) == [
        progress(
            ids.CHILD_BEN,
            3,
            {"cognitive": 1, "language": 1},
            "2026-02-16",
            ["motor", "social_emotional", "creative", "sensory"],
        )
    ]
    # And asked 20 days later, the period has moved: the block tower (20 days ago), the unknown one (23) and the bug
    # hunt (19) are in it, Rhyme Time (49) is not
    later = datetime.fromtimestamp(EVENTS_TIME_EPOCH_MS / 1000, UTC) + timedelta(days=20)
    with time_machine.travel(later, tick=True):
        moved = get(lambda_context, "child_progress", [ids.CHILD_BEN], epoch_ms=int(later.timestamp() * 1000))
    assert payloads(moved) == [
        progress(
            ids.CHILD_BEN,
            3,
            {"cognitive": 1, "sensory": 1},
            "2026-02-17",
            ["motor", "language", "social_emotional", "creative"],
        )
    ]


def test_progress_fields_are_selected_like_any_resources(data: Any, lambda_context: FakeLambdaContext) -> None:
    answer = get(
        lambda_context, "child_progress", [ids.CHILD_AVA, ids.CHILD_DEV], fields="suggested_focus,last_done_on"
    )
    assert payloads(answer) == [
        {
            "id": ids.CHILD_AVA,
            "suggested_focus": ["cognitive", "motor", "creative", "sensory"],
            "last_done_on": "2026-02-15",
        },
        {"id": ids.CHILD_DEV, "suggested_focus": list(TYPES), "last_done_on": None},
    ]


def test_progress_whose_histories_cannot_be_read_is_503_retryable(
    data: Any, lambda_context: FakeLambdaContext, faults: StoreFaults
) -> None:
    # Given a history table that keeps throttling
    table = get_settings().history_table
    faults.fail = lambda operation, name, attempt: (
        client_error("ProvisionedThroughputExceededException") if name == table else None
    )
    answer = get(lambda_context, "child_progress", [ids.CHILD_AVA, ids.CHILD_GRACE])
    # Then the readable child is a 503, retryable, and the other organization's still a 404
    assert statuses(answer) == [503, 404]
    assert answer.body["results"][0]["retryable"] is True


def test_a_corrupt_history_is_an_item_500(data: Any, lambda_context: FakeLambdaContext) -> None:
    data.put_item(
        TableName=get_settings().history_table,
        Item={"child_id": {"S": ids.CHILD_BEN}, "entries": {"L": [{"M": {"activity_id": {"N": "1"}}}]}},
    )
    answer = get(lambda_context, "child_progress", [ids.CHILD_BEN, ids.CHILD_AVA])
    assert statuses(answer) == [500, 200]


def test_progress_costs_the_same_round_trips_for_1_and_100_children(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # Given 100 children of Sunrise, with histories over the catalog
    kids = generate_children(ids.SUNRISE, ids.SUNRISE_B, 100, today=TODAY)
    children.save(kids)
    history.save(generate_history(kids, [ids.PUBLIC_BLOCKS, ids.PUBLIC_SONGS, ids.SUNRISE_PUPPETS], today=TODAY))
    keys = [kid.id for kid in kids]
    counted: dict[str, list[str]] = {}
    for label, batch in (("1, cold", keys[:1]), ("1", keys[:1]), ("100", keys), ("100, cold", keys)):
        if label.endswith("cold"):
            memberships.clear_cache()
            activities.clear_catalog_cache()
        with counting_calls() as calls:
            answer = get(lambda_context, "child_progress", batch)
        assert set(statuses(answer)) == {200}
        counted[label] = calls
    # Then a warm request is the quota's update, the children's BatchGetItem and the histories' one, for 1 or 100
    assert counted["1"] == counted["100"] == ["UpdateItem", "BatchGetItem", "BatchGetItem"]
    # And a cold one adds the membership and the catalog's two partitions (its own, the public one), for 1 or 100
    cold = Counter({"GetItem": 1, "UpdateItem": 1, "BatchGetItem": 2, "Query": 2})
    assert Counter(counted["1, cold"]) == Counter(counted["100, cold"]) == cold


# --- get jobs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "keys"),
    [
        ("classrooms", [ids.SUNRISE_A, ids.SUNRISE_B, ids.MAPLE_A]),
        ("coaching_sessions", [ids.COACHING_TEACHER_DONE, ids.COACHING_OTHER_EDUCATOR, ids.COACHING_MAPLE]),
        ("child_progress", [ids.CHILD_AVA, ids.CHILD_BEN, ids.CHILD_GRACE]),
    ],
)
def test_a_get_jobs_chunk_answers_as_the_route_does(
    staff: Any, lambda_context: FakeLambdaContext, resource_type: str, keys: list[str]
) -> None:
    # Given the guardian's membership, as a job runs it
    guardian = memberships.read_fresh(ids.PARENT_SUNRISE_SUB)
    assert guardian is not None
    # When a chunk of a get job of the type runs, dated the events' day
    chunk = operations.run("get", {"resource_type": resource_type}, keys, guardian, Deadline(30_000), TODAY)
    # Then its items are the synchronous route's
    route = get(lambda_context, resource_type, keys, sub=ids.PARENT_SUNRISE_SUB)
    assert json.loads(chunk.document)["results"] == route.body["results"]
    assert chunk.answered == len(keys)


def test_a_progress_job_counts_the_period_of_its_own_day(data: Any) -> None:
    admin = memberships.read_fresh(ids.ADMIN_SUNRISE_SUB)
    assert admin is not None
    later = TODAY + timedelta(days=10)
    chunk = operations.run("get", {"resource_type": "child_progress"}, [ids.CHILD_AVA], admin, Deadline(30_000), later)
    (result,) = json.loads(chunk.document)["results"]
    assert result["data"]["activities_done"] == 2  # 11 and 16 days before that day
    assert date.fromisoformat(result["data"]["last_done_on"]) == TODAY - timedelta(days=1)


def test_a_busy_month_is_counted_in_full_through_the_trims(data: Any, lambda_context: FakeLambdaContext) -> None:
    # Given Ben's stored history: 45 block towers over the last 30 days (more than the recommendations keep, past
    # TRIM_AT) and 30 older activities
    stored = [(ids.PUBLIC_BLOCKS, TODAY - timedelta(days=i % 30)) for i in range(45)]
    stored += [(ids.PUBLIC_SONGS, TODAY - timedelta(days=40 + i)) for i in range(30)]
    entries = [{"M": {"activity_id": {"S": a}, "done_on": {"S": d.isoformat()}}} for a, d in stored]
    data.put_item(
        TableName=get_settings().history_table,
        Item={"child_id": {"S": ids.CHILD_BEN}, "entries": {"L": entries}, "revision": {"N": "75"}},
    )
    # When the completions' trim runs
    assert history.trim_many([ids.CHILD_BEN], Deadline(30_000)) == set()
    # Then it dropped the older ones only, and his progress counts all 45
    item = data.get_item(TableName=get_settings().history_table, Key={"child_id": {"S": ids.CHILD_BEN}})["Item"]
    assert sorted(e["M"]["done_on"]["S"] for e in item["entries"]["L"]) == sorted(d.isoformat() for _, d in stored[:45])
    answer = get(lambda_context, "child_progress", [ids.CHILD_BEN], fields="activities_done,by_domain")
    assert payloads(answer)[0]["activities_done"] == 45
    assert payloads(answer)[0]["by_domain"]["cognitive"] == 45
    assert history.read_many([ids.CHILD_BEN], Deadline(30_000)).entries[ids.CHILD_BEN][0].done_on == TODAY


@pytest.mark.parametrize(
    ("event", "expected"),
    [("batch_get_classrooms.json", [200, 200, 200, 404]), ("batch_get_progress.json", [200, 200, 200, 404])],
)
def test_the_example_events_answer_as_documented(
    staff: Any, lambda_context: FakeLambdaContext, event: str, expected: list[int]
) -> None:
    # The events of events/ as they are (README: make invoke), Sunrise's admin: its own and one of Maple's
    answer = call(batch_get_handler, load_event(event), lambda_context)
    assert answer.status == 200
    assert [result["status_code"] for result in answer.body["results"]] == expected
