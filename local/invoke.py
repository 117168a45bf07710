"""`make invoke FUNCTION=BatchGetFunction EVENT=events/batch_get.json`: a docker-free `sam local invoke`.

Runs the function once through the local Lambda runtime (``local.lambda_``: a worker process with the Runtime
Interface Client, the function's own environment, a cold start and its REPORT line), with the event file, against
the tables of the running local stack (`make run`), and prints the response with its body decoded. The function's
logs and metrics, and the REPORT line, go to stderr, the response to stdout.

The event is used as it is, except that ``requestContext.timeEpoch`` becomes the current time, as API Gateway stamps
a request it receives (the functions count its 30 s integration timeout from it; the fixed time of an event file
would have run out long ago). Its claims are trusted, as the function trusts API Gateway's (the events in events/
carry the fixed demo subs of local/demo/ids.py, whose memberships the stack seeds).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from local import cfn
from local.aws.queues import QUEUE, existing_queues
from local.lambda_.environment import function_environment, stack_overrides
from local.lambda_.pool import FunctionPool
from local.stack_file import StackError, read_stack_file


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


def _queues(stack: dict[str, Any]) -> dict[str, str]:
    """The template's queues in the running stack's emulator, as the stack resolved them for the functions."""
    if not cfn.resources(QUEUE):
        return {}
    import boto3

    sqs = boto3.client(
        "sqs",
        endpoint_url=stack["aws_endpoint_url"],
        region_name=stack["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return existing_queues(sqs, {"AWS::Region": stack["region"]})


def main(argv: list[str] | None = None) -> int:
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
    spec = cfn.functions(names=_queues(stack))[spec.name]  # a queue in its environment: the stack's
    if isinstance(event.get("requestContext"), dict):
        event["requestContext"]["timeEpoch"] = int(time.time() * 1000)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    environment = function_environment(spec, stack["aws_endpoint_url"], stack["region"], stack_overrides())
    # The worker's own output (the function's logs) goes to stderr, so that stdout is the response alone.
    pool = FunctionPool(spec, environment, stack["region"], concurrency=1, output=sys.stderr)
    try:
        outcome = pool.invoke(json.dumps(event).encode())
    finally:
        pool.close()
    if outcome.error is not None or outcome.result is None:
        print(json.dumps(outcome.error, indent=2), file=sys.stderr)
        return 1
    print(json.dumps(readable(json.loads(outcome.result)), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
