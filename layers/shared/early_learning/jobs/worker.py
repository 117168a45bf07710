"""A chunk's processing (the worker's SQS messages) and a dead-lettered chunk's answer (DESIGN 3.9).

A chunk is answered once, whatever SQS delivers:
- its results and the ADD of its counts are one transaction that needs the results to be new (``store.jobs``): a
  chunk delivered again after that changes nothing (a read chunk is read again; a write chunk, below, is not
  written again), and is only checked for the job's end;
- a write chunk runs under powertools Idempotency keyed by the job and the chunk (the idempotency table): delivered
  again after its writes but before its results were stored, it gets its first answer again, and nothing is written
  twice;
- the creator's membership is read fresh for every chunk: the job runs with the permissions of the moment, and a
  role that may no longer do the operation gets its items answered 403;
- a cancelled job's chunks answer their items 409 ``cancelled``; a dead-lettered chunk (it failed ``maxReceiveCount``
  times) answers its items 503 ``unavailable``, retryable. Either way the counts add up and the job ends.
The time a chunk may take is the worker's Lambda's remaining time (at most ``job_chunk_time_ms``), not a gateway's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from early_learning.domain import NoMembership, OperationForbidden
from early_learning.envelope import Deadline
from early_learning.jobs import ending, operations
from early_learning.jobs.models import ChunkMessage, StoredJob
from early_learning.observability import logger
from early_learning.powertools_idempotency import IdempotencyConfig, idempotent_function
from early_learning.settings import get_settings
from early_learning.store import jobs, memberships
from early_learning.store.idempotency import StorePersistenceLayer

KEY_PREFIX = "job-chunk-v1"


def _deadline(lambda_context: Any) -> Deadline:
    settings = get_settings()
    remaining = lambda_context.get_remaining_time_in_millis() if lambda_context is not None else 0
    return Deadline(min(int(remaining), settings.job_chunk_time_ms), settings.deadline_safety_ms)


def _indexed(start: int, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**result, "index": start + position} for position, result in enumerate(results)]


def _cancelled(item: Any) -> dict[str, Any]:
    return operations.failure(item, 409, "cancelled", "The job was cancelled before this item was processed", False)


def _forbidden(item: Any, reason: str) -> dict[str, Any]:
    return operations.failure(item, 403, "forbidden", f"The job's creator may no longer do this: {reason}", False)


def _once(job: StoredJob, chunk: int, run: Callable[[], list[dict[str, Any]]], lambda_context: Any) -> Any:
    """``run()``, at most once per job and chunk (its first answer kept in the idempotency table and replayed)."""
    config = IdempotencyConfig(
        event_key_jmespath="[job_id, chunk]",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=get_settings().job_retention_s,
        hash_function="sha256",
        lambda_context=lambda_context,
    )

    def call(key: dict[str, Any]) -> dict[str, Any]:
        return {"results": run()}

    once: Callable[..., Any] = idempotent_function(
        call,
        data_keyword_argument="key",
        persistence_store=StorePersistenceLayer(),
        config=config,
        key_prefix=KEY_PREFIX,
    )
    answer = once(key={"job_id": job.id, "chunk": chunk})
    if not isinstance(answer, dict):
        raise RuntimeError("The chunk's first answer was too large to keep: it cannot be given again")
    return answer["results"]


def _run(job: StoredJob, chunk: int, items: list[Any], lambda_context: Any) -> list[dict[str, Any]]:
    """The chunk through the synchronous route's service, as the creator is now."""
    caller = memberships.read_fresh(job.owner)
    if caller is None:
        return [_forbidden(item, "not a member of any organization") for item in items]
    spec = operations.spec(job.operation)
    today = date.fromisoformat(job.created_at.date().isoformat())

    def run() -> list[dict[str, Any]]:
        return operations.run(job.operation, job.options, items, caller, _deadline(lambda_context), today)

    try:
        results: list[dict[str, Any]] = _once(job, chunk, run, lambda_context) if spec.writes else run()
    except (OperationForbidden, NoMembership) as exc:
        return [_forbidden(item, exc.detail) for item in items]
    return results


def process(message: ChunkMessage, lambda_context: Any, *, redelivered: bool = False) -> None:
    """Answer one chunk (or find it answered), then end the job if it was the last. A failure raises: the message
    comes back after its visibility timeout, and after ``maxReceiveCount`` deliveries goes to the dead-letter queue."""
    job, stored = jobs.read_job_and_chunk(message.job_id, message.chunk)
    if job is None or stored is None or job.status == "failed":
        logger.info("Chunk of no runnable job dropped", extra={"job_id": message.job_id, "chunk": message.chunk})
        return
    if job.status != "completed":  # a chunk answered already is found so by its results' condition, below
        start, items = stored
        if job.status == "cancelled":
            results = [_cancelled(item) for item in items]
        else:
            if job.status == "queued":
                jobs.set_status(job.id, "running", when=("queued",))
            results = _run(job, message.chunk, items, lambda_context)
        if not jobs.store_results(job, message.chunk, start, _indexed(start, results)):
            logger.info("Chunk answered already", extra={"job_id": job.id, "chunk": message.chunk})
    ending.finish(job.id, redelivered=redelivered)


def dead_letter(message: ChunkMessage) -> None:
    """A chunk that kept failing: its items answered 503 ``unavailable`` (retryable), unless it was answered."""
    job = jobs.read_job(message.job_id)
    if job is None or message.chunk >= job.chunks or job.status == "failed":
        return
    if not jobs.chunk_answered(job.id, message.chunk):
        stored = jobs.read_chunk(job.id, message.chunk)
        if stored is None:
            return
        start, items = stored
        logger.warning("Dead-lettered chunk answered 503", extra={"job_id": job.id, "chunk": message.chunk})
        jobs.store_results(job, message.chunk, start, _indexed(start, [operations.unavailable(item) for item in items]))
    ending.finish(job.id, redelivered=True)
