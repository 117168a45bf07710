"""What the local HTTP API does in API Gateway's place: routing, limits, throttling, CORS, docs."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from local import cfn
from local.demo import ids
from tests.e2e.conftest import Stack, run_async

pytestmark = pytest.mark.e2e

BATCH = "/api/v1/batch/get"
TEACHER = "teacher@sunrise.example"
TEN_MB = 10 * 1024 * 1024
ORIGIN = "http://localhost:3000"  # the template's CorsAllowOrigins default


def oversized_body(size: int) -> bytes:
    prefix, suffix = b'{"resource_type":"activities","ids":["', b'"]}'
    return prefix + b"a" * (size - len(prefix) - len(suffix)) + suffix


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/nothing-here"), ("DELETE", BATCH), ("GET", BATCH), ("GET", "/")],
)
def test_a_request_no_template_route_matches_is_404(api: httpx.Client, stack: Stack, method: str, path: str) -> None:
    response = api.request(method, path, headers=stack.headers(TEACHER))
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_a_body_over_10_mb_is_413_before_the_function(api: httpx.Client, stack: Stack) -> None:
    body = oversized_body(TEN_MB + 1)
    response = api.post(BATCH, content=body, headers={**stack.headers(TEACHER), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"message": "Request Entity Too Large"}


def test_a_chunked_body_over_10_mb_is_413_too(api: httpx.Client, stack: Stack) -> None:
    # Given a body sent without Content-Length, in chunks
    body = oversized_body(TEN_MB + 1)
    chunks = iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    response = api.post(BATCH, content=chunks, headers={**stack.headers(TEACHER), "Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_body_just_under_the_gateways_limit_reaches_the_function(api: httpx.Client, stack: Stack) -> None:
    body = oversized_body(TEN_MB)
    response = api.post(BATCH, content=body, headers={**stack.headers(TEACHER), "Content-Type": "application/json"})
    # The function answers, not the gateway: the synchronous batch routes take 1 MB at most (DESIGN 3.6)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "The request body is over this route's limit of 1048576 bytes"


def test_a_burst_over_the_routes_limit_is_throttled_then_the_route_recovers(stack: Stack) -> None:
    # Given the batch route's throttling from template.yaml
    default, per_route = cfn.throttling()
    throttle = per_route.get(f"POST {BATCH}", default)
    body = {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS]}
    headers = stack.headers(TEACHER)

    async def burst(size: int) -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=size)
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=30, limits=limits) as client:
            return await asyncio.gather(*(client.post(BATCH, json=body, headers=headers) for _ in range(size)))

    # When more requests than the burst arrive at once (a few rounds at most, in case this machine is slow)
    statuses: list[int] = []
    throttled: list[httpx.Response] = []
    for _ in range(5):
        responses = run_async(burst(throttle.burst + int(throttle.rate_per_s) + 10))
        statuses = [r.status_code for r in responses]
        throttled = [r for r in responses if r.status_code == 429]
        if throttled:
            break
    # Then the excess is answered 429 by the gateway, the rest normally
    assert throttled, statuses
    assert set(statuses) == {200, 429}
    assert throttled[0].json() == {"message": "Too Many Requests"}
    # And once the bucket has had time to refill, the route answers again (and later tests find it full)
    time.sleep(throttle.burst / throttle.rate_per_s + 0.5)
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        assert client.post(BATCH, json=body, headers=headers).status_code == 200


def test_cors_preflight_is_answered_without_a_token(api: httpx.Client) -> None:
    # When a browser on the allowed origin asks whether it may POST with Authorization
    response = api.options(
        BATCH,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    # Then the gateway answers as the HttpApi's CorsConfiguration says
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert set(response.headers["access-control-allow-headers"].split(",")) >= {"authorization", "content-type"}
    assert response.headers["access-control-max-age"] == "600"


def test_cors_preflight_from_another_origin_gets_no_permission(api: httpx.Client) -> None:
    response = api.options(BATCH, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in response.headers


def test_responses_to_the_allowed_origin_carry_cors_headers(api: httpx.Client, stack: Stack) -> None:
    ok = api.get(f"/api/v1/activities/{ids.PUBLIC_BLOCKS}", headers={**stack.headers(TEACHER), "Origin": ORIGIN})
    refused = api.get(f"/api/v1/activities/{ids.PUBLIC_BLOCKS}", headers={"Origin": ORIGIN})
    assert ok.status_code == 200
    assert refused.status_code == 401
    assert ok.headers["access-control-allow-origin"] == refused.headers["access-control-allow-origin"] == ORIGIN


def test_openapi_json_documents_every_template_route_with_the_bearer_scheme(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    documented = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}
    assert documented == {route.key for route in cfn.routes()}
    (scheme,) = document["components"]["securitySchemes"].values()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{name: []} for name in document["components"]["securitySchemes"]]


def test_docs_serve_swagger_ui_on_the_document(api: httpx.Client) -> None:
    response = api.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text
    assert "/openapi.json" in response.text
