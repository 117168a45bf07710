"""Idempotent writes (DESIGN 3.8) without AWS: the Idempotency-Key header's rules, what "the same body" means, the
answer as it is kept and replayed, the problems of the three errors, and what a write route documents.

Everything that needs the idempotency table is in tests/integration/test_idempotency.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI, Response
from pydantic import BaseModel

from early_learning.idempotency_errors import (
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    IdempotentAnswerNotKept,
)
from early_learning.web import PROBLEM_RESPONSES, create_app
from early_learning.web.idempotency import (
    REPLAYED_HEADER,
    Answer,
    AnswerSerializer,
    Idempotent,
    fingerprint,
    idempotency_responses,
    valid_key,
)
from early_learning.web.problems import DOMAIN_PROBLEMS, domain_status
from tests.unit.test_problems import Client, _quotas_off, problem  # noqa: F401  # _quotas_off: autouse here too


class Thing(BaseModel):
    id: str
    name: str


# --- the header -----------------------------------------------------------------------------------------------


def test_no_header_means_no_key() -> None:
    assert valid_key([]) is None


@pytest.mark.parametrize(
    "key",
    [
        "k",
        "k" * 255,
        "0b6c0c1e-5a7e-4a57-9b0e-2f4a1f7c9d10",
        "order 42: retry #3",
        "".join(map(chr, range(0x20, 0x7F))),
    ],
)
def test_a_key_of_1_to_255_printable_ascii_characters_is_taken_as_sent(key: str) -> None:
    assert valid_key([key[:255]]) == key[:255]


@pytest.mark.parametrize(
    "key",
    ["", "k" * 256, "a\x00b", "a\tb", "a\nb", "a\x7fb", "caf\u00e9", "\u2603", "k\u200b"],
    ids=["empty", "256", "NUL", "tab", "newline", "DEL", "latin-1", "snowman", "zero-width space"],
)
def test_any_other_key_is_invalid_and_never_echoed(key: str) -> None:
    with pytest.raises(IdempotencyKeyInvalid) as raised:
        valid_key([key])
    assert "1 to 255 printable ASCII characters" in raised.value.detail
    if key:
        assert key not in raised.value.detail


def test_two_keys_are_invalid() -> None:
    with pytest.raises(IdempotencyKeyInvalid, match="one Idempotency-Key header"):
        valid_key(["a", "b"])


# --- the same request -----------------------------------------------------------------------------------------


def test_the_same_json_is_the_same_body_whatever_its_member_order() -> None:
    route = "POST /api/v1/batch/create"
    one = {"resource_type": "activities", "items": [{"name": "Kite", "tags": ["a", "b"]}], "atomic": False}
    other = {"atomic": False, "items": [{"tags": ["a", "b"], "name": "Kite"}], "resource_type": "activities"}
    assert fingerprint(route, one) == fingerprint(route, other)


@pytest.mark.parametrize(
    ("body", "other"),
    [
        ({"ids": ["a", "b"]}, {"ids": ["b", "a"]}),
        ({"size": 1}, {"size": 2}),
        ({"size": 1}, {"size": 1.5}),
        ({"name": "x"}, {"name": "x", "size": None}),
        ({"name": "x"}, None),
        (b"not json", b"not json either"),
    ],
)
def test_any_change_of_a_value_is_another_body(body: Any, other: Any) -> None:
    assert fingerprint("POST /things", body) != fingerprint("POST /things", other)


def test_the_same_body_on_another_route_is_another_request() -> None:
    body = {"name": "x"}
    assert fingerprint("POST /things", body) != fingerprint("POST /other-things", body)
    assert fingerprint("PATCH /things/a", body) != fingerprint("PATCH /things/b", body)


# --- the answer -----------------------------------------------------------------------------------------------


def test_an_answer_is_kept_and_given_back_exactly() -> None:
    answer = Answer.of(Thing(id="t1", name="Kite \u2603"), 201, {"Location": "/things/t1", "ETag": '"1"'})
    kept = AnswerSerializer().to_dict(answer)
    assert kept == {
        "status_code": 201,
        "headers": [["content-type", "application/json"], ["Location", "/things/t1"], ["ETag", '"1"']],
        "body": '{"id":"t1","name":"Kite \u2603"}',
    }
    assert AnswerSerializer().from_dict(kept) == answer


def test_a_replayed_answer_says_so_and_a_first_one_does_not() -> None:
    answer = Answer.of(Thing(id="t1", name="Kite"), 201, {"Location": "/things/t1"})
    first = answer.response()
    assert first.status_code == 201
    assert first.body == b'{"id":"t1","name":"Kite"}'
    assert first.headers["content-type"] == "application/json"
    assert first.headers["location"] == "/things/t1"
    assert REPLAYED_HEADER.lower() not in first.headers
    replayed = Answer(answer.status_code, answer.headers, answer.body, replayed=True).response()
    assert replayed.headers[REPLAYED_HEADER] == "true"
    assert replayed.body == first.body


def test_no_content_is_an_empty_body_without_a_content_type() -> None:
    response = Answer.of(None, 204, {"ETag": '"3"'}).response()
    assert response.status_code == 204
    assert response.body == b""
    assert "content-type" not in response.headers
    assert response.headers["etag"] == '"3"'


# --- problems -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (IdempotencyKeyInvalid("x"), 400),
        (IdempotencyKeyReused("x"), 422),
        (IdempotencyInProgress("x"), 409),
        (IdempotentAnswerNotKept("x"), 409),
    ],
)
def test_each_idempotency_error_has_its_status(error: Any, status: int) -> None:
    assert type(error) in DOMAIN_PROBLEMS
    assert domain_status(error)[0] == status


def build_app(calls: list[str]) -> FastAPI:
    app = create_app("Idempotency without AWS", "Routes that raise the idempotency errors")

    @app.post("/in-progress")
    async def in_progress() -> None:
        raise IdempotencyInProgress("A request with this Idempotency-Key is still being processed", 3)

    @app.post("/not-kept")
    async def not_kept() -> None:
        raise IdempotentAnswerNotKept("Already applied")

    @app.post("/reused")
    async def reused() -> None:
        raise IdempotencyKeyReused("Used with another body")

    @app.post("/things", status_code=201, responses={**PROBLEM_RESPONSES, **idempotency_responses(201)})
    async def make(idempotent: Idempotent) -> Response:
        def apply() -> Answer:
            calls.append("make")
            return Answer.of(Thing(id="t1", name="Kite"), 201)

        return idempotent(apply)

    return app


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def client(calls: list[str]) -> Client:
    return Client(build_app(calls))


def test_in_progress_is_a_409_problem_with_retry_after(client: Client) -> None:
    response = client.post("/in-progress")
    problem(response, 409)
    assert response.headers["retry-after"] == "3"
    assert response.headers["cache-control"] == "no-store"


def test_an_answer_not_kept_is_a_409_problem_without_retry_after(client: Client) -> None:
    response = client.post("/not-kept")
    assert problem(response, 409)["title"] == "Already applied"
    assert "retry-after" not in response.headers


def test_a_reused_key_is_a_422_problem(client: Client) -> None:
    assert problem(client.post("/reused"), 422)["title"] == "Idempotency-Key reused"


def test_without_the_header_the_service_simply_runs(client: Client, calls: list[str]) -> None:
    first = client.post("/things", json={})
    second = client.post("/things", json={})
    assert first.status_code == second.status_code == 201
    assert REPLAYED_HEADER not in second.headers
    assert calls == ["make", "make"]


def test_an_invalid_header_is_a_400_problem_before_anything_runs(client: Client, calls: list[str]) -> None:
    body = problem(client.post("/things", json={}, headers={"Idempotency-Key": "k" * 256}), 400)
    assert body["title"] == "Invalid Idempotency-Key"
    assert calls == []


def test_a_key_without_a_verified_caller_is_a_401_problem(client: Client, calls: list[str]) -> None:
    # No authorizer claims on the request (API Gateway's are missing): keys are scoped to a caller
    problem(client.post("/things", json={}, headers={"Idempotency-Key": "k"}), 401)
    assert calls == []


# --- what a write route documents -----------------------------------------------------------------------------


def test_a_write_route_documents_the_header_and_its_answers(client: Client) -> None:
    operation = client.app.openapi()["paths"]["/things"]["post"]
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is False
    responses = operation["responses"]
    assert REPLAYED_HEADER in responses["201"]["headers"]
    assert "Retry-After" in responses["409"]["headers"]
    assert "Idempotency-Key" in responses["422"]["description"]
    assert responses["422"]["description"].startswith(PROBLEM_RESPONSES[422]["description"])
    assert "Idempotency-Key" in responses["400"]["description"]
