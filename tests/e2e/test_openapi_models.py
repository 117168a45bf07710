"""Models generated from the committed openapi.json by datamodel-code-generator (what a client's build does) read
the live answers of every route through the local stack: 200 envelopes with success and error items, problem
details (400, 401, 403, 404, 413, 422), and API Gateway's own ``{"message"}`` (401, 404, 413, 429).

Each answer must have a documented status and media type, and its body must validate against the model of the
schema documented for that media type; the generated models forbid undocumented members. Problem details and the
gateway's message are then told apart by type: each source answers in its own shape.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Union

import httpx
import pytest
from pydantic import TypeAdapter

from local import cfn
from local.demo import ids
from local.demo.users import DEMO_PASSWORD
from tests.e2e.conftest import ROOT, Stack, run_async, unthrottled

pytestmark = pytest.mark.e2e

DOCUMENT: dict[str, Any] = json.loads((ROOT / "openapi.json").read_text())
ADMIN = "admin@sunrise.example"
TEACHER = "teacher@sunrise.example"
TEN_MB = 10 * 1024 * 1024
ONE_MB = 1024 * 1024


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    path: str
    json_body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)
    status: int = 200
    """The status of its success."""


ROUTES = {
    "batch get": Route(
        "POST", "/api/v1/batch/get", "/api/v1/batch/get", {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS]}
    ),
    "batch recommendations": Route(
        "POST",
        "/api/v1/batch/activities/recommendations",
        "/api/v1/batch/activities/recommendations",
        {"child_ids": [ids.CHILD_AVA]},
    ),
    "activity": Route("GET", "/api/v1/activities/{id}", f"/api/v1/activities/{ids.PUBLIC_BLOCKS}"),
    "activities": Route("GET", "/api/v1/activities", "/api/v1/activities", params={"limit": "3"}),
    "children": Route("GET", "/api/v1/children", "/api/v1/children", params={"limit": "3"}),
    "child recommendations": Route(
        "GET", "/api/v1/children/{id}/recommendations", f"/api/v1/children/{ids.CHILD_AVA}/recommendations"
    ),
    "batch create": Route(
        "POST",
        "/api/v1/batch/create",
        "/api/v1/batch/create",
        {
            "resource_type": "activities",
            "items": [
                {
                    "name": "Stacking cups",
                    "description": "Build a tower",
                    "activity_type": "motor",
                    "min_age_months": 9,
                    "max_age_months": 30,
                },
                {"name": "Missing its type"},
            ],
        },
    ),
    "batch update": Route(
        "POST",
        "/api/v1/batch/update",
        "/api/v1/batch/update",
        {"resource_type": "activities", "items": [{"id": ids.SUNRISE_PUPPETS, "changes": {}}, {"id": ids.MISSING}]},
    ),
    "batch delete": Route(
        "POST", "/api/v1/batch/delete", "/api/v1/batch/delete", {"resource_type": "activities", "ids": [ids.MISSING]}
    ),
    "activity create": Route(
        "POST",
        "/api/v1/activities",
        "/api/v1/activities",
        {
            "name": "Stacking cups",
            "description": "Build a tower",
            "activity_type": "motor",
            "min_age_months": 9,
            "max_age_months": 30,
        },
        status=201,
    ),
    "activity update": Route(
        "PATCH", "/api/v1/activities/{id}", f"/api/v1/activities/{ids.MISSING}", {"materials": None}
    ),
    "activity delete": Route("DELETE", "/api/v1/activities/{id}", f"/api/v1/activities/{ids.MISSING}", status=204),
    "child create": Route(
        "POST",
        "/api/v1/children",
        "/api/v1/children",
        {"name": "Noor", "classroom_id": ids.SUNRISE_B, "birth_date": "2023-05-01", "focus_domains": ["language"]},
        status=201,
    ),
    "child update": Route(
        "PATCH", "/api/v1/children/{id}", f"/api/v1/children/{ids.MISSING_CHILD}", {"special_needs": ["autism"]}
    ),
    "child delete": Route("DELETE", "/api/v1/children/{id}", f"/api/v1/children/{ids.MISSING_CHILD}", status=204),
    "completion": Route(
        "POST",
        "/api/v1/children/{id}/completions",
        f"/api/v1/children/{ids.CHILD_BEN}/completions",
        {"activity_id": ids.PUBLIC_SONGS},
        status=201,
    ),
    "job submit": Route(
        "POST",
        "/api/v1/batch/jobs",
        "/api/v1/batch/jobs",
        {"operation": "get", "request": {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS, ids.MISSING]}},
        status=202,
    ),
    "jobs": Route("GET", "/api/v1/batch/jobs", "/api/v1/batch/jobs", params={"limit": "3"}),
    "job": Route("GET", "/api/v1/batch/jobs/{id}", f"/api/v1/batch/jobs/{ids.MISSING}"),
    "job results": Route("GET", "/api/v1/batch/jobs/{id}/results", f"/api/v1/batch/jobs/{ids.MISSING}/results"),
    "job cancel": Route("POST", "/api/v1/batch/jobs/{id}/cancel", f"/api/v1/batch/jobs/{ids.MISSING}/cancel"),
    "webhook register": Route(
        "POST",
        "/api/v1/webhooks",
        "/api/v1/webhooks",
        # The local stack alone allows http://127.0.0.1 (DESIGN 3.10); nothing listens on port 9
        {"url": "http://127.0.0.1:9/hooks", "events": ["batch.job.completed"], "description": "openapi models"},
        status=201,
    ),
    "webhooks": Route("GET", "/api/v1/webhooks", "/api/v1/webhooks"),
    "webhook delete": Route("DELETE", "/api/v1/webhooks/{id}", f"/api/v1/webhooks/{ids.MISSING}", status=204),
    "webhook rotate": Route("POST", "/api/v1/webhooks/{id}/rotate", f"/api/v1/webhooks/{ids.MISSING}/rotate"),
    "webhook deliveries": Route(
        "GET", "/api/v1/webhooks/{id}/deliveries", f"/api/v1/webhooks/{ids.MISSING}/deliveries"
    ),
    "limits": Route("GET", "/api/v1/batch/limits", "/api/v1/batch/limits"),
}
LONG_JOB = Route(
    "POST",
    "/api/v1/batch/jobs",
    "/api/v1/batch/jobs",
    {"operation": "get", "request": {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS] * 10_000}},
    status=202,
)
"""A job still running when it is cancelled (100 chunks; cancelled at once)."""
BATCH_ROUTES = ("batch get", "batch recommendations", "batch create", "batch update", "batch delete")
ONE_MB_ROUTES = (*BATCH_ROUTES, "activity create", "activity update", "child create", "child update", "completion")
"""The routes whose function parses 1 MB at most (DESIGN 3.6)."""
CREATED_BY = {
    "activity update": ROUTES["activity create"],
    "activity delete": ROUTES["activity create"],
    "child update": ROUTES["child create"],
    "child delete": ROUTES["child create"],
    "job": ROUTES["job submit"],
    "job results": ROUTES["job submit"],
    "job cancel": LONG_JOB,
    "webhook delete": ROUTES["webhook register"],
    "webhook rotate": ROUTES["webhook register"],
    "webhook deliveries": ROUTES["webhook register"],
}
"""The routes that read or change an existing resource, and the route that creates one for them."""


# --- the models, generated at test time -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """pydantic v2 models of openapi.json's schemas, by the pinned datamodel-code-generator's CLI, imported."""
    output = tmp_path_factory.mktemp("generated") / "activity_batch_models.py"
    command = [
        *(sys.executable, "-m", "datamodel_code_generator"),
        *("--input", str(ROOT / "openapi.json"), "--input-file-type", "openapi", "--output", str(output)),
        *("--output-model-type", "pydantic_v2.BaseModel", "--target-python-version", "3.13"),
        # Strict: undocumented members are errors; a field that is not nullable in the document is not in the model
        *("--extra-fields", "forbid", "--strict-nullable", "--field-constraints", "--use-annotated"),
        *("--disable-timestamp", "--formatters", "builtin"),
    ]
    generated = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert generated.returncode == 0, generated.stderr[-3000:]
    name = "activity_batch_models"
    spec = importlib.util.spec_from_file_location(name, output)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the models' annotations in their module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]


def class_name(component: str) -> str:
    """datamodel-code-generator's class for a component: ``Page_Activity_`` is ``PageActivity``."""
    return "".join(part[:1].upper() + part[1:] for part in component.split("_"))


