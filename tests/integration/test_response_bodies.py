"""The read routes answer byte for byte what they answered before their path was rebuilt for speed (issue 16):
each request of ``response_bodies.requests()`` against ``tests/data/response_bodies.json``, the bodies of 99ecb21
(how to write them again: ``response_bodies``'s docstring)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tests.conftest import FakeLambdaContext
from tests.integration import response_bodies

EXPECTED: dict[str, dict[str, Any]] = json.loads(response_bodies.BODIES_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def frozen() -> Iterator[None]:
    """The events' time, standing still: ``processed_at`` and ``generated_at`` are that second."""
    with time_machine.travel(response_bodies.FROZEN_AT, tick=False):
        yield


def test_every_request_has_its_recorded_body() -> None:
    assert set(EXPECTED) == set(response_bodies.requests())


@pytest.mark.parametrize("name", sorted(response_bodies.requests()))
def test_the_body_is_byte_for_byte_the_one_answered_before(
    name: str, aws: Any, frozen: None, lambda_context: FakeLambdaContext
) -> None:
    # Given the data the bodies were recorded with
    response_bodies.seed(aws)
    # When the request is answered by today's handler
    status, body = response_bodies.answer(
        response_bodies.requests()[name], lambda_context, lambda module: importlib.import_module(module).handler
    )
    # Then status and body are the recorded ones, byte for byte
    assert status == EXPECTED[name]["status"] == 200
    assert body == EXPECTED[name]["body"]
