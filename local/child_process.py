"""Child processes that never outlive the local stack, even when it is killed with SIGKILL.

Linux's parent-death signal (``prctl(PR_SET_PDEATHSIG)``) is set in the child between fork and exec: the kernel
kills the child when the thread that started it ends. So every child is started from one long-lived thread (the
main thread for the emulator, ``spawner`` for the functions' workers), never from a short-lived worker thread whose
exit would take the child with it. Elsewhere than Linux, children are still stopped on every normal exit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

    def set_death_signal() -> None:  # runs in the child, between fork and exec
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before the signal was set
            os._exit(1)

    return set_death_signal


def start(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
) -> subprocess.Popen[bytes]:
    """``Popen`` of a child that is killed when this thread ends; call it from a thread that lives as long as the
    stack (the main thread, or ``spawner``)."""
    return subprocess.Popen(
        list(command),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        preexec_fn=_die_with_parent(os.getpid()),  # a prctl call only: see the module's docstring
    )


_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spawner")
"""The one thread that starts the functions' workers: it lives as long as the process (an executor's thread does
not end while the executor is referenced), so their parent-death signal only fires when the stack dies."""
_spawn_lock = threading.Lock()


def spawn(command: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """``start`` on the spawner thread, from any thread."""
    with _spawn_lock:
        return _spawner.submit(start, command, **kwargs).result()