def python_type(models: ModuleType, schema: dict[str, Any]) -> Any:
    """The generated type of a response schema: a component's class, or a union of them."""
    if "anyOf" in schema:
        return Union[tuple(python_type(models, choice) for choice in schema["anyOf"])]  # noqa: UP007
    component = schema["$ref"].removeprefix("#/components/schemas/")
    generated = getattr(models, class_name(component), None)
    assert generated is not None, f"no generated model for {component}"
    return generated


def documented(models: ModuleType, route: Route, response: httpx.Response) -> Any:
    """The answer read with the generated model of the schema its status and media type are documented with (None
    for an answer documented without content, which it must not have)."""
    operation = DOCUMENT["paths"][route.template][route.method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{route.method} {route.template}: {status} undocumented"
    if "content" not in operation["responses"][status]:
        assert response.content == b"", f"{route.method} {route.template} {status}: a body where none is documented"
        return None
    content = operation["responses"][status]["content"]
    media_type = response.headers["content-type"].split(";")[0].strip()
    assert media_type in content, f"{route.method} {route.template} {status}: {media_type} not in {list(content)}"
    return TypeAdapter(python_type(models, content[media_type]["schema"])).validate_json(response.content)


def send(api: httpx.Client, route: Route, headers: dict[str, str], **changes: Any) -> httpx.Response:
    """The route's request (its body, path and parameters as ``changes`` say), sent again if throttled."""
    path = changes.pop("path", route.path)
    params = changes.pop("params", route.params)
    if "content" not in changes:
        changes.setdefault("json", route.json_body)
    return unthrottled(lambda: api.request(route.method, path, params=params, headers=headers, **changes))


def problem(models: ModuleType, route: Route, response: httpx.Response, status: int) -> Any:
    answer = documented(models, route, response)
    assert isinstance(answer, models.Problem), response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (response.status_code, answer.status) == (status, status), response.text[:500]
    return answer


def gateway_error(models: ModuleType, route: Route, response: httpx.Response, status: int, message: str) -> None:
    answer = documented(models, route, response)
    assert isinstance(answer, models.GatewayError), response.text[:500]
    assert (response.status_code, answer.message) == (status, message)


@pytest.fixture(scope="module")
def admin(stack: Stack) -> dict[str, str]:
    return stack.headers(ADMIN)


# --- 200 ------------------------------------------------------------------------------------------------------


def test_every_route_of_the_document_is_exercised_here() -> None:
    routes = {(route.method.lower(), route.template) for route in ROUTES.values()}
    assert routes == {(method, path) for path, methods in DOCUMENT["paths"].items() for method in methods}


def created_path(api: httpx.Client, admin: dict[str, str], name: str) -> str:
    """The path for route ``name`` to a resource made for it (the demo data stays as it is). A short job is awaited, so
    that its results are there and it holds none of the caller's 3 active jobs (DESIGN 3.9) when the next one starts."""
    creator = CREATED_BY[name]
    created = send(api, creator, admin)
    assert created.status_code == creator.status, created.text[:500]
    location = str(created.headers["location"])
    if creator is ROUTES["job submit"]:
        for _ in range(600):
            if send(api, ROUTES["job"], admin, path=location).json()["status"] == "completed":
                break
            time.sleep(0.1)
    return location + ROUTES[name].template.partition("{id}")[2]


@pytest.mark.parametrize("name", ROUTES)
def test_every_routes_success_matches_its_generated_model(
    api: httpx.Client, models: ModuleType, admin: dict[str, str], name: str
) -> None:
    route = ROUTES[name]
    path = created_path(api, admin, name) if name in CREATED_BY else route.path
    response = send(api, route, admin, path=path)
    assert response.status_code == route.status, response.text[:500]
    # Every function's answer carries the caller's item quota of the route and what is left of it (DESIGN 3.11)
    assert re.fullmatch(r'"(read|write)";q=\d+;w=\d+', response.headers["ratelimit-policy"]), response.headers
    assert re.fullmatch(r'"(read|write)";r=\d+;t=\d+', response.headers["ratelimit"]), response.headers
    answer = documented(models, route, response)
    if route.status == 204:
        assert answer is None
        return
    # And nothing of the answer is lost on the way (forbidden extras aside, a default could hide a missing member)
    assert answer.model_dump(mode="json", exclude_unset=True) == response.json()


@pytest.mark.parametrize("kind", ["activity", "child"])
def test_a_single_write_answers_its_version_as_etag_and_a_create_where_it_is(
    api: httpx.Client, models: ModuleType, admin: dict[str, str], kind: str
) -> None:
    # Given a resource created: 201, its path as Location and version 1 as ETag
    create = ROUTES[f"{kind} create"]
    created = send(api, create, admin)
    assert (created.status_code, created.headers["etag"]) == (201, '"1"')
    location = created.headers["location"]
    assert location == f"{create.path}/{documented(models, create, created).id}"
    # When it is changed with a JSON Merge Patch against that version / Then it is version 2
    update = ROUTES[f"{kind} update"]
    headers = {**admin, "content-type": "application/merge-patch+json", "if-match": '"1"'}
    changed = send(api, update, headers, path=location, content=json.dumps(update.json_body))
    assert (changed.status_code, changed.headers["etag"]) == (200, '"2"'), changed.text[:500]
    assert documented(models, update, changed).version == 2
    # And a delete against the old version is refused, against the current one applied
    delete = ROUTES[f"{kind} delete"]
    problem(models, delete, send(api, delete, {**admin, "if-match": '"1"'}, path=location), 412)
    assert send(api, delete, {**admin, "if-match": '"2"'}, path=location).status_code == 204


def test_batch_get_success_and_error_items_match_the_generated_models(
    api: httpx.Client, models: ModuleType, stack: Stack
) -> None:
    # Given public, own, missing, malformed and another organization's ids
    route = ROUTES["batch get"]
    requested = [ids.PUBLIC_BLOCKS, ids.SUNRISE_PUPPETS, ids.MISSING, "not-a-uuid", ids.MAPLE_LEAF_ART]
    response = send(api, route, stack.headers(TEACHER), json={"resource_type": "activities", "ids": requested})
    # Then the envelope reads as BatchGetResponse, each item as its own model
    answer = documented(models, route, response)
    assert isinstance(answer, models.BatchGetResponse)
    items = [result.root for result in answer.results]
    assert [type(item).__name__ for item in items] == ["ItemSuccessPartialResource"] * 2 + ["ItemError"] * 3
    assert [(item.status, item.status_code) for item in items] == [
        *[("success", 200)] * 2,
        ("error", 404),
        ("error", 400),
        ("error", 404),
    ]
    # And a success's data, every field when none is selected, is a partial activity with all of them
    for item in items[:2]:
        assert isinstance(item.data.root, models.PartialActivity)
        assert item.data.root.model_fields_set == set(models.PartialActivity.model_fields)


def test_batch_get_with_field_selection_reads_as_partial_activities(
    api: httpx.Client, models: ModuleType, admin: dict[str, str]
) -> None:
    route = ROUTES["batch get"]
    body = {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS], "fields": "name,min_age_months,setting"}
    answer = documented(models, route, send(api, route, admin, json=body))
    data = answer.results[0].root.data.root
    assert isinstance(data, models.PartialActivity)
    assert data.model_fields_set == {"id", "name", "min_age_months", "setting"}


