"""Measurement 6: one batch update against N single PATCHes, over HTTP through the local stack.

The same client, stack and proxy as ``bench.http_batching`` (keep-alive connections opened before the clock starts,
loopback and then ``bench.proxy``'s 50 ms round trip, the template's throttling mirrored so that no measured request
is throttled, every answer checked), for writes: N = 1, 10, 50, 100 sunrise activities, each given a new
``duration_minutes`` (a real change: every set writes a value the previous one did not), as
- one ``POST /api/v1/batch/update`` of N items (``atomic: false``: one conditional write per item, sent with the
  function's bounded concurrency);
- the same with ``atomic: true`` (one TransactWriteItems of N actions);
- N ``PATCH /api/v1/activities/{id}`` (JSON Merge Patch) one after another on one connection;
- N PATCHes over 6 concurrent connections.
Every point is the median of ``--repeats`` runs, the modes interleaved; the verdicts are ratios in the same run:
batch / sequential and batch / 6 parallel. Target: the batch of 100 at most 0.1 of the sequential PATCHes (50 ms RTT).

DynamoDB is the stack's moto server, which serves one DynamoDB request at a time (``local.aws.moto_server``) and
spends 10-30 ms on each write (it copies the table once per action of a transaction) where DynamoDB takes a few ms,
and DynamoDB serves a batch's concurrent writes at once where moto serves them one after another. So each set's
time is also given less moto's time on its requests (``GET /_local/dynamodb/busy`` before and after the set,
untimed): the ratios of what is left are those of a DynamoDB that answered at once; AWS lies between the two.

The activities are the admin's own: 100 are created first with one ``POST /api/v1/batch/create`` (untimed), so the
demo data is left as it is. Writes read the caller's membership fresh (no cache), so every write pays that read.

Functions: the local stack runs each function in worker processes, up to ``LAMBDA_CONCURRENCY`` (3 by default) at
once per function, each started on demand with a real cold start. The untimed warm-up sends 6 PATCHes at once, which
starts the PATCH function's environments, and a batch, which starts one of the batch function's: every measured
request meets a warm environment. Over 6 connections, 3 PATCHes run at once and the others wait for a free
environment in the gateway, as they would in Lambda with a reserved concurrency of 3: the 6-connection case
overlaps, up to 3 at a time. DynamoDB is moto server in its own process, the same for both sides.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import log, median, ratio, report, table
from bench.http_batching import (
    ONE_WAY_MS,
    PARALLEL,
    SET_ATTEMPTS,
    STACK_SETTINGS,
    STALE_CONNECTION,
    Non200,
    latency_proxy,
    login,
    pacers,
)
from bench.http_batching import _check as check_200
from bench.http_batching import _run_async as run_async
from local.aws.moto_server import BUSY_PATH

SIZES = (1, 10, 50, 100)
BATCH_ROUTE = "POST /api/v1/batch/update"
CREATE_ROUTE = "POST /api/v1/batch/create"
SINGLE_ROUTE = "PATCH /api/v1/activities/{id}"
PAR = f"parallel_{PARALLEL}"
BATCH_MODES = ("batch", "batch_atomic")
SINGLE_MODES = ("sequential", PAR)
WRITE_STACK_SETTINGS = {**STACK_SETTINGS, "DYNAMODB_READ_TIMEOUT_S": "6"}
"""moto copies a table once per action of a transaction, so an atomic batch of 100 takes it 2-3 s (DynamoDB: tens of
milliseconds). With the functions' 2 s read timeout, botocore would send it again, moto (which ignores the
ClientRequestToken) would fail its conditions, and the batch would answer 409s for writes that had landed: the
read timeout is raised for this run (the atomic batch's time still includes moto's copies)."""
TARGET_BATCH_OVER_SEQUENTIAL = 0.1
"""Issue 12: the batch update of 100 at most 0.1 of 100 sequential PATCHes (50 ms RTT)."""


@dataclass
class Writer:
    """The requests of the measurement, as the sunrise admin."""

    headers: dict[str, str]
    minutes: itertools.count[int] = field(default_factory=lambda: itertools.count(11))

    def value(self) -> int:
        """A duration other than the last set's: every write is a real change."""
        return 10 + next(self.minutes) % 100

    async def batch(self, client: httpx.AsyncClient, ids: list[str], value: int, atomic: bool = False) -> None:
        items = [{"id": key, "changes": {"duration_minutes": value}} for key in ids]
        body = {"resource_type": "activities", "items": items, "atomic": atomic}
        response = await client.post("/api/v1/batch/update", json=body, headers=self.headers)
        check_200(response)
        answer = response.json()
        if answer["total_succeeded"] != len(ids):
            failed = [r for r in answer["results"] if r["status_code"] >= 300][:3]
            raise Non200(f"{BATCH_ROUTE}: {answer['total_failed']} of {len(ids)} items failed: {failed}")

    def patch(self, client: httpx.AsyncClient, key: str, value: int) -> Awaitable[httpx.Response]:
        return client.patch(
            f"/api/v1/activities/{key}",
            content=f'{{"duration_minutes": {value}}}',
            headers={**self.headers, "Content-Type": "application/merge-patch+json"},
        )

    async def sequential(self, client: httpx.AsyncClient, ids: list[str], value: int) -> None:
        for key in ids:
            check_200(await self.patch(client, key, value))

    async def parallel(self, client: httpx.AsyncClient, ids: list[str], value: int) -> None:
        # The client's pool holds PARALLEL connections: the other requests wait for a free one, as in a mobile app.
        for response in await asyncio.gather(*(self.patch(client, key, value) for key in ids)):
            check_200(response)

    def modes(self) -> dict[str, Callable[[httpx.AsyncClient, list[str], int], Awaitable[None]]]:
        async def atomic(client: httpx.AsyncClient, ids: list[str], value: int) -> None:
            await self.batch(client, ids, value, atomic=True)

        return {"batch": self.batch, "batch_atomic": atomic, "sequential": self.sequential, PAR: self.parallel}


