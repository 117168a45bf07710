"""``AsyncClient``: the asyncio twin of ``Client`` (same calls, same chunking, concurrency, retries and order).

async with AsyncClient("http://127.0.0.1:8000", token=token) as api:
    found = await api.get_many("activities", ids)
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import httpx

from activity_batch_client import _batching as batching
from activity_batch_client._common import (
    IDEMPOTENCY_KEY,
    USER_AGENT,
    BearerAuth,
    Call,
    TokenSource,
    get_call,
    recommend_call,
    write_call,
)
from activity_batch_client.aio_jobs import AsyncJobs
from activity_batch_client.client import RETRIED_ERRORS
from activity_batch_client.errors import ApiError
from activity_batch_client.limits import Limits
from activity_batch_client.limits_route import LIMITS_PATH, read_limits
from activity_batch_client.models import (
    Activity,
    Child,
    ChildRecommendations,
    Completion,
    Deleted,
)
from activity_batch_client.results import BatchResult, Item
from activity_batch_client.retry import RetryPolicy, retry_after_s, should_retry


class AsyncClient:
    """An asyncio client of the Activity Batch API; the arguments are ``Client``'s (``sleep`` a coroutine)."""

    def __init__(
        self,
        base_url: str,
        token: TokenSource,
        *,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 6,
        chunk_size: int | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.retry = retry or RetryPolicy()
        self.max_concurrency = max_concurrency
        self.chunk_size = chunk_size
        self._limits = limits
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=base_url,
            auth=BearerAuth(token),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            limits=httpx.Limits(max_connections=max(max_concurrency, 10), max_keepalive_connections=max_concurrency),
        )
        self.jobs = AsyncJobs(self)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def limits(self) -> Limits:
        if self._limits is None:
            self._limits = read_limits((await self.request("GET", LIMITS_PATH)).json())
        return self._limits

    async def get_many(
        self, resource_type: str, ids: Iterable[str], fields: str | Sequence[str] | None = None
    ) -> BatchResult[batching.PartialResource]:
        return await self._run(get_call(batching.GET, resource_type, ids, fields))

    async def recommend(
        self,
        child_ids: Iterable[str],
        *,
        max_recommendations: int | None = None,
        activity_types: Sequence[str] | None = None,
        child_age_months: int | None = None,
        weather: str | None = None,
        group_size: int | None = None,
        include_special_needs: bool | None = None,
    ) -> BatchResult[ChildRecommendations]:
        options = {
            "max_recommendations": max_recommendations,
            "activity_types": list(activity_types) if activity_types is not None else None,
            "child_age_months": child_age_months,
            "weather": weather,
            "group_size": group_size,
            "include_special_needs": include_special_needs,
        }
        return await self._run(recommend_call(batching.RECOMMEND, child_ids, options))

    async def create(
        self, resource_type: str, items: Iterable[Mapping[str, Any] | Any], *, atomic: bool = False
    ) -> BatchResult[Activity | Child | Completion]:
        return await self._run(write_call(batching.CREATE, resource_type, items, atomic))

    async def update(
        self, resource_type: str, items: Iterable[Mapping[str, Any] | Any], *, atomic: bool = False
    ) -> BatchResult[Activity | Child]:
        return await self._run(write_call(batching.UPDATE, resource_type, items, atomic))

    async def delete(self, resource_type: str, ids: Iterable[str], *, atomic: bool = False) -> BatchResult[Deleted]:
        return await self._run(write_call(batching.DELETE, resource_type, [str(item) for item in ids], atomic))

    async def complete(self, completions: Iterable[Mapping[str, Any] | Any]) -> BatchResult[Completion]:
        return await self._run(write_call(batching.CREATE, "completions", completions, False))

    # --- the engine (Client's, awaited) -----------------------------------------------------------------------

    async def _run(self, call: Call) -> BatchResult[Any]:
        if not call.items:
            return BatchResult([], 0)
        limits = await self.limits()
        operation = call.operation
        if call.atomic:
            batching.check_atomic(operation, limits, len(call.items))
            ranges = [range(len(call.items))]
        else:
            size = batching.chunk_size(operation, limits, False, self.chunk_size)
            ranges = batching.chunks(call.items, call.base, operation.field, size, limits.request_bytes)
        gate = asyncio.Semaphore(self.max_concurrency)

        async def bounded(positions: range) -> int:
            async with gate:
                return await self._run_chunk(call, list(positions))

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(bounded(positions)) for positions in ranges]
        return call.result(sum(task.result() for task in tasks))

    async def _run_chunk(self, call: Call, positions: list[int]) -> int:
        sent = 0
        for attempt in itertools.count():
            items = [call.items[position] for position in positions]
            key = str(uuid.uuid4()) if call.operation.write else None
            answers, requests, gave_up = await self._send_chunk(call, items, key)
            sent += requests
            for position, answer in zip(positions, answers, strict=True):
                call.answers[position] = answer
            if gave_up:  # the request's own retries are spent: its items keep the answer "not now"
                return sent
            again = batching.to_send_again(answers, call.atomic)
            delay = self.retry.delay(attempt, None) if again else None
            if delay is None:
                return sent
            positions = [positions[index] for index in again]
            await self._sleep(delay)
        raise AssertionError("unreachable")

    async def _send_chunk(self, call: Call, items: list[Any], key: str | None) -> tuple[list[Item[Any]], int, bool]:
        operation = call.operation
        body = batching.encode({**call.base, operation.field: items})
        headers = {"Content-Type": "application/json", **({IDEMPOTENCY_KEY: key} if key else {})}
        for retry in itertools.count():
            try:
                response = await self._http.post(operation.path, content=body, headers=headers)
            except RETRIED_ERRORS as exc:
                delay = self.retry.delay(retry, None)
                if delay is None:
                    reason = f"no answer after {retry + 1} attempts: {exc!r}"
                    return batching.given_up(items, 503, reason), retry + 1, True
                await self._sleep(delay)
                continue
            if response.status_code == 200:
                answers = batching.read_items(operation, call.resource_type, response.content, len(items))
                return answers, retry + 1, False
            if not should_retry(response.status_code, response.headers):
                raise ApiError(response)
            delay = self.retry.delay(retry, retry_after_s(response.headers))
            if delay is None:
                reason = f"{response.status_code} after {retry + 1} attempts"
                return batching.given_up(items, response.status_code, reason), retry + 1, True
            await self._sleep(delay)
        raise AssertionError("unreachable")

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        headers = {IDEMPOTENCY_KEY: idempotency_key} if idempotency_key else {}
        content = batching.encode(json) if json is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        for retry in itertools.count():
            try:
                response = await self._http.request(method, path, content=content, params=params, headers=headers)
            except RETRIED_ERRORS:
                delay = self.retry.delay(retry, None)
                if delay is None:
                    raise
                await self._sleep(delay)
                continue
            if response.is_success:
                return response
            delay = (
                self.retry.delay(retry, retry_after_s(response.headers))
                if should_retry(response.status_code, response.headers)
                else None
            )
            if delay is None:
                raise ApiError(response)
            await self._sleep(delay)
        raise AssertionError("unreachable")
