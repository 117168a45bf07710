"""Per-caller item quotas over HTTP (DESIGN 3.11): what each route costs, the charge before its service call, and the
IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on every response of a function.

One place for every route of every function: ``create_app`` makes ``QuotaRoute`` the app's route class, so a route
declares nothing. Its policy and cost are derived from what it already declares (``charge_of``):

- a body of a batch model costs its item count, as the model declares (``JsonBody.quota_charge``): ``POST
  /batch/get`` its ``ids`` and recommendations its ``child_ids`` (``read``); batch create and update their
  ``items``, batch delete its ``ids`` (``write``);
- a listing (a ``GET`` with a ``limit`` parameter) costs its ``limit`` (``read``);
- anything else costs 1: ``read`` for a ``GET``, ``write`` otherwise. The routes of batch jobs and webhooks always
  cost 1 (``FLAT_COST_PATHS``): a job's items are bounded by the jobs' own limits (DESIGN 3.9), so reading its
  results page by page is not charged again per item.

The route's endpoint is wrapped: FastAPI has authenticated the caller and validated the request (a 401, 403, 413 or
422 is never charged) when the wrapper spends the cost, with one conditional UpdateItem (``store.quotas``), before
the endpoint runs: a request that does not fit is a 429 problem with ``Retry-After`` (``QuotaExceeded``), and nothing
of it runs (no read of the data, no Idempotency-Key record, no write). An idempotent replay is charged like the
request.

The window is fixed, not a sliding one or a token bucket: each caller's ``read`` and ``write`` budgets refill all at
once at the end of its window (the windows of different callers are offset from each other, by a hash of the
``sub``, so that they do not all refill at the same second). Across a boundary, a caller can spend up to twice its
quota within a short time.

A quotas table that does not answer (throttled, timed out: ``StoreUnavailable``, by ``store.errors``' policy) fails
open: the request is served uncounted, with a warning and a ``QuotaUncounted`` metric (README, "Quotas and limits",
says why). Any other failure propagates (a 500: a missing table or permission is a deploy error, never hidden).
"""

from __future__ import annotations

import functools
import inspect
import math
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, NamedTuple, get_args, get_origin

from aws_lambda_powertools.metrics import MetricUnit
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from early_learning.domain import QuotaExceeded, StoreUnavailable, Unauthenticated
from early_learning.observability import logger, metrics
from early_learning.settings import Settings, get_settings
from early_learning.store import quotas

Policy = Literal["read", "write"]
POLICIES: tuple[Policy, ...] = ("read", "write")
UNIT = "items"

LISTING_LIMIT = "limit"
"""A ``GET`` with this parameter is a listing: it costs its page size."""
FLAT_COST_PATHS = ("/api/v1/batch/jobs", "/api/v1/webhooks")
"""Routes that cost 1 whatever they declare (see the module's docstring)."""
QUOTA_EXCEEDED_TYPE = "https://iana.org/assignments/http-problem-types#quota-exceeded"
"""The draft's problem type for a request over a quota policy."""
_REQUEST = "quota_request"
"""The parameter the wrapper adds to an endpoint's signature, for FastAPI to hand it the request."""
_SCOPE_KEY = "early_learning.rate_limit"
"""Where the wrapper leaves what a request's charge came to, for ``RateLimitHeaders``."""


# --- policies and windows --------------------------------------------------------------------------------------


# A NamedTuple, not a frozen dataclass: a fourth of the cost to define at each cold start (README, "Performance").
class Quota(NamedTuple):
    """One policy's figures: ``quota`` items per ``window_s`` seconds."""

    policy: Policy
    quota: int
    window_s: int

    @classmethod
    def of(cls, policy: Policy, settings: Settings | None = None) -> Quota:
        settings = settings or get_settings()
        quota = settings.read_quota_items if policy == "read" else settings.write_quota_items
        return cls(policy, quota, settings.quota_window_s)

    def field(self) -> str:
        """This policy as an item of ``RateLimit-Policy``: ``"read";q=3000;w=60``."""
        return f'"{self.policy}";q={self.quota};w={self.window_s}'


