"""The Lambda Runtime API (version 2018-06-01) of one execution environment, on a loopback port of its own.

The Runtime Interface Client in the worker asks for the next invocation (``GET /runtime/invocation/next``, which
blocks until there is one) and answers it (``POST .../{request id}/response`` or ``.../error``); a handler that
cannot even be imported is reported with ``POST /runtime/init/error``. The environment (``environment``) hands
invocations in with ``submit`` and waits for their ``Outcome``.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/2018-06-01/runtime"


@dataclass
class Invocation:
    """One event handed to the worker, and what became of it."""

    request_id: str
    event: bytes
    timeout_s: float
    function_arn: str
    trace_id: str = ""
    handed_at: float | None = None
    """``time.monotonic()`` when the worker took it (``next``): its timeout runs from there."""
    result: bytes | None = None
    error: dict[str, Any] | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def finish(self, result: bytes | None = None, error: dict[str, Any] | None = None) -> None:
        if not self.done.is_set():
            self.result, self.error = result, error
            self.done.set()


_STOP = Invocation("", b"", 0, "")
"""Put in the queue to release a worker blocked in ``next`` when the environment stops."""


class RuntimeApi:
    """One environment's Runtime API: a threaded HTTP server on 127.0.0.1 (its own port, since the Runtime
    Interface Client takes a bare ``host:port``), one invocation at a time."""

    def __init__(self) -> None:
        self._pending: queue.Queue[Invocation] = queue.Queue(maxsize=1)
        self._current: Invocation | None = None
        self.initialized = threading.Event()
        """Set when the worker first asks for an invocation: its init (the handler's import) is over."""
        self.initialized_at: float | None = None
        self.init_error: dict[str, Any] | None = None
        self.init_failed = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the client's
            # delayed ACK hold the body back about 40 ms on every call (measured: 6 ms -> 90 ms per request).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass  # one REPORT line per invocation is the log (pool); not one line per Runtime API call

            def do_GET(self) -> None:  # BaseHTTPRequestHandler's naming
                if self.path != f"{PREFIX}/invocation/next":
                    self._answer(HTTPStatus.NOT_FOUND, {"errorMessage": "unknown path"})
                    return
                api._on_next()
                invocation = api._pending.get()
                if invocation is _STOP:
                    self._answer(HTTPStatus.GONE, {"errorMessage": "environment stopped"})
                    return
                invocation.handed_at = time.monotonic()
                api._current = invocation
                deadline_ms = int((time.time() + invocation.timeout_s) * 1000)
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(invocation.event)))
                self.send_header("Lambda-Runtime-Aws-Request-Id", invocation.request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline_ms))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", invocation.function_arn)
                self.send_header("Lambda-Runtime-Trace-Id", invocation.trace_id)
                self.end_headers()
                self.wfile.write(invocation.event)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path.removeprefix(PREFIX).strip("/").split("/")
                if parts == ["init", "error"]:
                    api._on_init_error(_json(body))
                elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                    current = api._current
                    if current is None or current.request_id != parts[1]:
                        self._answer(HTTPStatus.BAD_REQUEST, {"errorMessage": "not the current invocation"})
                        return
                    api._current = None
                    if parts[2] == "response":
                        current.finish(result=body)
                    else:
                        current.finish(error=_json(body) or {"errorType": "Unknown", "errorMessage": ""})
                else:
                    self._answer(HTTPStatus.NOT_FOUND, {"errorMessage": "unknown path"})
                    return
                self._answer(HTTPStatus.ACCEPTED, {"status": "OK"})

            def _answer(self, status: HTTPStatus, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="runtime-api", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        """``AWS_LAMBDA_RUNTIME_API`` for the worker: host:port."""
        port = self._server.server_address[1]
        return f"127.0.0.1:{port}"

    def submit(self, invocation: Invocation) -> None:
        """Hand an invocation to the worker's next ``next`` (the environment runs one at a time)."""
        self._pending.put_nowait(invocation)

    def close(self) -> None:
        """Release a worker blocked in ``next`` and stop serving; an invocation in flight is answered as failed."""
        if self._current is not None:
            self._current.finish(error={"errorType": "Runtime.Stopped", "errorMessage": "environment stopped"})
        try:
            while True:
                self._pending.get_nowait().finish(error={"errorType": "Runtime.Stopped", "errorMessage": "stopped"})
        except queue.Empty:
            pass
        self._pending.put_nowait(_STOP)
        self._server.shutdown()
        self._server.server_close()

    def _on_next(self) -> None:
        if not self.initialized.is_set():
            self.initialized_at = time.monotonic()
            self.initialized.set()

    def _on_init_error(self, error: dict[str, Any] | None) -> None:
        self.init_error = error or {"errorType": "Runtime.Unknown", "errorMessage": ""}
        self.init_failed.set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A worker that was stopped (a timeout, the stack's end) leaves its connection behind: nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _json(body: bytes) -> dict[str, Any] | None:
    try:
        loaded = json.loads(body)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None
