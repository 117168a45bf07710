"""The OpenAPI document as code generators read it (DESIGN 8): every error status with exactly the media types that
can occur, and a first one that accepts every body of its status (openapi-python-client reads the answers of a
status with that schema alone); items whose ``status`` and ``status_code`` are required; batch GET's ``data`` a
partial activity or child, while the service's dict is answered as it is.

The document is generated here (``local.openapi.build_document``), like `make openapi`; `make lint` checks that the
committed one is the same. tests/e2e/test_openapi_models.py validates live answers with models generated from it.
"""

from __future__ import annotations

from typing import Any

import pytest

from early_learning.api_models import BatchGetResponse, partial_model
from early_learning.domain import Activity, Child
from early_learning.envelope import ItemError, ItemSuccess, run_batch
from local.openapi import build_document

PROBLEM = "application/problem+json"
GATEWAY = "application/json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
GATEWAY_REF = {"$ref": "#/components/schemas/GatewayError"}
BATCH_WRITE_ROUTES = {("post", f"/api/v1/batch/{route}") for route in ("create", "update", "delete")}
SINGLE_WRITE_ROUTES = {
    (method, f"/api/v1/{kind}{suffix}")
    for kind in ("activities", "children")
    for method, suffix in (("post", ""), ("patch", "/{id}"), ("delete", "/{id}"))
}
COMPLETION_ROUTE = ("post", "/api/v1/children/{id}/completions")
"""One completion of the path's child: 201, no version of its own (no ETag, no If-Match)."""
WRITE_ROUTES = BATCH_WRITE_ROUTES | SINGLE_WRITE_ROUTES | {COMPLETION_ROUTE}
SYNC_BATCH_ROUTES = {
    ("post", f"/api/v1/batch/{route}") for route in ("get", "activities/recommendations", "create", "update", "delete")
}
ONE_MB_ROUTES = SYNC_BATCH_ROUTES | SINGLE_WRITE_ROUTES | {COMPLETION_ROUTE}
"""The routes whose function parses 1 MB at most (DESIGN 3.6): its own 413 problem below the gateway's 10 MB."""
JOB_SUBMIT, JOB_CANCEL = ("post", "/api/v1/batch/jobs"), ("post", "/api/v1/batch/jobs/{id}/cancel")
"""Batch jobs (DESIGN 3.9): a submission answers 202 (and may be refused 429 for too many active jobs, a problem) or
409 (its Idempotency-Key in use); a cancel 409 for a job that has ended."""
WEBHOOKS = "/api/v1/webhooks"
WEBHOOK_REGISTER, WEBHOOK_DELETE = ("post", WEBHOOKS), ("delete", f"{WEBHOOKS}/{{id}}")
"""Webhook endpoints (DESIGN 3.10): a registration answers 201 (409: too many endpoints, or its Idempotency-Key in
use), a delete 204; the webhooks function parses 64 KB at most (its own 413 problem)."""
SUCCESS = {"post": "201", "delete": "204"}
"""The success status of a single write by method (a batch write answers 200, its items their own)."""


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def expected_media_types(method: str, path: str, status: str) -> list[str]:
    """Who answers each error status (DESIGN 3.4, 3.6; local/gateway/ does what API Gateway does)."""
    both = [GATEWAY, PROBLEM]
    if status in ("400", "403", "409", "412", "415", "422"):
        return [PROBLEM]  # only the functions: API Gateway passes these requests on (409: an Idempotency-Key in use)
    if status == "429":
        # API Gateway's throttling; the caller's item quota (DESIGN 3.11), and a job submission's too many active
        # jobs: problems from the function
        return [GATEWAY, PROBLEM]
    if status == "413":  # API Gateway over 10 MB; the synchronous batch functions over 1 MB, webhooks' over 64 KB
        return both if (method, path) in ONE_MB_ROUTES or path.startswith(WEBHOOKS) else [GATEWAY]
    if status == "404":
        assert "{id}" in path, f"{method} {path}: only the single-resource routes document 404"
        return both  # the function's 404, and the gateway's for an id that makes a path no route matches
    return both  # 401 (the gateway's authorizer, the function for an ID token), 500, 503