async def _create(api_url: str, headers: dict[str, str], count: int) -> list[str]:
    """``count`` new sunrise activities, with one batch create; their ids."""
    from bench.catalog import activity_drafts

    drafts = activity_drafts(count, tag=f"http-writes/{time.time_ns()}")
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as client:
        response = await client.post(
            "/api/v1/batch/create",
            json={"resource_type": "activities", "items": drafts, "atomic": False},
            headers=headers,
        )
    check_200(response)
    if response.json()["total_succeeded"] != count:
        raise Non200(f"{CREATE_ROUTE}: {response.text[:300]}")
    return [str(draft["id"]) for draft in drafts]


async def _dynamodb_busy(emulator: httpx.AsyncClient) -> float:
    """Seconds the stack's emulator has spent serving DynamoDB requests so far (``local.aws.moto_server``)."""
    response = await emulator.get(BUSY_PATH)
    response.raise_for_status()
    return float(response.json()["busy_s"])


async def _measure(
    urls: dict[str, str], aws_url: str, headers: dict[str, str], ids: list[str], repeats: int, singles: bool
) -> dict[str, Any]:
    pace = pacers()
    emulator = httpx.AsyncClient(base_url=aws_url, timeout=30)
    writer = Writer(headers)
    run = writer.modes()
    modes = [*BATCH_MODES, *(SINGLE_MODES if singles else ())]
    samples: dict[str, dict[str, dict[int, list[float]]]] = {}
    emulated: dict[str, dict[str, dict[int, list[float]]]] = {}
    redone: list[str] = []
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL, keepalive_expiry=60)
    for network, url in urls.items():
        async with (
            httpx.AsyncClient(
                base_url=url, timeout=60, limits=httpx.Limits(max_connections=1, keepalive_expiry=60)
            ) as one,
            httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as six,
        ):
            clients = {"batch": one, "batch_atomic": one, "sequential": one, PAR: six}

            async def refresh(client: httpx.AsyncClient, connections: int) -> None:
                """Untimed: one request on each connection a set will use, so that none of them was closed by the
                server's keep-alive timeout (5 s) while others ran (and the PATCH environments are warm)."""
                if singles:
                    await pace[SINGLE_ROUTE].reserve(connections)
                    await writer.parallel(client, ids[:connections], writer.value())
                else:
                    await pace[BATCH_ROUTE].reserve(1)
                    await writer.batch(client, ids[:1], writer.value())

            # Untimed: open the connections (7 of them) and start the functions' environments.
            await pace[BATCH_ROUTE].reserve(2)
            await writer.batch(one, ids[:2], writer.value())
            await writer.batch(one, ids[:2], writer.value(), atomic=True)
            await refresh(six, PARALLEL)
            samples[network] = {mode: {n: [] for n in SIZES} for mode in modes}
            emulated[network] = {mode: {n: [] for n in SIZES} for mode in modes}
            for repeat in range(repeats):
                for n in SIZES:
                    for mode in modes:
                        for attempt in range(SET_ATTEMPTS):
                            try:
                                await refresh(clients[mode], PARALLEL if mode == PAR else 1)
                                batch = mode in BATCH_MODES
                                await pace[BATCH_ROUTE if batch else SINGLE_ROUTE].reserve(1 if batch else n)
                                value = writer.value()
                                busy = await _dynamodb_busy(emulator)
                                started = time.perf_counter()
                                await run[mode](clients[mode], ids[:n], value)
                                elapsed = time.perf_counter() - started
                                busy = await _dynamodb_busy(emulator) - busy
                            except (*STALE_CONNECTION, Non200) as exc:
                                # A keep-alive connection the server closed just as the client reused it (a
                                # client-side race, not an answer), or a set larger than the route's burst that the
                                # refill did not carry (429): the set is measured again (the same writes again).
                                if isinstance(exc, Non200) and exc.status_code != 429:
                                    raise
                                redone.append(f"{network} {mode} N={n}: {type(exc).__name__} {exc}"[:200])
                                if attempt == SET_ATTEMPTS - 1:
                                    raise
                                continue
                            samples[network][mode][n].append(elapsed)
                            emulated[network][mode][n].append(busy)
                            break
                log(f"  http_writes: {network} repeat {repeat + 1}/{repeats} done")
    await emulator.aclose()
    waited = {route: round(p.waited_s, 2) for route, p in pace.items() if p.waited_s}
    return {"samples": samples, "emulated": emulated, "throttle_waits_s": waited, "sets_measured_again": redone}


