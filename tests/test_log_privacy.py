"""No log line written during the test session carries a child's name or birth date (DESIGN 4: logs carry ids).

Runs last (tests/log_privacy.py orders it so): by then the integration tests have run the handlers in this process
and the e2e tests have driven the local stack, whose logs are files. Run alone, it checks only its own controls.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from local.demo import ids
from local.demo.core import CORE_CHILDREN
from tests import log_privacy
from tests.log_privacy import PersonalData, demo_and_test_children

AVA = next(child for child in CORE_CHILDREN if child.id == ids.CHILD_AVA)


@pytest.fixture(scope="module")
def personal_data() -> PersonalData:
    return PersonalData.of(demo_and_test_children())


def test_the_check_finds_names_and_birth_dates_in_any_form(personal_data: PersonalData) -> None:
    # The controls: the check below can fail
    line = f'{{"message": "scored", "child": "{AVA.name}", "born": "{AVA.birth_date.isoformat()}"}}'
    assert {what for _, what in personal_data.find(line)} == {
        f"name of child {AVA.id}",
        f"birth date of child {AVA.id}",
    }
    assert personal_data.find(f"Child(name='x', birth_date=datetime.date({AVA.birth_date.year}, 1, 10))")
    assert personal_data.find(f"Hello {AVA.name}!")  # a name right after another capitalized word
    assert not personal_data.find(f"child {AVA.id} scored on 2026-11-26")


def test_the_capture_keeps_what_the_functions_logger_writes(caplog: pytest.LogCaptureFixture) -> None:
    # Given the functions' powertools logger, whose records do not propagate to the root logger
    from early_learning.observability import logger

    log_privacy.session.attach()
    # When it logs with extra fields / Then the capture has the line, extra fields included
    logger.info("privacy-capture-control", extra={"probe": "kept"})
    kept = [text for _, text in log_privacy.session.lines if "privacy-capture-control" in text]
    assert kept
    assert "kept" in kept[-1]


def test_no_log_line_of_the_session_carries_a_childs_name_or_birth_date(
    personal_data: PersonalData, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Given every line logged or printed so far in this session, and the e2e stack's log files
    captured = log_privacy.session
    lines = list(captured.lines)
    stack_logs = captured.stack_logs(tmp_path_factory.getbasetemp())
    lines.extend((str(path), path.read_text(errors="replace")) for path in stack_logs)
    # (and they were found: the functions log "batch processed" for every batch they answer)
    if "integration" in captured.suites:
        assert any("batch processed" in text for source, text in captured.lines if source.startswith("logger "))
    if "e2e" in captured.suites:
        assert any(path.name == "stack.log" and "batch processed" in path.read_text() for path in stack_logs)
    # Then none of them carries a child's name or birth date
    leaks = personal_data.leaks(lines)
    assert not leaks, "\n".join(leaks[:20])


def test_the_stack_log_files_are_where_the_e2e_conftest_writes_them() -> None:
    # The e2e stack writes stack.log (local/background.py; the emulator's moto.log beside it) in the directory the
    # e2e conftest makes with tmp_path_factory.mktemp("stack"): stack0, stack1...
    conftest = (Path(__file__).parent / "e2e" / "conftest.py").read_text()
    background = (Path(__file__).parent.parent / "local" / "background.py").read_text()
    assert 'mktemp("stack")' in conftest
    assert '"stack.log"' in background
