"""Start the local stack (`python -m local.stack`, what `make run` runs) in the background on free loopback ports,
for the e2e tests, the benchmarks and the load test: its own stack file, its own process group, stopped the way
Ctrl-C stops it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHONPATH = os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)])
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 15


class StackDidNotStart(RuntimeError):
    pass


@dataclass
class BackgroundStack:
    info: dict[str, Any]
    """The stack file's contents: api_url, aws_endpoint_url, region, user pool and client ids, users."""
    env: dict[str, str]
    log: Path
    stack_file: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> int | None:
        """SIGINT, as Ctrl-C: wait for a clean exit (killed past the timeout); the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        return self.process.returncode


def _written_by(stack_file: Path, pid: int) -> bool:
    try:
        return bool(json.loads(stack_file.read_text()).get("pid") == pid)
    except (OSError, ValueError, AttributeError):
        return False


@contextlib.contextmanager
def background_stack(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[BackgroundStack]:
    """A running stack whose files live in ``workdir``; on exit it is stopped and its process group killed."""
    stack_file = workdir / "stack.json"
    env = {
        **os.environ,
        "API_PORT": str(free_port()),
        "AWS_PORT": str(free_port()),
        "STACK_FILE": str(stack_file),
        "PYTHONPATH": PYTHONPATH,
        **(extra_env or {}),
    }
    log = workdir / "stack.log"
    with log.open("wb") as output:
        # Its own session, so that whatever is left at the end can be killed as a group.
        process = subprocess.Popen(
            [sys.executable, "-m", "local.stack"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = BackgroundStack({}, env, log, stack_file, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _written_by(stack_file, process.pid):  # a stale file of a killed stack does not count
            if process.poll() is not None or time.monotonic() > deadline:
                raise StackDidNotStart(f"the local stack did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        started.info = json.loads(stack_file.read_text())
        yield started
    finally:
        started.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the stack's own process group: only what it started