def _summarize(raw: dict[str, Any], repeats: int, singles: bool) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    nan = float("nan")
    for network, modes in raw["samples"].items():
        busy = raw["emulated"][network]
        for n in SIZES:
            med = {mode: median(modes[mode][n]) * 1000 for mode in modes}
            # Without the emulator: each set's time less the time moto spent on its DynamoDB requests.
            own = {
                mode: median([t - b for t, b in zip(modes[mode][n], busy[mode][n], strict=True)]) * 1000
                for mode in modes
            }
            point: dict[str, Any] = {
                "network": network,
                "items": n,
                **{f"{mode}_ms": round(med[mode], 2) for mode in modes},
                **{f"{mode}_emulator_ms": round(median(busy[mode][n]) * 1000, 2) for mode in modes},
                **{f"{mode}_without_emulator_ms": round(own[mode], 2) for mode in modes},
            }
            for batch, single in itertools.product(BATCH_MODES, SINGLE_MODES):
                point[f"{batch}_over_{single}"] = round(ratio(med[batch], med.get(single, nan)), 3)
                point[f"{batch}_over_{single}_without_emulator"] = round(ratio(own[batch], own.get(single, nan)), 3)
            point["samples_ms"] = {mode: [round(s * 1000, 2) for s in modes[mode][n]] for mode in modes}
            point["emulator_samples_ms"] = {mode: [round(s * 1000, 2) for s in busy[mode][n]] for mode in modes}
            points.append(point)
    verdict = next(p for p in points if p["network"] == "rtt_50ms" and p["items"] == max(SIZES))
    from local.lambda_.pool import DEFAULT_CONCURRENCY

    return {
        "repeats": repeats,
        "parallel_connections": PARALLEL,
        "simulated_rtt_ms": 2 * ONE_WAY_MS,
        "lambda_concurrency": int(os.environ.get("LAMBDA_CONCURRENCY") or DEFAULT_CONCURRENCY),
        "patch_route": SINGLE_ROUTE if singles else None,
        "throttling": "template.yaml's, kept: the client paces its sets so that none is throttled; all measured "
        "responses were 200, every batch item written",
        "throttle_waits_s": raw["throttle_waits_s"],
        "sets_measured_again": raw["sets_measured_again"],
        "points": points,
        "target_batch_over_sequential": TARGET_BATCH_OVER_SEQUENTIAL,
        "batch_100_over_sequential": verdict["batch_over_sequential"],
        "batch_100_over_sequential_without_emulator": verdict["batch_over_sequential_without_emulator"],
        "meets_target": verdict["batch_over_sequential"] <= TARGET_BATCH_OVER_SEQUENTIAL if singles else None,
    }


