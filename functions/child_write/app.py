"""ChildWriteFunction: POST /api/v1/children, PATCH and DELETE /api/v1/children/{id}, and
POST /api/v1/children/{id}/completions."""

import gc

# Init creates long-lived objects only (modules, models, routes): the cyclic garbage collector is paused while they
# are made, and at the end they are frozen out of its way. Collections during the imports cost about 15% of a cold
# start, and found nothing to free (README, "Performance"). So the imports come after this call:
# ruff: noqa: E402
gc.disable()

from mangum import Mangum
from starlette.responses import Response  # FastAPI's own: `from fastapi` here would import it unlean (web/lean_import)

from early_learning.api_models import MAX_SYNC_BODY_BYTES
from early_learning.domain import Child, Completion
from early_learning.services.single_writes import create_completion, create_one, delete_one, update_one
from early_learning.web import (
    MANGUM_HANDLERS,
    NOT_FOUND_RESPONSE,
    FreshCaller,
    RequestDate,
    RequestDeadline,
    ResourceId,
    create_app,
    observed,
)
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
from early_learning.write_models import ChildDraftBody, ChildPatchBody, CompletionBody

app = create_app(
    "Child writes",
    "Create, change or delete one child, by the rules of a batch write's item.",
    max_body_bytes=MAX_SYNC_BODY_BYTES,
)

CHILDREN = "/api/v1/children"
IDEMPOTENT = "With an `Idempotency-Key`, a repeat of the same request gets the first answer again."


@app.post(
    CHILDREN,
    status_code=201,
    summary="Create a child",
    description="Admins only. In the caller's organization, at version 1; `id` is optional (a UUID of your choice "
    f"makes a retried create safe: 409 if it exists). {IDEMPOTENT}",
    responses=write_responses(201, location=True),
    response_model=Child,
    tags=["children", "writes"],
)
async def create_child_route(
    body: ChildDraftBody, caller: FreshCaller, deadline: RequestDeadline, idempotent: Idempotent
) -> Response:
    return idempotent(lambda: created(create_one("children", body.root, caller, deadline), CHILDREN))


@app.patch(
    f"{CHILDREN}/{{id}}",
    summary="Change a child (JSON Merge Patch)",
    description="The members sent are changed, `null` resets one to its default; the version is incremented. An "
    "educator may change its classrooms' children, but not move them to another classroom (403). With `If-Match`, "
    f"only if the child is still at that version (else 412). {IDEMPOTENT}",
    responses=write_responses(200, precondition=True, merge_patch=True),
    response_model=Child,
    dependencies=[MERGE_PATCH_ONLY],
    openapi_extra=merge_patch_body("ChildPatchBody"),
    tags=["children", "writes"],
)
async def update_child_route(
    child_id: ResourceId,
    changes: ChildPatchBody,
    caller: FreshCaller,
    deadline: RequestDeadline,
    version: IfMatch,
    idempotent: Idempotent,
) -> Response:
    return idempotent(lambda: updated(update_one("children", child_id, changes.root, caller, deadline, version)))


@app.delete(
    f"{CHILDREN}/{{id}}",
    status_code=204,
    summary="Delete a child",
    description="Admins only; the child's history and completions go with it. With `If-Match`, only if the child is "
    f"still at that version (else 412). {IDEMPOTENT}",
    responses=write_responses(204, precondition=True),
    tags=["children", "writes"],
)
async def delete_child_route(
    child_id: ResourceId, caller: FreshCaller, deadline: RequestDeadline, version: IfMatch, idempotent: Idempotent
) -> Response:
    def apply() -> Answer:
        delete_one("children", child_id, caller, deadline, version)
        return deleted()

    return idempotent(apply)


@app.post(
    f"{CHILDREN}/{{id}}/completions",
    status_code=201,
    summary="Record that a child did an activity",
    description="An admin for its organization's children, an educator for its classrooms', a guardian for its own; "
    "the activity must be readable. `done_on` defaults to today; the child's next recommendations see it at once. "
    f"{IDEMPOTENT}",
    responses={**write_responses(201), **NOT_FOUND_RESPONSE},
    response_model=Completion,
    tags=["children", "writes"],
)
async def create_completion_route(
    child_id: ResourceId,
    body: CompletionBody,
    caller: FreshCaller,
    deadline: RequestDeadline,
    today: RequestDate,
    idempotent: Idempotent,
) -> Response:
    return idempotent(lambda: Answer.of(create_completion(child_id, body.root, caller, deadline, today), 201))


handler = observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))
gc.freeze()
gc.enable()
