"""The local stack (`python -m local.stack`, what `make run` starts) for the HTTP benchmark, started the way the e2e
tests start theirs (tests/e2e/conftest.py): free ports, its own stack file in a temporary directory, its own process
group, and stopped the way Ctrl-C stops it."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import UNREACHABLE_QUOTAS
from local.background import background_stack


@contextlib.contextmanager
def running_stack(extra_env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Start a local stack and yield its stack file's contents (api_url, aws_endpoint_url, users...). Its functions
    count every request against item quotas no benchmark reaches (``UNREACHABLE_QUOTAS``; ``extra_env`` may say
    otherwise)."""
    settings = {**UNREACHABLE_QUOTAS, **(extra_env or {})}
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as tmp, background_stack(Path(tmp), settings) as stack:
        yield stack.info
