"""BatchRecommendationsFunction: POST /api/v1/batch/activities/recommendations."""

from mangum import Mangum

from early_learning.api_models import BatchRecommendationsRequest, BatchRecommendationsResponse
from early_learning.services.recommendations import batch_recommendations
from early_learning.web import PROBLEM_RESPONSES, CurrentCaller, RequestDate, RequestDeadline, create_app, observed

app = create_app(
    "Batch recommendations", "Personalized, explained activity recommendations for up to 50 children in one call."
)


@app.post(
    "/api/v1/batch/activities/recommendations",
    summary="Recommend activities for many children",
    description="One result per requested child id, in order; 200 even when some or all items failed. "
    "The options apply to every child; each child is scored on its own age, focus domains, special needs and "
    "recent activities.",
    responses=PROBLEM_RESPONSES,
    tags=["batch", "recommendations"],
)
async def batch_recommendations_route(
    body: BatchRecommendationsRequest, caller: CurrentCaller, deadline: RequestDeadline, today: RequestDate
) -> BatchRecommendationsResponse:
    return batch_recommendations(body, caller, deadline, today)


handler = observed(Mangum(app, lifespan="off"))
