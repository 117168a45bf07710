"""``Client``: the synchronous client on httpx. Any number of items per call, cut into chunks by the server's
limits, sent over a bounded number of concurrent requests, retried (429/503 answers, retryable items) with capped
backoff that honours ``Retry-After``, and answered in request order.

    with Client("http://127.0.0.1:8000", token=token) as api:
        found = api.get_many("activities", ids, fields="id,name")
        names = [item.data.name for item in found.succeeded]
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
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
from activity_batch_client.errors import ApiError
from activity_batch_client.jobs import Jobs
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

RETRIED_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
"""No answer: sent again (every request of this client is safe to repeat: reads, and writes with their key)."""


class Client:
    """A synchronous client of the Activity Batch API.

    ``token``: an access token, or a callable returning one (called for each request). ``limits``: the server's
    limits, read from ``GET /api/v1/batch/limits`` on first use when not given. ``max_concurrency``: requests in
    flight at once for one call. ``chunk_size``: at most this many items per request (below the server's limit,
    e.g. 20 on a mobile network). ``transport``: an httpx transport (tests wrap the real one to inject faults).
    """

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
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.retry = retry or RetryPolicy()
        self.max_concurrency = max_concurrency
        self.chunk_size = chunk_size
        self._limits = limits
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url,
            auth=BearerAuth(token),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            limits=httpx.Limits(max_connections=max(max_concurrency, 10), max_keepalive_connections=max_concurrency),
        )
        self.jobs = Jobs(self)

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the batch operations ----------------------------------------------------------------------------------

    def limits(self) -> Limits:
        """The server's limits (``GET /api/v1/batch/limits``, read once), or the ``Limits`` this client was given."""
        if self._limits is None:
            self._limits = read_limits(self.request("GET", LIMITS_PATH).json())
        return self._limits

    def get_many(
        self, resource_type: str, ids: Iterable[str], fields: str | Sequence[str] | None = None
    ) -> BatchResult[batching.PartialResource]:
        """``POST /api/v1/batch/get`` for any number of ids: ``results[i]`` answers ``ids[i]``; a success's ``data``
        holds the selected ``fields`` (and ``id``), all of them when None."""
        return self._run(get_call(batching.GET, resource_type, ids, fields))

    def recommend(
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
        """``POST /api/v1/batch/activities/recommendations`` for any number of children, the same options for all
        (None: the server's default)."""
        options = {
            "max_recommendations": max_recommendations,
            "activity_types": list(activity_types) if activity_types is not None else None,
            "child_age_months": child_age_months,
            "weather": weather,
            "group_size": group_size,
            "include_special_needs": include_special_needs,
        }
        return self._run(recommend_call(batching.RECOMMEND, child_ids, options))

    def create(
        self, resource_type: str, items: Iterable[Mapping[str, Any] | Any], *, atomic: bool = False
    ) -> BatchResult[Activity | Child | Completion]:
        """``POST /api/v1/batch/create``: each item a whole resource (a dict, or a generated draft model). Give
        items an ``id`` (a UUID of yours) to make a create safe to repeat: an id that exists is ``already_exists``."""
        return self._run(write_call(batching.CREATE, resource_type, items, atomic))

    def update(
        self, resource_type: str, items: Iterable[Mapping[str, Any] | Any], *, atomic: bool = False
    ) -> BatchResult[Activity | Child]:
        """``POST /api/v1/batch/update``: items ``{"id", "changes": <JSON Merge Patch>, "version": <optional>}``."""
        return self._run(write_call(batching.UPDATE, resource_type, items, atomic))

    def delete(self, resource_type: str, ids: Iterable[str], *, atomic: bool = False) -> BatchResult[Deleted]:
        """``POST /api/v1/batch/delete`` (a child's history and completions go with it)."""
        return self._run(write_call(batching.DELETE, resource_type, [str(item) for item in ids], atomic))

    def complete(self, completions: Iterable[Mapping[str, Any] | Any]) -> BatchResult[Completion]:
        """Record that children did activities: ``{"child_id", "activity_id", "done_on": <optional date>}`` each
        (``POST /api/v1/batch/create`` of ``completions``)."""
        return self._run(write_call(batching.CREATE, "completions", completions, False))

    # --- the engine --------------------------------------------------------------------------------------------

    def _run(self, call: Call) -> BatchResult[Any]:
        if not call.items:
            return BatchResult([], 0)
        limits = self.limits()
        operation = call.operation
        if call.atomic:
            batching.check_atomic(operation, limits, len(call.items))
            ranges = [range(len(call.items))]
        else:
            size = batching.chunk_size(operation, limits, False, self.chunk_size)
            ranges = batching.chunks(call.items, call.base, operation.field, size, limits.request_bytes)
        if len(ranges) == 1:
            return call.result(self._run_chunk(call, list(ranges[0])))
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(ranges))) as pool:
            sent = sum(pool.map(lambda positions: self._run_chunk(call, list(positions)), ranges))
        return call.result(sent)

    def _run_chunk(self, call: Call, positions: list[int]) -> int:
        """Send one chunk and then its retryable items again (each time a new request with a new key) until every
        item is answered for good or the attempts are spent; the number of requests sent."""
        sent = 0
        for attempt in itertools.count():
            items = [call.items[position] for position in positions]
            key = str(uuid.uuid4()) if call.operation.write else None
            answers, requests, gave_up = self._send_chunk(call, items, key)
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
            self._sleep(delay)
        raise AssertionError("unreachable")

    def _send_chunk(self, call: Call, items: list[Any], key: str | None) -> tuple[list[Item[Any]], int, bool]:
        """One request, sent again with the same key while the answer says "not now": its items' answers, the
        requests sent, and whether it was given up (then each item is answered with the last "not now")."""
        operation = call.operation
        body = batching.encode({**call.base, operation.field: items})
        headers = {"Content-Type": "application/json", **({IDEMPOTENCY_KEY: key} if key else {})}
        for retry in itertools.count():
            try:
                response = self._http.post(operation.path, content=body, headers=headers)
            except RETRIED_ERRORS as exc:
                delay = self.retry.delay(retry, None)
                if delay is None:
                    reason = f"no answer after {retry + 1} attempts: {exc!r}"
                    return batching.given_up(items, 503, reason), retry + 1, True
                self._sleep(delay)
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
            self._sleep(delay)
        raise AssertionError("unreachable")

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Any route of the API, with the same retries of 429/503 answers (and the same key on each); a 2xx answer,
        else ``ApiError``."""
        headers = {IDEMPOTENCY_KEY: idempotency_key} if idempotency_key else {}
        content = batching.encode(json) if json is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        for retry in itertools.count():
            try:
                response = self._http.request(method, path, content=content, params=params, headers=headers)
            except RETRIED_ERRORS:
                delay = self.retry.delay(retry, None)
                if delay is None:
                    raise
                self._sleep(delay)
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
            self._sleep(delay)
        raise AssertionError("unreachable")
