"""`make bench`: every measurement, one table each, the figures in bench/results/latest.json and the plot in
bench/results/batching.png.

    python -m bench.run                      # everything (about 7 minutes)
    python -m bench.run --only cold_start    # one or more of: round_trips, cold_start, warm, warm_floor,
                                             #   warm_writes, http_batching, http_writes, jobs, quotas,
                                             #   clients
    python -m bench.run --quick              # fewer repetitions, to bench/results/quick.json: a smoke run

Each measurement runs in a process of its own (in-process moto, the local stack and fresh interpreters must not meet
in one process); its table is printed as it finishes. Every verdict is a ratio against a baseline measured in the
same run, so a busy machine slows both sides alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PYTHONPATH, RESULTS, ROOT, log, table, write_json

MEASUREMENTS = (
    "round_trips",
    "cold_start",
    "warm",
    "warm_floor",
    "warm_writes",
    "http_batching",
    "http_writes",
    "jobs",
    "quotas",
    "clients",
)
FULL = {
    "round_trips": [],
    "cold_start": ["--runs", "7", "--instructions"],
    "warm": ["--samples", "20", "--scale-samples", "7", "--cold-samples", "1"],
    "warm_floor": ["--rounds", "25", "--instructions"],
    "warm_writes": ["--samples", "20"],
    "http_batching": ["--repeats", "5"],
    "http_writes": ["--repeats", "5"],
    "jobs": ["--repeats", "2", "--samples", "20"],
    "quotas": ["--samples", "30"],
    "clients": ["--repeats", "5"],
}
QUICK = {
    "round_trips": [],
    "cold_start": ["--runs", "2"],
    "warm": ["--samples", "5", "--scale-samples", "3", "--cold-samples", "1"],
    "warm_floor": ["--rounds", "5", "--warmup", "1"],
    "warm_writes": ["--samples", "5"],
    "http_batching": ["--repeats", "1"],
    "http_writes": ["--repeats", "1"],
    "jobs": ["--repeats", "1", "--samples", "5"],
    "quotas": ["--samples", "5"],
    "clients": ["--repeats", "1"],
}


def _machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False)
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit.stdout.strip() or None,
        "uncommitted_changes": bool(dirty.stdout.strip()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
    }


def _run(name: str, args: list[str], workdir: Path) -> dict[str, Any]:
    out = workdir / f"{name}.json"
    log(f"\n== {name} ==")
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    subprocess.run([sys.executable, "-m", f"bench.{name}", "--json", str(out), *args], cwd=ROOT, env=env, check=True)
    log(f"   ({name}: {time.monotonic() - started:.0f} s)")
    result: dict[str, Any] = json.loads(out.read_text())
    result["elapsed_s"] = round(time.monotonic() - started, 1)
    return result


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    """The verdicts of the run, each a ratio against its baseline measured in the same run."""
    found: dict[str, Any] = {}
    if "http_batching" in results:
        found["http"] = [
            {
                "kind": p["kind"],
                "network": p["network"],
                "items": p["items"],
                "batch_over_sequential": p["batch_over_sequential"],
                "batch_over_parallel_6": p["batch_over_parallel_6"],
            }
            for p in results["http_batching"]["points"]
        ]
    if "cold_start" in results:
        found["cold_start"] = {
            name: s["ratio_to_baseline"]
            for name, s in results["cold_start"]["subjects"].items()
            if s["role"] == "function"
        }
        found["cold_start_instructions"] = {
            name: s["instructions_ratio_to_baseline"]
            for name, s in results["cold_start"]["subjects"].items()
            if s["role"] == "function" and "instructions_ratio_to_baseline" in s
        }
    if "warm" in results:
        found["recommendations_10k_over_1k"] = results["warm"]["scale_ratios"]
    if "warm_floor" in results:
        found["warm_own_work_over_before"] = results["warm_floor"]["verdicts"]
    if "round_trips" in results:
        found["round_trips"] = results["round_trips"]["batch_vs_singles"]
        writes = results["round_trips"]["writes"]
        found["write_round_trips"] = [
            {
                key: c[key]
                for key in ("operation", "atomic", "idempotency_key", "items", "warm_calls", "warm_calls_per_item")
            }
            for c in writes["cases"]
        ]
        found["write_round_trips_batch_update_over_patches"] = writes["batch_update_vs_patches"]
    if "warm_writes" in results:
        found["write_own_work_per_item_over_read"] = results["warm_writes"]["ratios_to_batch_get"]
    if "http_writes" in results:
        found["http_writes"] = [
            {
                key: p[key]
                for key in (
                    "network",
                    "items",
                    "batch_over_sequential",
                    "batch_over_parallel_6",
                    "batch_atomic_over_sequential",
                    "batch_atomic_over_parallel_6",
                )
            }
            for p in results["http_writes"]["points"]
        ]
        found["http_writes_batch_100_over_sequential"] = results["http_writes"]["batch_100_over_sequential"]
        found["http_writes_meets_target"] = results["http_writes"]["meets_target"]
    if "jobs" in results:
        jobs = results["jobs"]
        found["jobs_items_per_s"] = jobs.get("throughput", {}).get("median_items_per_s")
        found["jobs_worker_chunk_over_sync_own"] = jobs["per_chunk"]["worker_over_sync_own"]
        found["jobs_worker_chunk_over_sync_own_cpu"] = jobs["per_chunk"]["worker_over_sync_own_cpu"]
    if "quotas" in results:
        found["quota_check_round_trips_added"] = results["quotas"]["round_trips_added"]
        found["quota_check_own_work_on_over_off"] = {
            name: figures["own_ratio"] for name, figures in results["quotas"]["own_work"].items()
        }
    if "clients" in results:
        found["client_get_many_1000"] = {
            key: results["clients"][key] for key in ("median_ms", "client_over_guide", "client_over_singles_6")
        }
    return found


def summary(results: dict[str, Any], before: dict[str, Any] | None) -> str:
    parts = []
    if "warm_floor" in results:
        verdicts = results["warm_floor"]["verdicts"]
        parts.append(
            table(
                f"Warm own work now / before ({results['warm_floor']['before_revision']}), DynamoDB replayed "
                "(lower is better)",
                ["measure", "now", "target", "verdict"],
                [
                    (
                        name,
                        v.get("ratio", v.get("after")),
                        f"<= {v['target']}",
                        "meets" if v["meets"] else "MISSES",
                    )
                    for name, v in verdicts.items()
                ],
            )
        )
    if "http_batching" in results:
        rows = [
            (
                f"{r['kind']}, {'50 ms RTT' if r['network'] == 'rtt_50ms' else 'loopback'}",
                r["items"],
                r["batch_over_sequential"],
                f"{(1 - r['batch_over_sequential']) * 100:.0f}%",
                r["batch_over_parallel_6"],
                f"{(1 - r['batch_over_parallel_6']) * 100:.0f}%",
            )
            for r in ratios(results)["http"]
            if r["items"] > 1
        ]
        parts.append(
            table(
                "Ratios: one batch / N individual requests (wall time; lower is better; 'faster' = 1 - ratio)",
                ["items, network", "N", "batch/sequential", "faster", "batch/6 parallel", "faster "],
                rows,
            )
        )
    if "http_writes" in results:
        http = results["http_writes"]
        verdict = (
            "no PATCH route yet"
            if http["meets_target"] is None
            else f"{http['batch_100_over_sequential']}: {'meets' if http['meets_target'] else 'MISSES'}"
        )
        parts.append(
            table(
                "Ratios: one batch update / N single PATCHes (wall time; lower is better); target: the batch of 100 "
                f"<= {http['target_batch_over_sequential']} x sequential PATCHes, 50 ms RTT ({verdict})",
                ["network", "N", "batch/sequential", "batch/6 parallel", "atomic/sequential", "atomic/6 parallel"],
                [
                    (
                        "50 ms RTT" if p["network"] == "rtt_50ms" else "loopback",
                        p["items"],
                        p["batch_over_sequential"],
                        p["batch_over_parallel_6"],
                        p["batch_atomic_over_sequential"],
                        p["batch_atomic_over_parallel_6"],
                    )
                    for p in http["points"]
                ],
            )
        )
    if "warm_writes" in results:
        own = results["warm_writes"]
        parts.append(
            table(
                "Own work per item (in-process, without moto's time), x a read item of the batch GET of 100 "
                "in the same run",
                ["request", "own ms per item", "x read item", "own CPU ms per item", "x read item (CPU)"],
                [
                    (
                        name,
                        figures["own_ms"],
                        own["ratios_to_batch_get"].get(name, {"own": 1.0})["own"],
                        figures["own_cpu_ms"],
                        own["ratios_to_batch_get"].get(name, {"own_cpu": 1.0})["own_cpu"],
                    )
                    for name, figures in own["per_item"].items()
                ],
            )
        )
    if "cold_start" in results:
        after = results["cold_start"]["subjects"]
        cold_rows: list[tuple[Any, ...]] = []
        for name, s in after.items():
            if s["role"] != "function":
                continue
            old = (before or {}).get("subjects", {}).get(name)
            cold_rows.append(
                (
                    name,
                    old["cold_ms"] if old else "n/a",
                    old["ratio_to_baseline"] if old else "n/a",
                    s["cold_ms"],
                    s["ratio_to_baseline"],
                    s["cpu_ratio_to_baseline"],
                    s.get("min_ratio_to_baseline", "n/a"),
                    old.get("instructions_ratio_to_baseline", "n/a") if old else "n/a",
                    s.get("instructions_ratio_to_baseline", "n/a"),
                    "yes" if s["meets_target"] else "NO",
                    old["peak_rss_mb"] if old else "n/a",
                    s["peak_rss_mb"],
                )
            )
        parts.append(
            table(
                f"Cold start before ({(before or {}).get('revision', 'n/a')}"
                f"{', same run' if (before or {}).get('same_run') else ''}) / after the leanness changes "
                "(x the naive baseline of the run; target <= 0.75)",
                [
                    "function",
                    "before ms",
                    "before x",
                    "now ms",
                    "now x",
                    "now CPU x",
                    "now min x",
                    "before instr. x",
                    "now instr. x",
                    "target",
                    "RSS before MB",
                    "RSS now MB",
                ],
                cold_rows,
            )
        )
    if "quotas" in results:
        from bench.quotas import render as render_quotas

        parts.append(render_quotas(results["quotas"]))
    if "clients" in results:
        from bench.clients import render as render_clients

        parts.append(render_clients(results["clients"]))
    return "\n".join(parts)


def _before(cold_start: dict[str, Any] | None) -> dict[str, Any] | None:
    """Cold starts before the leanness changes: measured in this run (``--cold-before``) when asked, else the
    committed record (bench/results/cold_start_before.json, from such a run)."""
    if cold_start is not None and cold_start.get("before_revision"):
        subjects = {
            name.removesuffix(" (before)"): figures
            for name, figures in cold_start["subjects"].items()
            if figures["role"] == "before"
        }
        return {"revision": cold_start["before_revision"], "same_run": True, "subjects": subjects}
    record = RESULTS / "cold_start_before.json"
    return json.loads(record.read_text()) if record.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(MEASUREMENTS)}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument(
        "--cold-before",
        metavar="REV",
        help="also measure the functions' cold starts as of this git revision, in the same run (before/after)",
    )
    parser.add_argument("--out", type=Path, help="where the figures go (default bench/results/latest.json)")
    parser.add_argument("--png", type=Path, help="where the plot goes (default bench/results/batching.png)")
    args = parser.parse_args(argv)
    # A smoke run never replaces the committed figures of a full run.
    args.out = args.out or RESULTS / ("quick.json" if args.quick else "latest.json")
    args.png = args.png or RESULTS / ("quick-batching.png" if args.quick else "batching.png")
    chosen = [m.strip() for m in args.only.split(",")] if args.only else list(MEASUREMENTS)
    unknown = sorted(set(chosen) - set(MEASUREMENTS))
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(unknown)}")
    plan = {name: list(values) for name, values in (QUICK if args.quick else FULL).items()}
    if args.cold_before:
        plan["cold_start"] += ["--before", args.cold_before]
    started = time.monotonic()
    machine = _machine()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name in MEASUREMENTS:
            if name in chosen:
                results[name] = _run(name, plan[name], Path(tmp))
    machine["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    machine["elapsed_s"] = round(time.monotonic() - started, 1)
    before = _before(results.get("cold_start"))
    document = {"machine": machine, "quick": args.quick, "ratios": ratios(results), **results}
    if before is not None:
        document["cold_start_before"] = before
    write_json(args.out, document)
    print(summary(results, before), flush=True)
    if "http_batching" in results:
        from bench.plot import draw

        print(f"\nplot: {draw(document, args.png).relative_to(ROOT) if args.png.is_relative_to(ROOT) else args.png}")
    print(f"figures: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    print(
        f"make bench: {machine['elapsed_s']:.0f} s; load average {machine['load_average_at_start']} at start, "
        f"{machine['load_average_at_end']} at end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
