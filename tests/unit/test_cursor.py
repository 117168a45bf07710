"""Listing cursors (DESIGN 3.3), one module for every listing: opaque, round-trip, and forged or foreign ones rejected
(a 400 problem)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from early_learning.domain import InvalidCursor
from early_learning.services.cursors import decode, encode
from early_learning.web.problems import domain_status

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
    cursor = encode(position)
    assert decode(cursor, ORG_IDS, "org_id") == position


def test_a_cursor_is_safe_in_a_query_string() -> None:
    cursor = encode((1, {"id": {"S": "?&=+/" * 10}, "org_id": {"S": "public"}}))
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
        pytest.param(forge({"p": True, "k": None}), id="position-true"),
        pytest.param(forge({"p": False, "k": None}), id="position-false"),
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
        pytest.param(forge({"p": 1, "k": {"id": {"S": "x" * 129}, "org_id": {"S": "public"}}}), id="key-id-too-long"),
    ],
)
def test_a_forged_cursor_is_rejected_as_invalid(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        decode(cursor, ORG_IDS, "org_id")
    assert domain_status(raised.value) == (400, "Invalid cursor")
    assert raised.value.detail == "The cursor is not one this API returned for you"


SUNRISE_A = "sunrise#c1a50000-0000-4000-8000-00000000000a"
KEY_IN_SUNRISE_A = {"id": {"S": "c41d0000-0000-4000-8000-0000000000a1"}, "org_classroom": {"S": SUNRISE_A}}


def test_a_classroom_cursor_round_trips_inside_the_org_scoped_partition() -> None:
    cursor = encode((0, KEY_IN_SUNRISE_A))
    assert decode(cursor, [SUNRISE_A], "org_classroom") == (0, KEY_IN_SUNRISE_A)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            {**KEY_IN_SUNRISE_A, "org_classroom": {"S": "maple#c1a50000-0000-4000-8000-00000000000a"}},
            id="same-classroom-other-org",
        ),
        pytest.param(
            {"id": KEY_IN_SUNRISE_A["id"], "classroom_id": {"S": "c1a50000-0000-4000-8000-00000000000a"}},
            id="bare-classroom-key",
        ),
        pytest.param({"id": KEY_IN_SUNRISE_A["id"], "org_id": {"S": "sunrise"}}, id="key-of-the-org-index"),
    ],
)
def test_a_classroom_cursor_naming_another_partition_is_rejected(key: dict[str, Any]) -> None:
    with pytest.raises(InvalidCursor):
        decode(forge({"p": 0, "k": key}), [SUNRISE_A], "org_classroom")


def test_a_position_only_cursor_carries_no_key() -> None:
    # A guardian's list is walked by position: a cursor that carries a key is not one this listing made.
    assert decode(encode((1, None)), ["c1", "c2"], None) == (1, None)
    with pytest.raises(InvalidCursor):
        decode(encode((1, KEY_IN_PUBLIC)), ["c1", "c2"], None)


def test_a_cursor_for_one_caller_is_checked_against_that_callers_partitions() -> None:
    # Given a cursor made while a sunrise member listed the public catalog (second partition)
    cursor = encode((1, KEY_IN_PUBLIC))
    # When a caller with a single visible partition presents it
    # Then it cannot be used to reach a partition that caller does not list
    with pytest.raises(InvalidCursor):
        decode(cursor, ["maple"], "org_id")
