"""A resource's version over HTTP (DESIGN 3.3): ``ETag`` on single reads and writes, ``If-Match`` on changes.

Light on purpose: the read functions import it (no idempotency machinery here: that is ``web.single_writes``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from early_learning.web.app import NOT_FOUND_RESPONSE, PROBLEM_RESPONSES
from early_learning.write_errors import InvalidPrecondition

_VERSION_TAG = re.compile(r'"([1-9][0-9]{0,17})"')
"""The strong entity tag of a version, as ``ETag`` answers it: ``"3"``."""


def etag(version: int) -> str:
    return f'"{version}"'


# --- If-Match --------------------------------------------------------------------------------------------------


def if_match_version(values: list[str]) -> int | None:
    """The version ``If-Match`` names (``values``: every header of that name): None without one or for ``*`` (any
    existing resource). Anything but ``*`` or one ETag this API answers raises ``InvalidPrecondition``, whose
    message never echoes the value."""
    if not values:
        return None
    if len(values) > 1:
        raise InvalidPrecondition("Send one If-Match header: the ETag of the version your change was made against")
    value = values[0].strip()
    if value == "*":
        return None
    match = _VERSION_TAG.fullmatch(value)
    if match is not None:
        return int(match.group(1))
    if value.startswith("W/"):
        reason = "If-Match compares strong entity tags: send the ETag as it was answered, without W/"
    elif "," in value:
        reason = "If-Match takes one ETag (the version your change was made against), or *"
    else:
        reason = 'If-Match must be * or an ETag this API answered: a quoted version such as "3"'
    raise InvalidPrecondition(reason)


async def if_match(
    request: Request,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='Apply only if the resource is still at this version: its `ETag` as answered (`"3"`); `*` '
            "for any existing version. Another version: 412, and nothing is applied. Without it, the change applies "
            "to whatever version is stored.",
        ),
    ] = None,
) -> int | None:
    """The route's ``IfMatch``. ``if_match`` documents the header; every header of that name is read."""
    return if_match_version(request.headers.getlist("If-Match"))


IfMatch = Annotated[int | None, Depends(if_match)]


# --- OpenAPI ---------------------------------------------------------------------------------------------------

ETAG_HEADER = {
    "ETag": {
        "description": 'The version of the resource, quoted (`"3"`): send it as `If-Match` to change this version only',
        "schema": {"type": "string"},
    }
}


def read_responses() -> dict[int | str, dict[str, Any]]:
    """A single read's: its 200 carries ``ETag``."""
    return {200: {"headers": ETAG_HEADER}, **NOT_FOUND_RESPONSE, **PROBLEM_RESPONSES}
