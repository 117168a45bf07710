"""BatchGetFunction: POST /api/v1/batch/get."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)

from early_learning.api_models import MAX_SYNC_BODY_BYTES, BatchGetRequest, BatchGetResponse
from early_learning.services.batch_get import batch_get
from early_learning.web import (
    MANGUM_HANDLERS,
    PROBLEM_RESPONSES,
    CurrentCaller,
    RequestDate,
    RequestDeadline,
    create_app,
    observed,
)

app = create_app(
    "Batch GET",
    "Fetch up to 100 resources by id in one call, with per-item results.",
    max_body_bytes=MAX_SYNC_BODY_BYTES,
)


@app.post(
    "/api/v1/batch/get",
    summary="Fetch many resources by id",
    description="One result per requested id, in order; 200 even when some or all items failed.",
    response_model=BatchGetResponse,
    responses=PROBLEM_RESPONSES,
    tags=["batch"],
)
async def batch_get_route(
    body: BatchGetRequest, caller: CurrentCaller, deadline: RequestDeadline, today: RequestDate
) -> Response:
    # The service serialized the response once (a BatchGetResponse's JSON): answered as it is, not validated again.
    return Response(batch_get(body, caller, deadline, today).body, media_type="application/json")


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
