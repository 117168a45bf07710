"""The TypeScript client (clients/typescript) through Node's test runner, against the session's local stack: its
dependencies installed from its lock file (``npm ci``, offline when npm's cache holds them), compiled with ``tsc``
(the guide's examples included: they must type-check), then ``node --test`` with the stack's URL and tokens. Without
Node the module is skipped, saying so (``make test`` prints the reason)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Stack

pytestmark = pytest.mark.e2e

CLIENT = ROOT / "clients" / "typescript"
NPM = shutil.which("npm")
NODE = shutil.which("node")
TESTS = 12
"""node --test's tests: the unit tests (fake fetch) and those against the stack."""


def npm(*args: str) -> subprocess.CompletedProcess[str]:
    assert NPM is not None
    return subprocess.run(
        [NPM, *args], cwd=CLIENT, capture_output=True, text=True, timeout=300, check=False, env=os.environ.copy()
    )


@pytest.fixture(scope="module")
def built() -> Path:
    """Given the client installed from its lock file and compiled."""
    if NPM is None or NODE is None:
        pytest.skip("Node.js is not installed: the TypeScript client's tests did not run (install Node 20 or later)")
    installed = npm("ci", "--prefer-offline", "--no-audit", "--no-fund")
    assert installed.returncode == 0, installed.stderr[-3000:]
    compiled = npm("run", "build")
    assert compiled.returncode == 0, (compiled.stdout + compiled.stderr)[-5000:]
    return CLIENT / "dist"


def test_the_typescript_client_passes_its_tests_against_the_local_stack(stack: Stack, built: Path) -> None:
    assert NODE is not None
    env = {
        **os.environ,
        "API_URL": stack.api_url,
        "ADMIN_TOKEN": stack.token("admin@sunrise.example"),
        "TEACHER_TOKEN": stack.token("teacher@sunrise.example"),
    }
    ran = subprocess.run(
        [NODE, "--test", "dist/test/"], cwd=CLIENT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    summary = dict(re.findall(r"^# (tests|pass|fail|skipped|cancelled) (\d+)$", ran.stdout, re.MULTILINE))
    assert ran.returncode == 0, ran.stdout[-6000:] + ran.stderr[-2000:]
    assert summary == {"tests": str(TESTS), "pass": str(TESTS), "fail": "0", "skipped": "0", "cancelled": "0"}


def test_the_generated_types_are_those_of_openapi_json(built: Path) -> None:
    checked = npm("run", "--silent", "check-generated")
    assert checked.returncode == 0, (checked.stdout + checked.stderr)[-3000:]


def test_the_lock_file_names_no_registry() -> None:
    lock = (CLIENT / "package-lock.json").read_text()
    assert '"resolved"' not in lock
    assert "omit-lockfile-registry-resolved=true" in (CLIENT / ".npmrc").read_text().splitlines()
