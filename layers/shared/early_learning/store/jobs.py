"""The jobs table (DESIGN 3.9): jobs, their chunks' inputs and results, and each caller's active jobs.

One table, keyed ``pk`` / ``sk``; every record of a job is under ``JOB#<id>`` and carries the TTL attribute
``expiration`` (the job's ``expires_at``):
- ``JOB``: the job, its counters (``processed``, ``succeeded``, ``failed``: only ever ADDed to) and its status;
  the index ``by_owner`` (``owner``, ``created_key``) lists a caller's jobs newest first;
- ``IN#<chunk>``: a chunk's input: its first item's index, its items (zlib-compressed JSON) and, when its message
  carries what to run (a read job's), that run's digest, which the results' transaction checks;
- ``OUT#<chunk>#<part>``: a chunk's results (the route's answer, its JSON as the service serialized it, with
  ``results`` one per item, zlib-compressed, split in parts under DynamoDB's 400 KB; an item's ``index`` is its
  chunk's ``start`` plus its position), put in ONE TransactWriteItems with the ADD of the job's counters, each part
  only where none exists: a chunk delivered twice is stored and counted once.
And per caller, ``OWNER#<sub>`` / ``ACTIVE``: the set of its active jobs' ids, added to only while it has fewer than
the maximum (a conditional update: concurrent submissions never pass it), an id removed when its job ends.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

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

from early_learning.domain import Membership, StoreUnavailable
from early_learning.envelope import Deadline
from early_learning.jobs.models import ACTIVE_STATUSES, ChunkAnswer, ChunkRun, JobStatus, StoredJob
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store import memberships
from early_learning.store.base import attribute_values, backoff_delay, configure, instrument
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
    run_digest = UnicodeAttribute(null=True)
    """An input's: the digest of the run its message carries (``ChunkRun.digest``), if it carries one."""
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


def _to_domain(values: Mapping[str, Any]) -> StoredJob:
    """A job from its record's attribute values."""
    completed_at = values.get("completed_at")
    return StoredJob(
        id=values["id"],
        owner=values["owner"],
        org_id=values["org_id"],
        operation=values["operation"],
        resource_type=values.get("resource_type"),
        status=values["status"],
        total=int(values["total"]),
        processed=int(values["processed"]),
        succeeded=int(values["succeeded"]),
        failed=int(values["failed"]),
        chunks=int(values["chunks"]),
        options=json.loads(values["options"]),
        created_at=datetime.fromisoformat(values["created_at"]),
        updated_at=datetime.fromisoformat(values["updated_at"]),
        completed_at=datetime.fromisoformat(completed_at) if completed_at else None,
        expires_at=datetime.fromisoformat(values["expires_at"]),
        announced=bool(values.get("announced")),
    )


def _job_of(raw: dict[str, Any]) -> StoredJob:
    """A job from its record as DynamoDB sent it."""
    values = attribute_values(JobRecord, raw)
    if values is None:  # logged by its key
        raise RuntimeError("A job's record does not match its model")
    return _to_domain(values)


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
    return _to_domain(record.attribute_values)


def list_jobs(owner: str, limit: int, start: dict[str, Any] | None) -> tuple[list[StoredJob], dict[str, Any] | None]:
    """One page of ``owner``'s jobs, newest first, and the index's LastEvaluatedKey (None on the last page)."""
    instrument(JobRecord)
    with unavailable_when_transient("Your jobs"):
        data = JobRecord._get_connection().query(
            owner, index_name="by_owner", limit=limit, exclusive_start_key=start, scan_index_forward=False
        )
    jobs = [_job_of(raw) for raw in data.get("Items", ())]
    return jobs, data.get("LastEvaluatedKey")


