"""`make load`: a bounded load test of the local stack on loopback (not part of `make test`).

    python -m local.load                      # its own stack on free ports, 20 clients for 20 s
    python -m local.load --clients 10 --duration 5 --max-requests 500
    python -m local.load --stack-file .local/stack.json   # against a stack `make run` started

Concurrent clients (httpx, one connection each) mix batch GETs of activities and of children and batch
recommendations, with the demo users' tokens, until the duration or the request budget runs out. It prints the
status codes and latency percentiles per route, and exits non-zero when any answer was a 5xx (or a transport
error), or when no 429 appeared: the clients together send faster than the template's throttling allows, so the
gateway must have refused some requests.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from local.aws.cognito import initiate_auth
from local.background import StackDidNotStart, background_stack
from local.demo import ids
from local.demo.core import CORE_ACTIVITIES
from local.demo.users import DEMO_PASSWORD
from local.stack_file import StackError, read_stack_file


@dataclass(frozen=True)
class Request:
    name: str
    user: str
    path: str
    body: dict[str, Any]


# What mobile apps and dashboards send: the users and ids of the demo data (local/demo/), weighted. Six in ten are
# recommendations, the route with the tightest throttling (10/s, burst 20): the clients together outrun it.
ACTIVITY_IDS = [a.id for a in CORE_ACTIVITIES] + [ids.MISSING]
SUNRISE_A = [ids.CHILD_AVA, ids.CHILD_BEN, ids.CHILD_CHLOE, ids.CHILD_DEV]
MIX: list[tuple[Request, int]] = [
    (
        Request(
            "batch get activities",
            "teacher@sunrise.example",
            "/api/v1/batch/get",
            {"resource_type": "activities", "ids": ACTIVITY_IDS, "fields": "id,name,activity_type"},
        ),
        3,
    ),
    (
        Request(
            "batch get children",
            "admin@sunrise.example",
            "/api/v1/batch/get",
            {"resource_type": "children", "ids": [*SUNRISE_A, ids.CHILD_ELLA, ids.CHILD_FINN, ids.CHILD_GRACE]},
        ),
        1,
    ),
    (
        Request(
            "batch recommendations",
            "teacher@sunrise.example",
            "/api/v1/batch/activities/recommendations",
            {"child_ids": SUNRISE_A, "max_recommendations": 5, "weather": "sunny"},
        ),
        4,
    ),
    (
        Request(
            "guardian recommendations",
            "parent@sunrise.example",
            "/api/v1/batch/activities/recommendations",
            {"child_ids": sorted(ids.GUARDIAN_CHILD_IDS), "max_recommendations": 3},
        ),
        2,
    ),
]


@dataclass
class Results:
    statuses: dict[str, Counter[int | str]] = field(default_factory=lambda: defaultdict(Counter))
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def total(self) -> int:
        return sum(sum(counts.values()) for counts in self.statuses.values())

    def all_statuses(self) -> Counter[int | str]:
        merged: Counter[int | str] = Counter()
        for counts in self.statuses.values():
            merged.update(counts)
        return merged

    def server_errors(self) -> int:
        return sum(n for status, n in self.all_statuses().items() if not isinstance(status, int) or status >= 500)


# --- the stack -------------------------------------------------------------------------------------------------


UNREACHED_QUOTAS = {"READ_QUOTA_ITEMS": "1000000000", "WRITE_QUOTA_ITEMS": "1000000000"}
"""The callers' item quotas (DESIGN 3.11) out of reach on its own stack: the 429s that must show are the gateway's
throttling, for which the four demo users' quotas, soon spent, would otherwise stand in."""


@contextmanager
def own_stack() -> Iterator[dict[str, Any]]:
    """`python -m local.stack` on free loopback ports with its own stack file, stopped (as Ctrl-C does) at the end."""
    with tempfile.TemporaryDirectory(prefix="load-") as workdir:
        try:
            with background_stack(Path(workdir), UNREACHED_QUOTAS) as stack:
                yield stack.info
        except StackDidNotStart as exc:
            raise SystemExit(str(exc)) from None


