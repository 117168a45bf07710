"""The FastAPI app factory and the Lambda handler wrapper every function uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from early_learning.web.lean_import import fastapi_imported

fastapi_imported()  # before any other import of FastAPI: why in lean_import
# ruff: noqa: E402
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from early_learning.api_models import GatewayError, Problem
from early_learning.observability import logger, metrics
from early_learning.settings import get_settings
from early_learning.web import problems
from early_learning.web.body_limit import BodyLimit
from early_learning.web.quotas import RATE_LIMIT_RESPONSE_HEADERS, QuotaRoute, RateLimitHeaders

API_VERSION = "1.0.0"

# Error responses are problem details (application/problem+json) from the functions, and for the statuses API
# Gateway answers itself, its own {"message": ...} (application/json). Each status lists exactly the media types it
# can have. FastAPI files a response ``model`` under the route's media type (application/json), so the schemas are
# referenced here and added to the components by ``create_app``'s ``openapi`` (only the tooling builds the document:
# no cost to a cold start).
ERROR_MODELS = (Problem, GatewayError)
GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024
"""API Gateway's payload limit: a larger body is its own 413, before any function runs."""

GZIP_LEVEL = 6
"""zlib's level for compressed responses, chosen by measurement (``bench/warm_floor.py``; README, "Performance"):
on the bodies of a batch GET of 100 activities and of recommendations for 50 children, Starlette's default, 9, took
0.75 and 1.19 ms for 8.9 and 11.2 KB; 6 takes 0.46 and 0.83 ms for 1.6% and 2.8% more bytes. Below 6 the bytes grow
faster than the time falls (5: +4.5% and +10%; 1: +25% and +56%)."""
GZIP_IN_THREAD_FROM_BYTES = 6 * 1024 * 1024
"""Starlette compresses a body of 128 KB or more in a worker thread, so as not to block its event loop for other
requests; a Lambda environment serves one request at a time, so the thread would only add its hop (recommendations
for 50 children answer about 170 KB): not below Lambda's 6 MB response limit, i.e. never."""

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_GATEWAY_ERROR = {"$ref": "#/components/schemas/GatewayError"}


def _error_response(
    description: str, *, problem: bool = True, gateway: bool = False, headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A documented error status: problem details from the function (``problem``), API Gateway's ``{"message"}``
    (``gateway``), or either.

    Where both occur, application/json comes first and its schema accepts either body: openapi-python-client reads
    every answer of a status with the schema of the first media type listed, whatever its Content-Type, and its
    clients raised ``KeyError: 'title'`` on API Gateway's 401 and 413 when that was the Problem."""
    content: dict[str, Any] = {}
    if gateway:
        content["application/json"] = {"schema": {"anyOf": [_GATEWAY_ERROR, _PROBLEM]} if problem else _GATEWAY_ERROR}
    if problem:
        content[problems.PROBLEM_MEDIA_TYPE] = {"schema": _PROBLEM}
    return {"description": description, "content": content, **({"headers": headers} if headers else {})}


def _megabytes(size: int) -> str:
    return f"{size // 2**20} MB" if size % 2**20 == 0 else f"{size} bytes"


def _too_large_response(limit: int) -> dict[str, Any]:
    """413, from the app's body limit: API Gateway's over 10 MB, and the function's problem over a smaller limit."""
    gateway = f"Request body over {_megabytes(GATEWAY_MAX_BODY_BYTES)} (API Gateway)"
    if limit >= GATEWAY_MAX_BODY_BYTES:
        return _error_response(gateway, problem=False, gateway=True)
    return _error_response(f"{gateway}, or over {_megabytes(limit)}, this route's limit (the function)", gateway=True)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    # 413 is documented by ``create_app``, from the body limit it gives the app.
    400: _error_response("Malformed JSON, a body that is not JSON, unsupported resource type, unknown field"),
    401: _error_response(
        'Missing or invalid token (API Gateway\'s `{"message": "Unauthorized"}`), or an ID token instead of an '
        "access token (a problem from the function)",
        gateway=True,
    ),
    403: _error_response("Authenticated, but not a member of any organization"),
    422: _error_response(
        "Request does not match the schema: strict JSON types, no unknown members (an `errors` entry per invalid "
        "field, at most 20)"
    ),
    429: _error_response(
        "Too many requests: API Gateway's throttling, or the caller's item quota of the route's policy (a problem "
        "with `Retry-After`; nothing was done)",
        gateway=True,
        headers={
            "Retry-After": {
                "description": "Seconds until the quota's window resets (on the functions' problems)",
                "schema": {"type": "integer", "minimum": 1},
            },
            **RATE_LIMIT_RESPONSE_HEADERS,
        },
    ),
    500: _error_response(
        "Unexpected error: problem details with a correlation id, or API Gateway's message when a function fails",
        gateway=True,
    ),
    503: _error_response(
        "The data could not be read in time: retry (or API Gateway's integration timeout)",
        gateway=True,
        headers={
            "Retry-After": {
                "description": "Seconds to wait before retrying (on the functions' problems)",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    ),
}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    404: _error_response("Missing or not accessible (or, from API Gateway, a path no route matches)", gateway=True)
}


def create_app(title: str, description: str, max_body_bytes: int | None = None) -> FastAPI:
    """A FastAPI app with problem details, gzip for responses over 1 KB, ``Cache-Control: no-store``, a request body
    limit (``max_body_bytes``, default the gateway's 10 MB: the synchronous batch functions pass 1 MB), and no docs
    routes of its own (API Gateway routes only the API paths; the local stack serves /docs for every function)."""
    app = FastAPI(
        title=title,
        description=description,
        version=API_VERSION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.router.route_class = QuotaRoute  # every route charged to the caller's item quota (web.quotas)
    problems.install(app)
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1000,
        compresslevel=GZIP_LEVEL,
        thread_minimum_size=GZIP_IN_THREAD_FROM_BYTES,
    )
    limit = max_body_bytes or get_settings().max_body_bytes
    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(RateLimitHeaders)  # outside the body limit: its 413s carry RateLimit-Policy too
    app.add_middleware(NoStore)  # outermost: problems, 413s and 500s included

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update({model.__name__: model.model_json_schema(mode="serialization") for model in ERROR_MODELS})
            too_large = _too_large_response(limit)  # every route has the app's body limit
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    responses = {**operation.get("responses", {}), "413": too_large}
                    operation["responses"] = dict(sorted(responses.items(), key=lambda item: str(item[0])))
        return FastAPI.openapi(app)  # the document cached by the first call

    app.openapi = openapi  # type: ignore[method-assign]
    return app


class NoStore:
    """ASGI middleware: ``Cache-Control: no-store`` on every response (DESIGN 3.4). Responses carry children's
    personal data or what a caller's permissions allowed; neither a browser nor a shared cache may keep them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, send_no_store)


def observed(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Wrap the Mangum handler: Lambda context and API Gateway request id (correlation id) in every log line,
    metrics flushed once per invocation."""

    @metrics.log_metrics
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return handler(event, context)

    return lambda_handler
