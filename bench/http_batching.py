"""Measurement 1: one batch request against N individual requests, over HTTP through the local stack.

The local stack (moto server + the local HTTP API, JWT authorizer included) runs in its own processes; this client
sends, over loopback with keep-alive connections opened before the clock starts:
- one batch request for N items;
- N individual requests one after another (one connection);
- N individual requests over 6 concurrent connections (what iOS's URLSession and OkHttp open per host).
for activities (POST /api/v1/batch/get vs GET /api/v1/activities/{id}; N = 1, 10, 20, 50, 100) and
recommendations (POST /api/v1/batch/activities/recommendations vs GET /api/v1/children/{id}/recommendations;
N = 1, 10, 20, 50 children), each directly and again through ``bench.proxy`` adding a 50 ms round trip to every
request (25 ms each way, never a sleep in the client). Every point is the median of ``--repeats`` runs, the modes
interleaved; the verdicts are ratios in the same run: batch / sequential and batch / 6 parallel.

Throttling: the stack keeps the template's per-route throttling. The client mirrors each route's token bucket
(rate and burst from template.yaml) and, before each measured set, waits until the bucket holds the whole set, so
no measured request is throttled; every measured response is checked to be a 200.

Warm function: the local stack runs each function in worker processes, up to ``LAMBDA_CONCURRENCY`` (3 by default)
at once, each started on demand with a real cold start (so the 6-connection case overlaps, 3 at a time); the first
requests of each kind (6 at once) run untimed and start them, and the membership and catalog caches are given a TTL
longer than the run (CATALOG_CACHE_TTL_S, MEMBERSHIP_CACHE_TTL_S), so every measured request meets a warm function.
The per-caller item quotas are raised far above what the run asks for (``STACK_SETTINGS``). Cold starts and DynamoDB
round trips are measured on their own (``bench.cold_start``, ``bench.round_trips``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bench.common import PYTHONPATH, ROOT, log, median, ratio, report, table

T = TypeVar("T")

ACTIVITY_SIZES = (1, 10, 20, 50, 100)
CHILDREN_SIZES = (1, 10, 20, 50)
PARALLEL = 6
ONE_WAY_MS = 25.0
SET_ATTEMPTS = 3
STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
USER = "admin@sunrise.example"  # sees sunrise's children (both classrooms) and activities

GUIDE_CLAIMS = [
    {"scenario": "10 activities", "items": 10, "kind": "activities", "individual_ms": 1500, "batch_ms": 250},
    {
        "scenario": "20 children recommendations",
        "items": 20,
        "kind": "recommendations",
        "individual_ms": 4000,
        "batch_ms": 450,
    },
    {"scenario": "50 resources", "items": 50, "kind": "activities", "individual_ms": 7500, "batch_ms": 600},
]
"""The seed guide's table (seed/batch-endpoints-guide.md, "Example Performance Gains")."""


# --- throttling: a mirror of the gateway's token buckets -----------------------------------------------------------


@dataclass
class Pacer:
    """The client's copy of API Gateway's token bucket for one route (rate and burst from template.yaml). It
    assumes every request of a set is taken at the set's start, which is never later than the gateway takes it, so
    the gateway's bucket always holds at least what this one does."""

    rate: float
    burst: int
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)
    waited_s: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = float(self.burst) if self.tokens < 0 else self.tokens

    async def reserve(self, count: int) -> None:
        """Wait until the bucket holds ``count`` requests and one of margin. A set larger than that (100 PATCHes
        against a burst of 100) waits for a full bucket and counts on the refill while it runs (at 50 per second,
        a set of 100 needs 20 ms); every answer is checked, so a set that fell short would show as a 429."""
        now = time.monotonic()
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        needed = min(count + 1, self.burst) - self.tokens  # one token of margin
        if needed > 0:
            pause = needed / self.rate
            self.waited_s += pause
            await asyncio.sleep(pause)
            self.tokens += pause * self.rate
            self.updated = time.monotonic()
        self.tokens -= count


