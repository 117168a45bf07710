"""The local gateway's pieces that decide what the functions see, checked without a server: the event it builds
(against the shape of events/*.json), the mapping of proxy responses, route precedence and the token bucket."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from starlette.requests import Request

from local import cfn
from local.gateway.events import build_event, claim_string, to_response
from local.gateway.routing import RouteMatcher
from local.gateway.throttling import TokenBucket

pytestmark = pytest.mark.e2e

EVENTS = Path(__file__).resolve().parents[2] / "events"
ROUTE = cfn.Route("POST", "/api/v1/batch/get", "BatchGetFunction")


def request(*, headers: dict[str, str] | None = None, query: bytes = b"", path: str = "/api/v1/batch/get") -> Request:
    """A scope as uvicorn makes it: ``path`` is the request target's path decoded once, ``raw_path`` as sent."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
        "http_version": "1.1",
    }
    return Request(scope)


def test_the_event_has_the_shape_of_the_recorded_events() -> None:
    # Given the recorded event of the batch route
    recorded = json.loads((EVENTS / "batch_get.json").read_text())
    # When the gateway builds one for a similar request
    event = build_event(
        request(headers={"Host": "127.0.0.1:8000", "Content-Type": "application/json", "Authorization": "Bearer t"}),
        b'{"resource_type": "activities", "ids": []}',
        ROUTE,
        {},
        {"sub": "s-1", "exp": 1771275600},
        "rid-1",
    )
    # Then it has the same keys, at the top, in requestContext and in http
    assert set(recorded) <= set(event)
    assert set(recorded["requestContext"]) == set(event["requestContext"])
    assert set(recorded["requestContext"]["http"]) == set(event["requestContext"]["http"])
    assert event["routeKey"] == recorded["routeKey"]
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == recorded["rawPath"]
    assert event["requestContext"]["requestId"] == "rid-1"
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"resource_type": "activities", "ids": []}


def test_claims_reach_the_function_as_strings_like_http_api_passes_them() -> None:
    claims = {"sub": "s-1", "exp": 1771275600, "cognito:groups": ["admins", "staff"], "email_verified": True}
    event = build_event(request(), b"", ROUTE, {}, claims, "rid")
    assert event["requestContext"]["authorizer"]["jwt"]["claims"] == {
        "sub": "s-1",
        "exp": "1771275600",
        "cognito:groups": "[admins staff]",
        "email_verified": "true",
    }
    assert claim_string([]) == "[]"


def test_the_path_reaches_the_event_decoded_once_in_raw_path_and_http_path() -> None:
    # HTTP API's rawPath is not the path as sent: like requestContext.http.path, it is decoded once
    event = build_event(request(path="/api/v1/things/a%2525b"), b"", ROUTE, {"id": "a%25b"}, None, "rid")
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/api/v1/things/a%25b"
    assert event["pathParameters"] == {"id": "a%25b"}


def test_cookies_query_and_binary_bodies_are_mapped_like_payload_2() -> None:
    event = build_event(
        request(headers={"Cookie": "a=1; b=2", "Content-Type": "application/octet-stream"}, query=b"x=1&x=2&y="),
        b"\x00\xff",
        cfn.Route("POST", "/api/v1/things/{id}", "F"),
        {"id": "42"},
        None,
        "rid",
    )
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"x": "1,2", "y": ""}
    assert event["rawQueryString"] == "x=1&x=2&y="
    assert event["pathParameters"] == {"id": "42"}
    assert (event["isBase64Encoded"], base64.b64decode(event["body"])) == (True, b"\x00\xff")
    assert "authorizer" not in event["requestContext"]


def test_a_proxy_response_becomes_the_http_response() -> None:
    response = to_response(
        {
            "statusCode": 201,
            "headers": {"content-type": "text/plain", "x-trace": "t"},
            "cookies": ["c=1", "d=2"],
            "body": base64.b64encode(b"hi").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status_code == 201
    assert response.body == b"hi"
    assert response.headers.getlist("set-cookie") == ["c=1", "d=2"]
    assert response.headers["x-trace"] == "t"


def test_a_result_without_status_code_is_a_200_json_body() -> None:
    response = to_response({"hello": "world"})
    assert (response.status_code, json.loads(bytes(response.body))) == (200, {"hello": "world"})
    assert response.headers["content-type"] == "application/json"


def test_the_most_specific_route_wins() -> None:
    matcher = RouteMatcher.of(
        [
            cfn.Route("ANY", "/api/{proxy+}", "Catch"),
            cfn.Route("GET", "/api/items/{id}", "One"),
            cfn.Route("GET", "/api/items/special", "Special"),
            cfn.Route("GET", "/api/items/{id}/parts", "Parts"),
        ]
    )

    def function(method: str, path: str) -> tuple[str, dict[str, str]] | None:
        found = matcher.match(method, path)
        return (found[0].function, found[1]) if found else None

    assert function("GET", "/api/items/special") == ("Special", {})
    assert function("GET", "/api/items/7") == ("One", {"id": "7"})
    assert function("GET", "/api/items/7/parts") == ("Parts", {"id": "7"})
    assert function("POST", "/api/items/7") == ("Catch", {"proxy": "items/7"})
    assert function("GET", "/other") is None


def test_the_token_bucket_allows_the_burst_then_the_rate() -> None:
    bucket = TokenBucket(rate=2, burst=3, updated=100.0)
    assert [bucket.take(now=100.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(now=100.5) is True  # one token refilled in half a second
    assert bucket.take(now=100.5) is False
    assert [bucket.take(now=110.0) for _ in range(4)] == [True, True, True, False]  # never more than the burst
