"""ActivityWriteFunction: POST /api/v1/activities, PATCH and DELETE /api/v1/activities/{id}."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)

from early_learning.api_models import MAX_SYNC_BODY_BYTES
from early_learning.domain import Activity
from early_learning.services.single_writes import create_one, delete_one, update_one
from early_learning.web import MANGUM_HANDLERS, FreshCaller, RequestDeadline, ResourceId, create_app, observed
from early_learning.web.idempotency import Answer, Idempotent
from early_learning.web.single_writes import (
    MERGE_PATCH_ONLY,
    created,
    deleted,
    merge_patch_body,
    updated,
    write_responses,
)
from early_learning.web.versions import IfMatch
from early_learning.write_models import ActivityDraftBody, ActivityPatchBody

app = create_app(
    "Activity writes",
    "Create, change or delete one activity, by the rules of a batch write's item.",
    max_body_bytes=MAX_SYNC_BODY_BYTES,
)

ACTIVITIES = "/api/v1/activities"
IDEMPOTENT = "With an `Idempotency-Key`, a repeat of the same request gets the first answer again."


@app.post(
    ACTIVITIES,
    status_code=201,
    summary="Create an activity",
    description="In the caller's organization, at version 1; `id` is optional (a UUID of your choice makes a retried "
    f"create safe: 409 if it exists). {IDEMPOTENT}",
    responses=write_responses(201, location=True),
    response_model=Activity,
    tags=["activities", "writes"],
)
async def create_activity_route(
    body: ActivityDraftBody, caller: FreshCaller, deadline: RequestDeadline, idempotent: Idempotent
) -> Response:
    return idempotent(lambda: created(create_one("activities", body.root, caller, deadline), ACTIVITIES))


@app.patch(
    f"{ACTIVITIES}/{{id}}",
    summary="Change an activity (JSON Merge Patch)",
    description="The members sent are changed, `null` resets one to its default; the version is incremented. With "
    f"`If-Match`, only if the activity is still at that version (else 412). {IDEMPOTENT}",
    responses=write_responses(200, precondition=True, merge_patch=True),
    response_model=Activity,
    dependencies=[MERGE_PATCH_ONLY],
    openapi_extra=merge_patch_body("ActivityPatchBody"),
    tags=["activities", "writes"],
)
async def update_activity_route(
    activity_id: ResourceId,
    changes: ActivityPatchBody,
    caller: FreshCaller,
    deadline: RequestDeadline,
    version: IfMatch,
    idempotent: Idempotent,
) -> Response:
    return idempotent(lambda: updated(update_one("activities", activity_id, changes.root, caller, deadline, version)))


@app.delete(
    f"{ACTIVITIES}/{{id}}",
    status_code=204,
    summary="Delete an activity",
    description=f"With `If-Match`, only if the activity is still at that version (else 412). {IDEMPOTENT}",
    responses=write_responses(204, precondition=True),
    tags=["activities", "writes"],
)
async def delete_activity_route(
    activity_id: ResourceId, caller: FreshCaller, deadline: RequestDeadline, version: IfMatch, idempotent: Idempotent
) -> Response:
    def apply() -> Answer:
        delete_one("activities", activity_id, caller, deadline, version)
        return deleted()

    return idempotent(apply)


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
