"""Hostile and broken requests through every function's handler (DESIGN 3.4): each one is answered with RFC 9457
problem details (400, 413 or 422), never a 500, never a stack trace, and never with the huge input echoed back.

The cases are one table: a readable name, the route's event from events/, what is wrong with it, and the status.
Malformed ids inside a valid batch are not request errors: they are item-level 400s in a 200 envelope (last tests).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

from functions.activities.app import handler as activities_handler
from functions.batch_get.app import handler as batch_get_handler
from functions.batch_jobs.app import handler as jobs_handler
from functions.batch_recommendations.app import handler as recommendations_handler
from functions.batch_write.app import handler as batch_write_handler
from functions.children.app import handler as children_handler
from functions.limits.app import handler as limits_handler
from functions.webhooks.app import handler as webhooks_handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.events import load_event
from tests.integration.children_support import Handler, call

HUGE = "Z" * 100_000
"""A marker input far beyond every limit: no answer may contain it (or a large part of it)."""
OVER_10_MB = 10 * 1024 * 1024 + 1
FULLWIDTH_UUID = "\uff11\uff12\uff13e4567-e89b-12d3-a456-426614174000"
"""A UUID whose first digits are full-width look-alikes (a regex with \\d would take them for digits)."""
DEEP = 100_000
"""Nesting depth of the deeply nested documents: far past Python's recursion limit."""

HANDLERS: dict[str, Handler] = {
    "batch_get.json": batch_get_handler,
    "batch_recommendations.json": recommendations_handler,
    "get_activity.json": activities_handler,
    "list_activities.json": activities_handler,
    "list_children.json": children_handler,
    "child_recommendations.json": children_handler,
    "batch_create.json": batch_write_handler,
    "batch_update.json": batch_write_handler,
    "batch_delete.json": batch_write_handler,
    "register_webhook.json": webhooks_handler,
    "rotate_webhook.json": webhooks_handler,
    "webhook_deliveries.json": webhooks_handler,
    "delete_webhook.json": webhooks_handler,
    "submit_job.json": jobs_handler,
    "get_job.json": jobs_handler,
    "job_results.json": jobs_handler,
    "list_jobs.json": jobs_handler,
    "cancel_job.json": jobs_handler,
    "batch_limits.json": limits_handler,
}


@dataclass(frozen=True)
class Case:
    """One bad request: ``event`` from events/ with its body, query string, path id or headers replaced."""

    event: str
    status: int
    body: Any = None
    raw_body: str | None = None
    query: dict[str, str] | str | None = None
    path_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop_headers: tuple[str, ...] = ()

    def build(self) -> dict[str, Any]:
        event = load_event(self.event, body=self.body, raw_body=self.raw_body, headers=dict(self.headers))
        for name in self.drop_headers:
            event["headers"].pop(name, None)
        if self.query is not None:
            raw = self.query if isinstance(self.query, str) else urlencode(self.query)
            event["rawQueryString"] = raw
            event.pop("queryStringParameters", None)
        if self.path_id is not None:
            template = event["routeKey"].split(" ", 1)[1]
            path = template.replace("{id}", self.path_id)
            event["rawPath"] = event["requestContext"]["http"]["path"] = path
            event["pathParameters"] = {"id": self.path_id}
        return event


def batch(**body: Any) -> dict[str, Any]:
    return {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS], **body}


def recommend(**body: Any) -> dict[str, Any]:
    return {"child_ids": [ids.CHILD_AVA], **body}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BATCH, RECS = "batch_get.json", "batch_recommendations.json"
CREATE, UPDATE, DELETE = "batch_create.json", "batch_update.json", "batch_delete.json"
GET_ONE, LIST_ACTIVITIES = "get_activity.json", "list_activities.json"
LIST_CHILDREN, CHILD_RECS = "list_children.json", "child_recommendations.json"
HOOK, ROTATE, HOOK_LOG, UNHOOK = (
    "register_webhook.json",
    "rotate_webhook.json",
    "webhook_deliveries.json",
    "delete_webhook.json",
)


LIMITS = "batch_limits.json"
JOB, GET_JOB, JOB_RESULTS, LIST_JOBS, CANCEL_JOB = (
    "submit_job.json",
    "get_job.json",
    "job_results.json",
    "list_jobs.json",
    "cancel_job.json",
)


