"""The jobs table (DESIGN 3.9): jobs, their chunks' inputs and results, and each caller's active jobs.

One table, keyed ``pk`` / ``sk``; every record of a job is under ``JOB#<id>`` and carries the TTL attribute
``expiration`` (the job's ``expires_at``):
- ``JOB``: the job, its counters (``processed``, ``succeeded``, ``failed``: only ever ADDed to) and its status;
  the index ``by_owner`` (``owner``, ``created_key``) lists a caller's jobs newest first;
- ``IN#<chunk>``: a chunk's input: its first item's index and its items (zlib-compressed JSON);
- ``OUT#<chunk>#<part>``: a chunk's results (zlib-compressed JSON, split in parts under DynamoDB's 400 KB), put in
  ONE TransactWriteItems with the ADD of the job's counters, each part only where none exists: a chunk delivered twice
  is stored and counted once.
And per caller, ``OWNER#<sub>`` / ``ACTIVE``: the set of its active jobs' ids, added to only while it has fewer than
the maximum (a conditional update: concurrent submissions never pass it), an id removed when its job ends.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from early_learning.domain import StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.jobs.models import ACTIVE_STATUSES, JobStatus, StoredJob
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.base import backoff_delay, configure, instrument
from early_learning.store.errors import STORE_ERRORS, error_code, is_transient, unavailable_when_transient

PART_BYTES = 350_000
"""A stored results part at most (compressed): DynamoDB's items hold 400 KB, key and attributes included."""
BATCH_WRITE_LIMIT = 25
_WHAT = "The job"


