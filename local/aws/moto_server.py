"""moto server answering one DynamoDB request at a time, and one SQS request at a time: the local stack's emulator.

    python -m local.aws.moto_server -H 127.0.0.1 -p 5000

moto's backends are not thread-safe, and ``moto_server`` serves each connection on a thread of its own: two
TransactWriteItems at once (a batch write's concurrent items, PATCHes from several execution environments) fail with
500s, because moto deep-copies the tables of a transaction without a lock while another request changes them
("dictionary changed size during iteration"); and a SendMessage served while a DeleteMessage rebuilds the queue's
message list is lost. This is ``moto_server`` (the same application, request handler and keep-alive connections)
with every DynamoDB request served under one lock, and every SQS request under another. A ReceiveMessage's long poll
(``WaitTimeSeconds``, or the queue's ``ReceiveMessageWaitTimeSeconds``) never holds the SQS lock while it waits: it
is served as short polls under the lock, waiting between them without it until another SQS request was served (a
message may have arrived) or ``SHORT_POLL_S`` passed (an in-flight message may have become visible again), so that
the SQS event source's pollers (``local.lambda_.event_sources``) block neither each other nor the senders. Other
services (Cognito) are served as moto serves them. moto is pure Python, so requests served at once would share one
interpreter lock anyway: little is lost. SQS is served this way for clients of its JSON protocol (boto3's); its
older query protocol is served as moto serves it.

``GET /_local/dynamodb/busy`` answers how long DynamoDB requests have been served in all (``busy_s``, seconds under
the lock) and how many (``requests``): what the benchmarks subtract to tell the emulator's time from the stack's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

BUSY_PATH = "/_local/dynamodb/busy"
SQS_TARGET = "AmazonSQS."
SHORT_POLL_S = 0.1
"""How often a waiting long poll looks again when no SQS request woke it (moto's own long polls: every second)."""

Answer = tuple[str, list[tuple[str, str]], bytes]


class OneAtATime:
    """A WSGI application that serves DynamoDB requests (``X-Amz-Target: DynamoDB_...``) one at a time, each answer
    read whole under the lock, and counts their time; and SQS requests (``AmazonSQS.*``) one at a time, under a lock
    of their own that a long poll releases while it waits."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.busy_s = 0.0
        self.requests = 0
        self.sqs_changed = threading.Condition()
        """Held while moto serves an SQS request; notified after each one but a ReceiveMessage."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == BUSY_PATH:
            body = json.dumps({"busy_s": self.busy_s, "requests": self.requests}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if target.startswith(SQS_TARGET):
            status, headers, body = self._sqs(environ, target.removeprefix(SQS_TARGET))
            start_response(status, headers)
            return [body]
        if not target.startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            started = time.perf_counter()
            answer = self.app(environ, start_response)
            try:
                return list(answer)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
                self.busy_s += time.perf_counter() - started
                self.requests += 1

    def _sqs(self, environ: dict[str, Any], action: str) -> Answer:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self.sqs_changed:
            if action != "ReceiveMessage":
                answer = self._serve(environ, body)
                self.sqs_changed.notify_all()
                return answer
            request = _json(body)
            wait_s = request.get("WaitTimeSeconds")
            if wait_s is None:
                wait_s = self._queue_wait_s(environ, request.get("QueueUrl"))
            if not isinstance(wait_s, int) or not 0 < wait_s <= 20:
                return self._serve(environ, body)  # a short poll, or a value moto refuses
            short = json.dumps({**request, "WaitTimeSeconds": 0}).encode()
            deadline = time.monotonic() + wait_s
            while True:
                answer = self._serve(environ, short)
                remaining = deadline - time.monotonic()
                if not answer[0].startswith("200") or _json(answer[2]).get("Messages") or remaining <= 0:
                    return answer
                self.sqs_changed.wait(min(remaining, SHORT_POLL_S))  # the lock is released while it waits

    def _queue_wait_s(self, environ: dict[str, Any], queue_url: Any) -> Any:
        """The queue's ``ReceiveMessageWaitTimeSeconds`` (0 when it cannot be read: moto answers the error)."""
        body = json.dumps({"QueueUrl": queue_url, "AttributeNames": ["ReceiveMessageWaitTimeSeconds"]}).encode()
        status, _, answer = self._serve({**environ, "HTTP_X_AMZ_TARGET": f"{SQS_TARGET}GetQueueAttributes"}, body)
        attributes = _json(answer).get("Attributes", {}) if status.startswith("200") else {}
        raw = str(attributes.get("ReceiveMessageWaitTimeSeconds", "0"))
        return int(raw) if raw.isdigit() else 0

    def _serve(self, environ: dict[str, Any], body: bytes) -> Answer:
        """moto's answer to the request with this body, read whole."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            started[:] = [status, headers]
            return lambda data: None

        request = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        answer = self.app(request, start_response)
        try:
            data = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        return started[0], started[1], data


def _json(raw: bytes) -> dict[str, Any]:
    try:
        loaded = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.aws.moto_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # as moto_server: some services build their URLs from it
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # type: ignore[attr-defined]  # as moto_server: errors logged with their traceback
    run_simple(args.host, args.port, OneAtATime(app), threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