def pacers() -> dict[str, Pacer]:
    from local import cfn

    default, per_route = cfn.throttling()
    keys = [route.key for route in cfn.routes()]
    return {key: Pacer(per_route.get(key, default).rate_per_s, per_route.get(key, default).burst) for key in keys}


# --- requests --------------------------------------------------------------------------------------------------


class Non200(Exception):
    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


def _check(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise Non200(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:300]}",
            response.status_code,
        )


@dataclass
class Target:
    """What one kind of item is fetched with: the batch request and the individual request."""

    kind: str
    batch_route: str
    single_route: str
    batch: Callable[[httpx.AsyncClient, list[str]], Awaitable[httpx.Response]]
    single: Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]


def targets(headers: dict[str, str]) -> dict[str, Target]:
    def batch_get(client: httpx.AsyncClient, ids: list[str]) -> Awaitable[httpx.Response]:
        return client.post("/api/v1/batch/get", json={"resource_type": "activities", "ids": ids}, headers=headers)

    def get_activity(client: httpx.AsyncClient, item: str) -> Awaitable[httpx.Response]:
        return client.get(f"/api/v1/activities/{item}", headers=headers)

    def batch_recommendations(client: httpx.AsyncClient, ids: list[str]) -> Awaitable[httpx.Response]:
        body = {"child_ids": ids, "max_recommendations": 5}
        return client.post("/api/v1/batch/activities/recommendations", json=body, headers=headers)

    def child_recommendations(client: httpx.AsyncClient, item: str) -> Awaitable[httpx.Response]:
        return client.get(
            f"/api/v1/children/{item}/recommendations", params={"max_recommendations": 5}, headers=headers
        )

    return {
        "activities": Target(
            "activities", "POST /api/v1/batch/get", "GET /api/v1/activities/{id}", batch_get, get_activity
        ),
        "recommendations": Target(
            "recommendations",
            "POST /api/v1/batch/activities/recommendations",
            "GET /api/v1/children/{id}/recommendations",
            batch_recommendations,
            child_recommendations,
        ),
    }


async def _batch(target: Target, client: httpx.AsyncClient, items: list[str]) -> None:
    response = await target.batch(client, items)
    _check(response)
    body = response.json()
    if body["total_succeeded"] != len(items):
        raise Non200(f"{target.batch_route}: {body['total_failed']} of {len(items)} items failed")


async def _sequential(target: Target, client: httpx.AsyncClient, items: list[str]) -> None:
    for item in items:
        _check(await target.single(client, item))


async def _parallel(target: Target, client: httpx.AsyncClient, items: list[str]) -> None:
    # The client's pool holds PARALLEL connections: the other requests wait for a free one, as in a mobile app.
    for response in await asyncio.gather(*(target.single(client, item) for item in items)):
        _check(response)


MODES = {"batch": _batch, "sequential": _sequential, f"parallel_{PARALLEL}": _parallel}


# --- the measurement -------------------------------------------------------------------------------------------


@dataclass
class Setup:
    api_url: str
    proxy_url: str
    headers: dict[str, str]
    activity_ids: list[str]
    child_ids: list[str]


