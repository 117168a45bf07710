"""Fault injection for BatchGetItem through botocore's event hooks on the activities client (moto stays untouched).

``BatchGetSpy`` records the keys of every BatchGetItem attempt and can, per attempt, raise an error before the call
(``fail``) or move some keys of the answer into ``UnprocessedKeys`` (``withhold``), the way DynamoDB does when a
partition is throttled or the response would exceed 16 MB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import (  # type: ignore[import-untyped]  # botocore ships no type hints
    ClientError,
    ConnectionClosedError,
)

Withhold = Callable[[int, str], bool]
"""(attempt index, key) -> True to report that key unprocessed in that attempt's answer."""

Fail = Callable[[int], BaseException | None]
"""attempt index -> an exception to raise instead of sending that attempt, or None to send it."""


def throttled() -> ClientError:
    """What botocore raises once its own retries of a throttled BatchGetItem are exhausted."""
    return ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate of requests exceeds"}},
        "BatchGetItem",
    )


def connection_reset() -> ConnectionClosedError:
    """What botocore raises when the connection is reset under a call its retries could not save (transient)."""
    return ConnectionClosedError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/")


@dataclass
class BatchGetSpy:
    withhold: Withhold = lambda attempt, key: False
    fail: Fail = lambda attempt: None
    calls: list[list[str]] = field(default_factory=list)
    """Keys of each BatchGetItem attempt, in order (an attempt that ``fail`` stopped is included)."""
    projections: list[set[str] | None] = field(default_factory=list)
    """Attribute names each attempt asked for (None: every attribute)."""
    table: str = ""

    @property
    def attempts(self) -> int:
        return len(self.calls)

    def before_parameter_build(self, params: dict[str, Any], **_: Any) -> None:
        ((self.table, request),) = params["RequestItems"].items()
        self.calls.append([key["id"]["S"] for key in request["Keys"]])
        names = request.get("ExpressionAttributeNames")
        projection = request.get("ProjectionExpression")
        self.projections.append(
            None if projection is None else {names.get(part.strip(), part.strip()) for part in projection.split(",")}
        )

    def before_call(self, **_: Any) -> None:
        error = self.fail(self.attempts - 1)
        if error is not None:
            raise error

    def after_call(self, parsed: dict[str, Any], **_: Any) -> None:
        attempt = self.attempts - 1
        withheld = [key for key in self.calls[-1] if self.withhold(attempt, key)]
        if not withheld:
            return
        responses = parsed.setdefault("Responses", {})
        responses[self.table] = [item for item in responses.get(self.table, []) if item["id"]["S"] not in withheld]
        parsed["UnprocessedKeys"] = {self.table: {"Keys": [{"id": {"S": key}} for key in withheld]}}