def tokens(stack: dict[str, Any]) -> dict[str, str]:
    users = {request.user for request, _ in MIX}
    return {
        user: initiate_auth(
            stack["aws_endpoint_url"], stack["region"], stack["user_pool_client_id"], user, DEMO_PASSWORD
        )["AccessToken"]
        for user in sorted(users)
    }


# --- the load --------------------------------------------------------------------------------------------------


async def client(
    api_url: str, headers: dict[str, dict[str, str]], ends_at: float, budget: list[int], results: Results, seed: int
) -> None:
    """One client: requests one after another on its own connection until time or the shared budget runs out."""
    rng = random.Random(seed)
    requests = [request for request, _ in MIX]
    weights = [weight for _, weight in MIX]
    async with httpx.AsyncClient(base_url=api_url, timeout=35, limits=httpx.Limits(max_connections=1)) as http:
        while time.monotonic() < ends_at and budget[0] > 0:
            budget[0] -= 1
            request = rng.choices(requests, weights)[0]
            started = time.perf_counter()
            try:
                response = await http.post(request.path, json=request.body, headers=headers[request.user])
                status: int | str = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            results.latencies_ms[request.name].append((time.perf_counter() - started) * 1000)
            results.statuses[request.name][status] += 1


async def run_load(
    api_url: str, tokens_by_user: dict[str, str], clients: int, duration_s: float, limit: int
) -> Results:
    results = Results()
    headers = {user: {"Authorization": f"Bearer {token}"} for user, token in tokens_by_user.items()}
    ends_at = time.monotonic() + duration_s
    budget = [limit]
    await asyncio.gather(*(client(api_url, headers, ends_at, budget, results, seed) for seed in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(results: Results, elapsed_s: float, clients: int) -> str:
    lines = [
        f"{results.total} requests from {clients} clients in {elapsed_s:.1f} s ({results.total / elapsed_s:.0f}/s)"
    ]
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(results.all_statuses().items(), key=str))
    lines.append(f"status codes: {statuses}")
    lines.append(f"{'route':<26} {'requests':>8}  {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7}  statuses")
    for name in sorted(results.statuses):
        latencies = results.latencies_ms[name]
        counts = ", ".join(f"{s}: {n}" for s, n in sorted(results.statuses[name].items(), key=str))
        lines.append(
            f"{name:<26} {len(latencies):>8}  {percentile(latencies, 50):>7.0f} {percentile(latencies, 90):>7.0f} "
            f"{percentile(latencies, 99):>7.0f} {max(latencies):>7.0f}  {counts}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="request budget (default 20000)")
    parser.add_argument("--stack-file", type=Path, help="use the running stack this file describes")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= 300 or args.max_requests < 1:
        parser.error("bounded runs only: 1-200 clients, up to 300 s")
    if args.stack_file:
        stack_context: Any = _existing(args.stack_file)
    else:
        print("starting a local stack on free ports...", flush=True)
        stack_context = own_stack()
    with stack_context as stack:
        if not str(stack["api_url"]).startswith(("http://127.", "http://localhost")):
            raise SystemExit(f"loopback only: {stack['api_url']}")
        by_user = tokens(stack)
        print(f"load: {args.clients} clients for up to {args.duration:.0f} s against {stack['api_url']}", flush=True)
        started = time.monotonic()
        results = asyncio.run(run_load(stack["api_url"], by_user, args.clients, args.duration, args.max_requests))
        elapsed = time.monotonic() - started
    print(report(results, elapsed, args.clients))
    failures = []
    if results.server_errors():
        failures.append(f"{results.server_errors()} answers were 5xx or transport errors")
    if not results.all_statuses()[429]:
        failures.append("no 429: the load never exceeded the throttling limits")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


@contextmanager
def _existing(path: Path) -> Iterator[dict[str, Any]]:
    try:
        yield read_stack_file(path)
    except StackError as exc:
        raise SystemExit(str(exc)) from None


if __name__ == "__main__":
    sys.exit(main())