async def _list_ids(api_url: str, path: str, headers: dict[str, str]) -> list[str]:
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as client:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            response = await client.get(path, params=params, headers=headers)
            _check(response)
            page = response.json()
            ids.extend(item["id"] for item in page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                return ids


async def _measure(setup: Setup, repeats: int) -> dict[str, Any]:
    pace = pacers()
    kinds = targets(setup.headers)
    sizes = {"activities": ACTIVITY_SIZES, "recommendations": CHILDREN_SIZES}
    items = {"activities": setup.activity_ids, "recommendations": setup.child_ids}
    samples: dict[str, dict[str, dict[str, dict[int, list[float]]]]] = {}
    redone: list[str] = []
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL, keepalive_expiry=60)
    for network, url in (("loopback", setup.api_url), ("rtt_50ms", setup.proxy_url)):
        samples[network] = {}
        async with (
            httpx.AsyncClient(
                base_url=url, timeout=60, limits=httpx.Limits(max_connections=1, keepalive_expiry=60)
            ) as one,
            httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as six,
        ):
            clients = {"batch": one, "sequential": one, f"parallel_{PARALLEL}": six}
            for kind, target in kinds.items():
                # Untimed: open the connections (7 of them) and warm every route once.
                for pacer in (pace[target.batch_route], pace[target.single_route]):
                    await pacer.reserve(PARALLEL)
                await _batch(target, one, items[kind][:2])
                await _parallel(target, six, items[kind][:PARALLEL])
                samples[network][kind] = {mode: {n: [] for n in sizes[kind]} for mode in MODES}
                for repeat in range(repeats):
                    for n in sizes[kind]:
                        for mode, run in MODES.items():
                            for attempt in range(SET_ATTEMPTS):
                                try:
                                    # Untimed: one request on each connection the set will use, so that none of
                                    # them was closed by the server's keep-alive timeout (5 s) while others ran.
                                    warm = PARALLEL if mode == f"parallel_{PARALLEL}" else 1
                                    await pace[target.single_route].reserve(warm)
                                    await _parallel(target, clients[mode], items[kind][:warm])
                                    route = target.batch_route if mode == "batch" else target.single_route
                                    await pace[route].reserve(1 if mode == "batch" else n)
                                    started = time.perf_counter()
                                    await run(target, clients[mode], items[kind][:n])
                                    elapsed = time.perf_counter() - started
                                except STALE_CONNECTION as exc:
                                    # A keep-alive connection the server closed just as the client reused it: a
                                    # client-side race, not an answer; the set is measured again.
                                    redone.append(f"{network} {kind} {mode} N={n}: {type(exc).__name__}")
                                    if attempt == SET_ATTEMPTS - 1:
                                        raise
                                    continue
                                samples[network][kind][mode][n].append(elapsed)
                                break
                    log(f"  http: {network} {kind} repeat {repeat + 1}/{repeats} done")
    waited = {route: round(p.waited_s, 2) for route, p in pace.items() if p.waited_s}
    return {"samples": samples, "throttle_waits_s": waited, "sets_measured_again": redone}


def _summarize(raw: dict[str, Any], repeats: int) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    for network, kinds in raw["samples"].items():
        for kind, modes in kinds.items():
            for n in modes["batch"]:
                med = {mode: median(modes[mode][n]) * 1000 for mode in modes}
                points.append(
                    {
                        "network": network,
                        "kind": kind,
                        "items": n,
                        "batch_ms": round(med["batch"], 2),
                        "sequential_ms": round(med["sequential"], 2),
                        f"parallel_{PARALLEL}_ms": round(med[f"parallel_{PARALLEL}"], 2),
                        "batch_over_sequential": round(ratio(med["batch"], med["sequential"]), 3),
                        f"batch_over_parallel_{PARALLEL}": round(ratio(med["batch"], med[f"parallel_{PARALLEL}"]), 3),
                        "samples_ms": {mode: [round(s * 1000, 2) for s in modes[mode][n]] for mode in modes},
                    }
                )
    return {
        "repeats": repeats,
        "parallel_connections": PARALLEL,
        "simulated_rtt_ms": 2 * ONE_WAY_MS,
        "throttling": "template.yaml's, kept: the client paces its sets so that none is throttled; all measured "
        "responses were 200",
        "throttle_waits_s": raw["throttle_waits_s"],
        "sets_measured_again": raw["sets_measured_again"],
        "points": points,
        "guide_claims": GUIDE_CLAIMS,
    }


