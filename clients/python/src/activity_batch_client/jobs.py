"""Batch jobs (DESIGN 3.9) through the sync client: ``client.jobs.submit(...)`` answers a ``JobHandle`` whose
``wait(progress=True)`` polls until the job ends (drawing a progress bar) and whose ``results()`` iterates over the
pages of its item results, in request order.

    job = api.jobs.submit("get", {"resource_type": "activities", "ids": ids})
    job.wait(progress=True)
    for page in job.results(status="error"):
        ...
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TextIO

from activity_batch_client._common import job_body
from activity_batch_client.models import Job, JobItemError, JobItemSuccess, JobResultsPage
from activity_batch_client.progress import ProgressBar

if TYPE_CHECKING:
    from activity_batch_client.client import Client

JOBS_PATH = "/api/v1/batch/jobs"
ENDED = frozenset({"completed", "cancelled", "failed"})
Operation = Literal["get", "create", "update", "delete", "recommendations"]
ResultStatus = Literal["success", "error"]


def results_params(page_size: int, cursor: str | None, status: ResultStatus | None) -> dict[str, str]:
    params = {"limit": str(page_size)}
    if cursor:
        params["cursor"] = cursor
    if status:
        params["status"] = status
    return params


def progress_stream(progress: bool | TextIO) -> TextIO | None:
    if progress is True:
        return sys.stderr
    return progress or None


class Jobs:
    """``client.jobs``: submit a job, or take one by id."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def submit(
        self, operation: Operation, request: Mapping[str, Any] | Any, *, idempotency_key: str | None = None
    ) -> JobHandle:
        """``POST /api/v1/batch/jobs``: ``request`` is the synchronous route's body (up to 10,000 items, no
        ``atomic``). Sent with an Idempotency-Key (a new UUID unless given), the same on every retry, so that a
        submission retried after a lost answer starts one job."""
        key = idempotency_key or str(uuid.uuid4())
        answer = self._client.request("POST", JOBS_PATH, json=job_body(operation, request), idempotency_key=key)
        return JobHandle(self._client, Job.model_validate_json(answer.content))

    def get(self, job_id: str) -> JobHandle:
        handle = JobHandle(self._client, None, job_id)
        handle.refresh()
        return handle


class JobHandle:
    """One job: ``job`` is its state as last read."""

    def __init__(self, client: Client, job: Job | None, job_id: str | None = None) -> None:
        self._client = client
        self.id = job.id if job else str(job_id)
        self.job = job

    def refresh(self) -> Job:
        self.job = Job.model_validate_json(self._client.request("GET", f"{JOBS_PATH}/{self.id}").content)
        return self.job

    def wait(
        self, *, progress: bool | TextIO = False, poll_interval_s: float = 0.5, timeout_s: float | None = None
    ) -> Job:
        """Poll until the job has ended (completed, cancelled or failed) and answer it; ``progress``: draw a
        progress bar on stderr (True) or on the stream given. ``TimeoutError`` after ``timeout_s``."""
        stream = progress_stream(progress)
        bar = ProgressBar(stream) if stream else None
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        job = self.job or self.refresh()
        try:
            while True:
                if bar:
                    bar.update(job)
                if job.status in ENDED:
                    return job
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(f"job {self.id} still {job.status} after {timeout_s} s")
                self._client._sleep(poll_interval_s)
                job = self.refresh()
        finally:
            if bar:
                bar.close()

    def results(
        self, *, status: ResultStatus | None = None, page_size: int = 500, poll_interval_s: float = 0.5
    ) -> Iterator[JobResultsPage]:
        """The pages of the job's item results in request order (only ``status``'s when given), each item the
        synchronous route's plus its ``index``. While the job runs, a page ends at the first item not answered yet:
        the iteration then waits ``poll_interval_s`` and goes on from there, until the last page."""
        cursor: str | None = None
        while True:
            params = results_params(page_size, cursor, status)
            answer = self._client.request("GET", f"{JOBS_PATH}/{self.id}/results", params=params)
            page = JobResultsPage.model_validate_json(answer.content)
            yield page
            if page.next_cursor is None:
                return
            if not page.items:
                self._client._sleep(poll_interval_s)
            cursor = page.next_cursor

    def items(
        self, *, status: ResultStatus | None = None, page_size: int = 500
    ) -> Iterator[JobItemSuccess | JobItemError]:
        """Every item result, page after page."""
        for page in self.results(status=status, page_size=page_size):
            yield from page.items

    def cancel(self) -> Job:
        """``POST .../cancel``: items not processed yet are answered 409 ``cancelled`` (an ended job: ApiError 409)."""
        self.job = Job.model_validate_json(self._client.request("POST", f"{JOBS_PATH}/{self.id}/cancel").content)
        return self.job
