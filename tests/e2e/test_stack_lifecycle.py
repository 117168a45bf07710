"""The local stack's processes (DESIGN 7): nothing it started outlives it, even when it is killed with SIGKILL,
and a stack file it left behind is replaced by the next stack. A stack of its own, since this test kills it."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from local.aws.cognito import initiate_auth
from local.background import background_stack
from local.demo import ids
from local.demo.users import DEMO_PASSWORD
from tests.e2e.conftest import Stack, unthrottled

USER = "teacher@sunrise.example"

pytestmark = pytest.mark.e2e


def children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left for its parent


def listening(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc (Linux)")
def test_a_killed_stack_leaves_no_process_and_its_stack_file_is_replaced(tmp_path: Path) -> None:
    with background_stack(tmp_path) as stack:
        info = stack.info
        # Given a stack with a function's worker running (one request started it)
        token = initiate_auth(
            info["aws_endpoint_url"],
            info["region"],
            info["user_pool_client_id"],
            USER,
            DEMO_PASSWORD,
        )["AccessToken"]
        response = httpx.get(
            f"{info['api_url']}/api/v1/activities/{ids.PUBLIC_BLOCKS}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 200
        started = children_of(stack.process.pid)
        assert len(started) >= 2  # the emulator and the worker (at least)
        # When the stack is killed with SIGKILL (no cleanup of its own can run)
        os.kill(stack.process.pid, signal.SIGKILL)
        stack.process.wait(timeout=10)
        # Then everything it started ends with it: the emulator's port closes and no worker is left
        for _ in range(100):
            if not any(running(pid) for pid in started) and not listening(info["aws_endpoint_url"]):
                break
            time.sleep(0.1)
        assert [pid for pid in started if running(pid)] == []
        assert not listening(info["aws_endpoint_url"])
        left = json.loads(stack.stack_file.read_text())
        assert left["pid"] == stack.process.pid  # the stale file it could not remove
    # And the next stack with the same stack file starts, and replaces it
    with background_stack(tmp_path) as again:
        assert json.loads(again.stack_file.read_text())["pid"] == again.process.pid != left["pid"]


def test_the_stack_logs_a_report_line_per_invocation_with_the_cold_starts_init_duration(
    api: httpx.Client, stack: Stack
) -> None:
    response = unthrottled(lambda: api.get(f"/api/v1/activities/{ids.PUBLIC_BLOCKS}", headers=stack.headers(USER)))
    assert response.status_code == 200
    log = stack.log.read_text(errors="replace")
    assert stack.invoked(response.headers["apigw-requestid"])
    reports = [line for line in log.splitlines() if " REPORT RequestId: " in line]
    assert reports, "no REPORT line in the stack's log"
    assert any("\tInit Duration: " in line for line in reports)
    assert all("Max Memory Used: " in line for line in reports)
