"""When to send a request again and how long to wait first: ``RetryPolicy`` (capped exponential backoff with full
jitter, ``Retry-After`` honoured) and the reading of ``Retry-After`` and ``RateLimit`` headers."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Answers that say "not now": throttling and quotas (429), an unavailable or timed-out upstream (502, 503, 504).
A 409 is retried too when it carries ``Retry-After`` (the same Idempotency-Key while its first request runs)."""

_RATELIMIT_RESET = re.compile(r"(?:^|[;,\s])t=(\d+)")


@dataclass(frozen=True)
class RetryPolicy:
    """How many times a request (or a batch's retryable items) is sent, and the waits between.

    The n-th wait (n = 0, 1, ...) is random in ``[0, min(max_delay_s, base_delay_s * 2**n)]`` ("full jitter"), or,
    when the server said ``Retry-After``, that long (plus up to ``base_delay_s`` of jitter, so that clients told the
    same second do not all come back at once). A ``Retry-After`` longer than ``max_retry_after_s`` is not waited
    for: the request is given up, and its items answered as the server answered them."""

    attempts: int = 5
    """sends in all, the first one included"""
    base_delay_s: float = 0.2
    max_delay_s: float = 5.0
    max_retry_after_s: float = 60.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < 0 or self.max_retry_after_s < 0:
            raise ValueError("RetryPolicy delays must not be negative")

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (0-based) when the server did not say how long."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** min(retry, 62))
        return self.rng.uniform(0.0, ceiling)

    def delay(self, retry: int, retry_after: float | None) -> float | None:
        """The wait before retry number ``retry``, or None when it should not be made (no attempt left, or the
        server asks for a longer wait than ``max_retry_after_s``)."""
        if retry + 1 >= self.attempts:
            return None
        if retry_after is None:
            return self.backoff(retry)
        if retry_after > self.max_retry_after_s:
            return None
        return retry_after + self.rng.uniform(0.0, self.base_delay_s)


def retry_after_s(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """How long the server asked to wait, in seconds: ``Retry-After`` (delay-seconds or an HTTP date), else the
    reset time ``t`` of an exhausted ``RateLimit`` header (draft-ietf-httpapi-ratelimit-headers, ``r=0``); None
    when it said nothing usable."""
    value = headers.get("retry-after")
    if value is not None:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    ratelimit = headers.get("ratelimit")
    if ratelimit and re.search(r"(?:^|[;,\s])r=0(?:$|[;,\s])", ratelimit):
        reset = _RATELIMIT_RESET.search(ratelimit)
        if reset:
            return float(reset.group(1))
    return None


def should_retry(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether a whole answer (not an item) is worth sending again: 429, 502, 503, 504, and a 409 with
    ``Retry-After`` (its Idempotency-Key is in use by a request still running)."""
    return status_code in RETRY_STATUSES or (status_code == 409 and "retry-after" in headers)
