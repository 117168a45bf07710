"""Cursors of GET /api/v1/activities (DESIGN 3.3): opaque, round-trip, and forged ones rejected with a 400."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from early_learning.domain import InvalidCursor
from early_learning.services.activities import decode_cursor, encode_cursor

ORG_IDS = ["sunrise", "public"]
KEY_IN_PUBLIC = {"id": {"S": "223e4567-e89b-12d3-a456-426614174001"}, "org_id": {"S": "public"}}


def forge(payload: Any) -> str:
    """A cursor built by hand the way ours are (url-safe base64 of JSON, padding stripped)."""
    if isinstance(payload, bytes):
        raw = payload
    elif isinstance(payload, str):
        raw = payload.encode()
    else:
        raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("position", [(0, None), (1, None), (1, KEY_IN_PUBLIC)])
def test_a_cursor_decodes_to_the_position_it_was_made_from(position: tuple[int, dict[str, Any] | None]) -> None:
    cursor = encode_cursor(position)
    assert decode_cursor(cursor, ORG_IDS) == position


def test_a_cursor_is_safe_in_a_query_string() -> None:
    cursor = encode_cursor((1, {"id": {"S": "?&=+/" * 10}, "org_id": {"S": "public"}}))
    assert not set(cursor) & set("+/=&?# ")


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not base64 at all!", id="not-base64"),
        pytest.param("é", id="not-ascii"),
        pytest.param("a", id="truncated-base64"),
        pytest.param(forge("not json"), id="not-json"),
        pytest.param(forge(b'{"p": "\x80"}'), id="not-utf8-json"),
        pytest.param(forge([0, None]), id="json-list"),
        pytest.param(forge("42"), id="json-number"),
        pytest.param(forge({"p": 0}), id="no-key"),
        pytest.param(forge({"k": None}), id="no-position"),
        pytest.param(forge({"p": "0", "k": None}), id="position-not-int"),
        pytest.param(forge({"p": 0.0, "k": None}), id="position-float"),
        pytest.param(forge({"p": -1, "k": None}), id="position-negative"),
        pytest.param(forge({"p": 2, "k": None}), id="position-past-the-partitions"),
        pytest.param(forge({"p": 0, "k": KEY_IN_PUBLIC}), id="key-of-another-partition"),
        pytest.param(forge({"p": 0, "k": {"id": {"S": "x"}, "org_id": {"S": "maple"}}}), id="key-of-another-org"),
        pytest.param(forge({"p": 1, "k": {**KEY_IN_PUBLIC, "name": {"S": "x"}}}), id="key-extra-attribute"),
        pytest.param(forge({"p": 1, "k": {"id": {"N": "1"}, "org_id": {"S": "public"}}}), id="key-id-not-string"),
        pytest.param(forge({"p": 1, "k": {"id": {"S": 1}, "org_id": {"S": "public"}}}), id="key-id-value-not-str"),
        pytest.param(forge({"p": 1, "k": {"id": {"S": ""}, "org_id": {"S": "public"}}}), id="key-id-empty"),
        pytest.param(forge({"p": 1, "k": {"id": "x", "org_id": {"S": "public"}}}), id="key-id-not-a-map"),
        pytest.param(forge({"p": 1, "k": "x"}), id="key-not-a-map"),
        pytest.param(forge({"p": 1, "k": []}), id="key-a-list"),
    ],
)
def test_a_forged_cursor_is_rejected_as_invalid(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(cursor, ORG_IDS)
    assert raised.value.status == 400
    assert raised.value.detail == "The cursor is not one this API returned"


def test_a_cursor_for_one_caller_is_checked_against_that_callers_partitions() -> None:
    # Given a cursor made while a sunrise member listed the public catalog (second partition)
    cursor = encode_cursor((1, KEY_IN_PUBLIC))
    # When a caller with a single visible partition presents it
    # Then it cannot be used to reach a partition that caller does not list
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, ["maple"])