def error_responses(document: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (method, path, status, response)
        for method, path, operation in operations(document)
        for status, response in operation["responses"].items()
        if not status.startswith("2")
    ]


def test_every_route_documents_the_error_statuses_of_the_contract(document: dict[str, Any]) -> None:
    every_route = {"400", "401", "403", "413", "422", "429", "500", "503"}
    for method, path, operation in operations(document):
        single = (method, path) in SINGLE_WRITE_ROUTES | {COMPLETION_ROUTE, WEBHOOK_REGISTER, WEBHOOK_DELETE}
        success = SUCCESS.get(method, "200") if single else "200"
        if (method, path) == JOB_SUBMIT:
            success = "202"
        expected = every_route | {success}
        if "{id}" in path:
            expected |= {"404"}
        if (method, path) in WRITE_ROUTES | {JOB_SUBMIT, JOB_CANCEL, WEBHOOK_REGISTER}:
            expected |= {"409"}  # DESIGN 3.8: the same Idempotency-Key while the first request runs
        if (method, path) in SINGLE_WRITE_ROUTES and method != "post":
            expected |= {"412"}  # DESIGN 3.3: If-Match names another version
        if (method, path) in SINGLE_WRITE_ROUTES and method == "patch":
            expected |= {"415"}  # neither application/merge-patch+json nor application/json
        assert set(operation["responses"]) == expected, f"{method} {path}"


def test_single_reads_and_writes_document_etag_and_creates_location(document: dict[str, Any]) -> None:
    reads = {("get", "/api/v1/activities/{id}")}
    for method, path, operation in operations(document):
        if (method, path) not in SINGLE_WRITE_ROUTES | reads:
            continue
        success = SUCCESS.get(method, "200")
        headers = set(operation["responses"][success].get("headers", {}))
        expected = {"ETag"} if method != "delete" else set()
        if method == "post":
            expected.add("Location")
        if method != "get":
            expected.add("Idempotent-Replayed")
        assert headers == expected, f"{method} {path}"
        parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert ("If-Match" in parameters) == (method in ("patch", "delete")), f"{method} {path}"
    assert "content" not in document["paths"]["/api/v1/activities/{id}"]["delete"]["responses"]["204"]


