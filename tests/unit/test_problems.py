"""Problem details (DESIGN 3.4): every non-2xx answer of an app made by ``create_app`` is RFC 9457.

A small app with routes that fail on purpose, called in-process through httpx's ASGI transport (no network).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field

from early_learning.domain import DomainError, NotFound, StoreUnavailable, Unauthenticated, UnsupportedResourceType
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.web import create_app
from early_learning.web.problems import DOMAIN_PROBLEMS, PROBLEM_MEDIA_TYPE, domain_status


class Odd(BaseModel):
    """A body whose field names need JSON-pointer escaping ('/' -> '~1', '~' -> '~0')."""

    model_config = ConfigDict(extra="forbid")

    slash: int = Field(alias="a/b")
    tilde: int = Field(alias="c~d")
    ids: list[int] = Field(default_factory=list, max_length=100)
    name: str = Field(default="", max_length=10)


def build_app() -> FastAPI:
    app = create_app("Problems under test", "Routes that fail on purpose")

    @app.post("/odd")
    async def odd(body: Odd) -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/limited")
    async def limited(limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, int]:
        return {"limit": limit}

    @app.get("/domain")
    async def domain() -> None:
        raise UnsupportedResourceType("Unsupported resource_type 'x'. Supported: activities")

    @app.get("/missing")
    async def missing() -> None:
        raise NotFound("Activity with id 1 not found")

    @app.get("/unavailable")
    async def unavailable() -> None:
        raise StoreUnavailable("The data could not be read in time; retry the request")

    @app.get("/id-token")
    async def id_token() -> None:
        raise Unauthenticated("Only access tokens may call this API")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    return app


class Client:
    """Synchronous calls into the app, in-process."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as http:
                return await http.request(method, path, **kwargs)

        # Not asyncio.run(): it leaves the thread with no current event loop, which Mangum (used by the
        # integration tests in the same process) cannot cope with.
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(send())
        finally:
            loop.close()

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


