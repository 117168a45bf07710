"""The HTTP API v2 event (payload 2.0) API Gateway hands a function for a request, and the function's proxy response
mapped back to HTTP."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from local import cfn
from local.lambda_.environment import ACCOUNT_ID

_TEXT_MEDIA = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))", re.I)
_HOP_BY_HOP = {"connection", "content-length", "keep-alive", "transfer-encoding", "upgrade"}


def request_id() -> str:
    """API Gateway's request ids look like 'Fq3mZgJ9IAMEVxA='."""
    return base64.b64encode(secrets.token_bytes(10)).decode()


def decoded_path(request: Request) -> str:
    """The path percent-decoded once: what HTTP API routes on, fills ``pathParameters`` from, and passes to the
    function as both ``rawPath`` and ``requestContext.http.path`` (neither is the path as sent: ``/a%2525`` arrives as
    ``/a%25``, ``/a%2Fb`` as ``/a/b``). The ASGI server has decoded it once into ``scope["path"]``. Not
    ``request.url.path``: Starlette encodes a decoded ``?`` or ``#`` in it again."""
    return str(request.scope["path"])


def build_event(
    request: Request,
    body: bytes,
    route: cfn.Route,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, Any] | None,
    request_id: str,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, shaped like the ones in events/. The path in it, like
    ``path_parameters``, is decoded once (``decoded_path``): whoever reads it must not decode it again."""
    now = time.time()
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for raw_key, raw_value in request.headers.raw:
        key, value = raw_key.decode("latin-1").lower(), raw_value.decode("latin-1")
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            headers[key] = f"{headers[key]},{value}" if key in headers else value
    client_ip = request.client.host if request.client else "127.0.0.1"
    headers["x-forwarded-for"] = (
        f"{headers['x-forwarded-for']}, {client_ip}" if "x-forwarded-for" in headers else client_ip
    )
    headers.setdefault("x-forwarded-port", str(request.url.port or 80))
    headers.setdefault("x-forwarded-proto", request.url.scheme)
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(now):08x}-{secrets.token_hex(12)}")
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    host = headers.get("host", "localhost")
    path = decoded_path(request)
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": "local",
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": path,
            "protocol": f"HTTP/{request.scope.get('http_version', '1.1')}",
            "sourceIp": client_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route.key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        # ``scopes`` is only filled for routes with AuthorizationScopes, which the template does not use.
        context["authorizer"] = {"jwt": {"claims": {k: claim_string(v) for k, v in claims.items()}, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if body:
        text = _as_text(body, headers.get("content-type", ""))
        event["body"] = text if text is not None else base64.b64encode(body).decode()
        event["isBase64Encoded"] = text is None
    return event


def _as_text(body: bytes, content_type: str) -> str | None:
    if not _TEXT_MEDIA.match(content_type.strip()):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def to_response(result: Any) -> Response:
    """Map a Lambda proxy response (payload 2.0) to HTTP. A result without ``statusCode`` is, as in API Gateway,
    the JSON body of a 200 response."""
    if not isinstance(result, dict) or "statusCode" not in result:
        body = result if isinstance(result, str) else json.dumps(result)
        return Response(body, status_code=200, media_type="application/json")
    raw_body = result.get("body") or ""
    content = base64.b64decode(raw_body) if result.get("isBase64Encoded") else str(raw_body).encode()
    response = Response(content, status_code=int(result["statusCode"]))
    extra: list[tuple[str, str]] = []
    for key, value in (result.get("headers") or {}).items():
        extra.append((key, str(value)))
    for key, values in (result.get("multiValueHeaders") or {}).items():
        extra.extend((key, str(value)) for value in values)
    extra.extend(("set-cookie", str(cookie)) for cookie in result.get("cookies") or [])
    response.raw_headers.extend(
        (key.lower().encode("latin-1"), value.encode("latin-1"))
        for key, value in extra
        if key.lower() not in _HOP_BY_HOP
    )
    return response


def claim_string(value: Any) -> str:
    """HTTP API hands claims to the function as strings: a list as "[a b]", a boolean as "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + " ".join(claim_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
