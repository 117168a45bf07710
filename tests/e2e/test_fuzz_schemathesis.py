"""Schema fuzzing (schemathesis) of every route, over HTTP through the local stack, with a valid token: requests
built from the served ``/openapi.json``, valid ones and ones that break the schema on purpose.

Every answer must be documented: no 5xx, a documented status code and media type, and a body that matches the
documented schema (problem details and API Gateway's own errors included).

``FUZZ_EXAMPLES`` examples per operation: a bounded number in `make test` (default 25), many more in `make fuzz`.
Requests are paced below each route's throttling rate (template.yaml), so that the gateway's 429s, documented as
they are, do not take the place of the functions' answers.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from local import cfn
from local.gateway.throttling import TokenBucket
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
USER = "admin@sunrise.example"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

_default_throttle, _route_throttles = cfn.throttling()
_buckets: dict[str, TokenBucket] = {}
sent: dict[str, Counter[int]] = {}
"""Status codes of the requests sent, per operation (reported at the end of the module)."""


def pace(route_key: str) -> None:
    """Wait until the route's throttling (the gateway's token bucket, mirrored here with half its burst) would let
    this request through."""
    if route_key not in _buckets:
        throttle = _route_throttles.get(route_key, _default_throttle)
        _buckets[route_key] = TokenBucket(throttle.rate_per_s, max(1, throttle.burst // 2))
    bucket = _buckets[route_key]
    while not bucket.take():
        time.sleep(1.0 / bucket.rate)


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: the requests each operation got, by status code (shown even when output is captured)."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not sent:
        return
    with capture.global_and_fixture_disabled():
        total = sum(sum(statuses.values()) for statuses in sent.values())
        reporter.write_line(f"\nschemathesis: {total} requests ({FUZZ_EXAMPLES} examples per operation)")
        for route_key, statuses in sorted(sent.items()):
            counts = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
            reporter.write_line(f"  {route_key}: {sum(statuses.values())} ({counts})")


schema = schemathesis.openapi.from_path(cfn.ROOT / "openapi.json")
"""The committed document: `make lint` checks it is the generated one, and the first test below that the stack
serves it (schemathesis's lazy loading from a fixture does not run on this pytest)."""


def test_the_fuzzed_document_is_the_one_the_stack_serves(api: httpx.Client) -> None:
    assert api.get("/openapi.json").json() == schema.raw_schema


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    derandomize=os.environ.get("FUZZ_RANDOM") is None,
)
def test_every_route_answers_as_documented(case: Any, stack: Stack) -> None:
    # Given a request generated from the document (valid, or breaking it on purpose), with a valid token
    route_key = f"{case.operation.method.upper()} {case.operation.path}"
    pace(route_key)
    # When it is sent through the local stack
    response = case.call(base_url=stack.api_url, headers=stack.headers(USER), timeout=30)
    sent.setdefault(route_key, Counter())[response.status_code] += 1
    # Then the answer is no server error, and its status, media type and body are the documented ones
    case.validate_response(response, checks=CHECKS)
