"""moto server answering one DynamoDB request at a time: what the local stack runs as its AWS emulator.

    python -m local.aws.moto_server -H 127.0.0.1 -p 5000

moto's backends are not thread-safe, and ``moto_server`` serves each connection on a thread of its own: two
TransactWriteItems at once (a batch write's concurrent items, PATCHes from several execution environments) fail with
500s, because moto deep-copies the tables of a transaction without a lock while another request changes them
("dictionary changed size during iteration"). This is ``moto_server`` (the same application, request handler and
keep-alive connections) with every DynamoDB request served under one lock; other services (Cognito, and SQS whose
long polls may wait for seconds) are served as moto serves them. moto is pure Python, so DynamoDB requests served at
once would share one interpreter lock anyway: little is lost.

``GET /_local/dynamodb/busy`` answers how long DynamoDB requests have been served in all (``busy_s``, seconds under
the lock) and how many (``requests``): what the benchmarks subtract to tell the emulator's time from the stack's.
"""

from __future__ import annotations

import argparse
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


class DynamoDBOneAtATime:
    """A WSGI application that serves DynamoDB requests (``X-Amz-Target: DynamoDB_...``) one at a time, each
    answer read whole under the lock, and counts their time."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.busy_s = 0.0
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == BUSY_PATH:
            body = json.dumps({"busy_s": self.busy_s, "requests": self.requests}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_"):
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
    run_simple(args.host, args.port, DynamoDBOneAtATime(app), threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
