"""The one helper that loads API Gateway HTTP API v2 events from events/ for the integration tests."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent.parent / "events"


@cache
def _read(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return loaded


def load_event(
    name: str,
    *,
    body: Any = None,
    sub: str | None = None,
    claims: dict[str, str] | None = None,
    raw_body: str | None = None,
    query: dict[str, str] | None = None,
    path: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A copy of ``events/<name>``; ``body`` (JSON-encoded) or ``raw_body``, the caller's ``sub`` and claims,
    query parameters, the path and headers can be replaced."""
    event = copy.deepcopy(_read(name))
    if body is not None:
        event["body"] = json.dumps(body)
    if raw_body is not None:
        event["body"] = raw_body
    jwt_claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    if sub is not None:
        jwt_claims["sub"] = sub
    if claims is not None:
        event["requestContext"]["authorizer"]["jwt"]["claims"] = claims
    if query is not None:
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    if path is not None:
        event["rawPath"] = path
        event["requestContext"]["http"]["path"] = path
    if headers is not None:
        event["headers"].update(headers)
    return event


def response_json(response: dict[str, Any]) -> Any:
    """The JSON body of a Lambda proxy response (gunzipped when the function compressed it)."""
    body = response["body"]
    if response.get("isBase64Encoded"):
        import base64
        import gzip

        raw = base64.b64decode(body)
        if response.get("headers", {}).get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        return json.loads(raw)
    return json.loads(body)