def measure(repeats: int = 5) -> dict[str, Any]:
    from bench.stack import running_stack
    from local import cfn

    singles = any(route.key == SINGLE_ROUTE for route in cfn.routes())
    if not singles:
        log(f"  http_writes: no {SINGLE_ROUTE} route in template.yaml yet: batch updates only, no ratios")
    with running_stack(WRITE_STACK_SETTINGS) as stack:
        headers = login(stack)
        ids = run_async(_create(stack["api_url"], headers, max(SIZES)))
        with latency_proxy(stack["api_url"]) as proxy_url:
            urls = {"loopback": stack["api_url"], "rtt_50ms": proxy_url}
            raw = run_async(_measure(urls, stack["aws_endpoint_url"], headers, ids, repeats, singles))
    return _summarize(raw, repeats, singles)


def render(result: dict[str, Any]) -> str:
    rows = [
        (
            "50 ms RTT" if p["network"] == "rtt_50ms" else "loopback",
            p["items"],
            p["batch_ms"],
            p["batch_atomic_ms"],
            p.get("sequential_ms", "n/a"),
            p.get(f"{PAR}_ms", "n/a"),
            p["batch_over_sequential"],
            p[f"batch_over_{PAR}"],
            p["batch_atomic_over_sequential"],
            p[f"batch_atomic_over_{PAR}"],
        )
        for p in result["points"]
    ]
    if result["meets_target"] is None:
        verdict = f"no {SINGLE_ROUTE} route yet: no verdict"
    else:
        verdict = (
            f"batch of 100 / 100 sequential PATCHes, 50 ms RTT: {result['batch_100_over_sequential']} "
            f"({'meets' if result['meets_target'] else 'MISSES'} <= {result['target_batch_over_sequential']})"
        )
    measured = table(
        f"Batch update vs single PATCHes over HTTP (local stack, keep-alive; median of {result['repeats']}; ms); "
        f"{verdict}",
        [
            "network",
            "N",
            "1 batch",
            "1 atomic batch",
            "N PATCHes sequential",
            f"N PATCHes over {PARALLEL} conns",
            "batch/seq",
            f"batch/par{PARALLEL}",
            "atomic/seq",
            f"atomic/par{PARALLEL}",
        ],
        rows,
    )

    def cell(point: dict[str, Any], key: str) -> Any:
        return point.get(key, "n/a")

    emulator_rows = [
        (
            "50 ms RTT" if p["network"] == "rtt_50ms" else "loopback",
            p["items"],
            *(cell(p, f"{mode}_emulator_ms") for mode in (*BATCH_MODES, *SINGLE_MODES)),
            *(cell(p, f"{mode}_without_emulator_ms") for mode in (*BATCH_MODES, *SINGLE_MODES)),
            p["batch_over_sequential_without_emulator"],
            p[f"batch_over_{PAR}_without_emulator"],
            p["batch_atomic_over_sequential_without_emulator"],
        )
        for p in result["points"]
    ]
    without = table(
        "The same, split: moto's time serving the set's DynamoDB requests (one at a time), and the rest (ms; "
        "ratios of the rest: as if DynamoDB answered at once)",
        [
            "network",
            "N",
            "moto: batch",
            "atomic",
            "seq",
            f"par{PARALLEL}",
            "rest: batch",
            "atomic",
            "seq",
            f"par{PARALLEL}",
            "batch/seq",
            f"batch/par{PARALLEL}",
            "atomic/seq",
        ],
        emulator_rows,
    )
    return measured + "\n" + without


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_writes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.repeats)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