@pytest.mark.parametrize("fields", [None, "name,birth_date"])
def test_batch_get_of_children_reads_as_partial_children(
    api: httpx.Client, models: ModuleType, admin: dict[str, str], fields: str | None
) -> None:
    route = ROUTES["batch get"]
    body = {"resource_type": "children", "ids": [ids.CHILD_AVA, ids.MISSING_CHILD], "fields": fields}
    answer = documented(models, route, send(api, route, admin, json=body))
    success, error = (result.root for result in answer.results)
    assert isinstance(success.data.root, models.PartialChild)
    assert isinstance(error, models.ItemError)
    assert error.status_code == 404


def test_batch_recommendations_success_and_error_items_match_the_generated_models(
    api: httpx.Client, models: ModuleType, admin: dict[str, str]
) -> None:
    route = ROUTES["batch recommendations"]
    body = {"child_ids": [ids.CHILD_AVA, ids.MISSING_CHILD, "x"], "max_recommendations": 2}
    answer = documented(models, route, send(api, route, admin, json=body))
    assert isinstance(answer, models.BatchRecommendationsResponse)
    success, *errors = (result.root for result in answer.results)
    assert isinstance(success, models.ItemSuccessChildRecommendations)
    assert (success.status, success.status_code, success.data.child_id) == ("success", 200, ids.CHILD_AVA)
    assert all(isinstance(rec.activity, models.Activity) for rec in success.data.recommendations)
    assert [(e.status, e.status_code, e.error_code) for e in errors] == [
        ("error", 404, "not_found"),
        ("error", 400, "invalid_id"),
    ]


