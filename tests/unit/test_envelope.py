"""The batch envelope (DESIGN 3.1): run_batch's per-item rules, canonical ids, item sizes and the request deadline.

Pure logic: ``resolve`` is a plain function over a dict, the clock is a fake.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic_core import to_json

from early_learning.api_models import BatchGetResponse
from early_learning.envelope import (
    BatchEnvelope,
    Deadline,
    ItemError,
    ItemFailure,
    ItemSuccess,
    answer_batch,
    canonical_uuid,
    json_size,
    payload_size,
    run_batch,
)

A = "123e4567-e89b-12d3-a456-426614174000"
B = "223e4567-e89b-12d3-a456-426614174001"
C = "323e4567-e89b-12d3-a456-426614174002"
MISSING = "ffffffff-ffff-4fff-8fff-ffffffffffff"


class Store:
    """A resolve callable over a dict that records the keys of every call."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = dict(data)
        self.calls: list[list[str]] = []

    def __call__(self, keys: list[str]) -> dict[str, Any]:
        self.calls.append(list(keys))
        return {key: self.data[key] for key in keys if key in self.data}


def error_of(result: ItemSuccess[Any] | ItemError) -> ItemError:
    assert isinstance(result, ItemError), result
    return result


def data_of(result: ItemSuccess[Any] | ItemError) -> Any:
    assert isinstance(result, ItemSuccess), result
    return result.data


# --- order, echo, duplicates, case ------------------------------------------------------------------------------


def test_results_follow_the_request_order_and_echo_each_id_as_sent() -> None:
    # Given a store with three items
    store = Store({A: "a", B: "b", C: "c"})
    # When they are asked for in an order that is neither sorted nor the store's
    ids = [C, A.upper(), B]
    results = run_batch(ids, store)
    # Then result i answers ids[i], with the id exactly as the client sent it
    assert [r.id for r in results] == ids
    assert [data_of(r) for r in results] == ["c", "a", "b"]


def test_duplicates_are_answered_at_every_position_but_resolved_once() -> None:
    # Given one id sent three times, once in upper case
    store = Store({A: "a", B: "b"})
    ids = [A, B, A, A.upper()]
    # When the batch runs
    results = run_batch(ids, store)
    # Then every position is answered, and resolve saw each distinct key once, in first-seen order
    assert [r.id for r in results] == ids
    assert [data_of(r) for r in results] == ["a", "b", "a", "a"]
    assert store.calls == [[A, B]]


def test_uuids_are_looked_up_in_their_canonical_lower_case_form() -> None:
    # Given an item stored under its lower-case id
    store = Store({A: "a"})
    # When the client sends it in upper and mixed case
    mixed = "123E4567-e89b-12D3-A456-426614174000"
    results = run_batch([A.upper(), mixed], store)
    # Then both are found, and the lookup used the canonical form only
    assert [data_of(r) for r in results] == ["a", "a"]
    assert store.calls == [[A]]


# --- item errors ------------------------------------------------------------------------------------------------


def test_a_malformed_id_is_an_item_400_and_never_reaches_resolve() -> None:
    # Given a batch mixing a valid and malformed ids
    store = Store({A: "a"})
    # When it runs
    results = run_batch(["not-a-uuid", A, "", "123"], store)
    # Then the malformed ones are item 400 invalid_id (not retryable), the valid one succeeds
    for index in (0, 2, 3):
        error = error_of(results[index])
        assert (error.status_code, error.error_code, error.retryable) == (400, "invalid_id", False)
    assert data_of(results[1]) == "a"
    # And resolve only ever saw the valid key
    assert store.calls == [[A]]


def test_a_batch_of_only_malformed_ids_does_not_call_resolve() -> None:
    store = Store({})
    results = run_batch(["x", "y"], store)
    assert [error_of(r).error_code for r in results] == ["invalid_id", "invalid_id"]
    assert store.calls == []


def test_a_failure_from_resolve_becomes_that_items_error() -> None:
    # Given a resolve that answers one key with a not-found failure
    def resolve(keys: list[str]) -> dict[str, str | ItemFailure]:
        return {A: "a", MISSING: ItemFailure.not_found("Activity", MISSING)}

    # When the batch runs
    results = run_batch([A, MISSING], resolve)
    # Then the failure is reported at item level with its code, status and message
    error = error_of(results[1])
    assert (error.status_code, error.error_code, error.retryable) == (404, "not_found", False)
    assert error.error == f"Activity with id {MISSING} not found"
    assert data_of(results[0]) == "a"


