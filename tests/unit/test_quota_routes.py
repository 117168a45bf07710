"""Every route of every HTTP function is charged to a caller's item quota (DESIGN 3.11), with the policy and cost
decided for it here: the routes are walked as template.yaml gives them to the functions, so a new route fails this
test until its cost is decided. And the RateLimit headers' syntax (draft-ietf-httpapi-ratelimit-headers)."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from early_learning.api_models import BatchGetRequest
from early_learning.settings import Settings
from early_learning.web.quotas import POLICIES, Charge, Counted, QuotaRoute, Window, charge_of, policy_field
from early_learning.write_models import BatchUpdateRequest
from local import cfn

ROUTE_COSTS: dict[str, tuple[str, str]] = {
    # Batches: their item count
    "POST /api/v1/batch/get": ("read", "ids"),
    "POST /api/v1/batch/activities/recommendations": ("read", "child_ids"),
    "POST /api/v1/batch/create": ("write", "items"),
    "POST /api/v1/batch/update": ("write", "items"),
    "POST /api/v1/batch/delete": ("write", "ids"),
    # Listings: their page size
    "GET /api/v1/activities": ("read", "limit"),
    "GET /api/v1/children": ("read", "limit"),
    # One resource: 1
    "GET /api/v1/activities/{id}": ("read", "1"),
    "GET /api/v1/children/{id}/recommendations": ("read", "1"),
    "POST /api/v1/activities": ("write", "1"),
    "PATCH /api/v1/activities/{id}": ("write", "1"),
    "DELETE /api/v1/activities/{id}": ("write", "1"),
    "POST /api/v1/children": ("write", "1"),
    "PATCH /api/v1/children/{id}": ("write", "1"),
    "DELETE /api/v1/children/{id}": ("write", "1"),
    "POST /api/v1/children/{id}/completions": ("write", "1"),
    "GET /api/v1/batch/limits": ("read", "1"),
    # Jobs (bounded by their own limits, DESIGN 3.9) and webhooks: 1 per request, a listing included
    "POST /api/v1/batch/jobs": ("write", "1"),
    "GET /api/v1/batch/jobs": ("read", "1"),
    "GET /api/v1/batch/jobs/{id}": ("read", "1"),
    "GET /api/v1/batch/jobs/{id}/results": ("read", "1"),
    "POST /api/v1/batch/jobs/{id}/cancel": ("write", "1"),
    "POST /api/v1/webhooks": ("write", "1"),
    "GET /api/v1/webhooks": ("read", "1"),
    "DELETE /api/v1/webhooks/{id}": ("write", "1"),
    "POST /api/v1/webhooks/{id}/rotate": ("write", "1"),
    "GET /api/v1/webhooks/{id}/deliveries": ("read", "1"),
}
"""What each route of the API costs: its policy, and what its cost counts (README, "Quotas and limits")."""


def served_routes() -> dict[str, APIRoute]:
    """Every template route, as the app of its function serves it."""
    found: dict[str, APIRoute] = {}
    for spec in cfn.functions().values():
        if not spec.routes:
            continue
        app = importlib.import_module(spec.module).app
        for route in spec.routes:
            (served,) = [
                r
                for r in app.routes
                if isinstance(r, APIRoute) and r.path == route.path and route.method in (r.methods or ())
            ]
            found[route.key] = served
    return found


def test_every_route_of_every_http_function_is_charged_as_decided() -> None:
    routes = served_routes()
    assert set(routes) == set(ROUTE_COSTS)
    for key, route in routes.items():
        assert isinstance(route, QuotaRoute), key
        assert (route.charge.policy, route.charge.basis) == ROUTE_COSTS[key], key


def test_sqs_consumers_have_no_app_to_charge() -> None:
    consumers = [spec for spec in cfn.functions().values() if not spec.routes]
    assert {spec.name for spec in consumers} >= {"JobWorkerFunction", "JobDeadLettersFunction", "WebhookSenderFunction"}
    for spec in consumers:
        assert not hasattr(importlib.import_module(spec.module), "app"), spec.name


def test_a_batch_costs_the_length_of_its_list_and_a_listing_its_limit() -> None:
    async def batch_get(body: BatchGetRequest) -> None: ...

    async def update(body: BatchUpdateRequest) -> None: ...

    async def listing(limit: int = 20) -> None: ...

    body = BatchGetRequest(resource_type="activities", ids=["a", "b", "a"])
    assert charge_of("/x", {"POST"}, batch_get).cost({"body": body}) == 3
    items = BatchUpdateRequest(resource_type="activities", items=[{"id": "a", "changes": {}}] * 4)
    assert charge_of("/x", {"POST"}, update).cost({"body": items}) == 4
    assert charge_of("/x", {"GET"}, listing).cost({"limit": 7}) == 7
    assert charge_of("/x", {"POST"}, listing) == Charge("write", "1")  # only a GET is a listing
    assert charge_of("/api/v1/batch/jobs/{id}/results", {"GET"}, listing) == Charge("read", "1")


def test_the_charged_endpoint_keeps_its_signature_for_fastapi() -> None:
    # What FastAPI documents and validates is the endpoint's own: its parameters, plus the request it hands over
    route = served_routes()["GET /api/v1/activities"]
    endpoint: Any = route.endpoint
    own = inspect.signature(endpoint.__wrapped__, eval_str=True)
    charged = inspect.signature(endpoint)
    assert list(charged.parameters.values())[:-1] == list(own.parameters.values())
    assert charged.return_annotation == own.return_annotation
    assert list(charged.parameters)[-1] == "quota_request"
    app = importlib.import_module(cfn.functions()["ActivitiesFunction"].module).app
    documented = app.openapi()["paths"]["/api/v1/activities"]["get"]["parameters"]
    assert {parameter["name"] for parameter in documented} == {"limit", "cursor"}


# --- the headers ---------------------------------------------------------------------------------------------------

STRING = r'"[a-z]+"'
POLICY_ITEM = rf"{STRING};q=\d+;w=[1-9]\d*"
"""A quota policy item: a String with the ``q`` (quota) and ``w`` (window, seconds) parameters, Integers."""
LIMIT_ITEM = rf"{STRING};r=\d+;t=\d+"
"""A service limit item: the policy's name, ``r`` (the quota left) and ``t`` (seconds until it resets)."""