def job(**request: Any) -> dict[str, Any]:
    return {"operation": "get", "request": {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS], **request}}


def hook(**body: Any) -> dict[str, Any]:
    return {"url": "https://93.184.215.14/hooks", "events": ["batch.job.completed"], **body}


CASES: dict[str, Case] = {
    # --- the body as a whole -----------------------------------------------------------------------------------
    "body not json": Case(BATCH, 400, raw_body="{not json"),
    "body truncated json": Case(BATCH, 400, raw_body='{"resource_type": "activities", "ids": ['),
    "body empty": Case(BATCH, 400, raw_body=""),
    "body control bytes": Case(BATCH, 400, raw_body="\x00\x01\x02"),
    "body single-quoted pseudo json": Case(BATCH, 400, raw_body="{'resource_type': 'activities'}"),
    "body json array": Case(BATCH, 422, raw_body="[1, 2, 3]"),
    "body json string": Case(BATCH, 422, raw_body='"activities"'),
    "body json number": Case(BATCH, 422, raw_body="42"),
    "body nested 100k deep": Case(BATCH, 400, raw_body=nested(DEEP)),
    "body over 10 MB": Case(BATCH, 413, raw_body=json.dumps(batch(fields="a" * OVER_10_MB))),
    "body over 10 MB of ids": Case(BATCH, 413, raw_body=json.dumps(batch(ids=["x" * 100] * 110_000))),
    "body just over 1 MB": Case(BATCH, 413, raw_body=json.dumps(batch(fields="a" * 1024 * 1024))),
    "body 80k unknown keys, under 1 MB": Case(
        BATCH, 422, raw_body=json.dumps(batch(**{f"k{i:05d}": 0 for i in range(80_000)}), separators=(",", ":"))
    ),
    "body 25 unknown keys": Case(BATCH, 422, body=batch(**{f"k{i}": 0 for i in range(25)})),
    "content-type text/plain": Case(BATCH, 400, body=batch(), headers={"content-type": "text/plain"}),
    "content-type form": Case(BATCH, 400, body=batch(), headers={"content-type": "application/x-www-form-urlencoded"}),
    "content-type missing": Case(BATCH, 400, body=batch(), drop_headers=("content-type",)),
    # --- batch GET fields --------------------------------------------------------------------------------------
    "unknown top-level field": Case(BATCH, 422, body=batch(admin=True)),
    "resource_type missing": Case(BATCH, 422, body={"ids": [ids.PUBLIC_BLOCKS]}),
    "resource_type null": Case(BATCH, 422, body=batch(resource_type=None)),
    "resource_type number": Case(BATCH, 422, body=batch(resource_type=7)),
    "resource_type unsupported": Case(BATCH, 400, body=batch(resource_type="toys")),
    "resource_type huge": Case(BATCH, 422, body=batch(resource_type=HUGE)),
    "resource_type nested junk": Case(BATCH, 422, body=batch(resource_type={"$ne": None})),
    "ids missing": Case(BATCH, 422, body={"resource_type": "activities"}),
    "ids null": Case(BATCH, 422, body=batch(ids=None)),
    "ids a string": Case(BATCH, 422, body=batch(ids=ids.PUBLIC_BLOCKS)),
    "ids an object": Case(BATCH, 422, body=batch(ids={"0": ids.PUBLIC_BLOCKS})),
    "ids empty": Case(BATCH, 422, body=batch(ids=[])),
    "ids 101": Case(BATCH, 422, body=batch(ids=[ids.PUBLIC_BLOCKS] * 101)),
    "ids 100k": Case(BATCH, 413, body=batch(ids=[ids.PUBLIC_BLOCKS] * 100_000)),
    "ids 300k numbers, under 1 MB": Case(
        BATCH, 422, raw_body=json.dumps(batch(ids=[0] * 300_000), separators=(",", ":"))
    ),
    "id null": Case(BATCH, 422, body=batch(ids=[None])),
    "id number": Case(BATCH, 422, body=batch(ids=[123])),
    "id boolean": Case(BATCH, 422, body=batch(ids=[True])),
    "id nested junk": Case(BATCH, 422, body=batch(ids=[{"S": ids.PUBLIC_BLOCKS}, [[["x"]]]])),
    "id deeply nested": Case(BATCH, 400, raw_body=json.dumps(batch())[:-2] + ", " + nested(DEEP) + "]}"),
    "id huge": Case(BATCH, 422, body=batch(ids=[HUGE])),
    "id 129 characters": Case(BATCH, 422, body=batch(ids=["a" * 129])),
    "fields a list": Case(BATCH, 422, body=batch(fields=["id", "name"])),
    "fields unknown": Case(BATCH, 400, body=batch(fields="id,password")),
    "fields huge": Case(BATCH, 422, body=batch(fields=HUGE)),
    "fields unknown unicode and nul": Case(BATCH, 400, body=batch(fields="id,näme\x00,名前")),
    "fields naming no field": Case(BATCH, 400, body=batch(fields=" , ")),
    "fields empty": Case(BATCH, 400, body=batch(fields="")),
    # --- the other readable types (DESIGN 3.12): the same request rules ----------------------------------------
    "resource_type in another case": Case(BATCH, 400, body=batch(resource_type="Classrooms")),
    "resource_type singular": Case(BATCH, 400, body=batch(resource_type="coaching_session")),
    "classrooms fields of a child": Case(BATCH, 400, body=batch(resource_type="classrooms", fields="birth_date")),
    "classrooms ids 101": Case(BATCH, 422, body=batch(resource_type="classrooms", ids=[ids.SUNRISE_A] * 101)),
    "coaching_sessions fields unknown": Case(BATCH, 400, body=batch(resource_type="coaching_sessions", fields="pw")),
    "coaching_sessions id huge": Case(BATCH, 422, body=batch(resource_type="coaching_sessions", ids=[HUGE])),
    "child_progress fields naming no field": Case(BATCH, 400, body=batch(resource_type="child_progress", fields=",")),
    "child_progress fields of the child": Case(BATCH, 400, body=batch(resource_type="child_progress", fields="name")),
    "child_progress id number": Case(BATCH, 422, body=batch(resource_type="child_progress", ids=[7])),
    # --- batch recommendations ---------------------------------------------------------------------------------
    "recs child_ids missing": Case(RECS, 422, body={"max_recommendations": 3}),
    "recs child_ids 51": Case(RECS, 422, body=recommend(child_ids=[ids.CHILD_AVA] * 51)),
    "recs child id huge": Case(RECS, 422, body=recommend(child_ids=[HUGE])),
    "recs max_recommendations 0": Case(RECS, 422, body=recommend(max_recommendations=0)),
    "recs max_recommendations 21": Case(RECS, 422, body=recommend(max_recommendations=21)),
    "recs max_recommendations text": Case(RECS, 422, body=recommend(max_recommendations="five")),
    "recs max_recommendations fraction": Case(RECS, 422, body=recommend(max_recommendations=2.5)),
    "recs max_recommendations huge number": Case(RECS, 422, body=recommend(max_recommendations=10**400)),
    "recs activity_types unknown": Case(RECS, 422, body=recommend(activity_types=["juggling"])),
    "recs activity_types a string": Case(RECS, 422, body=recommend(activity_types=HUGE)),
    "recs weather unknown": Case(RECS, 422, body=recommend(weather="meteor shower")),
    "recs include_special_needs text": Case(RECS, 422, body=recommend(include_special_needs="perhaps")),
    "recs unknown option": Case(RECS, 422, body=recommend(sort="random")),
    "recs max_recommendations a numeric string": Case(RECS, 422, body=recommend(max_recommendations="5")),
    "recs max_recommendations true": Case(RECS, 422, body=recommend(max_recommendations=True)),
    "recs max_recommendations 5.0": Case(RECS, 422, body=recommend(max_recommendations=5.0)),
    "recs group_size a numeric string": Case(RECS, 422, body=recommend(group_size="10")),
    "recs include_special_needs yes": Case(RECS, 422, body=recommend(include_special_needs="yes")),
    "recs include_special_needs 1": Case(RECS, 422, body=recommend(include_special_needs=1)),
    "recs activity_types repeated": Case(RECS, 422, body=recommend(activity_types=["motor", "motor"])),
    "recs activity_types 7 entries": Case(RECS, 422, body=recommend(activity_types=["motor"] * 7)),
    "recs activity_types 300k numbers, 600 KB": Case(
        RECS, 422, raw_body=json.dumps(recommend(activity_types=[0] * 300_000), separators=(",", ":"))
    ),
    "recs body over 1 MB": Case(RECS, 413, raw_body=json.dumps(recommend(activity_types=[0] * 600_000))),
    "recs body not json": Case(RECS, 400, raw_body="child_ids=1"),
    # --- batch writes: the request's shape (an invalid item is an item 422, tested in test_batch_writes.py) -------
    "create items missing": Case(CREATE, 422, body={"resource_type": "activities"}),
    "create items not a list": Case(CREATE, 422, body={"resource_type": "activities", "items": {"name": "x"}}),
    "create items empty": Case(CREATE, 422, body={"resource_type": "activities", "items": []}),
    "create 101 items": Case(CREATE, 422, body={"resource_type": "activities", "items": [{}] * 101}),
    "create atomic yes": Case(CREATE, 422, body={"resource_type": "activities", "items": [{}], "atomic": "yes"}),
    "create unknown type": Case(CREATE, 400, body={"resource_type": "toys", "items": [{}]}),
    "create unknown member": Case(CREATE, 422, body={"resource_type": "activities", "items": [{}], "dry_run": True}),
    "create over 1 MB": Case(
        CREATE, 413, raw_body=json.dumps({"resource_type": "activities", "items": ["x" * 1_100_000]})
    ),
    "create body not json": Case(CREATE, 400, raw_body="{items:"),
    "create idempotency key too long": Case(
        CREATE, 400, body={"resource_type": "activities", "items": [{}]}, headers={"idempotency-key": "k" * 256}
    ),
    "create idempotency key not ascii": Case(
        CREATE, 400, body={"resource_type": "activities", "items": [{}]}, headers={"idempotency-key": "clé"}
    ),
    "update completions": Case(UPDATE, 400, body={"resource_type": "completions", "items": [{}]}),
    "update items a string": Case(UPDATE, 422, body={"resource_type": "activities", "items": "all"}),
    "delete ids missing": Case(DELETE, 422, body={"resource_type": "activities"}),
    "delete id huge": Case(DELETE, 422, body={"resource_type": "activities", "ids": [HUGE]}),
    "delete completions": Case(DELETE, 400, body={"resource_type": "completions", "ids": [ids.PUBLIC_BLOCKS]}),
    # --- single routes: path ids and query parameters ----------------------------------------------------------
    "activity id malformed": Case(GET_ONE, 400, path_id="not-a-uuid"),
    "activity id with nul": Case(GET_ONE, 400, path_id=ids.PUBLIC_BLOCKS[:8] + "\x00" + ids.PUBLIC_BLOCKS[9:]),
    "activity id unicode digits": Case(GET_ONE, 400, path_id=FULLWIDTH_UUID),
    "activity id huge": Case(GET_ONE, 422, path_id="a" * 10_000),
    "activities limit 0": Case(LIST_ACTIVITIES, 422, query={"limit": "0"}),
    "activities limit text": Case(LIST_ACTIVITIES, 422, query={"limit": "ten"}),
    "activities limit huge": Case(LIST_ACTIVITIES, 422, query={"limit": "9" * 5000}),
    "activities cursor forged": Case(LIST_ACTIVITIES, 400, query={"cursor": "eyJwIjo5OSwiayI6bnVsbH0"}),
    "activities cursor huge": Case(LIST_ACTIVITIES, 422, query={"cursor": HUGE}),
    "children limit negative": Case(LIST_CHILDREN, 422, query={"limit": "-1"}),
    "children cursor garbage": Case(LIST_CHILDREN, 400, query={"cursor": "%%%not-base64\x00"}),
    "child recs id malformed": Case(CHILD_RECS, 400, path_id="ava", query=""),
    "child recs unknown parameter": Case(CHILD_RECS, 422, path_id=ids.CHILD_AVA, query={"sort": "random"}),
    "child recs max_recommendations text": Case(
        CHILD_RECS, 422, path_id=ids.CHILD_AVA, query={"max_recommendations": "many"}
    ),
    "child recs weather unknown": Case(CHILD_RECS, 422, path_id=ids.CHILD_AVA, query={"weather": "x" * 5000}),
    "child recs activity_types 7": Case(
        CHILD_RECS, 422, path_id=ids.CHILD_AVA, query="&".join(["activity_types=motor"] * 7)
    ),
    # --- webhooks (DESIGN 3.10): the registration's body, URLs refused before anything is stored, path ids ------
    "webhook body not json": Case(HOOK, 400, raw_body="url=https://hooks.example.org"),
    "webhook url missing": Case(HOOK, 422, body={"events": ["batch.job.completed"]}),
    "webhook url a number": Case(HOOK, 422, body=hook(url=443)),
    "webhook url over 2048": Case(HOOK, 422, body=hook(url="https://h.example.org/" + "Z" * 5000)),
    "webhook body over 64 KB": Case(HOOK, 413, body=hook(url="https://h.example.org/" + HUGE)),
    "webhook events empty": Case(HOOK, 422, body=hook(events=[])),
    "webhook event unknown": Case(HOOK, 422, body=hook(events=["batch.job.started"])),
    "webhook event repeated": Case(HOOK, 422, body=hook(events=["batch.job.completed"] * 2)),
    "webhook events a string": Case(HOOK, 422, body=hook(events="Z" * 5000)),
    "webhook description over 500": Case(HOOK, 422, body=hook(description="Z" * 5000)),
    "webhook unknown member": Case(HOOK, 422, body=hook(secret="whsec_mine")),
    "webhook url http": Case(HOOK, 400, body=hook(url="http://93.184.215.14/hooks")),
    "webhook url loopback": Case(HOOK, 400, body=hook(url="https://127.0.0.1/hooks")),
    "webhook url private": Case(HOOK, 400, body=hook(url="https://10.0.0.8/hooks")),
    "webhook url metadata": Case(HOOK, 400, body=hook(url="https://169.254.169.254/latest/meta-data")),
    "webhook url ipv6 loopback": Case(HOOK, 400, body=hook(url="https://[::1]/hooks")),
    "webhook url decimal ip": Case(HOOK, 400, body=hook(url="https://2130706433/hooks")),
    "webhook url userinfo": Case(HOOK, 400, body=hook(url="https://user:pw@93.184.215.14/hooks")),
    "webhook url file": Case(HOOK, 400, body=hook(url="file:///etc/passwd")),
    "webhook url relative": Case(HOOK, 400, body=hook(url="/hooks")),
    "webhook url not resolving": Case(HOOK, 400, body=hook(url="https://no-such-host.invalid/hooks")),
    "webhook idempotency key too long": Case(HOOK, 400, body=hook(), headers={"idempotency-key": "k" * 256}),
    "webhook rotate id huge": Case(ROTATE, 422, path_id="w" * 10_000),
    "webhook deliveries id huge": Case(HOOK_LOG, 422, path_id="w" * 10_000),
    # --- batch jobs (DESIGN 3.9): the submission (its request checked by its operation's rules), ids, pages ------
    "job body not json": Case(JOB, 400, raw_body="{operation: get"),
    "job body empty": Case(JOB, 400, raw_body=""),
    "job content-type text": Case(JOB, 400, body=job(), headers={"content-type": "text/plain"}),
    "job body over 10 MB": Case(JOB, 413, raw_body=json.dumps(job(ids=["x" * 100] * 110_000))),
    "job operation unknown": Case(JOB, 422, body={"operation": "explode", "request": {}}),
    "job operation huge": Case(JOB, 422, body={"operation": HUGE, "request": {}}),
    "job request missing": Case(JOB, 422, body={"operation": "get"}),
    "job request a list": Case(JOB, 422, body={"operation": "get", "request": [HUGE]}),
    "job unknown member": Case(JOB, 422, body={**job(), "priority": "high"}),
    "job ids 10,001": Case(JOB, 422, body=job(ids=[ids.PUBLIC_BLOCKS] * 10_001)),
    "job id huge": Case(JOB, 422, body=job(ids=[HUGE])),
    "job ids 300k numbers": Case(JOB, 422, raw_body=json.dumps(job(ids=[0] * 300_000), separators=(",", ":"))),
    "job request 80k unknown keys": Case(
        JOB, 422, raw_body=json.dumps(job(**{f"k{i:05d}": 0 for i in range(80_000)}), separators=(",", ":"))
    ),
    "job atomic": Case(
        JOB,
        422,
        body={"operation": "update", "request": {"resource_type": "activities", "items": [{}], "atomic": True}},
    ),
    "job resource_type unsupported": Case(JOB, 400, body=job(resource_type="toys")),
    "job child_progress fields unknown": Case(JOB, 400, body=job(resource_type="child_progress", fields="org_id")),
    "job fields unknown": Case(JOB, 400, body=job(fields="id,password")),
    "job write item over 16 KB": Case(
        JOB, 422, body={"operation": "create", "request": {"resource_type": "activities", "items": [{"name": HUGE}]}}
    ),
    "job recs max_recommendations text": Case(
        JOB,
        422,
        body={"operation": "recommendations", "request": {"child_ids": [ids.CHILD_AVA], "max_recommendations": "five"}},
    ),
    "job idempotency key too long": Case(JOB, 400, body=job(), headers={"idempotency-key": "k" * 256}),
    "job id malformed": Case(GET_JOB, 400, path_id="not-a-uuid"),
    "job id with nul": Case(GET_JOB, 400, path_id=ids.PUBLIC_BLOCKS[:8] + "\x00" + ids.PUBLIC_BLOCKS[9:]),
    "job path id huge": Case(GET_JOB, 422, path_id="j" * 10_000),
    "job cancel id huge": Case(CANCEL_JOB, 422, path_id="j" * 10_000),
    "job results limit 0": Case(JOB_RESULTS, 422, query={"limit": "0"}),
    "job results limit 1001": Case(JOB_RESULTS, 422, query={"limit": "1001"}),
    "job results status unknown": Case(JOB_RESULTS, 422, query={"status": "Z" * 5000}),
    "job results cursor huge": Case(JOB_RESULTS, 422, query={"cursor": HUGE}),
    "jobs limit text": Case(LIST_JOBS, 422, query={"limit": "ten"}),
    "jobs cursor garbage": Case(LIST_JOBS, 400, query={"cursor": "%%%not-base64\x00"}),
    "jobs cursor forged": Case(LIST_JOBS, 400, query={"cursor": "eyJwayI6eyJTIjoiSk9CI3gifX0"}),
    "webhook delete id huge": Case(UNHOOK, 422, path_id="w" * 10_000),
}


