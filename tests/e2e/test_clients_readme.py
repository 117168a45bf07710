"""README's "Clients" section is true: its Python examples (the users' guide's examples as calls of the client) run
as written, one after another in one interpreter, against the local stack, and print what their comments say; its
TypeScript example is the file that the TypeScript client's tests compile and run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, Stack

pytestmark = pytest.mark.e2e

README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", section("Clients"), re.MULTILINE | re.DOTALL)


def test_the_python_examples_run_against_the_stack_and_print_what_they_say(stack: Stack) -> None:
    # Given the section's Python blocks, and the environment its text tells a reader to export
    code = "\n".join(blocks("python"))
    assert "from activity_batch_client import Client" in code
    env = {**os.environ, "API_URL": stack.api_url, "TOKEN": stack.token("admin@sunrise.example")}
    # When they run in a fresh interpreter (as a reader pastes them into one)
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert ran.returncode == 0, ran.stderr[-5000:]
    # Then they print what their comments say
    lines = ran.stdout.splitlines()
    assert lines[:3] == ["Activity: Block Tower Challenge", "Error: 404 not_found", "Activity: Rhyme Time Circle"]
    assert re.fullmatch(r"100 activities; \d+ children with recommendations", lines[3])
    assert lines[4:10] == [
        "[('not-a-uuid', 400, 'invalid_id')]",
        "1000 activities",
        "version_conflict 2",
        "[(424, 'rolled_back'), (422, 'invalid_item')]",
        "True",
        "1000 results from index 0",
    ]
    assert lines[10:] == ["1000 results from index 1000", "400"]
    # And the job's progress bar went to stderr, ending complete
    assert "2,000/2,000 items (100%), 0 failed, completed" in ran.stderr


def test_the_typescript_example_is_the_file_the_typescript_tests_run() -> None:
    (example,) = blocks("typescript")
    assert example == (ROOT / "clients" / "typescript" / "examples" / "guide.ts").read_text()
