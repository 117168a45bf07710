"""Helpers shared by the children and recommendations integration tests (fixtures live in the test modules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.events import response_json

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

TEST_DATE = "2026-02-16"
"""The UTC date of every event in events/ (requestContext.timeEpoch 1771272000000)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


def call(handler: Handler, event: dict[str, Any], context: Any) -> Answer:
    """Invoke a function's Lambda handler with an API Gateway event and decode its JSON answer."""
    response = handler(event, context)
    return Answer(response["statusCode"], response_json(response), dict(response.get("headers") or {}))


def statuses(body: dict[str, Any]) -> list[int]:
    return [result["status_code"] for result in body["results"]]


def without_timestamps(value: Any) -> Any:
    """``value`` with every ``generated_at`` / ``processed_at`` removed (they follow the clock)."""
    if isinstance(value, dict):
        return {k: without_timestamps(v) for k, v in value.items() if k not in ("generated_at", "processed_at")}
    if isinstance(value, list):
        return [without_timestamps(v) for v in value]
    return value