def test_there_are_at_least_30_named_bad_inputs() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", CASES)
def test_a_bad_input_is_a_problem_that_does_not_echo_it(
    data: Any, lambda_context: FakeLambdaContext, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    # Given a broken or hostile request to one of the routes
    case = CASES[name]
    event = case.build()
    # When the function handles it
    answer = call(HANDLERS[case.event], event, lambda_context)
    # Then it is answered with the expected 4xx as problem details
    assert answer.status == case.status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["status"] == case.status
    assert answer.body["title"]
    assert answer.body.get("detail")
    # And the answer is small, echoes none of the input and shows no stack trace
    raw = json.dumps(answer.body, ensure_ascii=False)
    assert len(raw) < 6_000
    assert len(answer.body.get("errors", ())) <= 20
    assert "ZZZZ" not in raw
    assert "Traceback" not in raw
    assert 'File "' not in raw
    # And it was not an error of the service: nothing was logged as one
    assert not [record for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")]


def test_the_limits_route_ignores_what_it_does_not_take_and_knows_its_callers(
    data: Any, lambda_context: FakeLambdaContext
) -> None:
    # GET /api/v1/batch/limits takes no input: junk in the query string or the body changes nothing of the answer
    plain = call(limits_handler, load_event(LIMITS), lambda_context)
    junk = Case(LIMITS, 200, raw_body=HUGE, query={"limit": HUGE, "ids": "\x00" * 100}).build()
    answer = call(limits_handler, junk, lambda_context)
    assert (plain.status, answer.status) == (200, 200)
    assert answer.body == plain.body
    # An ID token, and a caller who is no member, are refused as on every route
    claims = dict(load_event(LIMITS)["requestContext"]["authorizer"]["jwt"]["claims"])
    id_token = call(limits_handler, load_event(LIMITS, claims={**claims, "token_use": "id"}), lambda_context)
    stranger = call(limits_handler, load_event(LIMITS, sub="0d0d0000-0000-4000-8000-000000000005"), lambda_context)
    assert (id_token.status, stranger.status) == (401, 403)


def test_a_422_points_at_the_invalid_field_with_a_json_pointer(data: Any, lambda_context: FakeLambdaContext) -> None:
    # Given a batch whose third id is not a string
    event = Case(BATCH, 422, body=batch(ids=[ids.PUBLIC_BLOCKS, ids.PUBLIC_SONGS, 7])).build()
    # When it is handled / Then the problem names exactly that element
    answer = call(batch_get_handler, event, lambda_context)
    assert [error["pointer"] for error in answer.body["errors"]] == ["#/ids/2"]


MALFORMED_IDS: dict[str, str] = {
    "empty": "",
    "blank": "   ",
    "nul inside": ids.PUBLIC_BLOCKS[:8] + "\x00" + ids.PUBLIC_BLOCKS[9:],
    "trailing newline": ids.PUBLIC_BLOCKS + "\n",
    "braces": "{" + ids.PUBLIC_BLOCKS + "}",
    "unicode digits": FULLWIDTH_UUID,
    "nosql operator": '{"$ne": null}',
    "path traversal": "../../etc/passwd",
    "emoji": "🙂" * 30,
    "128 characters": "f" * 128,
}


@pytest.mark.parametrize("name", MALFORMED_IDS)
def test_a_malformed_id_in_a_valid_batch_is_an_item_400_echoed_as_sent(
    data: Any, lambda_context: FakeLambdaContext, name: str
) -> None:
    # Given a batch with one malformed id between two valid ones
    bad = MALFORMED_IDS[name]
    event = Case(BATCH, 200, body=batch(ids=[ids.PUBLIC_BLOCKS, bad, ids.PUBLIC_SONGS])).build()
    # When it is handled
    answer = call(batch_get_handler, event, lambda_context)
    # Then the batch succeeds and only that item is a 400 invalid_id, with the id echoed exactly as sent
    assert answer.status == 200
    results = answer.body["results"]
    assert [r["status_code"] for r in results] == [200, 400, 200]
    assert (results[1]["id"], results[1]["error_code"], results[1]["retryable"]) == (bad, "invalid_id", False)


@pytest.mark.parametrize(
    ("resource_type", "valid"),
    [("classrooms", ids.SUNRISE_A), ("coaching_sessions", ids.COACHING_MAPLE), ("child_progress", ids.CHILD_GRACE)],
)
@pytest.mark.parametrize("name", ["empty", "nul inside", "unicode digits", "nosql operator"])
def test_a_malformed_id_of_the_other_types_is_an_item_400(
    data: Any, lambda_context: FakeLambdaContext, resource_type: str, valid: str, name: str
) -> None:
    # Given a batch of the type with a malformed id before a valid one (Maple's, or missing: a 404 either way)
    event = load_event(BATCH, body={"resource_type": resource_type, "ids": [MALFORMED_IDS[name], valid]})
    # When it is handled / Then only that item is a 400 invalid_id, echoed as sent
    answer = call(batch_get_handler, event, lambda_context)
    assert answer.status == 200
    results = answer.body["results"]
    assert [(r["id"], r["status_code"]) for r in results] == [(MALFORMED_IDS[name], 400), (valid, 404)]
    assert results[0]["error_code"] == "invalid_id"


@pytest.mark.parametrize("name", ["empty", "nul inside", "unicode digits"])
def test_a_malformed_child_id_is_an_item_400_in_the_recommendations_batch(
    data: Any, lambda_context: FakeLambdaContext, name: str
) -> None:
    event = load_event(RECS, body={"child_ids": [MALFORMED_IDS[name], ids.CHILD_AVA]}, sub=ids.TEACHER_SUNRISE_SUB)
    answer = call(recommendations_handler, event, lambda_context)
    assert answer.status == 200
    assert [r["status_code"] for r in answer.body["results"]] == [400, 200]