def test_a_key_that_resolve_leaves_out_is_unavailable_and_retryable() -> None:
    # Given a resolve that could not finish one key (e.g. DynamoDB UnprocessedKeys after the retry budget)
    store = Store({A: "a"})
    # When the batch runs
    results = run_batch([A, B], store)
    # Then that item is 503 unavailable, retryable
    error = error_of(results[1])
    assert (error.status_code, error.error_code, error.retryable) == (503, "unavailable", True)


# --- size budget ------------------------------------------------------------------------------------------------


def test_items_past_the_size_budget_are_response_too_large_and_retryable() -> None:
    # Given three items of 10 bytes each and a budget for two of them
    store = Store({A: "x" * 10, B: "y" * 10, C: "z" * 10})
    # When the batch runs with that budget
    results = run_batch([A, B, C], store, size_of=len, size_budget=25)
    # Then the first two are answered and the third is 503 response_too_large, retryable
    assert [data_of(r) for r in results[:2]] == ["x" * 10, "y" * 10]
    error = error_of(results[2])
    assert (error.status_code, error.error_code, error.retryable) == (503, "response_too_large", True)


def test_item_errors_do_not_use_up_the_size_budget() -> None:
    store = Store({A: "x" * 10, C: "z" * 10})
    results = run_batch(["bad", MISSING, A, C], store, size_of=len, size_budget=20)
    assert [r.status_code for r in results] == [400, 503, 200, 200]


def test_a_duplicate_weighs_in_the_budget_at_every_position() -> None:
    # The response carries the data once per position, so each one counts.
    store = Store({A: "x" * 10})
    results = run_batch([A, A, A], store, size_of=len, size_budget=25)
    assert [r.status_code for r in results] == [200, 200, 503]
    assert error_of(results[2]).error_code == "response_too_large"


# --- totals -----------------------------------------------------------------------------------------------------

_ids = st.lists(
    st.sampled_from([A, B, C, MISSING, A.upper(), "not-a-uuid", "", C.upper()]),
    min_size=1,
    max_size=30,
)


@given(ids=_ids)
def test_totals_always_add_up_and_every_id_is_answered_in_order(ids: list[str]) -> None:
    # Given any mix of found, missing, malformed and duplicate ids
    store = Store({A: "a", B: "b"})
    # When the batch runs and is wrapped in the envelope
    envelope = BatchEnvelope[Any].of(run_batch(ids, store))
    # Then there is one result per id, in order, and the totals add up
    assert [r.id for r in envelope.results] == ids
    assert envelope.total_requested == len(ids) == envelope.total_succeeded + envelope.total_failed
    assert envelope.total_succeeded == sum(1 for r in envelope.results if r.status == "success")
    # And no key is resolved twice
    assert all(len(call) == len(set(call)) for call in store.calls)
    assert len(store.calls) <= 1


def test_the_envelope_serializes_successes_and_errors_with_their_discriminator() -> None:
    envelope = BatchEnvelope[Any].of(run_batch([A, "bad"], Store({A: {"id": A}})))
    dumped = envelope.model_dump(mode="json")
    assert dumped["results"][0] == {"id": A, "status": "success", "status_code": 200, "data": {"id": A}}
    assert dumped["results"][1]["status"] == "error"
    assert set(dumped["results"][1]) == {"id", "status", "status_code", "error", "error_code", "retryable"}
    assert dumped["processed_at"].endswith("Z")


# --- canonical_uuid ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (A, A),
        (A.upper(), A),
        ("123E4567-e89b-12D3-a456-426614174000", A),
    ],
)
def test_canonical_uuid_is_the_lower_case_form(raw: str, expected: str) -> None:
    assert canonical_uuid(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not-a-uuid",
        "123e4567e89b12d3a456426614174000",  # no hyphens
        "{123e4567-e89b-12d3-a456-426614174000}",
        "123e4567-e89b-12d3-a456-42661417400",  # one digit short
        "123e4567-e89b-12d3-a456-4266141740000",  # one digit too many
        "g23e4567-e89b-12d3-a456-426614174000",  # not hex
        " 123e4567-e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-426614174000 ",
        "123e4567-e89b-12d3-a456-426614174000\n",  # `$` alone would accept a trailing newline
        "\uff11\uff12\uff13e4567-e89b-12d3-a456-426614174000",  # full-width digits
    ],
)
def test_canonical_uuid_rejects_anything_but_an_8_4_4_4_12_uuid(raw: str) -> None:
    assert canonical_uuid(raw) is None


