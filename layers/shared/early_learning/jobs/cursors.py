"""The cursors of a job's results and of a caller's jobs: opaque to clients, and checked against what the caller
may read. A results cursor names its job (a cursor of another job is refused, whatever the path says); a listing
cursor names the caller's own partition of the jobs index. Anything else is ``InvalidCursor`` (400)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from early_learning.domain import InvalidCursor

_INVALID = "The cursor is not one this API returned for you"
_JOB_KEY = re.compile(r"JOB#[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}")


def _encode(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidCursor(_INVALID) from None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def encode_results(job_id: str, chunk: int, offset: int) -> str:
    return _encode({"j": job_id, "c": chunk, "o": offset})


def decode_results(cursor: str, job_id: str, chunks: int) -> tuple[int, int]:
    """(chunk, offset in it) of a results cursor of ``job_id``, a job of ``chunks`` chunks."""
    decoded = _decode(cursor)
    if not isinstance(decoded, dict) or set(decoded) != {"j", "c", "o"} or decoded["j"] != job_id:
        raise InvalidCursor(_INVALID)
    chunk, offset = decoded["c"], decoded["o"]
    if not (_count(chunk) and _count(offset)) or chunk >= chunks or offset > 10_000:
        raise InvalidCursor(_INVALID)
    return chunk, offset


def encode_jobs(last_key: dict[str, Any]) -> str:
    return _encode(last_key)


def decode_jobs(cursor: str, owner: str) -> dict[str, Any]:
    """The ``by_owner`` index's LastEvaluatedKey a listing cursor carries: only in ``owner``'s partition."""
    key = _decode(cursor)
    if not isinstance(key, dict) or set(key) != {"pk", "sk", "owner", "created_key"}:
        raise InvalidCursor(_INVALID)
    if not all(
        isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str) for value in key.values()
    ):
        raise InvalidCursor(_INVALID)
    if key["owner"]["S"] != owner or key["sk"]["S"] != "JOB" or not _JOB_KEY.fullmatch(key["pk"]["S"]):
        raise InvalidCursor(_INVALID)
    if not 0 < len(key["created_key"]["S"]) <= 128:
        raise InvalidCursor(_INVALID)
    return key
