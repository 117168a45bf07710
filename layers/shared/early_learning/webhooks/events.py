"""The events that webhooks deliver: ``batch.job.completed`` (DESIGN 3.10), ids and counts only, as compact JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

JOB_COMPLETED: Final = "batch.job.completed"
EVENT_TYPES = (JOB_COMPLETED,)
"""The events an endpoint may subscribe to."""

JobOperation = Literal["get", "create", "update", "delete", "recommendations"]
EndedJobStatus = Literal["completed", "cancelled", "failed"]
"""The statuses a job ends in (DESIGN 3.9): each is announced."""


class JobCompletedData(BaseModel):
    """What a receiver learns of a job that ended: ids and counts, never personal data (names, birth dates, notes)
    nor the items themselves; the results are read with the API (``GET /api/v1/batch/jobs/{job_id}/results``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: str
    operation: JobOperation
    resource_type: str | None = Field(description="None for an operation that names no resource type")
    status: EndedJobStatus
    total: int = Field(ge=0)
    succeeded: int = Field(ge=0)
    failed: int = Field(ge=0)
    created_by: str = Field(description="The creator's user id (the token's `sub`)")


class JobCompletedEvent(BaseModel):
    """The body of a ``batch.job.completed`` delivery (the Standard Webhooks payload shape)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["batch.job.completed"] = JOB_COMPLETED
    timestamp: AwareDatetime = Field(description="When the job ended, in UTC")
    data: JobCompletedData

    @field_validator("timestamp")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def body(self) -> bytes:
        """The bytes sent, and signed: compact JSON (no spaces), UTF-8."""
        return self.model_dump_json().encode("utf-8")
