"""The path the local gateway hands a function: decoded once, as API Gateway (HTTP API) does it.

HTTP API routes on the path percent-decoded once, and puts that decoded path in both ``rawPath`` and
``requestContext.http.path`` (payload 2.0), and the decoded segments in ``pathParameters``: ``/things/%2525`` reaches
the function as ``/things/%25`` with the id ``%25``, and ``%2F`` is a ``/`` before routing. The ASGI scopes here are
made the way uvicorn makes them (``path`` is ``raw_path`` decoded once), and the gateway runs in-process in front of a
function that answers with what it was given.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import unquote

import anyio
import pytest
from starlette.requests import Request

from local import cfn
from local.gateway import Gateway, GatewayConfig
from local.gateway.cors import CorsPolicy
from local.gateway.events import build_event
from local.gateway.routing import RouteMatcher
from local.lambda_.environment import Outcome

ONE = cfn.Route("GET", "/api/v1/things/{id}", "PathRecorder")
PARTS = cfn.Route("GET", "/api/v1/things/{id}/parts", "PathRecorder")
FILES = cfn.Route("ANY", "/api/v1/files/{proxy+}", "PathRecorder")


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The function behind every route: it answers with the path fields of its event."""
    seen = {
        "rawPath": event["rawPath"],
        "path": event["requestContext"]["http"]["path"],
        "pathParameters": event.get("pathParameters"),
        "routeKey": event["routeKey"],
    }
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(seen)}


def scope_for(target: str, method: str = "GET") -> dict[str, Any]:
    """An HTTP scope as uvicorn builds it from the request target: ``path`` is ``raw_path`` decoded once."""
    raw_path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "root_path": "",
        "query_string": query.encode("ascii"),
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


class InProcessPool:
    """Stands in for the function's execution environments (``local.lambda_.pool.FunctionPool``): what is under test
    here is the event the gateway builds, not the runtime (tests/e2e/test_lambda_runtime.py)."""

    def invoke(self, event: bytes, request_id: str | None = None) -> Outcome:
        result = json.dumps(record(json.loads(event), None)).encode()
        return Outcome(request_id or "rid", result, None, 0.0, None, 0)

    def close(self) -> None:
        pass


def gateway() -> Gateway:
    spec = cfn.FunctionSpec(
        name="PathRecorder",
        module=__name__,
        attribute="record",
        timeout_s=5,
        memory_mb=128,
        routes=(ONE, PARTS, FILES),
    )
    return Gateway(
        GatewayConfig(
            functions={spec.name: spec},
            pools={spec.name: InProcessPool()},  # type: ignore[dict-item]
            region="us-east-1",
            verifiers={},
            route_authorizers={},
            default_throttle=cfn.Throttle(1000.0, 1000),
            route_throttles={},
            cors=CorsPolicy(),
        )
    )


def call(target: str, method: str = "GET") -> tuple[int, dict[str, Any]]:
    """Send one request through the gateway; its status and JSON body."""
    app = gateway()
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        await app(scope_for(target, method), receive, send)

    anyio.run(run)
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], json.loads(body)


def test_the_event_carries_the_path_decoded_once_in_raw_path_and_http_path() -> None:
    # Given a request for /api/v1/things/%2525 (the id "%25", percent-encoded once by the client)
    request = Request(scope_for("/api/v1/things/%2525"))
    # When the gateway builds the function's event with the route's path parameters
    found = RouteMatcher.of([ONE]).match("GET", request.scope["path"])
    assert found is not None
    event = build_event(request, b"", found[0], found[1], None, "rid")
    # Then rawPath, requestContext.http.path and pathParameters all hold the once-decoded values, as HTTP API's do
    assert event["rawPath"] == "/api/v1/things/%25"
    assert event["requestContext"]["http"]["path"] == "/api/v1/things/%25"
    assert event["pathParameters"] == {"id": "%25"}


@pytest.mark.parametrize(
    ("target", "path", "parameters"),
    [
        ("/api/v1/things/%2525", "/api/v1/things/%25", {"id": "%25"}),
        ("/api/v1/things/a%252Fb", "/api/v1/things/a%2Fb", {"id": "a%2Fb"}),
        ("/api/v1/things/a%20b", "/api/v1/things/a b", {"id": "a b"}),
        ("/api/v1/things/%CE%BB", "/api/v1/things/λ", {"id": "λ"}),
        ("/api/v1/things/a%3Fb", "/api/v1/things/a?b", {"id": "a?b"}),
        ("/api/v1/things/a%23b", "/api/v1/things/a#b", {"id": "a#b"}),
        ("/api/v1/things/%41%2Fparts", "/api/v1/things/A/parts", {"id": "A"}),
        ("/api/v1/files/a%2Fb/c%2525", "/api/v1/files/a/b/c%25", {"proxy": "a/b/c%25"}),
    ],
    ids=["%2525", "%252F", "%20", "utf-8", "%3F", "%23", "%2F before routing", "greedy"],
)
def test_the_function_gets_the_path_and_parameters_decoded_exactly_once(
    target: str, path: str, parameters: dict[str, str]
) -> None:
    # When a request goes through the gateway to the function
    status, seen = call(target)
    # Then the function's event has the path decoded once (never as sent, never decoded twice), routed on that path
    assert status == 200
    assert (seen["rawPath"], seen["path"], seen["pathParameters"]) == (path, path, parameters)


def test_an_encoded_slash_is_a_slash_when_routes_are_matched() -> None:
    # Given a request whose id holds %2F: once decoded, the path has one more segment than the route
    status, body = call("/api/v1/things/a%2Fb")
    # Then no route matches, and the gateway answers 404 itself, in API Gateway's shape
    assert (status, body) == (404, {"message": "Not Found"})
