"""DynamoDB responses recorded once from the emulator, then replayed: the warm path's own work, with no emulator in
the timed part (``bench.warm_floor`` drives it).

    python -m bench.replay record --world batch_get --out rec.json     # moto in-process: seed, invoke, record
    python -m bench.replay serve --world batch_get --recording rec.json  # a worker: replays, times invocations

Recording: the world's tables are seeded in moto's in-process mock (``bench.inprocess.world``) and every scenario's
handler is invoked once from a new environment (no cached membership or catalog), while every DynamoDB exchange is
kept: the request (its ``X-Amz-Target`` and its JSON body, canonical) and moto's HTTP answer (status, headers, body
bytes). Replaying: botocore's HTTP session is replaced by a lookup of the request in the recording, so that
everything the function does is timed (botocore's request building and signing, its response parsing, the
function's own code, FastAPI, Mangum, gzip) but the emulator. A request that is not in the recording stops the
worker: it never reaches a network.

A worker holds one side (the layer and functions of one source tree, the other code from this checkout) and answers,
one JSON line per command on stdin: ``{"run": scenario}`` (one timed invocation: wall and CPU ms, and the body with
its times masked), ``{"warm": scenario}`` (untimed) or ``{"body": scenario}`` (the body, base64).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import log, use_moto_environment

WORLDS = ("batch_get", "recommendations_1000", "recommendations_10000")
BATCH_SIZES = (1, 10, 50, 100)
PROJECTION = "id,name,activity_type,min_age_months,max_age_months"


@dataclass(frozen=True)
class Scenario:
    name: str
    handler: str  # key of bench.inprocess.handlers()
    event: Callable[[Any], dict[str, Any]]  # from the seeded World


def scenarios(world: str) -> list[Scenario]:
    from bench import inprocess

    if world == "batch_get":
        found = [Scenario(f"batch_get_{n}", "batch_get", _first_activities(n)) for n in BATCH_SIZES]
        found.append(
            Scenario(
                "batch_get_100_projected",
                "batch_get",
                lambda w: _with_body(inprocess.batch_get_event(w.activity_ids[:100]), fields=PROJECTION),
            )
        )
        found.append(Scenario("batch_get_children_50", "batch_get", lambda w: _children_event(w.child_ids[:50])))
        return found
    return [
        Scenario(
            f"recommendations_50_{world.rsplit('_', 1)[1]}",
            "batch_recommendations",
            lambda w: inprocess.batch_recommendations_event(w.child_ids[:50]),
        )
    ]


def _first_activities(count: int) -> Callable[[Any], dict[str, Any]]:
    from bench import inprocess

    return lambda world: inprocess.batch_get_event(world.activity_ids[:count])


def _with_body(event: dict[str, Any], **extra: Any) -> dict[str, Any]:
    event["body"] = json.dumps({**json.loads(event["body"]), **extra})
    return event


def _children_event(child_ids: list[str]) -> dict[str, Any]:
    from bench import inprocess

    return _with_body(inprocess.batch_get_event(child_ids), resource_type="children")


@contextmanager
def seeded_world(world: str) -> Iterator[Any]:
    from bench import inprocess
    from bench.catalog import synthetic_catalog

    catalog = None if world == "batch_get" else synthetic_catalog(int(world.rsplit("_", 1)[1]))
    with inprocess.world(catalog=catalog) as seeded:
        yield seeded


# --- recording ---------------------------------------------------------------------------------------------------


TIME_KEYED = ("DynamoDB_20120810.UpdateItem", "DynamoDB_20120810.PutItem")
"""Writes whose requests name the time (a quota window's record, an expiration): replayed by operation and table
(the answer of the recording's one, whatever the window)."""


def request_key(target: str, body: bytes | str | None) -> str:
    """A request as the recording knows it: its operation and its JSON body with sorted members (for a write of
    ``TIME_KEYED``, its operation and table)."""
    raw = body.decode() if isinstance(body, bytes) else (body or "")
    data = json.loads(raw) if raw else None
    if target in TIME_KEYED and isinstance(data, dict):
        data = {"TableName": data.get("TableName")}
    return target + " " + json.dumps(data, sort_keys=True, separators=(",", ":"))


def _target(request: Any) -> str:
    value = request.headers.get("X-Amz-Target", b"")
    return value.decode() if isinstance(value, bytes) else str(value)


@contextmanager
def recording() -> Iterator[dict[str, dict[str, Any]]]:
    """Every exchange with moto's in-process mock inside the block, by request key."""
    from moto.core.botocore_stubber import BotocoreStubber

    original = BotocoreStubber.__call__
    exchanges: dict[str, dict[str, Any]] = {}

    def recorded(stubber: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        response = original(stubber, event_name, request, **kwargs)
        if response is not None and "dynamodb" in event_name:
            exchanges[request_key(_target(request), request.body)] = {
                "status": response.status_code,
                "headers": dict(response.headers),
                "body": response.content.decode(),
            }
        return response

    BotocoreStubber.__call__ = recorded  # type: ignore[method-assign,assignment]
    try:
        yield exchanges
    finally:
        BotocoreStubber.__call__ = original  # type: ignore[method-assign]


def record(world: str, out: Path) -> None:
    use_moto_environment()
    from bench import inprocess
    from local.in_process import current_event_loop

    with current_event_loop(), seeded_world(world) as seeded:
        handlers = inprocess.handlers()
        with recording() as exchanges:
            for scenario in scenarios(world):
                inprocess.clear_caches()  # a new environment: the membership and catalog reads are recorded too
                inprocess.invoke(handlers[scenario.handler], scenario.event(seeded))
        events = {s.name: s.event(seeded) for s in scenarios(world)}
    out.write_text(json.dumps({"world": world, "exchanges": exchanges, "events": events}))
    log(f"  replay: {world} recorded ({len(exchanges)} exchanges, {out.stat().st_size // 1024} KB)")


# --- replaying ---------------------------------------------------------------------------------------------------


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def install_replay(exchanges: dict[str, dict[str, Any]]) -> None:
    """botocore's HTTP session answers from ``exchanges``; an unknown request raises (nothing is ever sent)."""
    from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
    from botocore.httpsession import URLLib3Session  # type: ignore[import-untyped]

    answers = {key: (e["status"], e["headers"], e["body"].encode()) for key, e in exchanges.items()}

    def send(session: Any, request: Any) -> Any:
        key = request_key(_target(request), request.body)
        if key not in answers:
            raise RuntimeError(f"not in the recording: {key[:300]}")
        status, headers, body = answers[key]
        return AWSResponse(request.url, status, headers, _Raw(body))

    URLLib3Session.send = send


_TIMES = re.compile(rb'"(processed_at|generated_at)":"[^"]*"')


def body_of(response: dict[str, Any], mask: bool = True) -> bytes:
    """The response body as the client reads it (gunzipped), with its request-time stamps masked."""
    raw = response["body"]
    data = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
    if response.get("headers", {}).get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    return _TIMES.sub(rb'"\1":"-"', data) if mask else data


def serve(world: str, recording_file: Path) -> int:
    use_moto_environment()
    import os

    os.environ["CATALOG_CACHE_TTL_S"] = os.environ["MEMBERSHIP_CACHE_TTL_S"] = "86400"  # warm all along
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:9"  # never contacted: every answer is replayed
    recorded = json.loads(recording_file.read_text())
    install_replay(recorded["exchanges"])
    from bench import inprocess
    from local.in_process import current_event_loop

    with current_event_loop():
        handlers = inprocess.handlers()
        chosen = {s.name: s for s in scenarios(world)}
        print(json.dumps({"ready": sorted(chosen)}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            name = command.get("run") or command.get("warm") or command.get("body")
            scenario = chosen[name]
            event = json.loads(json.dumps(recorded["events"][name]))
            handler = handlers[scenario.handler]
            cpu = time.process_time()
            started = time.perf_counter()
            response = inprocess.invoke(handler, event)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            if "body" in command:  # the body as the client reads it, unmasked (bench.warm_floor's gzip levels)
                print(json.dumps({"body": base64.b64encode(body_of(response, mask=False)).decode()}), flush=True)
                continue
            body = body_of(response)
            print(
                json.dumps(
                    {
                        "ms": elapsed * 1000,
                        "cpu_ms": cpu * 1000,
                        "body_sha256": hashlib.sha256(body).hexdigest(),
                        "body_bytes": len(body),
                        "wire_bytes": len(response["body"]),
                    }
                ),
                flush=True,
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("record", "serve"))
    parser.add_argument("--world", choices=WORLDS, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--recording", type=Path)
    args = parser.parse_args(argv)
    if args.action == "record":
        record(args.world, args.out)
        return 0
    return serve(args.world, args.recording)


if __name__ == "__main__":
    sys.exit(main())
