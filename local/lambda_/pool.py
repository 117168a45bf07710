"""The execution environments of one function: reused while warm, started on demand up to ``concurrency`` at once
(each with a real cold start), and a REPORT line per invocation, as Lambda writes to CloudWatch."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import IO, Any

from local import cfn
from local.lambda_.environment import ExecutionEnvironment, Outcome

log = logging.getLogger("local.lambda")

DEFAULT_CONCURRENCY = 3
"""Environments per function at most (``LAMBDA_CONCURRENCY``): enough to show concurrency on a 2-core machine."""


class FunctionPool:
    """Thread-safe: the gateway calls ``invoke`` from many threads at once."""

    def __init__(
        self,
        spec: cfn.FunctionSpec,
        environment: Mapping[str, str],
        region: str,
        concurrency: int = DEFAULT_CONCURRENCY,
        output: IO[Any] | None = None,
    ) -> None:
        """``output``: where the workers' own output goes (default: the stack's, as Lambda sends it to CloudWatch)."""
        self.spec = spec
        self.output = output
        self.environment = dict(environment)
        self.region = region
        self.concurrency = max(1, concurrency)
        self._idle: list[ExecutionEnvironment] = []
        self._busy: set[ExecutionEnvironment] = set()
        self._running = 0
        self._changed = threading.Condition()
        self._closed = False

    def invoke(self, event: bytes, request_id: str | None = None) -> Outcome:
        """Run one invocation in a warm environment, or a new one; waits while ``concurrency`` are busy."""
        environment = self._acquire()
        try:
            outcome = environment.invoke(event, request_id)
        finally:
            self._release(environment)
        log.info(report_line(self.spec, outcome))
        return outcome

    def _acquire(self) -> ExecutionEnvironment:
        with self._changed:
            while True:
                if self._closed:
                    raise RuntimeError(f"{self.spec.name}: the local stack is stopping")
                while self._idle:
                    environment = self._idle.pop()  # the most recently used: the warmest
                    if environment.alive:
                        self._running += 1
                        self._busy.add(environment)
                        return environment
                    environment.stop()
                if self._running < self.concurrency:
                    self._running += 1
                    break
                self._changed.wait()
        try:
            environment = ExecutionEnvironment(self.spec, self.environment, self.region, self.output)
        except BaseException:
            with self._changed:
                self._running -= 1
                self._changed.notify()
            raise
        with self._changed:
            if not self._closed:
                self._busy.add(environment)
                return environment
            self._running -= 1
        environment.stop()  # the pool closed while it started
        raise RuntimeError(f"{self.spec.name}: the local stack is stopping")

    def _release(self, environment: ExecutionEnvironment) -> None:
        with self._changed:
            self._running -= 1
            self._busy.discard(environment)
            if environment.alive and not self._closed:
                self._idle.append(environment)
            else:
                environment.stop()
            self._changed.notify()

    @property
    def environments(self) -> int:
        """Environments alive now (busy or idle)."""
        with self._changed:
            return self._running + sum(1 for e in self._idle if e.alive)

    def close(self) -> None:
        """Stop every environment, busy ones included: an invocation in flight is answered as failed, as when
        Lambda shuts an environment down; no invocation starts after this."""
        with self._changed:
            self._closed = True
            stopping, self._idle = [*self._idle, *self._busy], []
            self._changed.notify_all()
        for environment in stopping:
            environment.stop()


def report_line(spec: cfn.FunctionSpec, outcome: Outcome) -> str:
    """Lambda's REPORT line: duration, billed duration, memory, max memory used, and the init duration of a cold
    start; the function's name in front, since every function writes to the same console here."""
    line = (
        f"{spec.name} REPORT RequestId: {outcome.request_id}\tDuration: {outcome.duration_ms:.2f} ms\t"
        f"Billed Duration: {int(outcome.duration_ms) + 1} ms\tMemory Size: {spec.memory_mb} MB\t"
        f"Max Memory Used: {outcome.max_memory_mb} MB"
    )
    if outcome.init_duration_ms is not None:
        line += f"\tInit Duration: {outcome.init_duration_ms:.2f} ms"
    if outcome.timed_out:
        line += "\tStatus: timeout"
    elif outcome.error is not None:
        line += f"\tStatus: error ({outcome.error.get('errorType', 'Unknown')})"
    return line


def pools(
    specs: Mapping[str, cfn.FunctionSpec],
    environments: Mapping[str, Mapping[str, str]],
    region: str,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> dict[str, FunctionPool]:
    return {name: FunctionPool(spec, environments[name], region, concurrency) for name, spec in specs.items()}
