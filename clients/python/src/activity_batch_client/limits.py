"""What the server accepts per request (DESIGN 3.6), which the clients chunk by: ``Limits``, and the callers' item
quotas (3.11).

A client reads them from the server (``GET /api/v1/batch/limits``, ``limits_route``) on first use, unless it is
given a ``Limits``; ``Limits()`` holds the contract's published figures, for a client told not to ask.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal


@dataclass(frozen=True)
class Quota:
    """One item quota of every caller: ``quota`` items per ``window_s`` seconds (``RateLimit-Policy``)."""

    policy: Literal["read", "write"]
    quota: int
    window_s: int


@dataclass(frozen=True)
class Limits:
    """Items per request of each batch route, the body size of the synchronous batch routes, and the quotas."""

    get_ids: int = 100
    """ids per ``POST /api/v1/batch/get``"""
    recommendation_child_ids: int = 50
    """child_ids per ``POST /api/v1/batch/activities/recommendations``"""
    write_items: int = 100
    """items (or ids) per ``POST /api/v1/batch/create``, ``update`` and ``delete``"""
    atomic_write_items: int = 100
    """items of an atomic write batch (one DynamoDB transaction)"""
    job_items: int = 10_000
    """items per batch job"""
    request_bytes: int = 1024 * 1024
    """the body of a synchronous batch request"""
    quotas: tuple[Quota, ...] = ()
    """the item quotas every caller has (none when the server counts none)"""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name != "quotas" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError(f"Limits.{field.name} must be a positive integer, not {value!r}")
