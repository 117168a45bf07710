"""BatchJobsFunction: /api/v1/batch/jobs, batch jobs for up to 10,000 items (DESIGN 3.9)."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import (
    JSONResponse,
    Response,  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)
)

from early_learning.jobs import service
from early_learning.jobs.models import Job, JobResultsPage, JobsPage, JobSubmission
from early_learning.web import (
    MANGUM_HANDLERS,
    PROBLEM_RESPONSES,
    CurrentCaller,
    FreshCaller,
    PageCursor,
    PageLimit,
    RequestDeadline,
    ResourceId,
    create_app,
    observed,
)
from early_learning.web.idempotency import Idempotent
from early_learning.web.jobs import (
    CANCEL_RESPONSES,
    JOB_RESPONSES,
    JOBS,
    SUBMIT_RESPONSES,
    ResultsLimit,
    ResultStatus,
    accepted,
)

app = create_app(
    "Batch jobs",
    "The synchronous batch operations for up to 10,000 items, run in the background: submit, watch the progress, "
    "page the results.",
)


@app.post(
    JOBS,
    status_code=202,
    summary="Submit a batch job",
    description="Runs `request` as the synchronous route of `operation` would, in chunks, in the background; the "
    "answer is the queued job and its `Location`. At most 3 jobs queued or running per caller. With an "
    "`Idempotency-Key`, a repeat of the same request gets the first answer again, and no second job.",
    responses=SUBMIT_RESPONSES,
    response_model=Job,
    tags=["batch", "jobs"],
)
async def submit_job_route(
    body: JobSubmission, caller: FreshCaller, deadline: RequestDeadline, idempotent: Idempotent
) -> Response:
    return idempotent(lambda: accepted(service.submit(body, caller, deadline)))


@app.get(
    JOBS,
    summary="List your batch jobs",
    description="The jobs you submitted (kept 7 days), newest first, page by page.",
    responses=PROBLEM_RESPONSES,
    tags=["batch", "jobs"],
)
async def list_jobs_route(caller: CurrentCaller, limit: PageLimit = 20, cursor: PageCursor = None) -> JobsPage:
    return service.list_jobs(caller, limit, cursor)


@app.get(
    f"{JOBS}/{{id}}",
    summary="A batch job and its progress",
    description="`processed == succeeded + failed <= total`, never decreasing. 404 for anyone but its creator.",
    responses=JOB_RESPONSES,
    tags=["batch", "jobs"],
)
async def get_job_route(job_id: ResourceId, caller: CurrentCaller) -> Job:
    return service.get_job(job_id, caller)


@app.get(
    f"{JOBS}/{{id}}/results",
    summary="A batch job's item results",
    description="In request order: each the synchronous route's item plus its `index` in the request, page by page.",
    responses=JOB_RESPONSES,
    response_model=JobResultsPage,
    tags=["batch", "jobs"],
)
async def job_results_route(
    job_id: ResourceId,
    caller: CurrentCaller,
    limit: ResultsLimit = 100,
    cursor: PageCursor = None,
    status: ResultStatus = None,
) -> Response:
    return JSONResponse(service.results(job_id, caller, limit, cursor, status))


@app.post(
    f"{JOBS}/{{id}}/cancel",
    summary="Cancel a batch job",
    description="Its items not processed yet are answered 409 `cancelled`; it ends once every item is answered.",
    responses=CANCEL_RESPONSES,
    tags=["batch", "jobs"],
)
async def cancel_job_route(job_id: ResourceId, caller: FreshCaller) -> Job:
    return service.cancel(job_id, caller)


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
