"""Listing cursors: one format for every listing, checked against the partitions the caller may read.

A cursor is the position of the next page: an index into the caller's own partitions (organizations, classrooms,
or a guardian's child ids, in the order the listing walks them) and DynamoDB's ``LastEvaluatedKey`` inside that
partition, or none. The partitions always come from the caller's membership, never from the cursor; a cursor is
accepted only when its index is one of them and its key lies in that very partition (DESIGN 3.3), so a forged or
foreign cursor is a 400 and can neither fail the query nor reach another organization's records.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from early_learning.domain import InvalidCursor

Position = tuple[int, dict[str, Any] | None]
"""(index into the caller's partitions, LastEvaluatedKey in that partition or None)."""

_INVALID = "The cursor is not one this API returned for you"


def encode(position: Position) -> str:
    raw = json.dumps({"p": position[0], "k": position[1]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, partitions: Sequence[str], partition_attribute: str | None) -> Position:
    """The position a cursor names, when it is one of the caller's: its index must name one of ``partitions`` and
    its key (a GSI ``LastEvaluatedKey``: the partition attribute and ``id``) must lie in that partition. With no
    ``partition_attribute`` (a listing by position only), the cursor carries no key."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        index, key = decoded["p"], decoded["k"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise InvalidCursor(_INVALID) from None
    # bool is an int to Python: {"p": true} must not pass for partition 1.
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(partitions):
        raise InvalidCursor(_INVALID)
    if key is not None and (partition_attribute is None or not _is_key_in(key, partition_attribute, partitions[index])):
        raise InvalidCursor(_INVALID)
    return index, key


def _is_key_in(key: Any, partition_attribute: str, partition: str) -> bool:
    return (
        isinstance(key, dict)
        and set(key) == {"id", partition_attribute}
        and key[partition_attribute] == {"S": partition}
        and isinstance(key["id"], dict)
        and set(key["id"]) == {"S"}
        and isinstance(key["id"]["S"], str)
        and 0 < len(key["id"]["S"]) <= 128  # DynamoDB rejects an empty key value (a 500, not a 400)
    )
