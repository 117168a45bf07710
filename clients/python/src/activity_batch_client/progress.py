"""A job's progress as a text bar on a stream (stderr by default): redrawn in place on a terminal, one line per
change elsewhere (logs, CI)."""

from __future__ import annotations

from typing import TextIO

from activity_batch_client.models import Job


def render(job: Job, width: int = 30) -> str:
    """``job 1f2e3d4c [#########.....................] 600/2,000 items (30%), 3 failed, running``"""
    total, done = job.total, min(job.processed, job.total)
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    bar = "#" * filled + "." * (width - filled)
    return f"job {job.id[:8]} [{bar}] {done:,}/{total:,} items ({percent}%), {job.failed:,} failed, {job.status}"


class ProgressBar:
    def __init__(self, out: TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width
        self._last = ""
        try:
            self._tty = out.isatty()
        except (AttributeError, ValueError):
            self._tty = False

    def update(self, job: Job) -> None:
        line = render(job, self.width)
        if line == self._last:
            return
        if self._tty:
            self.out.write("\r" + line.ljust(len(self._last)))
        else:
            self.out.write(line + "\n")
        self.out.flush()
        self._last = line

    def close(self) -> None:
        if self._tty and self._last:
            self.out.write("\n")
            self.out.flush()
