"""BatchWriteFunction: POST /api/v1/batch/create, /batch/update and /batch/delete."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)

from early_learning.api_models import MAX_SYNC_BODY_BYTES
from early_learning.services.writes import batch_create, batch_delete, batch_update
from early_learning.web import (
    MANGUM_HANDLERS,
    PROBLEM_RESPONSES,
    FreshCaller,
    RequestDate,
    RequestDeadline,
    create_app,
    observed,
)
from early_learning.web.idempotency import Answer, Idempotent, idempotency_responses
from early_learning.write_models import BatchCreateRequest, BatchDeleteRequest, BatchUpdateRequest, BatchWriteResponse

app = create_app(
    "Batch writes",
    "Create, update or delete up to 100 resources of one type in one call, item by item or all or nothing.",
    max_body_bytes=MAX_SYNC_BODY_BYTES,
)

WRITE_DESCRIPTION = (
    "One result per item, in order; 200 even when some or all items failed. With `atomic: true`, all items are "
    "applied in one transaction or none: the failing items carry their errors, the others are 424 `rolled_back`. "
    "With an `Idempotency-Key`, a repeat of the same request gets the first answer again, and nothing is applied twice."
)
RESPONSES = {**PROBLEM_RESPONSES, **idempotency_responses(200)}


@app.post(
    "/api/v1/batch/create",
    summary="Create many resources",
    description=WRITE_DESCRIPTION,
    responses=RESPONSES,
    response_model=BatchWriteResponse,
    tags=["batch", "writes"],
)
async def batch_create_route(
    body: BatchCreateRequest,
    caller: FreshCaller,
    deadline: RequestDeadline,
    today: RequestDate,
    idempotent: Idempotent,
) -> Response:
    return idempotent(lambda: Answer.of(batch_create(body, caller, deadline, today)))


@app.post(
    "/api/v1/batch/update",
    summary="Update many resources (JSON Merge Patch each, optional version check)",
    description=WRITE_DESCRIPTION,
    responses=RESPONSES,
    response_model=BatchWriteResponse,
    tags=["batch", "writes"],
)
async def batch_update_route(
    body: BatchUpdateRequest, caller: FreshCaller, deadline: RequestDeadline, idempotent: Idempotent
) -> Response:
    return idempotent(lambda: Answer.of(batch_update(body, caller, deadline)))


@app.post(
    "/api/v1/batch/delete",
    summary="Delete many resources",
    description=WRITE_DESCRIPTION,
    responses=RESPONSES,
    response_model=BatchWriteResponse,
    tags=["batch", "writes"],
)
async def batch_delete_route(
    body: BatchDeleteRequest, caller: FreshCaller, deadline: RequestDeadline, idempotent: Idempotent
) -> Response:
    return idempotent(lambda: Answer.of(batch_delete(body, caller, deadline)))


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
