"""The local stack (`python -m local.stack`, what `make run` starts) once per test session, on free ports and with
its own stack file, so a developer's running stack is neither used nor disturbed. Tests talk to it over HTTP."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from local.aws.cognito import initiate_auth
from local.background import StackDidNotStart, background_stack

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
SESSION_SETTINGS = {"READ_QUOTA_ITEMS": "100000000", "WRITE_QUOTA_ITEMS": "100000000"}
"""Settings of the session's stack (``make run`` hands them to every function): the item quotas raised far above what
the whole session spends, so that no test meets a quota's 429 but tests/e2e/test_quotas.py, on a stack of its own."""


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a private event loop. Unlike asyncio.run(), this leaves the thread's current event loop
    alone (asyncio.run() unsets it, and Mangum, which the integration tests call in-process, needs one)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def listening(url: str) -> bool:
    host, _, port = url.removeprefix("http://").partition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Stack:
    """A running local stack: what its stack file says, plus the environment to run the CLIs against it."""

    info: dict[str, Any]
    env: dict[str, str]
    log: Path
    _tokens: dict[tuple[str, bool], str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return str(self.info["api_url"])

    @property
    def aws_endpoint_url(self) -> str:
        return str(self.info["aws_endpoint_url"])

    def auth(self, username: str, password: str | None = None) -> dict[str, str]:
        """Cognito InitiateAuth (USER_PASSWORD_AUTH) against the emulator, as a mobile app signs in."""
        passwords = {user["username"]: user["password"] for user in self.info["users"]}
        return initiate_auth(
            self.aws_endpoint_url,
            self.info["region"],
            self.info["user_pool_client_id"],
            username,
            password or passwords[username],
        )

    def token(self, username: str, *, id_token: bool = False) -> str:
        key = (username, id_token)
        if key not in self._tokens:
            result = self.auth(username)
            self._tokens[key] = result["IdToken"] if id_token else result["AccessToken"]
        return self._tokens[key]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def invoked(self, request_id: str) -> bool:
        """Whether the gateway invoked a function for this request (its log has the invocation line)."""
        return f" request {request_id}" in self.log.read_text(errors="replace")

    def run_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60
        )


def unthrottled(send: Callable[[], httpx.Response]) -> httpx.Response:
    """``send()``'s answer once it is not a 429: the gateway throttles before it authorizes or reads the body, and
    other tests may have used the route's burst, so a 429 is sent again after a pause (20 times at most)."""
    response = send()
    for _ in range(20):
        if response.status_code != 429:
            break
        time.sleep(0.25)
        response = send()
    return response


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Given a local stack started as `make run` does; after the session it is stopped the way Ctrl-C stops it,
    and must leave nothing behind: no process, no emulator listening, no stack file."""
    try:
        with background_stack(tmp_path_factory.mktemp("stack"), SESSION_SETTINGS) as background:
            started = Stack(background.info, background.env, background.log)
            yield started

            assert background.stop() == 0, background.log.read_text(errors="replace")[-3000:]
            assert not listening(started.aws_endpoint_url), "the emulator outlived the stack"
            assert not listening(started.api_url)
            assert not background.stack_file.exists()
    except StackDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        yield client