class ByOwner(GlobalSecondaryIndex["JobRecord"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class JobRecord(Model):
    class Meta:
        table_name = "jobs"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    id = UnicodeAttribute()
    owner = UnicodeAttribute()
    org_id = UnicodeAttribute()
    operation = UnicodeAttribute()
    resource_type = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    total = NumberAttribute()
    processed = NumberAttribute()
    succeeded = NumberAttribute()
    failed = NumberAttribute()
    chunks = NumberAttribute()
    options = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    completed_at = UnicodeAttribute(null=True)
    expires_at = UnicodeAttribute()
    created_key = UnicodeAttribute()
    announced = BooleanAttribute(null=True)
    expiration = NumberAttribute()
    by_owner = ByOwner()


class ChunkRecord(Model):
    """A chunk's input (``IN#``) or a part of its results (``OUT#``)."""

    class Meta:
        table_name = "jobs"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    start = NumberAttribute()
    payload = BinaryAttribute(legacy_encoding=False)
    expiration = NumberAttribute()


class ActiveJobsRecord(Model):
    class Meta:
        table_name = "jobs"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    jobs = UnicodeSetAttribute(null=True)


for _model in (JobRecord, ChunkRecord, ActiveJobsRecord):
    configure(_model, get_settings().jobs_table)


def _job_key(job_id: str) -> str:
    return f"JOB#{job_id}"


def _input_key(chunk: int) -> str:
    return f"IN#{chunk:05d}"


def _result_key(chunk: int, part: int) -> str:
    return f"OUT#{chunk:05d}#{part:03d}"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def pack(values: Any) -> bytes:
    return zlib.compress(json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode(), 1)


def unpack(data: bytes) -> Any:
    return json.loads(zlib.decompress(data))


# --- jobs ------------------------------------------------------------------------------------------------------


def _to_domain(record: JobRecord) -> StoredJob:
    return StoredJob(
        id=record.id,
        owner=record.owner,
        org_id=record.org_id,
        operation=record.operation,
        resource_type=record.resource_type,
        status=record.status,
        total=int(record.total),
        processed=int(record.processed),
        succeeded=int(record.succeeded),
        failed=int(record.failed),
        chunks=int(record.chunks),
        options=json.loads(record.options),
        created_at=datetime.fromisoformat(record.created_at),
        updated_at=datetime.fromisoformat(record.updated_at),
        completed_at=datetime.fromisoformat(record.completed_at) if record.completed_at else None,
        expires_at=datetime.fromisoformat(record.expires_at),
        announced=bool(record.announced),
    )


def _to_record(job: StoredJob) -> JobRecord:
    return JobRecord(
        _job_key(job.id),
        "JOB",
        id=job.id,
        owner=job.owner,
        org_id=job.org_id,
        operation=job.operation,
        resource_type=job.resource_type,
        status=job.status,
        total=job.total,
        processed=job.processed,
        succeeded=job.succeeded,
        failed=job.failed,
        chunks=job.chunks,
        options=json.dumps(job.options, separators=(",", ":"), ensure_ascii=False),
        created_at=job.created_at.isoformat(),
        updated_at=job.updated_at.isoformat(),
        completed_at=job.completed_at.isoformat() if job.completed_at else None,
        expires_at=job.expires_at.isoformat(),
        created_key=f"{time.time_ns():020d}#{job.id}",  # newest first, to the nanosecond (created_at: the second)
        expiration=_epoch(job.expires_at),
    )


def read_job(job_id: str) -> StoredJob | None:
    """The job as stored now (a consistent read), or None (never created, or expired)."""
    instrument(JobRecord)
    with unavailable_when_transient(_WHAT):
        try:
            record = JobRecord.get(_job_key(job_id), "JOB", consistent_read=True)
        except JobRecord.DoesNotExist:
            return None
    return _to_domain(record)


def list_jobs(owner: str, limit: int, start: dict[str, Any] | None) -> tuple[list[StoredJob], dict[str, Any] | None]:
    """One page of ``owner``'s jobs, newest first, and the index's LastEvaluatedKey (None on the last page)."""
    instrument(JobRecord)
    with unavailable_when_transient("Your jobs"):
        data = JobRecord._get_connection().query(
            owner, index_name="by_owner", limit=limit, exclusive_start_key=start, scan_index_forward=False
        )
    jobs = [_to_domain(JobRecord.from_raw_data(raw)) for raw in data.get("Items", ())]
    return jobs, data.get("LastEvaluatedKey")


def save_job(job: StoredJob, chunks: Sequence[tuple[int, list[Any]]], deadline: Deadline) -> None:
    """The job and its chunks' inputs (BatchWriteItem, 25 a call, unprocessed ones retried with backoff within the
    deadline). ``StoreUnavailable`` when they could not all be written."""
    expiration = _epoch(job.expires_at)
    records: list[Model] = [_to_record(job)]
    records += [
        ChunkRecord(_job_key(job.id), _input_key(index), start=start, payload=pack(items), expiration=expiration)
        for index, (start, items) in enumerate(chunks)
    ]
    instrument(JobRecord)
    connection = JobRecord._get_connection()
    pending: list[dict[str, Any]] = [record.serialize() for record in records]
    settings = get_settings()
    attempt = 0
    while pending:
        if deadline.remaining_s() < settings.dynamodb_call_worst_case_s:
            raise StoreUnavailable("The job could not be recorded in time; submit it again")
        batch, pending = pending[:BATCH_WRITE_LIMIT], pending[BATCH_WRITE_LIMIT:]
        try:
            data = connection.batch_write_item(put_items=batch)
            unprocessed = data.get("UnprocessedItems", {}).get(settings.jobs_table, [])
            left = [request["PutRequest"]["Item"] for request in unprocessed]
        except STORE_ERRORS as exc:
            if not is_transient(exc):
                raise
            logger.warning("Job records not written", extra={"error": error_code(exc)})
            left = batch
        if left:
            pending = list(left) + pending
            attempt += 1
            delay = backoff_delay(attempt, settings.retry_base_delay_s, settings.retry_max_delay_s)
            if (
                attempt > settings.retry_max_attempts
                or delay + settings.dynamodb_call_worst_case_s > deadline.remaining_s()
            ):
                raise StoreUnavailable("The job could not be recorded in time; submit it again")
            time.sleep(delay)
        else:
            attempt = 0


def read_job_and_chunk(job_id: str, chunk: int) -> tuple[StoredJob | None, tuple[int, list[Any]] | None]:
    """The job and a chunk's input, consistently, in one BatchGetItem (what a worker reads first)."""
    instrument(JobRecord)
    keys = [{"pk": _job_key(job_id), "sk": "JOB"}, {"pk": _job_key(job_id), "sk": _input_key(chunk)}]
    with unavailable_when_transient(_WHAT):
        data = JobRecord._get_connection().batch_get_item(keys, consistent_read=True)  # type: ignore[arg-type]
    if data.get("UnprocessedKeys"):  # rare (throttling): read them one by one
        return read_job(job_id), read_chunk(job_id, chunk)
    job: StoredJob | None = None
    found: tuple[int, list[Any]] | None = None
    for raw in data.get("Responses", {}).get(get_settings().jobs_table, []):
        if raw["sk"]["S"] == "JOB":
            job = _to_domain(JobRecord.from_raw_data(raw))
        else:
            record = ChunkRecord.from_raw_data(raw)
            found = int(record.start), list(unpack(record.payload))
    return job, found


@dataclass(frozen=True)
class Progress:
    """What tells whether a job has just been fully answered."""

    processed: int
    total: int
    ended: bool
    announced: bool


def progress(job_id: str) -> Progress | None:
    """The job's counters and whether it has ended: one projected read, consistent."""
    instrument(JobRecord)
    with unavailable_when_transient(_WHAT):
        data = JobRecord._get_connection().get_item(
            _job_key(job_id),
            range_key="JOB",
            consistent_read=True,
            attributes_to_get=["processed", "total", "completed_at", "announced"],
        )
    item = data.get("Item")
    if not item:
        return None
    return Progress(
        processed=int(item["processed"]["N"]),
        total=int(item["total"]["N"]),
        ended="completed_at" in item and "NULL" not in item["completed_at"],
        announced=bool(item.get("announced", {}).get("BOOL")),
    )


def read_chunk(job_id: str, chunk: int) -> tuple[int, list[Any]] | None:
    """A chunk's first index and items, or None when it is not stored (expired)."""
    instrument(ChunkRecord)
    with unavailable_when_transient("The job's chunk"):
        try:
            record = ChunkRecord.get(_job_key(job_id), _input_key(chunk), consistent_read=True)
        except ChunkRecord.DoesNotExist:
            return None
    items = unpack(record.payload)
    return int(record.start), list(items)


def _now() -> str:
    from early_learning.envelope import utc_now

    return utc_now().isoformat()


def _update(job_id: str, actions: list[Any], condition: Any) -> bool:
    """One conditional UpdateItem of the job: False when its condition failed."""
    instrument(JobRecord)
    record = JobRecord(_job_key(job_id), "JOB")
    with unavailable_when_transient(_WHAT):
        try:
            record.update(actions=[*actions, JobRecord.updated_at.set(_now())], condition=condition)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
    return True


def set_status(job_id: str, status: JobStatus, *, when: Sequence[JobStatus], ended: bool = False) -> bool:
    """The job moved to ``status`` if it is in one of ``when`` (``ended``: its end time set too): False if not."""
    actions = [JobRecord.status.set(status)]
    if ended:
        actions.append(JobRecord.completed_at.set(_now()))
    return _update(job_id, actions, JobRecord.status.is_in(*when))


def complete(job_id: str) -> bool:
    """Every item answered: the job is ``completed`` (when it is queued or running), or a cancelled job gets its end
    time. True for the one call that did it."""
    answered = (JobRecord.processed == JobRecord.total) & JobRecord.completed_at.does_not_exist()
    if _update(
        job_id,
        [JobRecord.status.set("completed"), JobRecord.completed_at.set(_now())],
        answered & JobRecord.status.is_in(*ACTIVE_STATUSES),
    ):
        return True
    return _update(job_id, [JobRecord.completed_at.set(_now())], answered & (JobRecord.status == "cancelled"))


def mark_announced(job_id: str) -> None:
    _update(job_id, [JobRecord.announced.set(True)], JobRecord.pk.exists())


# --- results ---------------------------------------------------------------------------------------------------


def store_results(job: StoredJob, chunk: int, start: int, results: list[dict[str, Any]]) -> bool:
    """A chunk's results and the ADD of their counts to the job, in one TransactWriteItems whose puts each need
    the part to be new: False when the chunk's results were already stored (nothing was changed)."""
    packed = pack(results)
    parts = [packed[i : i + PART_BYTES] for i in range(0, len(packed), PART_BYTES)] or [packed]
    succeeded = sum(1 for result in results if result.get("status") == "success")
    expiration = _epoch(job.expires_at)
    instrument(JobRecord)
    connection = JobRecord._get_connection().connection
    try:
        with unavailable_when_transient("The job's results"), TransactWrite(connection=connection) as transaction:
            for number, part in enumerate(parts):
                record = ChunkRecord(
                    _job_key(job.id), _result_key(chunk, number), start=start, payload=part, expiration=expiration
                )
                transaction.save(record, condition=ChunkRecord.pk.does_not_exist())
            transaction.update(
                JobRecord(_job_key(job.id), "JOB"),
                [
                    JobRecord.processed.add(len(results)),
                    JobRecord.succeeded.add(succeeded),
                    JobRecord.failed.add(len(results) - succeeded),
                    JobRecord.updated_at.set(_now()),
                ],
                condition=JobRecord.pk.exists(),
                add_version_condition=False,
            )
    except TransactWriteError as exc:
        reasons = getattr(exc, "cancellation_reasons", None) or []
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons):
            return False
        raise
    return True


def chunk_answered(job_id: str, chunk: int) -> bool:
    instrument(ChunkRecord)
    with unavailable_when_transient("The job's results"):
        try:
            ChunkRecord.get(_job_key(job_id), _result_key(chunk, 0), consistent_read=True, attributes_to_get=["pk"])
        except ChunkRecord.DoesNotExist:
            return False
    return True


def results_from(job_id: str, chunk: int) -> Iterator[tuple[int, int, list[dict[str, Any]]]]:
    """The stored results of the job's chunks from ``chunk`` on, in chunk order: (chunk, first index, results)."""
    instrument(ChunkRecord)
    connection = ChunkRecord._get_connection()
    start_key: dict[str, Any] | None = None
    current: tuple[int, int, list[bytes]] | None = None
    while True:
        with unavailable_when_transient("The job's results"):
            data = connection.query(
                _job_key(job_id),
                ChunkRecord.sk.between(_result_key(chunk, 0), "OUT#~"),
                limit=8,
                exclusive_start_key=start_key,
                consistent_read=True,
            )
        for raw in data.get("Items", ()):
            record = ChunkRecord.from_raw_data(raw)
            _, number, _part = record.sk.split("#")
            if current is not None and current[0] != int(number):
                yield current[0], current[1], unpack(b"".join(current[2]))
                current = None
            if current is None:
                current = (int(number), int(record.start), [])
            current[2].append(record.payload)
        start_key = data.get("LastEvaluatedKey")
        if start_key is None:
            break
    if current is not None:
        yield current[0], current[1], unpack(b"".join(current[2]))


# --- active jobs per caller ----------------------------------------------------------------------------------------


def _active_key(owner: str) -> ActiveJobsRecord:
    return ActiveJobsRecord(f"OWNER#{owner}", "ACTIVE")


def claim_slot(owner: str, job_id: str, maximum: int) -> bool:
    """``job_id`` added to ``owner``'s active jobs if it has fewer than ``maximum``: False if not."""
    instrument(ActiveJobsRecord)
    record = _active_key(owner)
    condition = ActiveJobsRecord.jobs.does_not_exist() | (size(ActiveJobsRecord.jobs) < maximum)  # type: ignore[no-untyped-call]
    with unavailable_when_transient("Your active jobs"):
        try:
            record.update(actions=[ActiveJobsRecord.jobs.add({job_id})], condition=condition)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
    return True


def active_jobs(owner: str) -> set[str]:
    instrument(ActiveJobsRecord)
    with unavailable_when_transient("Your active jobs"):
        try:
            record = ActiveJobsRecord.get(f"OWNER#{owner}", "ACTIVE", consistent_read=True)
        except ActiveJobsRecord.DoesNotExist:
            return set()
    return set(record.jobs or ())


def release_slot(owner: str, job_id: str) -> None:
    """``job_id`` no longer among ``owner``'s active jobs (idempotent)."""
    instrument(ActiveJobsRecord)
    with unavailable_when_transient("Your active jobs"):
        try:
            _active_key(owner).update(
                actions=[ActiveJobsRecord.jobs.delete({job_id})], condition=ActiveJobsRecord.pk.exists()
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