def save_job(
    job: StoredJob, chunks: Sequence[tuple[int, list[Any]]], digests: Sequence[str | None], deadline: Deadline
) -> None:
    """The job and its chunks' inputs, each with the ``digest`` of the run its message carries, if any
    (BatchWriteItem, 25 a call, unprocessed ones retried with backoff within the deadline). ``StoreUnavailable``
    when they could not all be written."""
    expiration = _epoch(job.expires_at)
    records: list[Model] = [_to_record(job)]
    records += [
        ChunkRecord(
            _job_key(job.id),
            _input_key(index),
            start=start,
            payload=pack(items),
            run_digest=digest,
            expiration=expiration,
        )
        for index, ((start, items), digest) in enumerate(zip(chunks, digests, strict=True))
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


@dataclass(frozen=True)
class ChunkWork:
    """What a worker reads first for a chunk."""

    job: StoredJob | None
    chunk: tuple[int, list[Any]] | None
    """The chunk's first index and items."""
    creator: str | None
    """Whose membership ``membership`` is, as stored now (None: no membership was read)."""
    membership: Membership | None


def read_chunk_work(job_id: str, chunk: int, creator: str | None) -> ChunkWork:
    """The job, the chunk's input and (when ``creator`` is given: the sub the chunk's message names) that user's
    membership, all consistently, in ONE BatchGetItem over the jobs and memberships tables. Whose membership it is
    comes back in ``creator``: the caller checks it is the job's owner before it acts with it."""
    instrument(JobRecord)
    job_key = _job_key(job_id)
    jobs_table, memberships_table = JobRecord.Meta.table_name, memberships.MembershipRecord.Meta.table_name
    request: dict[str, Any] = {
        jobs_table: {
            "Keys": [
                {"pk": {"S": job_key}, "sk": {"S": "JOB"}},
                {"pk": {"S": job_key}, "sk": {"S": _input_key(chunk)}},
            ],
            "ConsistentRead": True,
        }
    }
    if creator is not None:
        request[memberships_table] = {"Keys": [{"sub": {"S": creator}}], "ConsistentRead": True}
    with unavailable_when_transient(_WHAT):
        data = JobRecord._get_connection().connection.dispatch(
            "BatchGetItem", {"RequestItems": request, "ReturnConsumedCapacity": "NONE"}
        )
    if data.get("UnprocessedKeys"):  # rare (throttling): read them one by one
        fresh = memberships.read_fresh(creator) if creator is not None else None
        return ChunkWork(read_job(job_id), read_chunk(job_id, chunk), creator, fresh)
    responses = data.get("Responses", {})
    job: StoredJob | None = None
    found: tuple[int, list[Any]] | None = None
    for raw in responses.get(jobs_table, ()):
        if raw["sk"]["S"] == "JOB":
            job = _job_of(raw)
        else:
            found = _chunk_input(raw)
    membership: Membership | None = None
    for raw in responses.get(memberships_table, ()):
        values = attribute_values(memberships.MembershipRecord, raw)
        if values is None:  # logged by its key
            raise RuntimeError("A membership's record does not match its model")
        membership = memberships.from_values(values)
    return ChunkWork(job, found, creator, membership)


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
        data = ChunkRecord._get_connection().get_item(
            _job_key(job_id), range_key=_input_key(chunk), consistent_read=True
        )
    item = data.get("Item")
    return _chunk_input(item) if item else None


def _payload(raw: dict[str, Any]) -> bytes:
    """A chunk record's ``payload``: bytes as botocore parses a binary value, or its base64 as DynamoDB sent it
    (a read whose items are left as sent: ``store.wire``)."""
    value = raw["payload"]["B"]
    return value if isinstance(value, bytes) else base64.b64decode(value)


def _chunk_input(raw: dict[str, Any]) -> tuple[int, list[Any]]:
    return int(raw["start"]["N"]), list(unpack(_payload(raw)))


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


Stored = Literal["stored", "stored_last", "unchanged"]
"""What ``store_results`` did: stored and counted (other items of the job are still to be answered), stored and
counted as the job's last items (every item is answered now), or nothing (the chunk was answered before)."""

_NAMES = {
    f"#{name}": getattr(JobRecord, name).attr_name
    for name in ("processed", "succeeded", "failed", "updated_at", "status", "owner")
}
_COUNT = "ADD #processed :answered, #succeeded :succeeded, #failed :failed SET #updated_at = :now"
_CHECK_FAILED = "ConditionalCheckFailed"


def _result_puts(job_id: str, chunk: int, start: int, answer: ChunkAnswer, expires_at: datetime) -> list[Any]:
    """The puts of a chunk's answer (compressed, in parts under DynamoDB's 400 KB), each only where none exists."""
    packed = zlib.compress(answer.document, 1)
    job_key, expiration = _job_key(job_id), str(_epoch(expires_at))
    return [
        {
            "TableName": JobRecord.Meta.table_name,
            "Item": {
                "pk": {"S": job_key},
                "sk": {"S": _result_key(chunk, number)},
                "start": {"N": str(start)},
                "payload": {"B": packed[offset : offset + PART_BYTES]},
                "expiration": {"N": expiration},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        for number, offset in enumerate(range(0, len(packed), PART_BYTES))
    ]


def _count(job_id: str, answer: ChunkAnswer, condition: str, **values: Any) -> dict[str, Any]:
    """The ADD of a chunk's counts to its job, on ``condition`` (its ``values`` by name, ``:name``)."""
    return {
        "TableName": JobRecord.Meta.table_name,
        "Key": {"pk": {"S": _job_key(job_id)}, "sk": {"S": "JOB"}},
        "UpdateExpression": _COUNT + (", #status = :running" if ":running" in condition else ""),
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {name: attr for name, attr in _NAMES.items() if name in condition + _COUNT},
        "ExpressionAttributeValues": {
            ":answered": {"N": str(answer.answered)},
            ":succeeded": {"N": str(answer.succeeded)},
            ":failed": {"N": str(answer.answered - answer.succeeded)},
            ":now": {"S": _now()},
            **{f":{name}": value for name, value in values.items()},
        },
    }


def store_results(job: StoredJob, chunk: int, start: int, answer: ChunkAnswer) -> Stored:
    """A chunk's answer and the ADD of its counts to the job, in ONE TransactWriteItems whose puts each need the
    part to be new: a chunk delivered again changes nothing (``"unchanged"``).

    Whether the chunk was the job's last is known without reading the job again: the ADD is first made on the
    condition that the job had fewer than ``total - answered`` items answered (then it still has some to answer).
    When that condition fails (or the job as read already had that many), the transaction is made again without it,
    and the chunk may be the last: ``"stored_last"``. Counted once either way: the result puts' conditions stay."""
    puts = _result_puts(job.id, chunk, start, answer, job.expires_at)
    below = job.total - answer.answered
    if job.processed < below:
        condition = "attribute_exists(pk) AND #processed < :below"
        failed = _transact([], puts, _count(job.id, answer, condition, below={"N": str(below)}))
        if failed is None:
            return "stored"
        if _CHECK_FAILED in failed[: len(puts)]:
            return "unchanged"
    failed = _transact([], puts, _count(job.id, answer, "attribute_exists(pk)"))
    return "stored_last" if failed is None else "unchanged"


def store_results_as_sent(job_id: str, chunk: int, run: ChunkRun, answer: ChunkAnswer) -> bool:
    """A read chunk answered from its message alone (``ChunkRun``), stored and counted only if everything its
    answer took for granted holds, checked in the same TransactWriteItems: the job is its creator's and still
    queued or running (it becomes running), the run is the one stored with the chunk (its digest: the same items,
    first index, operation, options, total and dates), the creator's membership is unchanged since the submission
    (the answer was made with the permissions of the moment), the chunk was not answered, and the job has items left
    to answer after it (so the job's end needs no check). False when any does not hold: nothing was written."""
    creator = run.creator
    condition = "#owner = :owner AND #status IN (:queued, :running) AND #processed < :below"
    count = _count(
        job_id,
        answer,
        condition,
        owner={"S": creator.sub},
        queued={"S": "queued"},
        running={"S": "running"},
        below={"N": str(run.total - answer.answered)},
    )
    same_run = {
        "TableName": JobRecord.Meta.table_name,
        "Key": {"pk": {"S": _job_key(job_id)}, "sk": {"S": _input_key(chunk)}},
        "ConditionExpression": "#digest = :digest",
        "ExpressionAttributeNames": {"#digest": ChunkRecord.run_digest.attr_name},
        "ExpressionAttributeValues": {":digest": {"S": run.digest()}},
    }
    puts = _result_puts(job_id, chunk, run.start, answer, run.expires_at)
    return _transact([same_run, memberships.unchanged(creator)], puts, count) is None


def _transact(checks: list[Any], puts: list[Any], count: dict[str, Any]) -> list[str | None] | None:
    """The condition checks, the result puts and the count in one TransactWriteItems: None when it was made; when a
    condition failed, each item's cancellation code (checks, then puts, then the count; None where it held)."""
    instrument(JobRecord)
    connection = JobRecord._get_connection().connection
    try:
        with unavailable_when_transient("The job's results"):
            connection.transact_write_items(checks, [], puts, [count], return_consumed_capacity="NONE")
    except TransactWriteError as exc:
        codes = [reason.code if reason is not None else None for reason in exc.cancellation_reasons or ()]
        if _CHECK_FAILED in codes:
            return codes
        raise
    return None


def chunk_answered(job_id: str, chunk: int) -> bool:
    instrument(ChunkRecord)
    with unavailable_when_transient("The job's results"):
        try:
            ChunkRecord.get(_job_key(job_id), _result_key(chunk, 0), consistent_read=True, attributes_to_get=["pk"])
        except ChunkRecord.DoesNotExist:
            return False
    return True


def results_from(job_id: str, chunk: int) -> Iterator[tuple[int, int, list[dict[str, Any]]]]:
    """The stored results of the job's chunks from ``chunk`` on, in chunk order: (chunk, its first item's index,
    its results in order, without their ``index``)."""
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
            _, number, _part = raw["sk"]["S"].split("#")
            if current is not None and current[0] != int(number):
                yield current[0], current[1], _results(b"".join(current[2]))
                current = None
            if current is None:
                current = (int(number), int(raw["start"]["N"]), [])
            current[2].append(_payload(raw))
        start_key = data.get("LastEvaluatedKey")
        if start_key is None:
            break
    if current is not None:
        yield current[0], current[1], _results(b"".join(current[2]))


def _results(packed: bytes) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = json.loads(zlib.decompress(packed))["results"]
    return results


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