def test_a_patch_body_is_a_merge_patch_sent_as_either_media_type(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for kind, model in (("activities", "Activity"), ("children", "Child")):
        content = document["paths"][f"/api/v1/{kind}/{{id}}"]["patch"]["requestBody"]["content"]
        assert list(content) == ["application/json", "application/merge-patch+json"]
        ref = {"$ref": f"#/components/schemas/{model}PatchBody"}
        assert content["application/json"]["schema"] == content["application/merge-patch+json"]["schema"] == ref
        patch = schemas[f"{model}PatchBody"]
        # every writable field, each optional and nullable (null resets it); nothing the API sets
        assert "required" not in patch
        assert set(patch["properties"]) == set(schemas[model]["properties"]) - {"id", "org_id", "version", "updated_at"}
        assert all({"type": "null"} in field["anyOf"] for field in patch["properties"].values())


def test_each_error_status_lists_exactly_the_media_types_that_can_occur(document: dict[str, Any]) -> None:
    for method, path, status, response in error_responses(document):
        assert list(response["content"]) == expected_media_types(method, path, status), f"{method} {path} {status}"


def test_problem_details_and_the_gateways_message_have_their_own_schemas(document: dict[str, Any]) -> None:
    for method, path, status, response in error_responses(document):
        content = response["content"]
        if PROBLEM in content:
            assert content[PROBLEM]["schema"] == PROBLEM_REF, f"{method} {path} {status}"
        if list(content) == [GATEWAY]:
            assert content[GATEWAY]["schema"] == GATEWAY_REF, f"{method} {path} {status}"


def test_the_first_media_type_of_a_status_accepts_every_body_of_that_status(document: dict[str, Any]) -> None:
    # openapi-python-client parses every answer of a status with the schema of its first media type, whatever the
    # Content-Type: a Problem there made its clients raise KeyError: 'title' on API Gateway's 401 and 413.
    for method, path, status, response in error_responses(document):
        schemas = [media["schema"] for media in response["content"].values()]
        first, others = schemas[0], schemas[1:]
        accepted = first.get("anyOf", [first])
        for schema in others:
            assert all(choice in accepted for choice in schema.get("anyOf", [schema])), f"{method} {path} {status}"


def test_the_gateways_own_bodies_come_first_where_both_occur(document: dict[str, Any]) -> None:
    for method, path, status, response in error_responses(document):
        if len(response["content"]) == 2:
            assert response["content"][GATEWAY]["schema"] == {"anyOf": [GATEWAY_REF, PROBLEM_REF]}, (
                f"{method} {path} {status}"
            )


def test_503_documents_retry_after(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        assert "Retry-After" in operation["responses"]["503"]["headers"], f"{method} {path}"


def test_429_documents_retry_after_and_the_rate_limit_headers(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        headers = set(operation["responses"]["429"]["headers"])
        assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= headers, f"{method} {path}"


def test_every_item_schema_requires_status_and_status_code(document: dict[str, Any]) -> None:
    # Given the item schemas of every batch envelope (batch GET, recommendations, writes)
    schemas = document["components"]["schemas"]
    items = [name for name in schemas if name.startswith("ItemSuccess") or name == "ItemError"]
    assert len(items) == 4, items
    # Then status and status_code are required (defaults in the model, but always in the answer)
    for name in items:
        assert {"id", "status", "status_code"} <= set(schemas[name]["required"]), name


def test_batch_get_data_is_documented_as_a_partial_resource_of_a_readable_type(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    results = schemas["BatchGetResponse"]["properties"]["results"]["items"]
    success = results["discriminator"]["mapping"]["success"].rsplit("/", 1)[-1]
    assert schemas[success]["properties"]["data"] == {"$ref": "#/components/schemas/PartialResource"}
    partials = ("Activity", "Child", "Classroom", "CoachingSession", "ChildProgress")
    assert schemas["PartialResource"] == {
        "anyOf": [{"$ref": f"#/components/schemas/Partial{name}"} for name in partials]
    }
    assert schemas["BatchGetRequest"]["properties"]["resource_type"]["enum"] == [
        "activities",
        "children",
        "classrooms",
        "coaching_sessions",
        "child_progress",
    ]


@pytest.mark.parametrize(("model", "name"), [(Activity, "PartialActivity"), (Child, "PartialChild")])
def test_a_partial_resource_has_the_models_fields_each_optional_but_id(
    document: dict[str, Any], model: type[Activity] | type[Child], name: str
) -> None:
    partial = document["components"]["schemas"][name]
    full = document["components"]["schemas"][model.__name__]
    # Every field of the domain model, with its schema (type, constraints, description)
    assert list(partial["properties"]) == list(model.model_fields)
    for field, schema in partial["properties"].items():
        assert schema == {k: v for k, v in full["properties"][field].items() if k != "default"}, field
    # Only id is required; a field not selected is absent (no `default: null`); null only where the model allows it
    assert partial["required"] == ["id"]
    assert all("default" not in schema for schema in partial["properties"].values())


def test_the_partial_models_are_built_once_from_the_domain_models() -> None:
    assert partial_model(Activity) is partial_model(Activity)
    assert set(partial_model(Child).model_fields) == set(Child.model_fields)


def test_batch_get_data_is_answered_as_the_service_built_it() -> None:
    # Given data as field selection builds it: a subset, a null left by a corrupt record, a value of no model
    data = {"id": "a", "name": None, "birth_date": "2021-03-04", "materials": ["x"], "unknown": {"n": 1.5}}
    results = run_batch(["a", "b"], lambda keys: {"a": data}, normalize=lambda raw: raw)
    # When the envelope is built and serialized
    envelope = BatchGetResponse.of(results, resource_type="activities")
    dumped = envelope.model_dump(mode="json")
    # Then data is neither validated against the partial models nor changed
    assert isinstance(envelope.results[0], ItemSuccess)
    assert dumped["results"][0]["data"] == data
    assert list(dumped["results"][0]["data"]) == list(data)
    assert isinstance(envelope.results[1], ItemError)
    assert dumped["results"][1]["status"] == "error"
