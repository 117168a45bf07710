"""What the sync and async clients share besides batching: the bearer token (a string or a provider called for each
request), the request bodies of each call, and one call's state (its items and their answers so far)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from activity_batch_client._batching import JSON, Operation, jsonable
from activity_batch_client.results import BatchResult, Item

TokenSource = str | Callable[[], str]
"""An access token, or a callable that returns a valid one (called for every request: refresh tokens there)."""

IDEMPOTENCY_KEY = "Idempotency-Key"
USER_AGENT = "activity-batch-client-python"


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request, the token read from its source each time."""

    def __init__(self, token: TokenSource) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._token() if callable(self._token) else self._token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


@dataclass
class Call:
    """One client call: the operation, the body without its items, the items, and each item's answer once known."""

    operation: Operation
    resource_type: str | None
    base: dict[str, Any]
    items: list[JSON]
    atomic: bool = False
    answers: list[Item[Any] | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.answers = [None] * len(self.items)

    def result(self, requests: int) -> BatchResult[Any]:
        missing = [index for index, answer in enumerate(self.answers) if answer is None]
        if missing:  # every chunk answers each of its items or raises: a bug if not
            raise AssertionError(f"items without an answer: {missing[:5]}")
        return BatchResult([answer for answer in self.answers if answer is not None], requests)


def fields_value(fields: str | Sequence[str] | None) -> str | None:
    if fields is None or isinstance(fields, str):
        return fields
    return ",".join(fields)


def get_call(operation: Operation, resource_type: str, ids: Iterable[str], fields: str | Sequence[str] | None) -> Call:
    base: dict[str, Any] = {"resource_type": resource_type}
    selected = fields_value(fields)
    if selected is not None:
        base["fields"] = selected
    return Call(operation, resource_type, base, [str(item) for item in ids])


def recommend_call(operation: Operation, child_ids: Iterable[str], options: Mapping[str, Any]) -> Call:
    base = {name: jsonable(value) for name, value in options.items() if value is not None}
    return Call(operation, None, base, [str(item) for item in child_ids])


def write_call(operation: Operation, resource_type: str, items: Iterable[Any], atomic: bool) -> Call:
    base: dict[str, Any] = {"resource_type": resource_type, "atomic": atomic}
    return Call(operation, resource_type, base, [jsonable(item) for item in items], atomic)


def job_body(operation: str, request: Mapping[str, Any] | Any) -> dict[str, Any]:
    return {"operation": operation, "request": jsonable(request)}
