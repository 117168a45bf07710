"""Batch jobs (DESIGN 3.9) through ``AsyncClient``: ``await api.jobs.submit(...)`` answers an ``AsyncJobHandle``,
the twin of ``JobHandle`` (``await job.wait(progress=True)``; ``async for page in job.results()``)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from activity_batch_client._common import job_body
from activity_batch_client.jobs import ENDED, JOBS_PATH, Operation, ResultStatus, progress_stream, results_params
from activity_batch_client.models import Job, JobItemError, JobItemSuccess, JobResultsPage
from activity_batch_client.progress import ProgressBar

if TYPE_CHECKING:
    from activity_batch_client.aio import AsyncClient


class AsyncJobs:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def submit(
        self, operation: Operation, request: Mapping[str, Any] | Any, *, idempotency_key: str | None = None
    ) -> AsyncJobHandle:
        key = idempotency_key or str(uuid.uuid4())
        answer = await self._client.request("POST", JOBS_PATH, json=job_body(operation, request), idempotency_key=key)
        return AsyncJobHandle(self._client, Job.model_validate_json(answer.content))

    async def get(self, job_id: str) -> AsyncJobHandle:
        handle = AsyncJobHandle(self._client, None, job_id)
        await handle.refresh()
        return handle


class AsyncJobHandle:
    def __init__(self, client: AsyncClient, job: Job | None, job_id: str | None = None) -> None:
        self._client = client
        self.id = job.id if job else str(job_id)
        self.job = job

    async def refresh(self) -> Job:
        answer = await self._client.request("GET", f"{JOBS_PATH}/{self.id}")
        self.job = Job.model_validate_json(answer.content)
        return self.job

    async def wait(
        self, *, progress: bool | TextIO = False, poll_interval_s: float = 0.5, timeout_s: float | None = None
    ) -> Job:
        stream = progress_stream(progress)
        bar = ProgressBar(stream) if stream else None
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        job = self.job or await self.refresh()
        try:
            while True:
                if bar:
                    bar.update(job)
                if job.status in ENDED:
                    return job
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(f"job {self.id} still {job.status} after {timeout_s} s")
                await self._client._sleep(poll_interval_s)
                job = await self.refresh()
        finally:
            if bar:
                bar.close()

    async def results(
        self, *, status: ResultStatus | None = None, page_size: int = 500, poll_interval_s: float = 0.5
    ) -> AsyncIterator[JobResultsPage]:
        cursor: str | None = None
        while True:
            params = results_params(page_size, cursor, status)
            answer = await self._client.request("GET", f"{JOBS_PATH}/{self.id}/results", params=params)
            page = JobResultsPage.model_validate_json(answer.content)
            yield page
            if page.next_cursor is None:
                return
            if not page.items:
                await self._client._sleep(poll_interval_s)
            cursor = page.next_cursor

    async def items(
        self, *, status: ResultStatus | None = None, page_size: int = 500
    ) -> AsyncIterator[JobItemSuccess | JobItemError]:
        async for page in self.results(status=status, page_size=page_size):
            for item in page.items:
                yield item

    async def cancel(self) -> Job:
        answer = await self._client.request("POST", f"{JOBS_PATH}/{self.id}/cancel")
        self.job = Job.model_validate_json(answer.content)
        return self.job
