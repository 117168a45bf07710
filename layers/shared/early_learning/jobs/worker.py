"""A chunk's processing (the worker's SQS messages) and a dead-lettered chunk's answer (DESIGN 3.9).

A chunk is answered once, whatever SQS delivers:
- its results and the ADD of its counts are one transaction that needs the results to be new (``store.jobs``): a
  chunk delivered again after that changes nothing (a read chunk is read again; a write chunk, below, is not
  written again), and is only checked for the job's end; that transaction also tells whether the chunk may have
  been the job's last, so the job is read again only then;
- a write chunk runs under powertools Idempotency keyed by the job and the chunk (the idempotency table): delivered
  again after its writes but before its results were stored, it gets its first answer again, and nothing is written
  twice;
- the creator's membership is read fresh for every chunk (with the job and the chunk, in one call, when the message
  names the creator): the job runs with the permissions of the moment, and a role that may no longer do the
  operation gets its items answered 403; a read chunk answered from its message (``ChunkRun``: the membership as
  submitted) is stored only if that membership is still the creator's, checked in the storing transaction;
- a cancelled job's chunks answer their items 409 ``cancelled``; a dead-lettered chunk (it failed ``maxReceiveCount``
  times) answers its items 503 ``unavailable``, retryable. Either way the counts add up and the job ends.
The time a chunk may take is the worker's Lambda's remaining time (at most ``job_chunk_time_ms``), not a gateway's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from early_learning.domain import Membership, NoMembership, OperationForbidden
from early_learning.envelope import Deadline
from early_learning.jobs import ending, operations
from early_learning.jobs.models import ChunkAnswer, ChunkMessage, ChunkRun, StoredJob
from early_learning.observability import logger
from early_learning.powertools_idempotency import IdempotencyConfig, idempotent_function
from early_learning.settings import get_settings
from early_learning.store import jobs, memberships
from early_learning.store.idempotency import StorePersistenceLayer

KEY_PREFIX = "job-chunk-v2"


def _deadline(lambda_context: Any) -> Deadline:
    settings = get_settings()
    remaining = lambda_context.get_remaining_time_in_millis() if lambda_context is not None else 0
    return Deadline(min(int(remaining), settings.job_chunk_time_ms), settings.deadline_safety_ms)


def _cancelled(item: Any) -> dict[str, Any]:
    return operations.failure(item, 409, "cancelled", "The job was cancelled before this item was processed", False)


def _forbidden(item: Any, reason: str) -> dict[str, Any]:
    return operations.failure(item, 403, "forbidden", f"The job's creator may no longer do this: {reason}", False)


def _once(job: StoredJob, chunk: int, run: Callable[[], ChunkAnswer], lambda_context: Any) -> ChunkAnswer:
    """``run()``, at most once per job and chunk (its first answer kept in the idempotency table and replayed)."""
    config = IdempotencyConfig(
        event_key_jmespath="[job_id, chunk]",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=get_settings().job_retention_s,
        hash_function="sha256",
        lambda_context=lambda_context,
    )

    def call(key: dict[str, Any]) -> dict[str, Any]:
        answer = run()
        return {"document": answer.document.decode(), "answered": answer.answered, "succeeded": answer.succeeded}

    once: Callable[..., Any] = idempotent_function(
        call,
        data_keyword_argument="key",
        persistence_store=StorePersistenceLayer(),
        config=config,
        key_prefix=KEY_PREFIX,
    )
    kept = once(key={"job_id": job.id, "chunk": chunk})
    if not isinstance(kept, dict):
        raise RuntimeError("The chunk's first answer was too large to keep: it cannot be given again")
    return ChunkAnswer(str(kept["document"]).encode(), int(kept["answered"]), int(kept["succeeded"]))


def _run(job: StoredJob, chunk: int, items: list[Any], caller: Membership | None, lambda_context: Any) -> ChunkAnswer:
    """The chunk through the synchronous route's service, as the creator (``caller``, read fresh) is now."""
    if caller is None:
        return operations.answered([_forbidden(item, "not a member of any organization") for item in items])
    spec = operations.spec(job.operation)
    today = date.fromisoformat(job.created_at.date().isoformat())

    def run() -> ChunkAnswer:
        return operations.run(job.operation, job.options, items, caller, _deadline(lambda_context), today)

    try:
        return _once(job, chunk, run, lambda_context) if spec.writes else run()
    except (OperationForbidden, NoMembership) as exc:
        return operations.answered([_forbidden(item, exc.detail) for item in items])


def _creator(job: StoredJob, work: jobs.ChunkWork) -> Membership | None:
    """The job's owner's membership as stored now: the one read with the job, if the message named the owner
    (a message naming anyone else gets no one's permissions but the owner's)."""
    return work.membership if work.creator == job.owner else memberships.read_fresh(job.owner)


def _answered_as_sent(message: ChunkMessage, run: ChunkRun, lambda_context: Any) -> bool:
    """A read chunk answered from its message alone, with the creator's membership it carries: True when the answer
    was stored and counted, the store having checked in the same transaction that all the message took for granted
    holds (``jobs.store_results_as_sent``); False when not (nothing was stored)."""
    today = run.created_at.date()
    try:
        answer = operations.run(run.operation, run.options, run.items, run.creator, _deadline(lambda_context), today)
    except (OperationForbidden, NoMembership):
        return False  # answered from what is stored, with the membership read then
    return jobs.store_results_as_sent(message.job_id, message.chunk, run, answer)


def process(message: ChunkMessage, lambda_context: Any, *, redelivered: bool = False) -> None:
    """Answer one chunk (or find it answered), then end the job if it was the last. A failure raises: the message
    comes back after its visibility timeout, and after ``maxReceiveCount`` deliveries goes to the dead-letter queue.

    A read chunk whose message carries what to ``run`` is answered from it first, with no read before (the usual
    case: one chunk of a job with others left); if the store finds it cannot take that answer (the chunk was
    answered, the job cancelled or ending, the creator's membership changed), the chunk is answered as below."""
    run = message.run
    if run is not None and message.owner == run.creator.sub and _answered_as_sent(message, run, lambda_context):
        return
    work = jobs.read_chunk_work(message.job_id, message.chunk, message.owner)
    job, stored = work.job, work.chunk
    if job is None or stored is None or job.status == "failed":
        logger.info("Chunk of no runnable job dropped", extra={"job_id": message.job_id, "chunk": message.chunk})
        return
    if job.status != "completed":  # a chunk answered already is found so by its results' condition, below
        start, items = stored
        if job.status == "cancelled":
            answer = operations.answered([_cancelled(item) for item in items])
        else:
            if job.status == "queued":
                jobs.set_status(job.id, "running", when=("queued",))
            answer = _run(job, message.chunk, items, _creator(job, work), lambda_context)
        outcome = jobs.store_results(job, message.chunk, start, answer)
        if outcome == "stored":
            return  # the usual case: other items of the job are still to be answered
        if outcome == "unchanged":
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
        jobs.store_results(job, message.chunk, start, operations.answered([operations.unavailable(i) for i in items]))
    ending.finish(job.id, redelivered=True)
