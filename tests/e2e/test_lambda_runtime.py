"""The local Lambda runtime (local.lambda_, DESIGN 7): real worker processes running the Runtime Interface Client
against the stack's Runtime API, with the probe function of tests/fixtures/functions. No emulator is needed: the
probe makes no AWS call."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local import cfn
from local.lambda_.environment import Outcome, function_environment
from local.lambda_.pool import FunctionPool, report_line

pytestmark = pytest.mark.e2e

REGION = "us-east-1"
STACK_ONLY = "LOCAL_RUNTIME_TEST_STACK_ONLY"
"""A variable of the stack's own process: no function may see it."""


def probe(name: str, timeout_s: int = 5, environment: dict[str, str] | None = None, folder: str = "probe") -> Any:
    return cfn.FunctionSpec(
        name=name,
        module="",
        attribute="handler",
        timeout_s=timeout_s,
        memory_mb=128,
        environment=environment or {},
        code_uri=f"tests/fixtures/functions/{folder}",
        handler="app.handler",
    )


@pytest.fixture
def pools() -> Iterator[dict[str, FunctionPool]]:
    created: dict[str, FunctionPool] = {}
    os.environ[STACK_ONLY] = "secret of the stack"
    try:
        yield created
    finally:
        os.environ.pop(STACK_ONLY, None)
        for pool in created.values():
            pool.close()


def pool_of(pools: dict[str, FunctionPool], spec: Any, concurrency: int = 1) -> FunctionPool:
    environment = function_environment(spec, "http://127.0.0.1:9", REGION)
    pools[spec.name] = FunctionPool(spec, environment, REGION, concurrency)
    return pools[spec.name]


def call(pool: FunctionPool, **event: Any) -> Outcome:
    return pool.invoke(json.dumps(event).encode())


def result(outcome: Outcome) -> dict[str, Any]:
    assert outcome.error is None, outcome.error
    assert outcome.result is not None
    loaded: dict[str, Any] = json.loads(outcome.result)
    return loaded


def test_each_function_sees_its_own_environment_only(pools: dict[str, FunctionPool]) -> None:
    # Given two functions with a variable each in the template
    first = pool_of(pools, probe("First", environment={"FIRST_ONLY": "1"}))
    second = pool_of(pools, probe("Second", environment={"SECOND_ONLY": "2"}))
    # When each reports its environment
    seen_first = result(call(first))["environ"]
    seen_second = result(call(second))["environ"]
    # Then neither sees the other's, nor anything of the stack's own process, and each is in its own process
    assert seen_first["FIRST_ONLY"] == "1"
    assert "SECOND_ONLY" not in seen_first
    assert seen_second["SECOND_ONLY"] == "2"
    assert "FIRST_ONLY" not in seen_second
    assert STACK_ONLY not in seen_first
    assert STACK_ONLY not in seen_second
    assert seen_first["AWS_LAMBDA_FUNCTION_NAME"] == "First"
    assert seen_second["AWS_LAMBDA_FUNCTION_NAME"] == "Second"


def test_the_worker_runs_as_in_lambda(pools: dict[str, FunctionPool]) -> None:
    # Lambda's /var/task is the function's folder, its working directory; the layer is on the path (/opt/python)
    answer = result(call(pool_of(pools, probe("Probe", timeout_s=5))))
    assert answer["cwd"] == str(cfn.ROOT / "tests" / "fixtures" / "functions" / "probe")
    assert answer["environ"]["LAMBDA_TASK_ROOT"] == answer["cwd"]
    assert str(cfn.ROOT / "layers" / "shared") in answer["environ"]["PYTHONPATH"].split(os.pathsep)
    assert answer["function_name"] == "Probe"
    assert 0 < answer["remaining_ms"] <= 5000  # the context counts down from the function's Timeout
    assert answer["pid"] != os.getpid()