class Window(NamedTuple):
    """A caller's current window of one policy: it started at ``start`` (epoch seconds) and resets in ``reset_s``."""

    start: int
    reset_s: int

    @classmethod
    def at(cls, sub: str, window_s: int, now: float) -> Window:
        """The window holding ``now``. A caller's windows are offset by a hash of its ``sub`` (CRC-32: stable across
        processes, unlike ``hash``), so that callers do not all refill at the same moment."""
        offset = zlib.crc32(sub.encode()) % window_s
        start = math.floor((now - offset) / window_s) * window_s + offset
        return cls(start, max(1, math.ceil(start + window_s - now)))


class Counted(NamedTuple):
    """A counted request: its policy, the items left in the window (``r``) and the seconds until it resets (``t``)."""

    policy: Policy
    remaining: int
    reset_s: int

    def field(self) -> str:
        """The ``RateLimit`` field: ``"read";r=2900;t=12``."""
        return f'"{self.policy}";r={self.remaining};t={self.reset_s}'


# --- what a route costs ----------------------------------------------------------------------------------------


class Charge(NamedTuple):
    """A route's policy, and its cost from the validated arguments of its endpoint."""

    policy: Policy
    basis: str
    """What the cost counts: a body's list (``ids``, ``child_ids``, ``items``), ``limit``, or ``1``."""
    argument: str | None = None
    """The endpoint's parameter holding the body or the limit (None: a cost of 1)."""

    def cost(self, arguments: Mapping[str, Any]) -> int:
        if self.argument is None:
            return 1
        value = arguments[self.argument]
        return int(value) if self.basis == LISTING_LIMIT else len(getattr(value, self.basis))


def charge_of(path: str, methods: set[str], endpoint: Callable[..., Any]) -> Charge:
    """The charge of a route (see the module's docstring), from its path, methods and endpoint's signature: a batch
    body declares its own (``JsonBody.quota_charge``)."""
    policy: Policy = "read" if methods <= {"GET", "HEAD"} else "write"
    if path.startswith(FLAT_COST_PATHS):
        return Charge(policy, "1")
    parameters = inspect.signature(endpoint, eval_str=True).parameters
    for name, parameter in parameters.items():
        body = getattr(_plain(parameter.annotation), "quota_charge", None)
        if body is not None:
            return Charge(body[0], body[1], name)
    if policy == "read" and LISTING_LIMIT in parameters:
        return Charge("read", LISTING_LIMIT, LISTING_LIMIT)
    return Charge(policy, "1")


def _plain(annotation: Any) -> Any:
    """``Annotated[X, ...]`` as ``X``."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


class QuotaRoute(APIRoute):
    """FastAPI's route, its endpoint charged before it runs (``charged``)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.charge = charge_of(path, set(kwargs.get("methods") or ("GET",)), endpoint)
        super().__init__(path, charged(endpoint, self.charge), **kwargs)


