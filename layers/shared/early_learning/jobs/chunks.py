"""Splitting a job's items into chunks: at most the synchronous route's item limit each (100; 50 children for
recommendations), and at most ``job_chunk_bytes`` of stored JSON each (a chunk's input is one DynamoDB item, which
holds 400 KB; an SQS message, 256 KB at most, carries only the job's id and the chunk's index)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

Chunk = tuple[int, list[Any]]
"""A chunk: the index of its first item in the request, and its items."""


def item_bytes(item: Any) -> int:
    return len(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode())


def split(items: Sequence[Any], max_items: int, max_bytes: int) -> list[Chunk]:
    """``items`` in order, in chunks of at most ``max_items`` items and ``max_bytes`` of JSON (an item larger than
    ``max_bytes`` alone in its chunk: the caller refuses such items before)."""
    chunks: list[Chunk] = []
    current: list[Any] = []
    start = used = 0
    for index, item in enumerate(items):
        size = item_bytes(item) + 1
        if current and (len(current) >= max_items or used + size > max_bytes):
            chunks.append((start, current))
            current, start, used = [], index, 0
        current.append(item)
        used += size
    if current:
        chunks.append((start, current))
    return chunks


def with_ids(items: Sequence[Any]) -> list[Any]:
    """A create's items, each object without an ``id`` given a new UUID: a chunk that runs twice (a worker stopped
    before its answer was kept) then meets its own first writes as ``already_exists``, and never creates twice."""
    return [
        {**item, "id": str(uuid.uuid4())} if isinstance(item, dict) and "id" not in item else item for item in items
    ]
