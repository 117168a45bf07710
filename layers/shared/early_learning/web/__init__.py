"""FastAPI wiring shared by every function: the app factory, problem details, the caller and the deadline."""

from early_learning.web.app import NOT_FOUND_RESPONSE, PROBLEM_RESPONSES, create_app, observed
from early_learning.web.dependencies import (
    CurrentCaller,
    FreshCaller,
    PageCursor,
    PageLimit,
    RequestDate,
    RequestDeadline,
    ResourceId,
)
from early_learning.web.http_api import MANGUM_HANDLERS

__all__ = [
    "MANGUM_HANDLERS",
    "NOT_FOUND_RESPONSE",
    "PROBLEM_RESPONSES",
    "CurrentCaller",
    "FreshCaller",
    "PageCursor",
    "PageLimit",
    "RequestDate",
    "RequestDeadline",
    "ResourceId",
    "create_app",
    "observed",
]
