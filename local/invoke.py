"""`make invoke FUNCTION=BatchGetFunction EVENT=events/batch_get.json`: a docker-free `sam local invoke`.

Runs the function's handler once, in this process, with the event file and a Lambda context, against the tables
of the running local stack (`make run`), and prints the response with its body decoded. The function's logs and
metrics go to stderr, the response to stdout.

The event is used as it is, except that ``requestContext.timeEpoch`` becomes the current time, as API Gateway stamps
a request it receives (the functions count its 30 s integration timeout from it; the fixed time of an event file
would have run out long ago). Its claims are trusted, as the function trusts API Gateway's (the events in events/
carry the fixed demo subs of local/demo.py, whose memberships the stack seeds).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

from local import cfn, lambda_runtime


def readable(response: Any) -> Any:
    """The Lambda proxy response with its body decoded (base64, gzip) and parsed when it is JSON."""
    if not isinstance(response, dict) or "body" not in response:
        return response
    body: Any = response["body"]
    headers = {str(k).lower(): str(v) for k, v in (response.get("headers") or {}).items()}
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(body)
        if headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        body = raw.decode("utf-8", errors="replace")
    if "json" in headers.get("content-type", "application/json"):
        with contextlib.suppress(ValueError):
            body = json.loads(body)
    return {**{k: v for k, v in response.items() if k not in ("body", "isBase64Encoded")}, "body": body}


def main(argv: list[str] | None = None) -> int:
    from local.stack import StackError, read_stack_file

    functions = cfn.functions()
    parser = argparse.ArgumentParser(prog="python -m local.invoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("function", help=f"logical id in template.yaml: {', '.join(functions)}")
    parser.add_argument("event", type=Path, help="an API Gateway HTTP API v2 event, e.g. events/batch_get.json")
    args = parser.parse_args(argv)
    spec = functions.get(args.function)
    if spec is None:
        print(f"No function {args.function!r} in template.yaml: {', '.join(functions)}", file=sys.stderr)
        return 2
    try:
        event = json.loads(args.event.read_text())
    except (OSError, ValueError) as exc:
        print(f"Cannot read the event {args.event}: {exc}", file=sys.stderr)
        return 2
    try:
        stack = read_stack_file()
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    lambda_runtime.prepare_process(stack["aws_endpoint_url"], stack["region"])
    if isinstance(event.get("requestContext"), dict):
        event["requestContext"]["timeEpoch"] = int(time.time() * 1000)
    # The handler module creates its loggers on import: import and run it with stdout on stderr.
    with contextlib.redirect_stdout(sys.stderr):
        response = lambda_runtime.invoke(spec, event, stack["region"])
    print(json.dumps(readable(response), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