# --- problem details from the functions -----------------------------------------------------------------------

PROBLEMS: dict[str, tuple[str, int, dict[str, Any]]] = {
    "batch get: unsupported resource type": ("batch get", 400, {"json": {"resource_type": "toys", "ids": ["x"]}}),
    "batch get: unknown field": (
        "batch get",
        400,
        {"json": {"resource_type": "activities", "ids": ["x"], "fields": "colour"}},
    ),
    "batch get: not json": (
        "batch get",
        400,
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
    ),
    "batch get: no ids": ("batch get", 422, {"json": {"resource_type": "activities", "ids": []}}),
    "batch recommendations: a string for a number": (
        "batch recommendations",
        422,
        {"json": {"child_ids": [ids.CHILD_AVA], "max_recommendations": "5"}},
    ),
    "activity: malformed id": ("activity", 400, {"path": "/api/v1/activities/not-a-uuid"}),
    "activity: missing": ("activity", 404, {"path": f"/api/v1/activities/{ids.MISSING}"}),
    "activity: another organization's": ("activity", 404, {"path": f"/api/v1/activities/{ids.MAPLE_LEAF_ART}"}),
    "activities: bad cursor": ("activities", 400, {"params": {"cursor": "bm90IGEgY3Vyc29y"}}),
    "activities: limit 0": ("activities", 422, {"params": {"limit": "0"}}),
    "children: bad cursor": ("children", 400, {"params": {"cursor": "bm90IGEgY3Vyc29y"}}),
    "child recommendations: missing child": (
        "child recommendations",
        404,
        {"path": f"/api/v1/children/{ids.MISSING_CHILD}/recommendations"},
    ),
    "child recommendations: unknown option": ("child recommendations", 422, {"params": {"colour": "red"}}),
    "activity create: invalid": ("activity create", 422, {"json": {"name": "Missing its type"}}),
    "activity create: an id that exists": (
        "activity create",
        409,
        {"json": {**(ROUTES["activity create"].json_body or {}), "id": ids.SUNRISE_PUPPETS}},
    ),
    "activity update: the public catalog": (
        "activity update",
        403,
        {"path": f"/api/v1/activities/{ids.PUBLIC_BLOCKS}"},
    ),
    "activity update: missing": ("activity update", 404, {}),
    "activity update: another version": (
        "activity update",
        412,
        {"path": f"/api/v1/activities/{ids.SUNRISE_PUPPETS}", "headers": {"if-match": '"999999"'}},
    ),
    "activity update: malformed If-Match": ("activity update", 400, {"headers": {"if-match": "W/1"}}),
    "activity update: text/plain": (
        "activity update",
        415,
        {"content": b'{"materials": null}', "headers": {"content-type": "text/plain"}},
    ),
    "activity update: not an object": ("activity update", 422, {"json": ["materials"]}),
    "activity delete: malformed id": ("activity delete", 400, {"path": "/api/v1/activities/not-a-uuid"}),
    "activity delete: missing": ("activity delete", 404, {}),
    "child update: another organization's": ("child update", 404, {"path": f"/api/v1/children/{ids.CHILD_GRACE}"}),
    "child delete: missing": ("child delete", 404, {}),
}


