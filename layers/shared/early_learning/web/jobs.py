"""The HTTP side of the batch jobs routes (DESIGN 3.9): a submission's answer (202, ``Location``), the query
parameters of the results and the responses the routes document."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query

from early_learning.jobs.models import Job
from early_learning.web.app import NOT_FOUND_RESPONSE, PROBLEM_RESPONSES, _error_response
from early_learning.web.idempotency import IDEMPOTENCY_KEY_HEADER, Answer, idempotency_responses
from early_learning.web.quotas import RATE_LIMIT_RESPONSE_HEADERS

JOBS = "/api/v1/batch/jobs"


def accepted(job: Job) -> Answer:
    """202 with the job, and where to watch it (``Location``)."""
    return Answer.of(job, 202, {"Location": f"{JOBS}/{job.id}"})


_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
}
_submission = idempotency_responses(202)
SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    **_submission,
    202: {
        **_submission[202],
        "headers": {
            "Location": {"description": "The job's path: `/api/v1/batch/jobs/{id}`", "schema": {"type": "string"}},
            **_submission[202]["headers"],
        },
    },
    400: _error_response(
        "Malformed JSON, a body that is not JSON, an unsupported resource type, unknown fields, an "
        f"{IDEMPOTENCY_KEY_HEADER} that is not 1 to 255 printable ASCII characters"
    ),
    403: _error_response("Not a member of any organization, or a role that may never do this operation"),
    422: _error_response(
        "The body does not match the schema, or its `request` does not match the operation's rules (pointers under "
        f"`#/request`); or an {IDEMPOTENCY_KEY_HEADER} already used for another body"
    ),
    429: _error_response(
        "Too many active jobs (queued or running: 3 per caller; a problem with `Retry-After`), the caller's item "
        "quota (`write`: a submission costs 1; a problem with `Retry-After`), or API Gateway's throttling",
        gateway=True,
        headers={**_RETRY_AFTER, **RATE_LIMIT_RESPONSE_HEADERS},
    ),
}
JOB_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    **NOT_FOUND_RESPONSE,
    400: _error_response("A job id that is not a UUID, a malformed cursor"),
    422: _error_response("An id over 128 characters, a query parameter out of range"),
}
CANCEL_RESPONSES: dict[int | str, dict[str, Any]] = {
    **JOB_RESPONSES,
    409: _error_response("The job has ended (completed, cancelled or failed): nothing to cancel"),
}

ResultStatus = Annotated[
    Literal["success", "error"] | None, Query(description="Only the items that succeeded, or only those that failed")
]
ResultsLimit = Annotated[int, Query(ge=1, le=1000, description="Items per page at most")]
