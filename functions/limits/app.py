"""LimitsFunction: GET /api/v1/batch/limits, the limits the API enforces and the callers' item quotas (DESIGN 3.6)."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum

from early_learning.services.limits import Limits, current_limits
from early_learning.web import MANGUM_HANDLERS, PROBLEM_RESPONSES, CurrentCaller, create_app, observed

app = create_app("Limits", "The limits the API enforces and the item quotas of every caller, for clients to chunk by.")


@app.get(
    "/api/v1/batch/limits",
    summary="The API's limits and the caller's item quotas",
    description="Items per batch and per job, atomic batches, body, time and response limits, and the item quotas "
    "(`RateLimit-Policy`), as the functions enforce them: chunk by these instead of hard-coding them.",
    responses=PROBLEM_RESPONSES,
    tags=["batch"],
)
async def limits_route(caller: CurrentCaller) -> Limits:
    return current_limits()


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
