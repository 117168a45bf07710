"""``GET /api/v1/batch/limits`` (DESIGN 3.6) cannot drift from what the functions enforce: each figure it answers is
compared with the rule that applies it (the request models' bounds, the transaction check, every function app's body
limit, the local gateway's, the settings, the quotas the routes charge)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from early_learning.api_models import BatchGetRequest
from early_learning.jobs.models import JOB_REQUESTS
from early_learning.recommendation_models import BatchRecommendationsRequest
from early_learning.services.limits import current_limits
from early_learning.settings import LAMBDA_RESPONSE_LIMIT_BYTES, Settings, get_settings
from early_learning.store.actions import WriteAction
from early_learning.store.writes import ItemWrite, fits_one_transaction
from early_learning.web.app import GATEWAY_MAX_BODY_BYTES
from early_learning.web.body_limit import BodyLimit
from early_learning.web.quotas import POLICIES, Quota, policy_field
from early_learning.write_models import BatchCreateRequest, BatchDeleteRequest, BatchUpdateRequest
from local import cfn
from local.gateway.app import MAX_BODY_BYTES as LOCAL_GATEWAY_MAX_BODY_BYTES

LIMITS = current_limits()
UUID = "123e4567-e89b-12d3-a456-426614174000"
SYNCHRONOUS = {"BatchGetFunction", "BatchRecommendationsFunction", "BatchWriteFunction"} | {
    "ActivityWriteFunction",
    "ChildWriteFunction",
}
"""The synchronous batch routes' functions, and the single writes (DESIGN 3.6: 1 MB)."""


def max_items(model: type[BaseModel], field: str) -> int:
    """The bound a request model declares on one of its lists (what a client's generated model knows too)."""
    bound: int = model.model_json_schema()["properties"][field]["maxItems"]
    return bound


def accepts(model: type[BaseModel], body: dict[str, Any]) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("model", "field", "announced", "body"),
    [
        (BatchGetRequest, "ids", LIMITS.batch_get.max_ids, {"resource_type": "activities"}),
        (BatchRecommendationsRequest, "child_ids", LIMITS.recommendations.max_child_ids, {}),
        (BatchCreateRequest, "items", LIMITS.batch_write.max_items, {"resource_type": "activities"}),
        (BatchUpdateRequest, "items", LIMITS.batch_write.max_items, {"resource_type": "activities"}),
        (BatchDeleteRequest, "ids", LIMITS.batch_write.max_items, {"resource_type": "activities"}),
        *((JOB_REQUESTS[op], "ids", LIMITS.jobs.max_items, {"resource_type": "x"}) for op in ("get", "delete")),
        *((JOB_REQUESTS[op], "items", LIMITS.jobs.max_items, {"resource_type": "x"}) for op in ("create", "update")),
        (JOB_REQUESTS["recommendations"], "child_ids", LIMITS.jobs.max_items, {}),
    ],
)
def test_each_item_limit_is_the_one_its_request_model_enforces(
    model: type[BaseModel], field: str, announced: int, body: dict[str, Any]
) -> None:
    assert max_items(model, field) == announced
    item: Any = UUID if field.endswith("ids") else {}
    assert accepts(model, {**body, field: [item] * announced})
    assert not accepts(model, {**body, field: [item] * (announced + 1)})


def test_every_job_operation_has_the_announced_item_limit() -> None:
    bounds = {
        max_items(model, field)
        for model in JOB_REQUESTS.values()
        for field in ("ids", "items", "child_ids")
        if field in model.model_fields
    }
    assert bounds == {LIMITS.jobs.max_items}


def test_an_atomic_batch_holds_the_announced_actions_and_not_one_more() -> None:
    def writes(actions: int) -> list[ItemWrite]:
        action = WriteAction("check", object())  # type: ignore[arg-type]  # only counted
        return [ItemWrite(str(n), (action,)) for n in range(actions)]

    assert fits_one_transaction(writes(LIMITS.batch_write.atomic_max_actions))
    assert not fits_one_transaction(writes(LIMITS.batch_write.atomic_max_actions + 1))
    assert LIMITS.batch_write.atomic_max_bytes == 4 * 1024 * 1024  # DynamoDB's TransactWriteItems limit


def app_body_limit(app: FastAPI) -> int:
    middleware: list[Any] = list(app.user_middleware)
    (limit,) = [m.kwargs["limit"] for m in middleware if m.cls is BodyLimit]
    assert isinstance(limit, int)
    return limit


@pytest.mark.parametrize("name", [name for name, spec in cfn.functions().items() if spec.routes])
def test_each_functions_body_limit_is_an_announced_one(name: str) -> None:
    app = importlib.import_module(cfn.functions()[name].module).app
    if name in SYNCHRONOUS:
        assert app_body_limit(app) == LIMITS.request_body.synchronous_max_bytes
    elif name != "WebhooksFunction":  # its own 64 KB (DESIGN 3.10), not a batch limit
        assert app_body_limit(app) == LIMITS.request_body.max_bytes


def test_the_gateway_limit_is_api_gateways_and_the_local_gateways() -> None:
    assert LIMITS.request_body.max_bytes == GATEWAY_MAX_BODY_BYTES == LOCAL_GATEWAY_MAX_BODY_BYTES


def test_time_response_and_jobs_come_from_the_settings_the_functions_run_with() -> None:
    settings = get_settings()
    assert LIMITS.integration_timeout_ms == settings.integration_timeout_ms
    assert LIMITS.response_body.max_bytes == LAMBDA_RESPONSE_LIMIT_BYTES
    assert LIMITS.response_body.items_max_bytes == settings.response_limit_bytes
    assert LIMITS.jobs.max_active == settings.max_active_jobs


def test_the_quotas_are_the_policies_the_routes_charge_and_announce() -> None:
    settings = Settings(read_quota_items=1234, write_quota_items=56, quota_window_s=30, max_active_jobs=2)
    limits = current_limits(settings)
    announced = [(q.policy, q.quota, q.window_s, q.unit) for q in limits.quotas]
    charged = [Quota.of(policy, settings) for policy in POLICIES]
    assert announced == [(q.policy, q.quota, q.window_s, "items") for q in charged]
    assert announced == [("read", 1234, 30, "items"), ("write", 56, 30, "items")]
    assert policy_field(POLICIES, settings) == '"read";q=1234;w=30, "write";q=56;w=30'
    assert limits.jobs.max_active == 2
    assert current_limits(Settings(quotas_enabled=False)).quotas == []