@pytest.fixture(autouse=True)
def _quotas_off() -> Iterator[None]:
    """The routes under test have no caller to charge: the item quotas (web.quotas, whose refusals are problems too:
    tests/integration/test_quotas.py) are off here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUOTAS_ENABLED", "false")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def client() -> Client:
    return Client(build_app())


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem body, after checking the status and the media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    return body


def pointers(body: dict[str, Any]) -> list[str]:
    return [error["pointer"] for error in body["errors"]]


def test_a_valid_request_is_not_a_problem(client: Client) -> None:
    response = client.post("/odd", json={"a/b": 1, "c~d": 2})
    assert response.status_code == 200
    assert response.json() == {"ok": "yes"}


def test_a_body_that_is_not_json_is_a_400(client: Client) -> None:
    response = client.post("/odd", content=b'{"a/b": 1,', headers={"content-type": "application/json"})
    body = problem(response, 400)
    assert body["detail"] == "The request body is not valid JSON"
    assert "errors" not in body


def test_422_lists_a_json_pointer_per_invalid_field_with_rfc6901_escaping(client: Client) -> None:
    # Given a body with both odd names wrong, a bad list item and an unknown field
    response = client.post("/odd", json={"a/b": "x", "c~d": "y", "ids": [1, "two"], "extra": 1})
    # Then every invalid field has its own JSON pointer, '/' and '~' escaped as RFC 6901 says
    body = problem(response, 422)
    assert sorted(pointers(body)) == ["#/a~1b", "#/c~0d", "#/extra", "#/ids/1"]
    assert {error["location"] for error in body["errors"]} == {"body"}
    assert all(error["detail"] for error in body["errors"])


def test_422_for_a_missing_field(client: Client) -> None:
    body = problem(client.post("/odd", json={"a/b": 1}), 422)
    assert pointers(body) == ["#/c~0d"]


def test_422_for_a_body_that_is_not_an_object_points_at_the_whole_document(client: Client) -> None:
    # RFC 6901: "" (fragment "#") is the whole document; "#/" would be a member named "".
    body = problem(client.post("/odd", json=[1, 2]), 422)
    assert pointers(body) == ["#"]


def test_422_for_a_query_parameter_says_where_it_is(client: Client) -> None:
    body = problem(client.get("/limited", params={"limit": "0"}), 422)
    assert body["errors"] == [{"pointer": "#/limit", "location": "query", "detail": body["errors"][0]["detail"]}]


def test_422_never_echoes_large_input_back(client: Client) -> None:
    # Given a request with a huge string and a huge list
    huge = "z" * 100_000
    response = client.post("/odd", json={"a/b": 1, "c~d": 2, "name": huge, "ids": list(range(5_000))})
    # Then the problem names the broken rules but carries none of the input
    body = problem(response, 422)
    assert sorted(pointers(body)) == ["#/ids", "#/name"]
    assert "zzzz" not in response.text
    assert "4999" not in response.text
    assert len(response.content) < 1_000


def test_422_lists_at_most_20_errors_and_says_how_many_there_were(client: Client) -> None:
    response = client.post("/odd", json={"a/b": 1, "c~d": 2, "ids": ["x"] * 100})
    body = problem(response, 422)
    assert len(body["errors"]) == 20
    assert "(100 errors; the first 20 are listed)" in body["detail"]


def test_a_domain_error_becomes_its_own_status_title_and_detail(client: Client) -> None:
    body = problem(client.get("/domain"), 400)
    assert body["title"] == "Unsupported resource type"
    assert body["detail"] == "Unsupported resource_type 'x'. Supported: activities"
    body = problem(client.get("/missing"), 404)
    assert body["detail"] == "Activity with id 1 not found"


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/nowhere", 404), ("DELETE", "/odd", 405)])
def test_framework_http_errors_are_problems_too(client: Client, method: str, path: str, status: int) -> None:
    problem(client.request(method, path), status)


def test_an_unexpected_exception_is_a_500_problem_with_the_correlation_id_and_no_stack_trace(
    client: Client,
) -> None:
    # Given a request whose correlation id is known to the logger (in Lambda: the API Gateway request id)
    logger.set_correlation_id("req-123")
    try:
        response = client.get("/boom")
    finally:
        logger.set_correlation_id(None)
    # Then the answer is a 500 problem quoting it, with nothing of the exception in it
    body = problem(response, 500)
    assert body["correlation_id"] == "req-123"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text


@pytest.mark.parametrize(("cap_s", "expected"), [("1.0", "1"), ("2.5", "3"), ("0.2", "1")])
def test_a_503_says_when_to_retry_in_whole_seconds_after_the_backoff_cap(
    client: Client, monkeypatch: pytest.MonkeyPatch, cap_s: str, expected: str
) -> None:
    monkeypatch.setenv("RETRY_MAX_DELAY_S", cap_s)
    get_settings.cache_clear()
    try:
        response = client.get("/unavailable")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    problem(response, 503)
    assert response.headers["retry-after"] == expected


def test_other_problems_carry_no_retry_after(client: Client) -> None:
    for path, status in [("/missing", 404), ("/domain", 400), ("/boom", 500)]:
        response = client.get(path)
        assert response.status_code == status
        assert "retry-after" not in response.headers


def all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    direct: type
    for direct in cls.__subclasses__():
        found |= {direct, *all_subclasses(direct)}
    return found


def test_the_domain_knows_no_http_and_the_one_map_covers_every_domain_error() -> None:
    # DESIGN 8: status codes live in web.problems only; every domain error has its own entry there.
    for error in all_subclasses(DomainError):
        assert not hasattr(error, "status"), error
        assert error in DOMAIN_PROBLEMS, error
    assert domain_status(StoreUnavailable("x")) == (503, "Service Unavailable")
    assert domain_status(UnsupportedResourceType("x")) == (400, "Unsupported resource type")


def test_a_401_problem_carries_a_bearer_challenge(client: Client) -> None:
    response = client.get("/id-token")
    problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/odd", {"json": {"a/b": 1, "c~d": 2}}, 200),
        ("POST", "/odd", {"json": {"a/b": "x"}}, 422),
        ("GET", "/missing", {}, 404),
        ("GET", "/unavailable", {}, 503),
        ("GET", "/boom", {}, 500),
    ],
)
def test_every_response_says_no_store(
    client: Client, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    # Responses carry personal data or what the caller's permissions allowed: no browser or shared cache keeps them.
    response = client.request(method, path, **kwargs)
    assert response.status_code == status
    assert response.headers["cache-control"] == "no-store"


@pytest.fixture(scope="module")
def small_client() -> Client:
    app = create_app("A small body limit", "Bodies up to 100 bytes", max_body_bytes=100)

    @app.post("/small")
    async def small(body: Odd) -> dict[str, str]:
        return {"ok": "yes"}

    return Client(app)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_a_body_over_the_apps_limit_is_a_413_problem_before_parsing(small_client: Client, declared: bool) -> None:
    # Not JSON at all: a 413, not a 400, shows the size was refused before any parsing.
    async def chunks() -> Any:
        for _ in range(3):
            yield b"{" * 40

    content: Any = b"{" * 120 if declared else chunks()
    response = small_client.post("/small", content=content, headers={"content-type": "application/json"})
    body = problem(response, 413)
    assert body["detail"] == "The request body is over this route's limit of 100 bytes"
    assert response.headers["cache-control"] == "no-store"
    assert small_client.post("/small", json={"a/b": 1, "c~d": 2}).status_code == 200
