"""Every log line of the test session, kept for tests/test_log_privacy.py (a pytest plugin, see tests/conftest.py).

Three sources, so that nothing written during the integration and e2e tests escapes the check:
- a handler on the root logger and on every logger that does not propagate to it (the functions' powertools logger
  among them): each record with its message, its extra fields and its exception, whatever a test does with its
  output;
- the output pytest captured for each test (stdout, stderr, log): prints, EMF metrics, anything not logged;
- the log files of the e2e tests' local stack (a subprocess writes them, under the session's base temp directory).

``tests/test_log_privacy.py`` is moved to the end of the run, when all of it has been written.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from local.demo import ids
from local.demo.children import generate_children
from local.demo.core import CORE_CHILDREN

PRIVACY_TEST = "test_log_privacy.py"

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class _Keeper(logging.Handler):
    """Keeps every record as text: message, extra fields (where powertools puts ``extra=``) and exception."""

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines = lines

    def filter(self, record: logging.LogRecord) -> bool:
        # Filters others add to the root logger's handlers do not apply: powertools adds one that drops its own
        # logger's records there (they are printed by its handler already), and those are the ones to check.
        return True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: keep both as they are
            message = f"{record.msg!r} {record.args!r}"
        extra = {key: value for key, value in vars(record).items() if key not in _STANDARD}
        text = f"{record.levelname} {record.name} {message} {extra}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + "".join(traceback.format_exception(record.exc_info[1]))
        self.lines.append((f"logger {record.name}", text))


@dataclass
class Captured:
    """What the session wrote so far, as (source, text) pairs."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    suites: set[str] = field(default_factory=set)
    """The test folders (unit, integration, e2e) whose tests ran so far."""
    handler: _Keeper = field(init=False)

    def __post_init__(self) -> None:
        self.handler = _Keeper(self.lines)

    def attach(self) -> None:
        """Keep the records of the root logger and of every logger that does not propagate to it (loggers appear
        as modules are imported, so this runs before every test)."""
        loggers = [logging.getLogger()] + [
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger) and not logger.propagate
        ]
        for logger in loggers:
            if self.handler not in logger.handlers:
                logger.addHandler(self.handler)

    def detach(self) -> None:
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            if isinstance(logger, logging.Logger) and self.handler in logger.handlers:
                logger.removeHandler(self.handler)

    @staticmethod
    def stack_logs(basetemp: Path) -> list[Path]:
        """The e2e stack's log files: stack.log (its stdout and stderr) and the emulator's moto.log beside it, in
        the directory tests/e2e/conftest.py makes with ``tmp_path_factory.mktemp("stack")``."""
        return sorted(path for path in basetemp.glob("stack*/*.log") if path.is_file())


session = Captured()
"""The running session's capture (one session per process)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The privacy check runs last, once every other test has written its logs."""
    items.sort(key=lambda item: item.path.name == PRIVACY_TEST)


def pytest_runtest_setup(item: pytest.Item) -> None:
    session.attach()
    session.suites.add(item.path.parent.name)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for title, content in report.sections:
        if content:
            session.lines.append((f"{report.nodeid}: {title}", content))


def pytest_unconfigure(config: pytest.Config) -> None:
    session.detach()


# --- what must never be logged -----------------------------------------------------------------------------------

_NAME = re.compile(r"(?<![A-Za-z])(?=([A-Z][a-z]+ [A-Z][a-z]+)(?![A-Za-z]))")
"""Every pair of capitalized words, overlapping pairs included: the form of every child's name in the data."""
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_DATE_REPR = re.compile(r"date\(\d{4}, \d{1,2}, \d{1,2}\)")


def demo_and_test_children() -> list[tuple[str, str, date]]:
    """(id, name, birth date) of every child in the demo and test data: the core children, and the generated ones
    of every classroom as the tests (at the reference date) and the local stack (at today's date, or yesterday's
    around midnight) make them, more than either uses (the generator gives the same first children for a classroom
    whatever the count)."""
    children = list(CORE_CHILDREN)
    for today in (ids.REFERENCE_DATE, date.today(), date.today() - timedelta(days=1)):
        for org_id, classrooms in ids.CLASSROOMS.items():
            for classroom_id in classrooms:
                children.extend(generate_children(org_id, classroom_id, 60, today=today))
    return [(child.id, child.name, child.birth_date) for child in children]


@dataclass(frozen=True)
class PersonalData:
    """The names and birth dates to look for, by the way they would be written."""

    names: dict[str, str] = field(repr=False)
    dates: dict[str, str] = field(repr=False)

    @classmethod
    def of(cls, children: Iterable[tuple[str, str, date]]) -> PersonalData:
        names: dict[str, str] = {}
        dates: dict[str, str] = {}
        for child_id, name, born in children:
            if name not in {match.group(1) for match in _NAME.finditer(name)}:
                raise ValueError(f"the name of child {child_id} is not two capitalized words: extend the check")
            names[name] = f"name of child {child_id}"
            dates[born.isoformat()] = f"birth date of child {child_id}"
            dates[f"date({born.year}, {born.month}, {born.day})"] = f"birth date of child {child_id}"
        return cls(names, dates)

    def find(self, text: str) -> list[tuple[str, str]]:
        """(term, what it is) for every name or birth date in ``text``."""
        found = [(m.group(1), self.names[m.group(1)]) for m in _NAME.finditer(text) if m.group(1) in self.names]
        for pattern in (_ISO_DATE, _DATE_REPR):
            found.extend(
                (m.group(0), self.dates[m.group(0)]) for m in pattern.finditer(text) if m.group(0) in self.dates
            )
        return found

    def leaks(self, lines: Iterable[tuple[str, str]]) -> list[str]:
        """One description per finding, with the source and some context."""
        described = []
        for source, text in lines:
            for term, what in self.find(text):
                at = text.index(term)
                described.append(f"{what} in {source}: ...{text[max(0, at - 60) : at + 60]!r}...")
        return described