def test_rate_limit_policy_is_a_structured_list_of_the_policies() -> None:
    settings = Settings(read_quota_items=3000, write_quota_items=600, quota_window_s=60)
    assert policy_field(("read",), settings) == '"read";q=3000;w=60'
    both = policy_field(POLICIES, settings)
    assert both == '"read";q=3000;w=60, "write";q=600;w=60'
    assert re.fullmatch(rf"{POLICY_ITEM}(, {POLICY_ITEM})*", both)


def test_rate_limit_is_the_policy_with_what_is_left_and_when_it_resets() -> None:
    field = Counted("read", 2900, 12).field()
    assert field == '"read";r=2900;t=12'
    assert re.fullmatch(LIMIT_ITEM, field)


@pytest.mark.parametrize("now", [0.0, 59.999, 60.0, 1771272000.5, 1771272059.0])
@pytest.mark.parametrize("sub", ["5a1e0000-0000-4000-8000-000000000001", "x", ""])
def test_a_window_holds_now_and_resets_within_its_length(now: float, sub: str) -> None:
    window = Window.at(sub, 60, now)
    assert window.start <= now < window.start + 60
    assert 1 <= window.reset_s <= 60
    assert window.start + 60 - window.reset_s <= now  # t never promises a reset later than the window's end
    assert Window.at(sub, 60, window.start) == Window(window.start, 60)
    assert Window.at(sub, 60, window.start + 60).start == window.start + 60


def test_windows_of_different_callers_reset_at_different_times() -> None:
    # A caller's window is offset by its sub: not everyone's quota refills at the same second
    subs = [f"5a1e0000-0000-4000-8000-00000000000{n}" for n in range(1, 5)]
    assert len({Window.at(sub, 60, 1771272000.0).reset_s for sub in subs}) > 1
