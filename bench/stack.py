"""The local stack (`python -m local.stack`, what `make run` starts) for the HTTP benchmark, started the way the e2e
tests start theirs (tests/e2e/conftest.py): free ports, its own stack file in a temporary directory, its own process
group, and stopped the way Ctrl-C stops it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import PYTHONPATH, ROOT, free_port

START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 15


@contextlib.contextmanager
def running_stack(extra_env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Start a local stack and yield its stack file's contents (api_url, aws_endpoint_url, users...)."""
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as tmp:
        stack_file = Path(tmp) / "stack.json"
        env = {
            **os.environ,
            "API_PORT": str(free_port()),
            "AWS_PORT": str(free_port()),
            "STACK_FILE": str(stack_file),
            "PYTHONPATH": PYTHONPATH,
            **(extra_env or {}),
        }
        log = Path(tmp) / "stack.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "local.stack"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not stack_file.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the local stack did not start:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.1)
            yield json.loads(stack_file.read_text())
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=STOP_TIMEOUT_S)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the stack's own process group: only what it started
