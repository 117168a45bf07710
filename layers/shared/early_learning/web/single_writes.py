"""The HTTP side of single-resource writes (DESIGN 3.3): the merge patch's media types, the answers (``Location``,
``ETag``) and their documentation. A write route stays thin::

    @app.patch("/api/v1/activities/{id}", responses=write_responses(200, precondition=True, merge_patch=True),
               dependencies=[MERGE_PATCH_ONLY], openapi_extra=merge_patch_body("ActivityPatchBody"), ...)
    async def update_activity_route(activity_id: ResourceId, changes: ActivityPatchBody, caller: FreshCaller,
                                    deadline: RequestDeadline, version: IfMatch, idempotent: Idempotent) -> Response:
        return idempotent(lambda: updated(update_one("activities", activity_id, changes, caller, deadline, version)))
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, HTTPException, Request

from early_learning.domain import Activity, Child
from early_learning.web.app import NOT_FOUND_RESPONSE, PROBLEM_RESPONSES, _error_response
from early_learning.web.idempotency import IDEMPOTENCY_KEY_HEADER, Answer, idempotency_responses
from early_learning.web.versions import ETAG_HEADER, etag

MERGE_PATCH = "application/merge-patch+json"
PATCH_MEDIA_TYPES = (MERGE_PATCH, "application/json")
"""What a PATCH body may be sent as (RFC 7396's own media type, and plain JSON for clients that know no other)."""


# --- the merge patch's media types -----------------------------------------------------------------------------


async def merge_patch_only(request: Request) -> None:
    """415 for a PATCH body of any other media type than ``PATCH_MEDIA_TYPES`` (RFC 5789: with ``Accept-Patch``)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in PATCH_MEDIA_TYPES:
        raise HTTPException(
            415,
            f"Send the changes as a JSON Merge Patch: Content-Type {MERGE_PATCH} (or application/json)",
            headers={"Accept-Patch": ", ".join(PATCH_MEDIA_TYPES)},
        )


MERGE_PATCH_ONLY = Depends(merge_patch_only)


def merge_patch_body(component: str) -> dict[str, Any]:
    """A PATCH route's ``openapi_extra``: its body documented as RFC 7396's media type too (FastAPI documents
    application/json), with the same schema, the ``component``."""
    return {"requestBody": {"content": {MERGE_PATCH: {"schema": {"$ref": f"#/components/schemas/{component}"}}}}}


# --- the answers -----------------------------------------------------------------------------------------------


def created(resource: Activity | Child, collection: str) -> Answer:
    """201 with the resource, where it lives (``Location``) and its version (``ETag``)."""
    return Answer.of(resource, 201, {"Location": f"{collection}/{resource.id}", "ETag": etag(resource.version)})


def updated(resource: Activity | Child) -> Answer:
    return Answer.of(resource, 200, {"ETag": etag(resource.version)})


def deleted() -> Answer:
    return Answer.of(None, 204)


# --- OpenAPI ---------------------------------------------------------------------------------------------------

LOCATION_HEADER = {
    "Location": {"description": "The new resource's path: `/api/v1/<type>/{id}`", "schema": {"type": "string"}}
}


def write_responses(
    success_status: int, *, location: bool = False, precondition: bool = False, merge_patch: bool = False
) -> dict[int | str, dict[str, Any]]:
    """The responses a single write documents: ``success_status`` (201, 200 or 204) with its headers, the common
    problems, the idempotency key's, and with ``precondition`` (an existing resource, ``If-Match``) 404 and 412;
    with ``merge_patch``, 415."""
    idempotency = idempotency_responses(success_status)
    headers = {**(LOCATION_HEADER if location else {}), **(ETAG_HEADER if success_status != 204 else {})}
    success = idempotency[success_status]
    responses: dict[int | str, dict[str, Any]] = {
        **PROBLEM_RESPONSES,
        **idempotency,
        success_status: {**success, "headers": {**headers, **success["headers"]}},
        400: _error_response(
            "Malformed JSON, a body that is not JSON, a malformed id"
            + (", a malformed If-Match" if precondition else "")
            + f", an {IDEMPOTENCY_KEY_HEADER} that is not 1 to 255 printable ASCII characters"
        ),
        403: _error_response(
            "Not a member of any organization, a role that may never do this, or a resource the caller sees but may "
            "not change (the public catalog; a field its role may not change)"
        ),
        409: _error_response(
            ("An id that is already taken" if not precondition else "The resource changed while the change was written")
            + f" (nothing was applied); or a request with this {IDEMPOTENCY_KEY_HEADER} still being processed (retry "
            "after `Retry-After`), or applied with an answer too large to keep",
            headers={
                "Retry-After": {
                    "description": "Seconds to wait before retrying, while the first request runs",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        ),
        422: _error_response(
            (
                "The body does not make a valid resource (or merge patch): an `errors` entry, a JSON pointer into "
                "the body, per invalid field (at most 20)"
                if success_status != 204
                else "An id over 128 characters"
            )
            + f"; or an {IDEMPOTENCY_KEY_HEADER} already used, by this caller on this route, for a request with "
            "another body"
        ),
    }
    if precondition:
        responses.update(NOT_FOUND_RESPONSE)
        responses[412] = _error_response(
            "If-Match names another version than the stored one (`current_version`): nothing was applied"
        )
    if merge_patch:
        responses[415] = _error_response(
            f"The body is neither {MERGE_PATCH} nor application/json",
            headers={
                "Accept-Patch": {"description": "The media types a PATCH body may have", "schema": {"type": "string"}}
            },
        )
    return responses