@pytest.mark.parametrize("case", PROBLEMS)
def test_a_functions_problem_matches_the_generated_problem_model(
    api: httpx.Client, models: ModuleType, admin: dict[str, str], case: str
) -> None:
    name, status, request = PROBLEMS[case]
    changes = dict(request)
    headers = {**admin, **changes.pop("headers", {})}
    response = send(api, ROUTES[name], headers, **changes)
    answer = problem(models, ROUTES[name], response, status)
    if status == 422:
        assert answer.errors


@pytest.mark.parametrize("name", ROUTES)
def test_an_id_token_is_a_401_problem_from_the_function(
    api: httpx.Client, models: ModuleType, stack: Stack, name: str
) -> None:
    headers = {"Authorization": f"Bearer {stack.token(TEACHER, id_token=True)}"}
    problem(models, ROUTES[name], send(api, ROUTES[name], headers), 401)


@pytest.fixture(scope="module")
def no_membership(stack: Stack) -> dict[str, str]:
    """A user of the pool who belongs to no organization (created here: no demo user is one)."""
    import boto3

    cognito = boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint_url, region_name=stack.info["region"])
    username, pool = "openapi-models@nowhere.example", stack.info["user_pool_id"]
    cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=DEMO_PASSWORD, Permanent=True)
    return {"Authorization": f"Bearer {stack.auth(username, DEMO_PASSWORD)['AccessToken']}"}


