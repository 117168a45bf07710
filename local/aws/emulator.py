"""The AWS emulator of the local stack: moto server as a child process on loopback, started, waited for, stopped."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from local import child_process
from local.cfn import ROOT
from local.ports import HOST, free_port, listening
from local.stack_file import StackError

READY_TIMEOUT_S = 30.0


def start_emulator(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """moto server (one request at a time: ``local.aws.moto_server``) as a child process that dies with the stack,
    even on SIGKILL (``child_process``), its request log in ``log_path``. Started from the main thread, which lives
    as long as the stack."""
    command = [sys.executable, "-m", "local.aws.moto_server", "-H", HOST, "-p", str(port)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as output:
        return child_process.start(command, cwd=ROOT, stdout=output, stderr=output)


def wait_for_emulator(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    """Until the emulator listens; StackError (with the end of its log) when it exits or takes too long."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not listening(HOST, port):
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise StackError(f"moto server exited with code {process.returncode}:\n{tail}")
        if time.monotonic() > deadline:
            raise StackError(f"moto server did not listen on {HOST}:{port} within {READY_TIMEOUT_S:.0f} s")
        time.sleep(0.05)


def stop_emulator(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def running_emulator(log_path: Path) -> Iterator[str]:
    """An emulator of its own on a free port while the block runs (the tests of one service): its endpoint URL."""
    port = free_port()
    process = start_emulator(port, log_path)
    try:
        wait_for_emulator(process, port, log_path)
        yield f"http://{HOST}:{port}"
    finally:
        stop_emulator(process)
