"""ActivitiesFunction: GET /api/v1/activities/{id} and GET /api/v1/activities."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)

from early_learning.api_models import Page
from early_learning.domain import Activity
from early_learning.services.activities import get_activity, list_activities
from early_learning.web import (
    MANGUM_HANDLERS,
    PROBLEM_RESPONSES,
    CurrentCaller,
    PageCursor,
    PageLimit,
    ResourceId,
    create_app,
    observed,
)
from early_learning.web.versions import etag, read_responses

app = create_app("Activities", "Individual activity routes: one activity, or the caller's catalog page by page.")


@app.get(
    "/api/v1/activities/{id}",
    summary="Get one activity",
    description="The same object as a batch item's `data`, its version as `ETag`. 404 when missing or not visible "
    "to the caller.",
    responses=read_responses(),
    tags=["activities"],
)
async def get_activity_route(activity_id: ResourceId, caller: CurrentCaller, response: Response) -> Activity:
    activity = get_activity(activity_id, caller)
    response.headers["ETag"] = etag(activity.version)
    return activity


@app.get(
    "/api/v1/activities",
    summary="List the activities the caller may see",
    description="The caller's organization's activities, then the public catalog, page by page.",
    responses=PROBLEM_RESPONSES,
    tags=["activities"],
)
async def list_activities_route(
    caller: CurrentCaller,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
) -> Page[Activity]:
    return list_activities(caller, limit, cursor)


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
