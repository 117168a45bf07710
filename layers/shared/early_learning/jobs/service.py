"""The batch jobs routes' use cases (DESIGN 3.9): submit, read, list, page the results of, and cancel a job.

Submitting costs: the request validated by its operation's rules (the synchronous route's, limits raised to 10,000),
one conditional update claiming one of the caller's active-job slots (at most ``max_active_jobs`` queued or running:
a 429 problem otherwise), the job and its chunks' inputs written (BatchWriteItem), then one SQS message per chunk
(SendMessageBatch). A job whose messages could not all be sent ends ``failed`` at once (its slot released, its end
announced) and the request is a 503 problem: it never stays ``queued`` with nothing to run it.

A job is its creator's alone: anyone else gets the 404 of a missing job.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from early_learning.domain import (
    InvalidId,
    InvalidJobRequest,
    JobAlreadyEnded,
    JobNotStarted,
    Membership,
    NotFound,
    StoreUnavailable,
    TooManyActiveJobs,
)
from early_learning.envelope import Deadline, ItemFailure, canonical_uuid, json_size, utc_now
from early_learning.jobs import chunks, cursors, ending, operations
from early_learning.jobs.models import (
    ACTIVE_STATUSES,
    JOB_REQUESTS,
    ChunkMessage,
    ChunkRun,
    Job,
    JobResultsPage,
    JobsPage,
    JobSubmission,
    StoredJob,
)
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store import jobs, queues

SLOT_RETRY_AFTER_S = 15
"""``Retry-After`` of a 429 for too many active jobs: most jobs end within seconds to minutes."""
MAX_LISTED_ERRORS = 20
MAX_RUN_MESSAGE_BYTES = 20_000
"""A chunk message that carries what to run at most: ten are one SendMessageBatch, which holds 256 KB."""


# --- submit ------------------------------------------------------------------------------------------------------


def _pointer(loc: tuple[Any, ...]) -> str:
    return "#/request" + "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in loc)


def _validated(submission: JobSubmission) -> Any:
    model = JOB_REQUESTS[submission.operation]
    try:
        return model.model_validate(submission.request)
    except ValidationError as exc:
        errors = [
            {"pointer": _pointer(tuple(error["loc"])), "detail": str(error["msg"])[:200]}
            for error in exc.errors(include_input=False, include_url=False)
        ]
        raise InvalidJobRequest("The request does not match the operation's schema", errors) from None


def _claim_slot(owner: str, job_id: str) -> None:
    maximum = get_settings().max_active_jobs
    if jobs.claim_slot(owner, job_id, maximum):
        return
    # Slots of jobs that ended (or expired) without releasing theirs, e.g. a worker stopped in between, are freed.
    for held in jobs.active_jobs(owner):
        job = jobs.read_job(held)
        if job is None or job.status not in ACTIVE_STATUSES:
            jobs.release_slot(owner, held)
    if not jobs.claim_slot(owner, job_id, maximum):
        raise TooManyActiveJobs(
            f"You have {maximum} jobs queued or running, the most at once: submit this one when one has ended",
            SLOT_RETRY_AFTER_S,
        )


def _messages(job: StoredJob, parts: list[chunks.Chunk], caller: Membership) -> list[tuple[str, ChunkRun | None]]:
    """One message per chunk, and what it carries to ``run``. A read job's messages carry what to run (the worker
    then reads nothing before it answers the chunk: ``jobs.worker``), unless the job is one chunk (always its last:
    answered from what is stored) or the message would be over ``MAX_RUN_MESSAGE_BYTES``."""
    reads = not operations.spec(job.operation).writes and job.chunks > 1
    messages: list[tuple[str, ChunkRun | None]] = []
    for index, (start, items) in enumerate(parts):
        bare = ChunkMessage(job_id=job.id, chunk=index, owner=job.owner).model_dump_json()
        if not reads:
            messages.append((bare, None))
            continue
        run = ChunkRun(
            operation=job.operation,
            options=job.options,
            start=start,
            items=items,
            total=job.total,
            created_at=job.created_at,
            expires_at=job.expires_at,
            creator=caller,
        )
        carrying = ChunkMessage(job_id=job.id, chunk=index, owner=job.owner, run=run).model_dump_json()
        messages.append((carrying, run) if len(carrying.encode()) <= MAX_RUN_MESSAGE_BYTES else (bare, None))
    return messages


def submit(submission: JobSubmission, caller: Membership, deadline: Deadline) -> Job:
    request = _validated(submission)
    operation = submission.operation
    options, items = operations.split_request(operation, request)
    oversized = operations.oversized_items(operation, items)
    if oversized:
        field = operations.spec(operation).items_field
        raise InvalidJobRequest(
            "Items over the size a write accepts",
            [{"pointer": f"#/request/{field}/{index}", "detail": "The item is too large"} for index in oversized],
        )
    operations.check(operation, options, caller)
    if operation == "create":
        items = chunks.with_ids(items)
    settings = get_settings()
    parts = chunks.split(items, operations.spec(operation).chunk_items, settings.job_chunk_bytes)
    now = utc_now()
    job = StoredJob(
        id=str(uuid.uuid4()),
        owner=caller.sub,
        org_id=caller.org_id,
        operation=operation,
        resource_type=operations.resource_type(options),
        status="queued",
        total=len(items),
        processed=0,
        succeeded=0,
        failed=0,
        chunks=len(parts),
        options=options,
        created_at=now,
        updated_at=now,
        completed_at=None,
        expires_at=now + timedelta(seconds=settings.job_retention_s),
    )
    messages = _messages(job, parts, caller)
    _claim_slot(caller.sub, job.id)
    try:
        jobs.save_job(job, parts, [run.digest() if run else None for _, run in messages], deadline)
    except Exception:
        jobs.release_slot(caller.sub, job.id)
        raise
    try:
        queues.send_many(settings.job_chunks_queue_url or "", [body for body, _ in messages])
    except (StoreUnavailable, RuntimeError) as exc:
        logger.error("Job chunks not queued: the job failed", extra={"job_id": job.id, "error": type(exc).__name__})
        jobs.set_status(job.id, "failed", when=ACTIVE_STATUSES, ended=True)
        failed = jobs.read_job(job.id)
        if failed is not None:
            try:
                ending.announce(failed)
            except StoreUnavailable:
                jobs.release_slot(caller.sub, job.id)
        raise JobNotStarted(f"The job {job.id} could not be started and has failed: submit it again") from None
    logger.info("Job submitted", extra={"job_id": job.id, "operation": operation, "total": job.total})
    return job.public()


# --- read --------------------------------------------------------------------------------------------------------


def _visible(job_id: str, caller: Membership) -> StoredJob:
    key = canonical_uuid(job_id)
    if key is None:
        raise InvalidId(ItemFailure.invalid_id().message)
    job = jobs.read_job(key)
    if job is None or job.owner != caller.sub:
        raise NotFound(f"Job with id {key} not found")
    return job


def get_job(job_id: str, caller: Membership) -> Job:
    return _visible(job_id, caller).public()


def list_jobs(caller: Membership, limit: int, cursor: str | None) -> JobsPage:
    start = cursors.decode_jobs(cursor, caller.sub) if cursor else None
    found, last = jobs.list_jobs(caller.sub, limit, start)
    return JobsPage(items=[job.public() for job in found], next_cursor=cursors.encode_jobs(last) if last else None)


def results(job_id: str, caller: Membership, limit: int, cursor: str | None, status: str | None) -> dict[str, Any]:
    """A page of results in request order (the page as JSON values, answered as they are stored: ``JobResultsPage``).

    A page ends after ``limit`` items, at the response size budget, or before the first chunk not answered yet (its
    cursor resumes there once it is)."""
    job = _visible(job_id, caller)
    chunk, offset = cursors.decode_results(cursor, job.id, job.chunks) if cursor else (0, 0)
    budget = get_settings().response_limit_bytes
    page: list[dict[str, Any]] = []
    used = 0
    expected = chunk
    for number, start, answered in jobs.results_from(job.id, chunk):
        if number != expected:
            break  # a chunk not answered yet
        for position in range(offset, len(answered)):
            stored = answered[position]
            if status is not None and stored.get("status") != status:
                continue
            item = {**stored, "index": start + position}
            if len(page) >= limit or (page and used + json_size(item) > budget):
                return {"items": page, "next_cursor": cursors.encode_results(job.id, number, position)}
            used += json_size(item)
            page.append(item)
        expected, offset = number + 1, 0
    more = expected < job.chunks
    return {"items": page, "next_cursor": cursors.encode_results(job.id, expected, 0) if more else None}


RESULTS_PAGE = JobResultsPage
"""What ``results`` answers, for the route's documentation."""


# --- cancel ------------------------------------------------------------------------------------------------------


def cancel(job_id: str, caller: Membership) -> Job:
    """The job cancelled: its items not processed yet will be answered 409 ``cancelled``, and it ends once every item
    is answered. A job that has ended already: ``JobAlreadyEnded`` (409)."""
    job = _visible(job_id, caller)
    if not jobs.set_status(job.id, "cancelled", when=ACTIVE_STATUSES):
        raise JobAlreadyEnded(f"The job has ended ({(jobs.read_job(job.id) or job).status}): it cannot be cancelled")
    jobs.release_slot(job.owner, job.id)  # a cancelled job is not active any more
    ending.finish(job.id, redelivered=False)  # every item may have been answered already
    logger.info("Job cancelled", extra={"job_id": job.id})
    return (jobs.read_job(job.id) or job).public()