def test_an_overrunning_handler_is_stopped_at_its_timeout_and_the_next_request_is_answered(
    pools: dict[str, FunctionPool],
) -> None:
    pool = pool_of(pools, probe("Slow", timeout_s=1))
    first = result(call(pool))
    # When an invocation runs past the function's 1 s Timeout
    overrun = call(pool, action="sleep", seconds=30)
    # Then it is answered as timed out, and its environment is gone
    assert overrun.timed_out
    assert overrun.error is not None
    assert overrun.error["errorType"] == "Sandbox.Timedout"
    with pytest.raises(ProcessLookupError):
        os.kill(first["pid"], 0)
    # And the next request is answered, by a new environment with a cold start of its own
    after = call(pool)
    assert result(after)["pid"] != first["pid"]
    assert after.init_duration_ms is not None


def test_two_slow_requests_to_one_function_overlap(pools: dict[str, FunctionPool]) -> None:
    pool = pool_of(pools, probe("Overlapping", timeout_s=10), concurrency=2)
    answers: list[dict[str, Any]] = []

    def slow() -> None:
        answers.append(result(call(pool, action="sleep", seconds=1.0)))

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Two environments ran at once: each began before the other ended
    assert len({answer["pid"] for answer in answers}) == 2
    assert max(a["begin"] for a in answers) < min(a["end"] for a in answers)
    assert pool.environments == 2


def test_a_warm_environment_is_reused_without_a_new_init(pools: dict[str, FunctionPool]) -> None:
    pool = pool_of(pools, probe("Warm"))
    cold, warm = call(pool), call(pool)
    assert result(cold)["pid"] == result(warm)["pid"]
    assert result(cold)["started"] == result(warm)["started"]  # the module was imported once
    assert cold.init_duration_ms is not None
    assert warm.init_duration_ms is None


def test_a_handler_that_raises_is_a_failed_invocation_and_the_environment_lives_on(
    pools: dict[str, FunctionPool],
) -> None:
    pool = pool_of(pools, probe("Failing"))
    before = result(call(pool))
    failed = call(pool, action="fail")
    assert failed.error is not None
    assert failed.error["errorType"] == "ValueError"
    assert result(call(pool))["pid"] == before["pid"]


def test_an_init_error_fails_the_invocation(pools: dict[str, FunctionPool]) -> None:
    pool = pool_of(pools, probe("Broken", folder="broken"))
    for _ in range(2):  # each invocation meets a new environment whose init fails again, as in Lambda
        outcome = call(pool)
        assert outcome.result is None
        # reported by the Runtime Interface Client through /runtime/init/error
        assert outcome.error is not None
        assert outcome.error["errorType"] == "RuntimeError"
        assert outcome.init_duration_ms is not None
    assert pool.environments == 0


def test_the_report_line_has_lambdas_fields() -> None:
    cold = Outcome("rid-1", b"{}", None, 12.345, 801.5, 60)
    line = report_line(probe("Probe"), cold)
    assert line.startswith("Probe REPORT RequestId: rid-1\tDuration: 12.35 ms\tBilled Duration: 13 ms")
    assert "Memory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 801.50 ms" in line
    warm = Outcome("rid-2", b"{}", None, 3.0, None, 61)
    assert "Init Duration" not in report_line(probe("Probe"), warm)


def test_closing_a_pool_stops_an_invocation_in_flight_and_starts_none_after(
    pools: dict[str, FunctionPool], tmp_path: Path
) -> None:
    # The SQS consumer fixture records an event before it works on it: then the invocation is surely in flight
    records = tmp_path / "records.jsonl"
    pool = pool_of(pools, probe("Closing", 60, {"RECORD_FILE": str(records)}, folder="sqs_consumer"))
    body = json.dumps({"action": "sleep", "seconds": 50})
    event = {"Records": [{"messageId": "m-1", "body": body, "attributes": {"ApproximateReceiveCount": "1"}}]}
    outcomes: list[Outcome] = []
    sleeping = threading.Thread(target=lambda: outcomes.append(pool.invoke(json.dumps(event).encode())))
    sleeping.start()
    deadline = time.monotonic() + 30
    while not records.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    pid = json.loads(records.read_text())["pid"]
    # When the pool is closed (the stack stopping) while the handler works
    pool.close()
    sleeping.join(timeout=30)
    # Then the invocation is answered as failed, its environment is gone, and no invocation starts after
    assert not sleeping.is_alive()
    (outcome,) = outcomes
    assert outcome.error is not None
    assert outcome.result is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="stopping"):
        call(pool)
