"""The models of batch jobs (DESIGN 3.9): the submission and its per-operation requests (the synchronous routes' item
models, limits raised to 10,000, no ``atomic``), the job as the API answers it and as it is stored, result items and
the chunk message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from early_learning.api_models import BatchGetRequest, DocumentedAs, ItemId, JsonBody
from early_learning.domain import Membership
from early_learning.envelope import ItemError, ItemSuccess
from early_learning.recommendation_models import BatchRecommendationsRequest
from early_learning.write_models import UpdateItemBody, WriteItem, WriteResourceType

MAX_JOB_ITEMS = 10_000
"""Items per job at most (DESIGN 3.6)."""

JobOperation = Literal["get", "create", "update", "delete", "recommendations"]
JobStatus = Literal["queued", "running", "completed", "cancelled", "failed"]
ACTIVE_STATUSES: tuple[JobStatus, ...] = ("queued", "running")
"""A job in one of these counts against its creator's active jobs."""

_ITEMS = f"1 to {MAX_JOB_ITEMS:,}"


# --- the requests: the synchronous routes' bodies with the job's limits ---------------------------------------------


class JobGetRequest(BatchGetRequest):
    """``POST /api/v1/batch/get``'s body, up to 10,000 ids."""

    ids: list[ItemId] = Field(min_length=1, max_length=MAX_JOB_ITEMS, description=f"{_ITEMS} UUIDs")


class JobRecommendationsRequest(BatchRecommendationsRequest):
    """``POST /api/v1/batch/activities/recommendations``'s body, up to 10,000 children."""

    child_ids: list[ItemId] = Field(min_length=1, max_length=MAX_JOB_ITEMS, description=f"{_ITEMS} child UUIDs")


class JobCreateRequest(JsonBody):
    """``POST /api/v1/batch/create``'s body without ``atomic``, up to 10,000 items."""

    resource_type: WriteResourceType = Field(description="'activities', 'children' or 'completions'")
    items: list[WriteItem] = Field(min_length=1, max_length=MAX_JOB_ITEMS, description=f"{_ITEMS} new resources")


class JobUpdateRequest(JsonBody):
    """``POST /api/v1/batch/update``'s body without ``atomic``, up to 10,000 items."""

    resource_type: WriteResourceType = Field(description="'activities' or 'children'")
    items: list[UpdateItemBody] = Field(min_length=1, max_length=MAX_JOB_ITEMS, description=f"{_ITEMS} changes")


class JobDeleteRequest(JsonBody):
    """``POST /api/v1/batch/delete``'s body without ``atomic``, up to 10,000 ids."""

    resource_type: WriteResourceType = Field(description="'activities' or 'children'")
    ids: list[ItemId] = Field(min_length=1, max_length=MAX_JOB_ITEMS, description=f"{_ITEMS} ids")


JOB_REQUESTS: dict[str, type[JsonBody]] = {
    "get": JobGetRequest,
    "create": JobCreateRequest,
    "update": JobUpdateRequest,
    "delete": JobDeleteRequest,
    "recommendations": JobRecommendationsRequest,
}


def _documented_request() -> Any:
    return JobGetRequest | JobCreateRequest | JobUpdateRequest | JobDeleteRequest | JobRecommendationsRequest


class JobSubmission(JsonBody):
    """``POST /api/v1/batch/jobs``: an operation of the synchronous batch routes and that route's body."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "operation": "update",
                    "request": {
                        "resource_type": "activities",
                        "items": [{"id": "a1b2c3d4-0000-4000-8000-00000000a001", "changes": {"duration_minutes": 25}}],
                    },
                }
            ]
        }
    )

    operation: JobOperation = Field(
        description="The synchronous route to run: get (batch/get), create, update, delete (batch/create, update, "
        "delete) or recommendations (batch/activities/recommendations)"
    )
    request: Annotated[dict[str, Any], DocumentedAs(_documented_request)] = Field(
        description="That route's body (without `atomic`), validated by its rules, with up to 10,000 items"
    )


# --- the job ---------------------------------------------------------------------------------------------------------


class Job(BaseModel):
    """A batch job and its progress: ``processed == succeeded + failed <= total``, never decreasing."""

    id: str
    operation: JobOperation
    resource_type: str | None = Field(description="The request's resource_type; null for recommendations")
    status: JobStatus = Field(
        description="queued -> running -> completed (every item answered), or cancelled, or failed (the job itself "
        "could not run)"
    )
    total: int = Field(ge=0)
    processed: int = Field(ge=0)
    succeeded: int = Field(ge=0)
    failed: int = Field(ge=0)
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = Field(description="When the last item was answered (or the job failed)")
    expires_at: datetime = Field(description="When the job and its results are deleted (7 days after creation)")


class StoredJob(Job):
    """A job as stored: its creator, what to run, and whether its end was announced."""

    owner: str
    org_id: str
    options: dict[str, Any] = Field(description="The request without its list of items")
    chunks: int
    announced: bool = False

    def public(self) -> Job:
        return Job.model_validate(self.model_dump(include=set(Job.model_fields)))


class ChunkRun(BaseModel):
    """What a worker needs to answer a chunk of a read job (``get``, ``recommendations``) from its message alone: the
    job's operation, options, size and dates, the chunk's items (ids), and the creator's membership as it was when
    the job was submitted. The worker stores such an answer only in a transaction that checks it all still holds
    (the run is the one stored with the chunk, by its ``digest``; the job is the creator's, still active; the
    membership unchanged; the chunk not answered): otherwise it answers the chunk from what is stored
    (``jobs.worker``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operation: JobOperation
    options: dict[str, Any]
    start: int = Field(ge=0)
    items: list[Any]
    total: int = Field(ge=1)
    created_at: datetime
    expires_at: datetime
    creator: Membership

    def digest(self) -> str:
        """What identifies the run but its creator (whose membership is checked against its own table): stored with
        the chunk when submitted, and checked to be the same when the chunk is answered from its message."""
        return hashlib.sha256(self.model_dump_json(exclude={"creator"}).encode()).hexdigest()


class ChunkMessage(BaseModel):
    """An SQS message of the chunk queue: which chunk of which job (its items are stored), the job's creator (the
    worker reads its membership with the job and the chunk, in one call, and acts with it only when it is the job's
    owner indeed), and for a read job what to ``run`` (ids only: no personal data travels in a message)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: str
    chunk: int = Field(ge=0)
    owner: str | None = None
    run: ChunkRun | None = None


@dataclass(frozen=True)
class ChunkAnswer:
    """A chunk's answer as it is stored: ``document``, a JSON object whose ``results`` are the route's items, one per
    item of the chunk, in order (the route's own body, serialized once by its service), and its counts."""

    document: bytes
    answered: int
    succeeded: int


# --- results (documentation: the results are answered as stored) ---------------------------------------------------


class JobItemSuccess(ItemSuccess[Any]):
    index: int = Field(description="The item's position in the request (0-based)")


class JobItemError(ItemError):
    index: int = Field(description="The item's position in the request (0-based)")


JobItemResult = Annotated[JobItemSuccess | JobItemError, Field(discriminator="status")]


class JobResultsPage(BaseModel):
    """A page of a job's item results, in request order: each the synchronous route's item, plus its ``index``."""

    items: list[JobItemResult]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last. While the job runs, a page ends before the "
        "first item not answered yet, and its cursor resumes there"
    )


class JobsPage(BaseModel):
    items: list[Job]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page")
