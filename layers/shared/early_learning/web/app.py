"""The FastAPI app factory and the Lambda handler wrapper every function uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from early_learning.api_models import Problem
from early_learning.observability import logger, metrics
from early_learning.web import problems

API_VERSION = "1.0.0"

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description, "content": {problems.PROBLEM_MEDIA_TYPE: {}}}
    for status, description in {
        400: "Malformed JSON, unsupported resource type or unknown field",
        401: "Missing or invalid token",
        403: "Authenticated, but not a member of any organization",
        413: "Request body over 10 MB",
        422: "Request does not match the schema (an `errors` entry per invalid field)",
        429: "Too many requests (gateway throttling)",
        500: "Unexpected error (with a correlation id)",
    }.items()
}


def create_app(title: str, description: str) -> FastAPI:
    """A FastAPI app with problem details, gzip for responses over 1 KB, and no docs routes of its own
    (API Gateway routes only the API paths; the local stack serves /docs for every function at once)."""
    app = FastAPI(
        title=title,
        description=description,
        version=API_VERSION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    problems.install(app)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    return app


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
