"""The running stack's description, ``.local/stack.json`` ($STACK_FILE): written by ``local.stack`` when it is ready,
read by `make token`, `make invoke`, the load test and the e2e tests; ``StackError`` when there is no running stack.

    {"pid", "api_url", "aws_endpoint_url", "region", "user_pool_id", "user_pool_client_id",
     "users": [{"username", "password", "role", "org_id"}]}
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from local import cfn
from local.ports import listening

DEFAULT_STACK_FILE = cfn.ROOT / ".local" / "stack.json"

log = logging.getLogger("local.stack")


class StackError(Exception):
    """The stack cannot start or is not running; the message says what to do."""


def stack_file() -> Path:
    return Path(os.environ.get("STACK_FILE") or DEFAULT_STACK_FILE)


def read_stack_file(path: Path | None = None) -> dict[str, Any]:
    """The running stack's description; StackError when no stack is running."""
    path = path or stack_file()
    if not path.exists():
        raise StackError(f"No local stack is running ({path} not found): start one with `make run`.")
    stack: dict[str, Any] = json.loads(path.read_text())
    if not _alive(stack.get("pid")):
        raise StackError(f"{path} is left from a stack that is no longer running: start one with `make run`.")
    endpoint = str(stack["aws_endpoint_url"]).removeprefix("http://")
    host, _, port = endpoint.partition(":")
    if not listening(host, int(port or 80)):
        raise StackError(f"The local stack in {path} is not answering on {stack['aws_endpoint_url']}: `make run`.")
    return stack


def write_stack_file(path: Path, stack: dict[str, Any]) -> None:
    """Atomically: whoever waits for the file never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(stack, indent=2) + "\n")
    partial.replace(path)


def claim_stack_file(path: Path) -> None:
    """Refuse to start over a running stack's file; a stale one (its stack was killed) is replaced."""
    if not path.exists():
        return
    try:
        pid = json.loads(path.read_text()).get("pid")
    except (OSError, ValueError, AttributeError):
        pid = -1
    if pid is not None and _alive(pid) and pid != os.getpid():
        raise StackError(f"{path} belongs to a running stack (pid {pid}): stop it, or set STACK_FILE=")
    log.info("replacing the stale %s", path)
    path.unlink(missing_ok=True)


def _alive(pid: Any) -> bool:
    """Whether the process that wrote a stack file still runs (a file without a pid: assumed so)."""
    if pid is None:
        return True
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True
