"""CORS as DESIGN 3.5 asks, over HTTP through the local stack: the preflight allows the contract's request headers
and methods, and every response to the allowed origin exposes the headers browser code must read (Retry-After,
ETag, Location, RateLimit, RateLimit-Policy, Idempotent-Replayed), as API Gateway adds them from the template."""

from __future__ import annotations

import httpx
import pytest

from local import cfn
from local.demo import ids
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

TEACHER = "teacher@sunrise.example"
ORIGIN = "http://localhost:3000"  # the template's CorsAllowOrigins default
ACTIVITY = f"/api/v1/activities/{ids.PUBLIC_BLOCKS}"
EXPOSED = {name.lower() for name in cfn.cors()["ExposeHeaders"]}


def test_a_preflight_allows_the_contracts_headers_and_methods_and_varies_by_origin(api: httpx.Client) -> None:
    # When a browser on the allowed origin asks whether it may PATCH with an Idempotency-Key and If-Match
    response = api.options(
        ACTIVITY,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key,if-match",
        },
    )
    # Then the gateway allows them
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert {"PATCH", "DELETE"} <= set(response.headers["access-control-allow-methods"].split(","))
    allowed = set(response.headers["access-control-allow-headers"].split(","))
    assert {"authorization", "content-type", "idempotency-key", "if-match"} <= allowed
    # And says that its answer depends on the Origin (a cache keeps one per origin)
    assert "origin" in response.headers["vary"].lower()


@pytest.mark.parametrize("signed_in", [True, False])
def test_responses_to_the_allowed_origin_expose_the_contracts_headers(
    api: httpx.Client, stack: Stack, signed_in: bool
) -> None:
    # Given a request from the allowed origin, answered by the function (200) or by the gateway itself (401)
    headers = {**(stack.headers(TEACHER) if signed_in else {}), "Origin": ORIGIN}
    response = api.get(ACTIVITY, headers=headers)
    assert response.status_code == (200 if signed_in else 401)
    # Then browser code may read the contract's headers
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert set(response.headers["access-control-expose-headers"].split(",")) == EXPOSED


def test_responses_to_another_origin_expose_nothing(api: httpx.Client, stack: Stack) -> None:
    response = api.get(ACTIVITY, headers={**stack.headers(TEACHER), "Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-expose-headers" not in response.headers
