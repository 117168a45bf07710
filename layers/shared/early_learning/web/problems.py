"""The one place that maps exceptions to HTTP: RFC 9457 problem details for every non-2xx answer."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from early_learning.api_models import MAX_PROBLEM_ERRORS, Problem
from early_learning.domain import (
    AtomicBatchTooLarge,
    DomainError,
    InvalidCursor,
    InvalidId,
    InvalidJobRequest,
    InvalidRequest,
    JobAlreadyEnded,
    JobNotStarted,
    NoMembership,
    NotFound,
    OperationForbidden,
    QuotaExceeded,
    StoreUnavailable,
    TooManyActiveJobs,
    TooManyWebhooks,
    Unauthenticated,
    UnknownFields,
    UnsupportedResourceType,
)
from early_learning.idempotency_errors import (
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    IdempotentAnswerNotKept,
)
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.web.quotas import QUOTA_EXCEEDED_TYPE
from early_learning.write_errors import (
    AlreadyExists,
    ConcurrentChange,
    InvalidPrecondition,
    InvalidResource,
    ItemRejected,
    VersionMismatch,
    WriteForbidden,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem_response(status: int, detail: str | None = None, *, title: str | None = None, **extra: Any) -> JSONResponse:
    body = Problem(title=title or _TITLES.get(status, "Error"), status=status, detail=detail, **extra)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _pointer(loc: tuple[int | str, ...]) -> tuple[str, str]:
    """('body', 'ids', 3) -> ('body', '#/ids/3'); ('query', 'limit') -> ('query', '#/limit'); ('body',) -> '#'."""
    where, *path = loc or ("body",)
    escaped = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return str(where), "#" + "".join("/" + p for p in escaped)


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


async def _validation_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return problem_response(400, "The request body is not valid JSON")
    whole_body = [error for error in errors if tuple(error.get("loc", ())) == ("body",)]
    if any(error.get("type") == "missing" for error in whole_body):
        return problem_response(400, "The request body is empty: send a JSON object")
    if whole_body and not _is_json(request.headers.get("content-type", "")):
        # FastAPI parses a body as JSON only when it is declared so (its strict content type check).
        return problem_response(400, "The request body must be JSON, sent with Content-Type: application/json")
    items = []
    for error in errors[:MAX_PROBLEM_ERRORS]:
        where, pointer = _pointer(tuple(error.get("loc", ())))
        # pydantic's messages name the rule broken, never the input; the input itself is not echoed back.
        items.append({"pointer": pointer, "location": where, "detail": str(error.get("msg", "Invalid value"))[:200]})
    detail = "The request does not match the schema"
    if len(errors) > MAX_PROBLEM_ERRORS:
        detail += f" ({len(errors)} errors; the first {MAX_PROBLEM_ERRORS} are listed)"
    return problem_response(422, detail, errors=items)


DOMAIN_PROBLEMS: dict[type[DomainError], tuple[int, str]] = {
    UnsupportedResourceType: (400, "Unsupported resource type"),
    UnknownFields: (400, "Unknown fields"),
    InvalidId: (400, "Invalid id"),
    InvalidCursor: (400, "Invalid cursor"),
    InvalidRequest: (400, "Bad Request"),
    Unauthenticated: (401, "Unauthorized"),
    NoMembership: (403, "Forbidden"),
    OperationForbidden: (403, "Forbidden"),
    AtomicBatchTooLarge: (422, "Atomic batch too large"),
    NotFound: (404, "Not Found"),
    IdempotencyKeyInvalid: (400, "Invalid Idempotency-Key"),
    IdempotencyKeyReused: (422, "Idempotency-Key reused"),
    IdempotencyInProgress: (409, "Request in progress"),
    IdempotentAnswerNotKept: (409, "Already applied"),
    StoreUnavailable: (503, "Service Unavailable"),
    InvalidPrecondition: (400, "Invalid If-Match"),
    ItemRejected: (422, "Unprocessable Content"),  # the base: its kinds below have their own
    InvalidResource: (422, "Unprocessable Content"),
    WriteForbidden: (403, "Forbidden"),
    AlreadyExists: (409, "Already exists"),
    ConcurrentChange: (409, "Changed meanwhile"),
    VersionMismatch: (412, "Precondition Failed"),
    InvalidJobRequest: (422, "Unprocessable Content"),
    TooManyActiveJobs: (429, "Too many active jobs"),
    QuotaExceeded: (429, "Quota exceeded"),
    JobAlreadyEnded: (409, "Job already ended"),
    JobNotStarted: (503, "Job not started"),
    TooManyWebhooks: (409, "Too many webhook endpoints"),
}
"""Status and title of each domain error (the nearest class in its MRO wins); the domain itself knows no HTTP."""


def domain_status(exc: DomainError) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in DOMAIN_PROBLEMS:
            return DOMAIN_PROBLEMS[cls]
    return 500, _TITLES[500]


async def _domain_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status, title = domain_status(exc)
    detail = exc.detail
    if isinstance(exc, ItemRejected | InvalidJobRequest) and len(exc.errors) > MAX_PROBLEM_ERRORS:
        detail += f" ({len(exc.errors)} errors; the first {MAX_PROBLEM_ERRORS} are listed)"
    response = problem_response(status, detail, title=title, **_item_extras(exc))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if status == 503:
        # Nothing could be read in time (throttling, a slow store): worth retrying after the store's own backoff cap.
        response.headers["Retry-After"] = str(retry_after_s())
    if isinstance(exc, IdempotencyInProgress | TooManyActiveJobs | QuotaExceeded):
        # The first request with this Idempotency-Key still runs: its answer is replayed once it is done; or the
        # caller's active jobs are at their maximum, until one ends; or its item quota, until its window resets.
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def _item_extras(exc: DomainError) -> dict[str, Any]:
    """A rejected single write's members: the invalid fields' pointers into the body (422), the stored version; a
    job's invalid request: its fields' pointers; a request over its quota: the problem type of the RateLimit draft."""
    if isinstance(exc, InvalidJobRequest):
        return {"errors": [{**entry, "location": "body"} for entry in exc.errors[:MAX_PROBLEM_ERRORS]]}
    if isinstance(exc, QuotaExceeded):
        return {"type": QUOTA_EXCEEDED_TYPE}  # draft-ietf-httpapi-ratelimit-headers' problem type
    if not isinstance(exc, ItemRejected):
        return {}
    extras: dict[str, Any] = {}
    if exc.errors:
        extras["errors"] = [
            {"pointer": entry.get("pointer", "#"), "location": "body", "detail": entry.get("detail", "Invalid value")}
            for entry in exc.errors[:MAX_PROBLEM_ERRORS]
        ]
    if exc.current_version is not None:
        extras["current_version"] = exc.current_version
    return extras


def retry_after_s() -> int:
    """Seconds a client should wait before retrying a 503: the cap of the store's backoff, at least 1."""
    return max(1, math.ceil(get_settings().retry_max_delay_s))


async def _http_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = str(exc.detail) if exc.detail else None
    response = problem_response(exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


class UnhandledErrors:
    """ASGI middleware: an unexpected exception becomes a 500 problem with the correlation id, no stack trace;
    the full error is logged. (Starlette's own handler for Exception re-raises, which Mangum would log twice.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("Unhandled error")
            if started:
                raise
            correlation_id = logger.get_correlation_id()
            response = problem_response(
                500,
                "An unexpected error occurred; quote the correlation id when reporting it",
                correlation_id=correlation_id,
            )
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(DomainError, _domain_problem)
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    app.add_middleware(UnhandledErrors)
