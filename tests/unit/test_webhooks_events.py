"""The batch.job.completed event (early_learning.webhooks.events): ids and counts only, sent as compact JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from early_learning.webhooks.events import EVENT_TYPES, JobCompletedData, JobCompletedEvent

DATA: dict[str, Any] = {
    "job_id": "5b0c8f6e-3f1a-4a7e-9a52-0d7c1f0e2b11",
    "operation": "update",
    "resource_type": "activities",
    "status": "completed",
    "total": 2500,
    "succeeded": 2498,
    "failed": 2,
    "created_by": "8f1e2d3c-0000-4000-8000-000000000001",
}
ENDED_AT = datetime(2026, 2, 16, 20, 0, 0, tzinfo=UTC)


def event(**data: Any) -> JobCompletedEvent:
    return JobCompletedEvent(timestamp=ENDED_AT, data=JobCompletedData(**{**DATA, **data}))


def test_the_payload_has_exactly_the_fields_of_the_design_ids_and_counts_only() -> None:
    assert list(JobCompletedEvent.model_fields) == ["type", "timestamp", "data"]
    assert list(JobCompletedData.model_fields) == [
        "job_id",
        "operation",
        "resource_type",
        "status",
        "total",
        "succeeded",
        "failed",
        "created_by",
    ]
    assert EVENT_TYPES == ("batch.job.completed",)


def test_the_body_is_compact_json_the_exact_bytes_that_are_signed_and_sent() -> None:
    body = event().body()
    assert body == (
        b'{"type":"batch.job.completed","timestamp":"2026-02-16T20:00:00Z","data":{'
        b'"job_id":"5b0c8f6e-3f1a-4a7e-9a52-0d7c1f0e2b11","operation":"update","resource_type":"activities",'
        b'"status":"completed","total":2500,"succeeded":2498,"failed":2,'
        b'"created_by":"8f1e2d3c-0000-4000-8000-000000000001"}}'
    )
    assert json.loads(body) == {"type": "batch.job.completed", "timestamp": "2026-02-16T20:00:00Z", "data": DATA}
    assert JobCompletedEvent.model_validate_json(body) == event()


def test_the_timestamp_is_sent_in_utc_and_must_carry_a_time_zone() -> None:
    in_paris = JobCompletedEvent(timestamp=ENDED_AT.astimezone(timezone(timedelta(hours=1))), data=DATA)
    assert json.loads(in_paris.body())["timestamp"] == "2026-02-16T20:00:00Z"
    with pytest.raises(ValidationError):
        JobCompletedEvent(timestamp=ENDED_AT.replace(tzinfo=None), data=DATA)


@pytest.mark.parametrize("extra", ["child_name", "birth_date", "notes", "items"])
def test_no_other_field_gets_in(extra: str) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        JobCompletedData(**DATA, **{extra: "x"})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        JobCompletedEvent.model_validate({"timestamp": ENDED_AT, "data": DATA, extra: "x"})


@pytest.mark.parametrize(
    "changes",
    [{"operation": "merge"}, {"status": "running"}, {"status": "queued"}, {"total": -1}, {"failed": -2}],
)
def test_values_outside_the_job_model_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        event(**changes)


def test_the_event_type_is_fixed() -> None:
    assert event().type == "batch.job.completed"
    with pytest.raises(ValidationError):
        JobCompletedEvent.model_validate({"type": "batch.job.started", "timestamp": ENDED_AT, "data": DATA})


@pytest.mark.parametrize("status", ["completed", "cancelled", "failed"])
def test_every_way_a_job_ends_is_announced(status: str) -> None:
    assert json.loads(event(status=status).body())["data"]["status"] == status


def test_an_operation_without_a_resource_type_sends_null() -> None:
    assert json.loads(event(operation="recommendations", resource_type=None).body())["data"]["resource_type"] is None
