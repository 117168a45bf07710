"""BatchRecommendationsFunction: POST /api/v1/batch/activities/recommendations."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)

from early_learning.api_models import MAX_SYNC_BODY_BYTES
from early_learning.recommendation_models import BatchRecommendationsRequest, BatchRecommendationsResponse
from early_learning.services.recommendations import batch_recommendations
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
    "Batch recommendations",
    "Personalized, explained activity recommendations for up to 50 children in one call.",
    max_body_bytes=MAX_SYNC_BODY_BYTES,
)


@app.post(
    "/api/v1/batch/activities/recommendations",
    summary="Recommend activities for many children",
    description="One result per requested child id, in order; 200 even when some or all items failed. "
    "The options apply to every child; each child is scored on its own age, focus domains, special needs and "
    "recent activities.",
    response_model=BatchRecommendationsResponse,
    responses=PROBLEM_RESPONSES,
    tags=["batch", "recommendations"],
)
async def batch_recommendations_route(
    body: BatchRecommendationsRequest, caller: CurrentCaller, deadline: RequestDeadline, today: RequestDate
) -> Response:
    # The service serialized the response once (a BatchRecommendationsResponse's JSON): answered as it is.
    answer = batch_recommendations(body, caller, deadline, today)
    return Response(answer.body, media_type="application/json")


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
