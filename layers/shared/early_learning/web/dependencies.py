"""Request-scoped inputs of the routes: who is calling (from the authorizer's claims), the time left, and the path
and query parameters the routes share."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request

from early_learning.domain import Membership, NoMembership, Unauthenticated
from early_learning.envelope import Deadline
from early_learning.principal import Principal
from early_learning.settings import get_settings
from early_learning.store import memberships


def _event(request: Request) -> dict[str, Any]:
    event = request.scope.get("aws.event")
    return event if isinstance(event, dict) else {}


async def current_caller(request: Request) -> Membership:
    """The caller's membership (cached briefly). API Gateway's JWT authorizer has verified the token; its claims
    are trusted."""
    return _membership(request, memberships.get)


async def fresh_caller(request: Request) -> Membership:
    """The caller's membership as stored now: writes never act on a cached role (DESIGN 4)."""
    return _membership(request, memberships.read_fresh)


def _membership(request: Request, read: Callable[[str], Membership | None]) -> Membership:
    claims = _event(request).get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims")
    if not claims or not claims.get("sub"):
        raise Unauthenticated("No verified identity on the request")
    if claims.get("token_use") != "access":
        # API Gateway's JWT authorizer accepts a Cognito ID token too (same issuer, its audience is the client):
        # only access tokens may call the API (DESIGN 4).
        raise Unauthenticated("Only access tokens may call this API: send the access token, not the ID token")
    principal = Principal.from_claims(claims)
    membership = read(principal.sub)
    if membership is None:
        raise NoMembership("This account is not a member of any organization")
    return membership


async def request_deadline(request: Request) -> Deadline:
    """The time the request may still spend: what Lambda and API Gateway both still allow, less the safety margin."""
    context = request.scope.get("aws.context")
    settings = get_settings()
    return Deadline(
        remaining_ms(
            context.get_remaining_time_in_millis() if context is not None else None,
            _event(request).get("requestContext", {}).get("timeEpoch"),
            time.time() * 1000,
            settings.integration_timeout_ms,
        ),
        settings.deadline_safety_ms,
    )


def remaining_ms(
    lambda_remaining_ms: int | None, time_epoch_ms: Any, now_ms: float, integration_timeout_ms: int
) -> int:
    """``min(Lambda's remaining time, requestContext.timeEpoch + the integration timeout - now)``: API Gateway
    counts its 30 s from when it received the request, so a cold start or a slow authorizer before the handler
    shortens what is left (DESIGN 3.6). Without a usable ``timeEpoch``, Lambda's time alone; without a context
    (a direct call), the integration timeout."""
    remaining = lambda_remaining_ms if lambda_remaining_ms is not None else integration_timeout_ms
    if isinstance(time_epoch_ms, int | float) and not isinstance(time_epoch_ms, bool):
        remaining = min(remaining, int(time_epoch_ms + integration_timeout_ms - now_ms))
    return max(0, remaining)


async def request_date(request: Request) -> date:
    """The UTC date on which API Gateway received the request (``requestContext.timeEpoch``): what "today" means
    for a request, so that the same event always gets the same answer (and tests can fix the date)."""
    epoch_ms = _event(request).get("requestContext", {}).get("timeEpoch")
    if isinstance(epoch_ms, int | float) and not isinstance(epoch_ms, bool):
        return datetime.fromtimestamp(epoch_ms / 1000, UTC).date()
    return datetime.now(UTC).date()


CurrentCaller = Annotated[Membership, Depends(current_caller)]
FreshCaller = Annotated[Membership, Depends(fresh_caller)]
RequestDeadline = Annotated[Deadline, Depends(request_deadline)]
RequestDate = Annotated[date, Depends(request_date)]

ResourceId = Annotated[str, Path(alias="id", max_length=128)]
"""The ``{id}`` of a single-resource path (at most 128 characters)."""
PageLimit = Annotated[int, Query(ge=1, le=100, description="Page size")]
PageCursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page")]
