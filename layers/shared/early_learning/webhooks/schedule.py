"""When a webhook delivery is retried, and what an attempt's answer means (DESIGN 3.10).

An attempt's answer decides (``outcome``): a 2xx within ``DELIVERY_TIMEOUT_S`` is delivered; ``410 Gone`` disables
the endpoint (the message is not retried); anything else is retried with the same ``webhook-id`` (freshly signed):
another status, a 2xx that came too late, no answer at all (a timeout, a refused or broken connection, a URL that
no longer passes the checks) and any redirect, since redirects are never followed (a 3xx could point the sender at
an address the checks would refuse). The waits before the retries are the ``webhook_retry_schedule_s`` setting
(``next_delay``); when it is used up, the message goes to the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from http import HTTPStatus

from early_learning.settings import get_settings

DELIVERY_TIMEOUT_S = 10.0
"""How long a receiver has to answer an attempt, from the request's start to its answer's end."""


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    """Retry after ``next_delay(attempt)``, or, when that is None, dead-letter the message."""
    DISABLE = "disable"
    """Disable the endpoint; the message is done (not retried)."""


def outcome(status_code: int | None, elapsed_s: float) -> Outcome:
    """What an attempt came to: ``status_code`` of the answer, None when there was none (a timeout, a connection
    error); ``elapsed_s`` from sending the request to having read the whole answer."""
    if status_code is None:
        return Outcome.RETRY
    if status_code == HTTPStatus.GONE:
        return Outcome.DISABLE
    if 200 <= status_code <= 299 and elapsed_s <= DELIVERY_TIMEOUT_S:
        return Outcome.DELIVERED
    return Outcome.RETRY


def next_delay(attempt: int, schedule: Sequence[int] | None = None) -> int | None:
    """Seconds to wait after failed attempt number ``attempt`` (the first delivery is attempt 1) before the next
    one, or None when it was the last (the message goes to the dead-letter queue). ``schedule``: the
    ``webhook_retry_schedule_s`` setting unless given; a message gets ``1 + len(schedule)`` attempts in all."""
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    steps = get_settings().webhook_retry_schedule_s if schedule is None else schedule
    return steps[attempt - 1] if attempt <= len(steps) else None
