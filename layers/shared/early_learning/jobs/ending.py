"""The end of a job: once every item is answered, one conditional update makes it ``completed`` (or gives a cancelled
job its end time), its creator's active-job slot is released and ``batch.job.completed`` is announced (DESIGN 3.10).

Exactly once: only the call whose conditional update ended the job announces it. A worker stopped between that
update and the announcement leaves its message undeleted; its redelivery (``redelivered``) finds the job ended and
not announced, and announces it then: at least once in that case, with the same event id (``webhooks.publish``), so
receivers see one ``webhook-id``.
"""

from __future__ import annotations

from early_learning.jobs.models import StoredJob
from early_learning.observability import logger
from early_learning.store import jobs
from early_learning.webhooks import publish
from early_learning.webhooks.events import JobCompletedData, JobCompletedEvent


def announce(job: StoredJob) -> None:
    """The slot released (idempotent), the event queued, the job marked announced."""
    jobs.release_slot(job.owner, job.id)
    if job.status not in ("completed", "cancelled", "failed") or job.completed_at is None:
        return
    event = JobCompletedEvent(
        timestamp=job.completed_at,
        data=JobCompletedData(
            job_id=job.id,
            operation=job.operation,
            resource_type=job.resource_type,
            status=job.status,
            total=job.total,
            succeeded=job.succeeded,
            failed=job.failed,
            created_by=job.owner,
        ),
    )
    publish.job_completed(event, job.org_id)
    jobs.mark_announced(job.id)
    logger.info("Job ended", extra={"job_id": job.id, "status": job.status, "total": job.total})


def finish(job_id: str, *, redelivered: bool) -> None:
    """After a chunk was answered (or found answered): end the job if every item is, and announce it."""
    now = jobs.progress(job_id)
    if now is None or (now.processed < now.total and not (redelivered and now.ended and not now.announced)):
        return  # the usual case: other chunks are still to be answered
    job = jobs.read_job(job_id)
    if job is None:
        return
    if job.processed >= job.total and job.completed_at is None and job.status != "failed":
        if jobs.complete(job_id):
            ended = jobs.read_job(job_id)
            if ended is not None:
                announce(ended)
            return
        job = jobs.read_job(job_id) or job
    if redelivered and job.completed_at is not None and not job.announced:
        announce(job)