def charged(endpoint: Callable[..., Any], charge: Charge) -> Callable[..., Any]:
    """``endpoint`` with its charge spent first. The same signature for FastAPI (the same parameters, documentation
    and response model), plus the request, which FastAPI hands over and the endpoint never sees."""
    signature = inspect.signature(endpoint, eval_str=True)

    @functools.wraps(endpoint)
    async def run(**arguments: Any) -> Any:
        request: Request = arguments.pop(_REQUEST)
        spend(request, charge.policy, charge.cost(arguments))
        answer = endpoint(**arguments)
        return await answer if inspect.isawaitable(answer) else answer

    extra = inspect.Parameter(_REQUEST, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
    run.__signature__ = signature.replace(parameters=[*signature.parameters.values(), extra])  # type: ignore[attr-defined]
    return run


# --- spending --------------------------------------------------------------------------------------------------


def spend(request: Request, policy: Policy, cost: int) -> None:
    """Spend ``cost`` items of the caller's ``policy``, or raise ``QuotaExceeded`` (nothing spent). What it came
    to is left in the request's scope for the ``RateLimit`` header; a quotas table that does not answer fails open."""
    settings = get_settings()
    if not settings.quotas_enabled:
        return
    sub = _caller(request)
    quota = Quota.of(policy, settings)
    now = time.time()
    window = Window.at(sub, quota.window_s, now)
    if cost > quota.quota:
        raise QuotaExceeded(
            f"This request costs {cost} {UNIT}, more than the whole {policy} quota of {quota.quota} {UNIT} per "
            f"{quota.window_s} s: send fewer {UNIT} per request",
            policy,
            window.reset_s,
        )
    expiration = window.start + 2 * quota.window_s
    try:
        spent = quotas.spend(sub, policy, window.start, cost, quota.quota, expiration)
    except StoreUnavailable:
        logger.warning("Request not counted: the quotas table did not answer", extra={"policy": policy})
        metrics.add_metric(name="QuotaUncounted", unit=MetricUnit.Count, value=1)
        return
    request.scope[_SCOPE_KEY] = Counted(policy, max(0, quota.quota - spent.used), window.reset_s)
    if not spent.granted:
        logger.info("Quota exceeded", extra={"policy": policy, "cost": cost, "used": spent.used})
        metrics.add_metric(name="QuotaExceeded", unit=MetricUnit.Count, value=1)
        raise QuotaExceeded(
            f"This request costs {cost} {UNIT} of your {policy} quota, and {max(0, quota.quota - spent.used)} of "
            f"its {quota.quota} {UNIT} per {quota.window_s} s are left: nothing was done. Retry after Retry-After "
            f"seconds, or send fewer {UNIT}",
            policy,
            window.reset_s,
        )


def _caller(request: Request) -> str:
    """The verified caller's ``sub`` (the route's caller dependency has already refused a request without one)."""
    event = request.scope.get("aws.event") or {}
    claims = event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims") or {}
    sub = claims.get("sub")
    if not sub:
        raise Unauthenticated("No verified identity on the request")
    return str(sub)


# --- the headers -----------------------------------------------------------------------------------------------


def policy_field(policies: tuple[Policy, ...], settings: Settings | None = None) -> str:
    """``RateLimit-Policy``: the policies named, e.g. ``"read";q=3000;w=60``."""
    settings = settings or get_settings()
    return ", ".join(Quota.of(policy, settings).field() for policy in policies)


class RateLimitHeaders:
    """ASGI middleware: ``RateLimit-Policy`` on every response (the route's policy; both when no route answered, as
    for a 413 refused before routing), and ``RateLimit`` when the request was counted. Problems and 429s included.

    The route is the one FastAPI's router leaves in the request's scope (``scope["route"]``); a 422's single policy
    in tests/integration/test_quotas.py fails if FastAPI stops doing so."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not get_settings().quotas_enabled:
            await self.app(scope, receive, send)
            return

        async def send_with_rate_limit(message: Message) -> None:
            if message["type"] == "http.response.start":
                charge = getattr(scope.get("route"), "charge", None)
                policies = (charge.policy,) if isinstance(charge, Charge) else POLICIES
                headers = [*message.get("headers", []), (b"ratelimit-policy", policy_field(policies).encode())]
                counted = scope.get(_SCOPE_KEY)
                if isinstance(counted, Counted):
                    headers.append((b"ratelimit", counted.field().encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_rate_limit)


RATE_LIMIT_RESPONSE_HEADERS: dict[str, Any] = {
    "RateLimit-Policy": {
        "description": "The caller's item quota of the route's policy, e.g. `\"read\";q=3000;w=60` (items per "
        "window in seconds; draft-ietf-httpapi-ratelimit-headers), on every answer of a function",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left of it, e.g. `"read";r=2900;t=12` (items left, seconds until the window '
        "resets), on every answer of a counted request",
        "schema": {"type": "string"},
    },
}
"""The headers as the OpenAPI document describes them."""