# --- json_size --------------------------------------------------------------------------------------------------


class _Item(BaseModel):
    id: str
    tags: list[str]


def test_json_size_is_the_compact_json_as_escaped_in_the_lambda_payload() -> None:
    # The body is a JSON string inside the Lambda response payload: each quote of the item's JSON takes two bytes
    assert json_size({"id": "a", "n": [1, 2]}) == len(r"{\"id\":\"a\",\"n\":[1,2]}")
    assert json_size(_Item(id="a", tags=["x"])) == len(r"{\"id\":\"a\",\"tags\":[\"x\"]}")


def test_json_size_counts_utf8_bytes_not_characters() -> None:
    # "é" takes two bytes in UTF-8 and "🙂" four: counting characters would underestimate the payload
    assert json_size({"n": "é🙂"}) == len(r"{\"n\":\"\"}") + 2 + 4


# --- Deadline ---------------------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_deadline_keeps_the_safety_margin_back_and_counts_down_with_the_clock() -> None:
    # Given 3 s left in the Lambda and a 1 s safety margin
    clock = FakeClock()
    deadline = Deadline(3000, safety_ms=1000, clock=clock)
    # Then 2 s may be spent
    assert deadline.remaining_s() == pytest.approx(2.0)
    assert not deadline.expired()
    # When 1.5 s pass
    clock.now += 1.5
    # Then 0.5 s remain
    assert deadline.remaining_s() == pytest.approx(0.5)
    assert not deadline.expired()
    # When the rest passes, and more
    clock.now += 0.5
    assert deadline.expired()
    clock.now += 10
    # Then it stays expired with nothing (never a negative amount) left
    assert deadline.expired()
    assert deadline.remaining_s() == 0.0


@pytest.mark.parametrize(("remaining_ms", "safety_ms"), [(500, 1000), (1000, 1000), (0, 0), (-5, 0)])
def test_deadline_with_no_time_beyond_the_margin_is_expired_at_once(remaining_ms: int, safety_ms: int) -> None:
    deadline = Deadline(remaining_ms, safety_ms=safety_ms, clock=FakeClock())
    assert deadline.expired()
    assert deadline.remaining_s() == 0.0


def test_resolve_can_be_any_callable_returning_a_mapping() -> None:
    # The envelope is generic over the operation: data may be any type
    resolve: Callable[[list[str]], Mapping[str, int]] = lambda keys: dict.fromkeys(keys, 7)  # noqa: E731
    assert [data_of(r) for r in run_batch([A, B], resolve)] == [7, 7]


# --- answer_batch: the reads' envelope, as plain data serialized once ---------------------------------------------

_texts = st.text(alphabet=st.sampled_from(["a", "é", '"', "\\", "\n", "\x01", "🙂", " ", "\u2028"]), max_size=12)
_data = st.dictionaries(
    st.sampled_from(["id", "name", "tags", "n"]), _texts | st.lists(_texts, max_size=3) | st.integers()
)


@given(
    ids=_ids,
    data=st.dictionaries(st.sampled_from([A, B, C]), _data),
    failing=st.sets(st.sampled_from([A, B, C])),
    budget=st.integers(0, 400),
)
def test_answer_batch_answers_what_the_models_serialized_by_fastapi_would(
    ids: list[str], data: dict[str, Any], failing: set[str], budget: int
) -> None:
    # Given items found, missing, failed, malformed and duplicated, and any size budget
    def resolve(keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {key: data[key] for key in keys if key in data}
        found.update({key: ItemFailure.internal_error() for key in keys if key in failing})
        return found

    # When answered as plain data, and as the models the routes answered before (run_batch with json_size, the
    # envelope model, FastAPI's JSON rendering)
    with time_machine.travel(1771272000, tick=False):
        answer = answer_batch(ids, resolve, size_budget=budget, resource_type="activities")
        before = BatchGetResponse.of(
            run_batch(ids, resolve, size_of=json_size, size_budget=budget), resource_type="activities"
        )
    rendered = json.dumps(
        before.model_dump(mode="json"), ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode()
    # Then the bodies are the same, byte for byte, and so are the plain results and the totals
    assert answer.body == rendered
    assert answer.jsonable_results() == json.loads(rendered)["results"]
    assert (answer.total_requested, answer.total_succeeded) == (before.total_requested, before.total_succeeded)


def test_payload_size_counts_the_body_as_json_size_does() -> None:
    text = {"n": 'é🙂"\\\n\x01'}
    assert payload_size(to_json(text)) == json_size(text)
