"""Bad inputs over HTTP, through the local gateway into the functions (DESIGN 3.4, 3.6): bodies past 10 MB, wrong
content types, bodies that are not JSON or not text at all. The gateway refuses what API Gateway refuses (413, in its
own shape); everything else reaches the function and is answered with problem details: never a 5xx, never a stack
trace, never the input echoed back.

The same kinds of input are covered case by case through the handlers in tests/integration/test_bad_inputs.py.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from local.demo import ids
from tests.e2e.conftest import Stack, unthrottled

pytestmark = pytest.mark.e2e

BATCH = "/api/v1/batch/get"
TEN_MB = 10 * 1024 * 1024
ONE_MB = 1024 * 1024  # the synchronous batch routes' own limit (DESIGN 3.6): a 413 problem from the function
VALID = json.dumps({"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS]}).encode()


def json_of_size(size: int) -> bytes:
    """A batch request of exactly ``size`` bytes: one huge id of Z's."""
    prefix, suffix = b'{"resource_type":"activities","ids":["', b'"]}'
    return prefix + b"Z" * (size - len(prefix) - len(suffix)) + suffix


def chunks(body: bytes, size: int = 256 * 1024) -> Iterator[bytes]:
    """The body as a stream: httpx sends it chunked, without Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


@dataclass(frozen=True)
class Case:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    chunked: bool = False
    by_gateway: bool = False
    """True when the gateway itself answers (API Gateway's {"message": ...}), not the function."""


CASES: dict[str, Case] = {
    "10 MB and 1 byte": Case(413, json_of_size(TEN_MB + 1), by_gateway=True),
    "12 MB chunked, no content-length": Case(413, json_of_size(12 * 1024 * 1024), chunked=True, by_gateway=True),
    "11 MB as text/plain": Case(413, json_of_size(11 * 1024 * 1024), {"content-type": "text/plain"}, by_gateway=True),
    "exactly 10 MB of json": Case(413, json_of_size(TEN_MB)),
    "1 MB and 1 byte of json": Case(413, json_of_size(ONE_MB + 1)),
    "1 MB and 1 byte chunked": Case(413, json_of_size(ONE_MB + 1), chunked=True),
    "exactly 1 MB of json": Case(422, json_of_size(ONE_MB)),
    "json sent as text/plain": Case(400, VALID, {"content-type": "text/plain"}),
    "json without content-type": Case(400, VALID, {}),
    "json sent as a form": Case(400, VALID, {"content-type": "application/x-www-form-urlencoded"}),
    "xml": Case(400, b"<batch><id>1</id></batch>", {"content-type": "application/xml"}),
    "multipart form": Case(
        400,
        b'--b\r\nContent-Disposition: form-data; name="ids"\r\n\r\nx\r\n--b--\r\n',
        {"content-type": "multipart/form-data; boundary=b"},
    ),
    "empty body": Case(400, b""),
    "gzip-compressed body": Case(
        400, gzip.compress(VALID), {"content-type": "application/json", "content-encoding": "gzip"}
    ),
    "bytes that are not utf-8": Case(400, b'{"resource_type": "\xff\xfe\xfd", "ids": ["\xc3\x28"]}'),
    "nul bytes": Case(400, b"\x00" * 1024),
    "nested 50k deep": Case(400, b"[" * 50_000 + b"]" * 50_000),
    "number beyond float": Case(422, b'{"resource_type": "activities", "ids": [1e400]}'),
    "json array of 0.9 MB": Case(422, json.dumps(list(range(140_000))).encode()),
}


@pytest.mark.parametrize("name", CASES)
def test_a_bad_body_through_the_gateway_is_a_clear_4xx(api: httpx.Client, stack: Stack, name: str) -> None:
    # Given a request whose body is broken in this way, with a valid token
    case = CASES[name]
    headers = {**stack.headers("teacher@sunrise.example"), **case.headers}
    # When it is posted to the batch route (again after a pause if other tests used the route's burst: the gateway
    # throttles before the function sees the body)
    response = unthrottled(
        lambda: api.post(BATCH, content=chunks(case.body) if case.chunked else case.body, headers=headers)
    )
    # Then it is a 4xx: the gateway's own 413, or problem details from the function
    assert response.status_code == case.status, response.text[:500]
    if case.by_gateway:
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"message": "Request Entity Too Large"}
    else:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert (problem["status"], bool(problem["title"]), bool(problem["detail"])) == (case.status, True, True)
    # And the answer is short, without the input or a stack trace
    assert len(response.content) < 2_000
    assert "ZZZZ" not in response.text
    assert "Traceback" not in response.text


def test_a_nul_in_a_path_id_is_a_400_problem(api: httpx.Client, stack: Stack) -> None:
    response = api.get("/api/v1/activities/%00", headers=stack.headers("teacher@sunrise.example"))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