def _run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def _seed_more_children(stack: dict[str, Any], per_classroom: int) -> None:
    """Sunrise's classrooms hold 20 generated children each in the demo data; the batch maximum is 50 for one
    caller, so a few more are added to each (new ids only: the demo's own children stay as they are)."""
    from local.aws.environment import prepare_process

    prepare_process(stack["aws_endpoint_url"], stack["region"])
    from early_learning.store import children
    from local.demo import ids
    from local.demo.children import generate_children

    extra = [
        child
        for classroom in (ids.SUNRISE_A, ids.SUNRISE_B)
        for child in generate_children(ids.SUNRISE, classroom, 20 + per_classroom)[20:]
    ]
    children.save(extra)


STACK_SETTINGS = {
    # Caches kept warm for the whole run: every measured request meets a warm function (see the module docstring).
    "CATALOG_CACHE_TTL_S": "3600",
    "MEMBERSHIP_CACHE_TTL_S": "3600",
    # Per-caller item quotas (DESIGN 3.11) far above what a run asks for: a benchmark measures answers, not 429s.
    "READ_QUOTA_ITEMS": "10000000",
    "WRITE_QUOTA_ITEMS": "10000000",
}
"""What the benchmarks' local stack runs with (handed to the functions as settings)."""


def login(stack: dict[str, Any]) -> dict[str, str]:
    """The request headers of ``USER``, with an access token from the stack's user pool."""
    from local.aws.cognito import initiate_auth

    password = next(u["password"] for u in stack["users"] if u["username"] == USER)
    token = initiate_auth(stack["aws_endpoint_url"], stack["region"], stack["user_pool_client_id"], USER, password)[
        "AccessToken"
    ]
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def latency_proxy(api_url: str) -> Iterator[str]:
    """``bench.proxy`` in front of the stack's API, in its own process: yields its URL (50 ms more per round trip)."""
    api_port = api_url.rsplit(":", 1)[1]
    proxy = subprocess.Popen(
        [sys.executable, "-m", "bench.proxy", "--target", f"127.0.0.1:{api_port}", "--one-way-ms", str(ONE_WAY_MS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stdout is not None
        yield f"http://127.0.0.1:{int(proxy.stdout.readline())}"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def measure(repeats: int = 5) -> dict[str, Any]:
    from bench.stack import running_stack

    with running_stack(STACK_SETTINGS) as stack:
        _seed_more_children(stack, per_classroom=5)
        headers = login(stack)
        with latency_proxy(stack["api_url"]) as proxy_url:
            activity_ids = _run_async(_list_ids(stack["api_url"], "/api/v1/activities", headers))
            child_ids = _run_async(_list_ids(stack["api_url"], "/api/v1/children", headers))
            if len(activity_ids) < max(ACTIVITY_SIZES) or len(child_ids) < max(CHILDREN_SIZES):
                raise RuntimeError(f"not enough data: {len(activity_ids)} activities, {len(child_ids)} children")
            setup = Setup(stack["api_url"], proxy_url, headers, activity_ids, child_ids)
            raw = _run_async(_measure(setup, repeats))
    return _summarize(raw, repeats)


def render(result: dict[str, Any]) -> str:
    par = f"parallel_{PARALLEL}"
    rows = [
        (
            p["kind"],
            "50 ms RTT" if p["network"] == "rtt_50ms" else "loopback",
            p["items"],
            p["batch_ms"],
            p["sequential_ms"],
            p[f"{par}_ms"],
            p["batch_over_sequential"],
            p[f"batch_over_{par}"],
        )
        for p in result["points"]
    ]
    return table(
        f"Batch vs individual requests over HTTP (local stack, keep-alive; median of {result['repeats']}; ms)",
        [
            "items",
            "network",
            "N",
            "1 batch",
            "N sequential",
            f"N over {PARALLEL} conns",
            "batch/seq",
            f"batch/par{PARALLEL}",
        ],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_batching", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.repeats)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
