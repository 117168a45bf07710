"""A real HTTP receiver of webhooks for the tests: a ``http.server`` in a thread on 127.0.0.1 that records every
request (path, headers, body), counts the connections it accepted, and answers the statuses a test asks for, in
order (then ``default``); a 3xx carries a ``Location``. Optionally over TLS (``tls``: a server context)."""

from __future__ import annotations

import http.server
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes


@dataclass
class Receiver:
    answers: list[int] = field(default_factory=list)
    default: int = 200
    location: str = "/elsewhere"
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    scheme: str = "http"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hooks", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def next_status(self) -> int:
        with self._lock:
            return self.answers.pop(0) if self.answers else self.default

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def wait_for(self, count: int, timeout_s: float = 60.0) -> list[Received]:
        """The first ``count`` requests, once they arrived (fails after ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received[:count])
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received)} of {count} webhook deliveries arrived within {timeout_s:.0f} s")


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            receiver.record(Received(self.path, headers, body))
            status = receiver.next_status()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    receiver: Receiver

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.receiver._lock:
            self.receiver.connections += 1
        return True


@contextmanager
def receiving(
    answers: list[int] | None = None, default: int = 200, tls: ssl.SSLContext | None = None
) -> Iterator[Receiver]:
    receiver = Receiver(answers=list(answers or []), default=default, scheme="https" if tls else "http")
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    server.receiver = receiver
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
