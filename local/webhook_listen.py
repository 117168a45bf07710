"""`make webhook-listen`: receive the running local stack's webhooks, verify each with standardwebhooks and print it,
the way a payment provider's CLI forwards its events to a developer's machine.

    python -m local.webhook_listen                      # a free port; as admin@sunrise.example
    python -m local.webhook_listen --port 4000 --user admin@maple.example

It listens on 127.0.0.1 (the port is printed), registers itself as a webhook endpoint of the user's organization
through the stack's API (``POST /api/v1/webhooks``, with a token taken as `make token` takes one), keeps the secret
it is given, and prints every delivery: ``verified`` with its ``webhook-id`` and payload, answered 204; or
``REFUSED`` with the reason when its signature does not verify, answered 400 (the sender retries it). The endpoint
is deleted when it stops (Ctrl-C). The local stack allows ``http://127.0.0.1`` endpoints (WEBHOOK_ALLOW_LOCAL_HTTP).
"""

from __future__ import annotations

import argparse
import http.server
import json
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

from local.aws.cognito import sign_in
from local.stack_file import StackError, read_stack_file

PATH = "/webhooks"
EVENTS = ["batch.job.completed"]


def verdict(secret: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """The status to answer a delivery with, and the line to print about it."""
    message_id = headers.get("webhook-id", "?")
    try:
        payload = Webhook(secret).verify(body, headers)
    except (WebhookVerificationError, ValueError) as exc:
        return 400, f"REFUSED {message_id}: {exc}"
    return 204, f"verified {message_id} {payload.get('type')} {json.dumps(payload.get('data'), sort_keys=True)}"


def handler_class(secret: Callable[[], str], out: TextIO) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, line = verdict(secret(), body, headers)
            print(line, file=out, flush=True)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def api_token(stack: dict[str, Any], user: str) -> str:
    return str(sign_in(stack, user)["AccessToken"])


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.webhook_listen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--user", default="admin@sunrise.example", help="an admin of the organization to listen to")
    args = parser.parse_args(argv)
    try:
        stack = read_stack_file()
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1

    secret: list[str] = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler_class(lambda: secret[0], out))
    url = f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    headers = {"Authorization": f"Bearer {api_token(stack, args.user)}"}
    with httpx.Client(base_url=str(stack["api_url"]), headers=headers, timeout=30) as api:
        answer = api.post("/api/v1/webhooks", json={"url": url, "events": EVENTS, "description": "make webhook-listen"})
        if answer.status_code != 201:
            print(f"Could not register {url}: {answer.status_code} {answer.text}", file=sys.stderr)
            server.server_close()
            return 1
        endpoint = answer.json()
        secret.append(endpoint["secret"])
        print(f"Listening on {url}", file=out)
        print(f"Registered webhook endpoint {endpoint['id']} for {args.user}'s organization", file=out)
        print("Deliveries are verified with its secret and printed; Ctrl-C stops (and deletes the endpoint).", file=out)
        out.flush()

        def stop(signum: int, frame: FrameType | None) -> None:
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            api.delete(f"/api/v1/webhooks/{endpoint['id']}")
            print(f"Deleted webhook endpoint {endpoint['id']}", file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
