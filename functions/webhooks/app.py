"""WebhooksFunction: an organization's webhook endpoints, managed by its admins (DESIGN 3.10)."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response

from early_learning.services import webhooks
from early_learning.web import MANGUM_HANDLERS, CurrentCaller, FreshCaller, ResourceId, create_app, observed
from early_learning.web.idempotency import Answer, Idempotent
from early_learning.web.webhooks import ADMIN_RESPONSES, ENDPOINT_RESPONSES, REGISTER_RESPONSES, created
from early_learning.webhooks.api_models import (
    WebhookDeliveries,
    WebhookEndpoints,
    WebhookEndpointWithSecret,
    WebhookRegistration,
)

app = create_app(
    "Webhooks",
    "Endpoints told when an organization's batch jobs end (Standard Webhooks signatures); admins only.",
    max_body_bytes=64 * 1024,
)

WEBHOOKS = "/api/v1/webhooks"


@app.post(
    WEBHOOKS,
    status_code=201,
    summary="Register a webhook endpoint",
    description="An https URL whose host resolves to public addresses only (checked now and at every delivery). "
    "The answer holds the signing `secret`, shown only here (and on rotation). With an `Idempotency-Key`, a repeat "
    "of the same request gets the first answer again.",
    responses=REGISTER_RESPONSES,
    response_model=WebhookEndpointWithSecret,
    tags=["webhooks"],
)
async def register_webhook_route(body: WebhookRegistration, caller: FreshCaller, idempotent: Idempotent) -> Response:
    return idempotent(lambda: created(webhooks.register(body, caller), WEBHOOKS))


@app.get(
    WEBHOOKS,
    summary="List the organization's webhook endpoints",
    description="Without their secrets.",
    responses=ADMIN_RESPONSES,
    tags=["webhooks"],
)
async def list_webhooks_route(caller: CurrentCaller) -> WebhookEndpoints:
    return webhooks.list_endpoints(caller)


@app.delete(
    f"{WEBHOOKS}/{{id}}",
    status_code=204,
    summary="Delete a webhook endpoint",
    description="Nothing more is delivered to it, deliveries already queued included.",
    responses=ENDPOINT_RESPONSES,
    tags=["webhooks"],
)
async def delete_webhook_route(endpoint_id: ResourceId, caller: FreshCaller) -> Response:
    webhooks.delete(caller, endpoint_id)
    return Answer.of(None, 204).response()


@app.post(
    f"{WEBHOOKS}/{{id}}/rotate",
    summary="Rotate a webhook endpoint's signing secret",
    description="A new secret, shown only in this answer; for 24 hours deliveries carry a signature with the "
    "previous secret too (`previous_secret_expires_at`), so receivers can switch without losing any. Rotating "
    "again within those 24 hours retires the older secret at once: only the latest previous one keeps signing.",
    responses=ENDPOINT_RESPONSES,
    tags=["webhooks"],
)
async def rotate_webhook_route(endpoint_id: ResourceId, caller: FreshCaller) -> WebhookEndpointWithSecret:
    return webhooks.rotate(caller, endpoint_id)


@app.get(
    f"{WEBHOOKS}/{{id}}/deliveries",
    summary="A webhook endpoint's latest delivery attempts",
    description="Newest first (at most 50): message id (`webhook-id`), event, attempt, status code and time.",
    responses=ENDPOINT_RESPONSES,
    tags=["webhooks"],
)
async def webhook_deliveries_route(endpoint_id: ResourceId, caller: CurrentCaller) -> WebhookDeliveries:
    return webhooks.deliveries(caller, endpoint_id)


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
