"""BatchGetFunction: POST /api/v1/batch/get."""

from mangum import Mangum

from early_learning.api_models import BatchGetRequest, BatchGetResponse
from early_learning.services.batch_get import batch_get
from early_learning.web import PROBLEM_RESPONSES, CurrentCaller, RequestDeadline, create_app, observed

app = create_app("Batch GET", "Fetch up to 100 resources by id in one call, with per-item results.")


@app.post(
    "/api/v1/batch/get",
    summary="Fetch many resources by id",
    description="One result per requested id, in order; 200 even when some or all items failed.",
    responses=PROBLEM_RESPONSES,
    tags=["batch"],
)
async def batch_get_route(body: BatchGetRequest, caller: CurrentCaller, deadline: RequestDeadline) -> BatchGetResponse:
    return batch_get(body, caller, deadline)


handler = observed(Mangum(app, lifespan="off"))
