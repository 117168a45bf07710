"""ChildrenFunction: GET /api/v1/children and GET /api/v1/children/{id}/recommendations."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum

from early_learning.api_models import Page
from early_learning.domain import Child
from early_learning.recommendation_models import ChildRecommendations
from early_learning.services.children import list_children
from early_learning.services.recommendations import child_recommendations
from early_learning.web import (
    MANGUM_HANDLERS,
    NOT_FOUND_RESPONSE,
    PROBLEM_RESPONSES,
    CurrentCaller,
    PageCursor,
    PageLimit,
    RequestDate,
    RequestDeadline,
    ResourceId,
    create_app,
    observed,
)
from early_learning.web.recommendation_query import RecommendationQueryParams

app = create_app("Children", "The children the caller may see, and one child's recommendations.")


@app.get(
    "/api/v1/children",
    summary="List the children the caller may see",
    description="An admin sees its organization's children, an educator its classrooms', a guardian its own; "
    "page by page.",
    responses=PROBLEM_RESPONSES,
    tags=["children"],
)
async def list_children_route(
    caller: CurrentCaller,
    deadline: RequestDeadline,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
) -> Page[Child]:
    return list_children(caller, limit, cursor, deadline)


@app.get(
    "/api/v1/children/{id}/recommendations",
    summary="Recommend activities for one child",
    description="The same options as the batch route, as query parameters (repeat `activity_types` for several); "
    "the body is the batch item's `data`. 404 when the child is missing or not visible to the caller.",
    responses={**NOT_FOUND_RESPONSE, **PROBLEM_RESPONSES},
    tags=["children", "recommendations"],
)
async def child_recommendations_route(
    child_id: ResourceId,
    options: RecommendationQueryParams,
    caller: CurrentCaller,
    deadline: RequestDeadline,
    today: RequestDate,
) -> ChildRecommendations:
    return child_recommendations(child_id, caller, options, today, deadline)


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