@pytest.mark.parametrize("name", ROUTES)
def test_no_membership_is_a_403_problem(
    api: httpx.Client, models: ModuleType, no_membership: dict[str, str], name: str
) -> None:
    problem(models, ROUTES[name], send(api, ROUTES[name], no_membership), 403)


@pytest.mark.parametrize("name", ONE_MB_ROUTES)
def test_a_body_over_a_routes_1_mb_is_a_413_problem(
    api: httpx.Client, models: ModuleType, admin: dict[str, str], name: str
) -> None:
    body = json_of_size(ONE_MB + 1)
    response = send(api, ROUTES[name], {**admin, "content-type": "application/json"}, content=body)
    problem(models, ROUTES[name], response, 413)


# --- API Gateway's own answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-jwt"}], ids=["no token", "not a token"])
@pytest.mark.parametrize("name", ROUTES)
def test_a_missing_or_invalid_token_is_the_gateways_401(
    api: httpx.Client, models: ModuleType, name: str, headers: dict[str, str]
) -> None:
    gateway_error(models, ROUTES[name], send(api, ROUTES[name], headers), 401, "Unauthorized")


@pytest.mark.parametrize("name", ["batch get", "activities"])
def test_a_body_over_10_mb_is_the_gateways_413(
    api: httpx.Client, models: ModuleType, admin: dict[str, str], name: str
) -> None:
    body = json_of_size(TEN_MB + 1)
    response = send(api, ROUTES[name], {**admin, "content-type": "application/json"}, content=body)
    gateway_error(models, ROUTES[name], response, 413, "Request Entity Too Large")


def test_an_id_that_makes_a_path_no_route_matches_is_the_gateways_404(
    api: httpx.Client, models: ModuleType, admin: dict[str, str]
) -> None:
    # An id with a slash, percent-encoded as a client library does: the path API Gateway routes has one more segment
    response = send(api, ROUTES["activity"], admin, path="/api/v1/activities/a%2Fb")
    gateway_error(models, ROUTES["activity"], response, 404, "Not Found")


def test_a_burst_over_a_routes_throttling_is_the_gateways_429(api: httpx.Client, models: ModuleType) -> None:
    # Given the tightest route: its throttling (template.yaml) is checked before the authorizer, so no token is needed
    route = ROUTES["batch recommendations"]
    default, per_route = cfn.throttling()
    throttle = per_route.get(f"{route.method} {route.template}", default)

    async def burst(size: int) -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=size)
        async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30, limits=limits) as client:
            return await asyncio.gather(*(client.post(route.path, json=route.json_body) for _ in range(size)))

    # When more requests than its burst arrive at once (a few rounds at most, in case this machine is slow)
    throttled: list[httpx.Response] = []
    for _ in range(5):
        responses = run_async(burst(throttle.burst + int(throttle.rate_per_s) + 10))
        throttled = [response for response in responses if response.status_code == 429]
        if throttled:
            break
    # Then the excess is API Gateway's 429, which the generated GatewayError reads
    assert throttled
    gateway_error(models, route, throttled[0], 429, "Too Many Requests")
    # And later tests find the route's bucket full again
    time.sleep(throttle.burst / throttle.rate_per_s + 0.5)


def json_of_size(size: int) -> bytes:
    """A batch GET body of exactly ``size`` bytes (one huge id)."""
    prefix, suffix = b'{"resource_type":"activities","ids":["', b'"]}'
    return prefix + b"Z" * (size - len(prefix) - len(suffix)) + suffix
