"""Measurement: the Python client's ``get_many`` of 1,000 ids, through the 50 ms RTT proxy, against the users'
guide's ``fetch_all_activities`` and against 1,000 single GETs over 6 connections, in one run.

Through ``bench.proxy`` (25 ms each way: 50 ms per round trip, one more for a new connection's handshake) in front
of the local stack (``bench.stack``, quotas out of reach, caches warm), with the same 1,000 ids (the listing's
activities over and over) each time:
- **client**: ``AsyncClient.get_many("activities", ids)``: chunks of the server's limit (100, read from
  ``GET /api/v1/batch/limits``), 6 requests at most in flight, over the client's own keep-alive connections;
- **guide**: the guide's "Parallel Batching" ``fetch_all_activities`` (batches of 100, all gathered at once) on the
  guide's ``BatchClient`` verbatim (tests/e2e/guide_client.py), with the one fix it needs to run at all (it calls
  an undefined ``batch_get_activities``: here ``client.batch_get_activities``). Its ``BatchClient`` opens a new
  ``httpx.AsyncClient`` per batch, so each batch pays a new connection;
- **singles**: ``GET /api/v1/activities/{id}`` for each id over 6 keep-alive connections (what iOS's URLSession and
  OkHttp open per host); a 429 of the gateway's throttling (the route's 100/s) is waited for and sent again, as the
  client does, and counted.
The modes are interleaved in each repeat, every set starts with the gateway's buckets full (a pause), the
connections of the client and of the singles are opened before timing; each point is the median of ``--repeats``.
Every mode's answers are checked: all 1,000 ids answered, successes only (no id is missing).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx

from activity_batch_client import AsyncClient
from bench.common import log, median, ratio, report, table
from bench.http_batching import STACK_SETTINGS, _list_ids, latency_proxy, login

T = TypeVar("T")

ITEMS = 1000
PARALLEL = 6
REFILL_S = 2.5
"""A pause before each set: the gateway's buckets (GET one activity: 200 at 100/s; batch GET: 40 at 20/s) refill."""


async def guide_fetch_all_activities(api_url: str, token: str, activity_ids: list[str]) -> list[Any]:
    """The guide's "3. Parallel Batching", verbatim but for the undefined name it calls (see the docstring)."""
    from tests.e2e.guide_client import BatchClient

    client = BatchClient(api_url, token)
    # Split into batches of 100
    batches = [activity_ids[i : i + 100] for i in range(0, len(activity_ids), 100)]
    # Fetch all batches in parallel
    tasks = [client.batch_get_activities(batch) for batch in batches]
    results = await asyncio.gather(*tasks)
    # Flatten results
    return [activity for batch_result in results for activity in batch_result]


async def singles(client: httpx.AsyncClient, headers: dict[str, str], activity_ids: list[str]) -> tuple[int, int]:
    """Each id's GET over ``PARALLEL`` connections; (answers that were 200, 429s sent again)."""
    queue = iter(activity_ids)
    answered, throttled = 0, 0

    async def worker() -> None:
        nonlocal answered, throttled
        for activity_id in queue:
            for retry in itertools.count():
                response = await client.get(f"/api/v1/activities/{activity_id}", headers=headers)
                if response.status_code != 429 or retry > 20:
                    break
                throttled += 1
                await asyncio.sleep(float(response.headers.get("retry-after") or 0.1 * 2 ** min(retry, 4)))
            answered += response.status_code == 200

    await asyncio.gather(*(worker() for _ in range(PARALLEL)))
    return answered, throttled


async def _measure(proxy_url: str, token: str, activity_ids: list[str], repeats: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    samples: dict[str, list[float]] = {"client": [], "guide": [], "singles": []}
    checks: dict[str, Any] = {"client_requests": [], "singles_throttled": []}
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL, keepalive_expiry=60)
    async with (
        AsyncClient(proxy_url, token=token, max_concurrency=PARALLEL) as api,
        httpx.AsyncClient(base_url=proxy_url, timeout=60, limits=limits) as six,
    ):

        async def run_client() -> None:
            found = await api.get_many("activities", activity_ids)
            if [item.id for item in found] != activity_ids or not found.ok:
                raise RuntimeError(f"client: {len(found.failed)} items failed")
            checks["client_requests"].append(found.requests)

        async def run_guide() -> None:
            found = await guide_fetch_all_activities(proxy_url, token, activity_ids)
            if [activity["id"] for activity in found] != activity_ids:
                raise RuntimeError(f"guide: {len(found)} activities for {len(activity_ids)} ids")

        async def run_singles() -> None:
            answered, throttled = await singles(six, headers, activity_ids)
            if answered != len(activity_ids):
                raise RuntimeError(f"singles: {answered} of {len(activity_ids)} answered 200")
            checks["singles_throttled"].append(throttled)

        async def warm() -> None:
            """Untimed: the client's limits read and its 6 connections opened; the singles' 6 connections."""
            await api.get_many("activities", activity_ids[: 100 * PARALLEL])
            await singles(six, headers, activity_ids[:PARALLEL])

        modes: dict[str, Callable[[], Awaitable[None]]] = {
            "client": run_client,
            "guide": run_guide,
            "singles": run_singles,
        }
        for repeat in range(repeats):
            for name, run in modes.items():
                await asyncio.sleep(REFILL_S)
                await warm()
                await asyncio.sleep(REFILL_S)
                started = time.perf_counter()
                await run()
                samples[name].append(time.perf_counter() - started)
            log(f"  clients: repeat {repeat + 1}/{repeats} done")
    return {"samples": samples, "checks": checks}


def _run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def measure(repeats: int = 5) -> dict[str, Any]:
    from bench.stack import running_stack

    with running_stack(STACK_SETTINGS) as stack:
        headers = login(stack)
        token = headers["Authorization"].removeprefix("Bearer ")
        listed = _run_async(_list_ids(stack["api_url"], "/api/v1/activities", headers))
        activity_ids = list(itertools.islice(itertools.cycle(listed), ITEMS))
        with latency_proxy(stack["api_url"]) as proxy_url:
            raw = _run_async(_measure(proxy_url, token, activity_ids, repeats))
    ms = {name: round(median(values) * 1000, 1) for name, values in raw["samples"].items()}
    return {
        "items": ITEMS,
        "distinct_ids": len(set(activity_ids)),
        "network": "rtt_50ms",
        "repeats": repeats,
        "median_ms": ms,
        "samples_ms": {name: [round(v * 1000, 1) for v in values] for name, values in raw["samples"].items()},
        "client_over_guide": round(ratio(ms["client"], ms["guide"]), 3),
        "client_over_singles_6": round(ratio(ms["client"], ms["singles"]), 3),
        "guide_over_singles_6": round(ratio(ms["guide"], ms["singles"]), 3),
        "client_requests": raw["checks"]["client_requests"],
        "singles_429s_sent_again": raw["checks"]["singles_throttled"],
    }


def render(result: dict[str, Any]) -> str:
    ms = result["median_ms"]
    rows = [
        ("client: get_many (chunks of 100, 6 in flight, keep-alive)", ms["client"], 1.0),
        (
            "guide: fetch_all_activities (10 batches gathered, a new client each)",
            ms["guide"],
            result["client_over_guide"],
        ),
        (f"{result['items']} single GETs over {PARALLEL} connections", ms["singles"], result["client_over_singles_6"]),
    ]
    return table(
        f"get_many of {result['items']} ids through the 50 ms RTT proxy (median of {result['repeats']}; ms; "
        "'client / this' is the client's time over the row's)",
        ["how", "ms", "client / this"],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clients", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.repeats)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
