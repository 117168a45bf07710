"""Measurement: the warm path's own work, before (the code as of ``--before``) and now, with DynamoDB replayed.

DynamoDB's answers are recorded once from the emulator (moto in-process, ``bench.replay record``), then two worker
processes replay them, one running the functions and layer as of ``--before`` (``git archive``, the work tree
untouched) and one running this checkout's: no emulator in the timed part, which is the whole handler invocation
(botocore's request building, signing and response parsing, the layer, FastAPI, Mangum, gzip, the EMF metrics).
Every function is warm (membership and catalog cached, as within their TTL). Samples are interleaved: each round
runs every scenario on both sides, in a new order; the figures are medians of ``--rounds`` samples, and every
sample's response body (gunzipped, its time stamps masked) must be the same on both sides.

Verdicts (issue 16): batch GET of 100 activities at most 0.35 x before; recommendations for 50 children at most
0.45 x before over a catalog of about 1,000 activities, 0.30 x over 10,000; the per-item slope of batch GET (least
squares over 1, 10, 50 and 100 ids) at most 35 us per item. And the cold starts of the read functions not worse
than before (``--instructions``): CPU instructions of import and first invocation, before and now, counted by
callgrind as ``bench.cold_start`` counts them (less the interpreter's own start), against a moto server.

Also: gzip of the measured bodies at every level (bytes, and the median time of compressing them), the measurement
behind the level the functions use (``early_learning.web.app.GZIP_LEVEL``).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from bench.common import PYTHONPATH, ROOT, log, median, p95, ratio, report, table
from bench.replay import BATCH_SIZES, WORLDS

BEFORE = "99ecb21"
"""The code as of the start of issue 16 (the default ``--before``)."""
TARGETS = {"batch_get_100": 0.35, "recommendations_50_1000": 0.45, "recommendations_50_10000": 0.30}
TARGET_SLOPE_US = 35.0
GZIP_SCENARIOS = ("batch_get_100", "batch_get_children_50", "recommendations_50_1000")


class Worker:
    """One side's replay worker (``bench.replay serve``), driven one JSON line at a time."""

    def __init__(self, side: str, tree: Path, world: str, recording: Path) -> None:
        self.side = side
        # The tree's layer and functions first (``-m`` puts the working directory first: the tree), then this
        # checkout for the rest (bench, local, tests; the exported tree holds only functions and layers).
        pythonpath = os.pathsep.join([str(tree / "layers" / "shared"), str(tree), str(ROOT)])
        env = {**os.environ, "PYTHONPATH": pythonpath}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.replay", "serve", "--world", world, "--recording", str(recording)],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.scenarios: list[str] = self._read()["ready"]

    def _read(self) -> dict[str, Any]:
        out: IO[str] = self.process.stdout  # type: ignore[assignment]
        line = out.readline()
        if not line:
            raise RuntimeError(f"the {self.side} worker stopped (see its stderr above)")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, command: str, scenario: str) -> dict[str, Any]:
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps({command: scenario}) + "\n")
        stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _record(world: str, into: Path) -> Path:
    out = into / f"{world}.json"
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    subprocess.run(
        [sys.executable, "-m", "bench.replay", "record", "--world", world, "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return out


def _gzip_levels(body: bytes, samples: int) -> list[dict[str, Any]]:
    """Every gzip level on one body: compressed bytes, the base64 of them (what the Lambda response carries), and
    the median time to compress, the levels interleaved."""
    times: dict[int, list[float]] = {level: [] for level in range(1, 10)}
    sizes = {level: len(gzip.compress(body, compresslevel=level, mtime=0)) for level in range(1, 10)}
    for round_ in range(samples):
        levels = list(range(1, 10))
        random.Random(round_).shuffle(levels)
        for level in levels:
            started = time.perf_counter()
            gzip.compress(body, compresslevel=level, mtime=0)
            times[level].append(time.perf_counter() - started)
    return [
        {
            "level": level,
            "bytes": sizes[level],
            "base64_bytes": 4 * ((sizes[level] + 2) // 3),
            "ratio_to_body": round(sizes[level] / len(body), 3),
            "median_ms": round(median(times[level]) * 1000, 3),
        }
        for level in range(1, 10)
    ]


def measure(rounds: int = 21, before: str = BEFORE, warmup: int = 3, instructions: bool = False) -> dict[str, Any]:
    from bench.cold_start import export_tree

    samples: dict[str, dict[str, list[dict[str, Any]]]] = {}
    bodies: dict[str, bytes] = {}
    mismatches: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-warm-floor-") as tmp:
        workdir = Path(tmp)
        trees = {"before": export_tree(before, workdir / "before"), "after": ROOT}
        for world in WORLDS:
            started = time.monotonic()
            recording = _record(world, workdir)
            workers = {side: Worker(side, tree, world, recording) for side, tree in trees.items()}
            try:
                names = workers["after"].scenarios
                for name in names:
                    samples[name] = {side: [] for side in workers}
                    for worker in workers.values():
                        for _ in range(warmup):
                            worker.ask("warm", name)
                for round_ in range(rounds):
                    rng = random.Random(f"{world}/{round_}")
                    order = names[:]
                    rng.shuffle(order)
                    for name in order:
                        sides = list(workers)
                        rng.shuffle(sides)
                        for side in sides:
                            samples[name][side].append(workers[side].ask("run", name))
                for name in names:
                    if name in GZIP_SCENARIOS:
                        bodies[name] = base64.b64decode(workers["after"].ask("body", name)["body"])
            finally:
                for worker in workers.values():
                    worker.close()
            log(f"  warm floor: {world} done in {time.monotonic() - started:.0f} s")
    scenarios: dict[str, Any] = {}
    for name, by_side in samples.items():
        figures: dict[str, Any] = {}
        for side, runs in by_side.items():
            ms = [r["ms"] for r in runs]
            cpu = [r["cpu_ms"] for r in runs]
            figures[side] = {
                "median_ms": round(median(ms), 3),
                "p95_ms": round(p95(ms), 3),
                "median_cpu_ms": round(median(cpu), 3),
                "body_bytes": runs[0]["body_bytes"],
                "wire_bytes": runs[0]["wire_bytes"],
                "samples_ms": [round(v, 3) for v in ms],
            }
        digests = {r["body_sha256"] for runs in by_side.values() for r in runs}
        if len(digests) != 1:
            mismatches.append(name)
        figures["ratio"] = round(ratio(figures["after"]["median_ms"], figures["before"]["median_ms"]), 3)
        figures["cpu_ratio"] = round(ratio(figures["after"]["median_cpu_ms"], figures["before"]["median_cpu_ms"]), 3)
        figures["bodies_identical"] = len(digests) == 1
        scenarios[name] = figures
    slopes = {side: _slope(scenarios, side) for side in ("before", "after")}
    verdicts = {
        name: {"ratio": scenarios[name]["ratio"], "target": target, "meets": scenarios[name]["ratio"] <= target}
        for name, target in TARGETS.items()
    }
    verdicts["batch_get_slope_us_per_item"] = {
        "after": slopes["after"]["us_per_item"],
        "target": TARGET_SLOPE_US,
        "meets": slopes["after"]["us_per_item"] <= TARGET_SLOPE_US,
    }
    cold = cold_instructions(before) if instructions else {}
    if cold:
        functions = {name: figures for name, figures in cold.items() if "ratio" in figures}
        verdicts["cold_start_instructions"] = {
            "after": max(figures["ratio"] for figures in functions.values()),
            "target": 1.0,
            "meets": all(figures["ratio"] <= 1.0 for figures in functions.values()),
        }
    return {
        "cold_start_instructions": cold,
        "rounds": rounds,
        "before_revision": before,
        "method": "DynamoDB answers recorded once from moto, replayed in both workers; whole handler invocation "
        "timed; interleaved rounds; medians",
        "scenarios": scenarios,
        "slopes": slopes,
        "verdicts": verdicts,
        "bodies_identical": not mismatches,
        "body_mismatches": mismatches,
        "gzip": {name: _gzip_levels(body, rounds) for name, body in bodies.items()},
    }


def cold_instructions(before: str) -> dict[str, Any]:
    """Cold-start instructions of the read functions (import and first invocation, callgrind), before and now."""
    from bench.cold_start import EVENTS, Subject, _run_once, _seed, count_instructions, export_tree
    from local import cfn
    from local.aws.emulator import start_emulator, stop_emulator, wait_for_emulator
    from local.aws.environment import layer_environment
    from local.ports import free_port

    with tempfile.TemporaryDirectory(prefix="bench-warm-floor-cold-") as tmp:
        workdir = Path(tmp)
        tree = export_tree(before, workdir / "before")
        old_path = os.pathsep.join([str(tree / "layers" / "shared"), str(tree)])
        todo = [Subject("empty handler", "bench.empty_handler", "handler", "batch_get.json", "floor")]
        for name, spec in cfn.functions().items():
            if name in EVENTS:  # the read functions
                todo.append(Subject(name, spec.module, spec.attribute, EVENTS[name], "function"))
                todo.append(Subject(f"{name} (before)", spec.module, spec.attribute, EVENTS[name], "before", old_path))
        port = free_port()
        emulator = start_emulator(port, workdir / "moto.log")
        try:
            wait_for_emulator(emulator, port, workdir / "moto.log")
            function_env, _ = layer_environment(f"http://127.0.0.1:{port}", "us-east-1")
            _seed(f"http://127.0.0.1:{port}", function_env)
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("AWS_", "POWERTOOLS_", "PYTHON", "DYNAMODB_"))
            }
            env.update(function_env)
            env.update(
                {
                    "PYTHONPATH": PYTHONPATH,
                    "PYTHONPYCACHEPREFIX": str(workdir / "pycache"),
                    "AWS_LAMBDA_FUNCTION_NAME": "bench",
                    "NO_PROXY": "127.0.0.1,localhost",
                    # Under callgrind a cold start takes a minute on a busy machine: past API Gateway's 30 s, a
                    # function would answer 503 instead of doing its reads (the same setting on both sides).
                    "INTEGRATION_TIMEOUT_MS": str(3_600_000),
                }
            )
            for subject in todo:  # untimed: compiles and caches the bytecode
                _run_once(subject, env, workdir)
            counts = count_instructions(todo, env, workdir)
        finally:
            stop_emulator(emulator)
    if not counts:
        return {}
    floor = counts["empty handler"]
    return {
        name: {
            "before": counts[f"{name} (before)"],
            "now": counts[name],
            "ratio": round(ratio(counts[name] - floor, counts[f"{name} (before)"] - floor), 3),
        }
        for name in EVENTS
        if name in counts
    } | {"empty handler": {"now": floor}}


def _slope(scenarios: dict[str, Any], side: str) -> dict[str, float]:
    """Least squares of the median time over the batch size (1, 10, 50, 100 ids): us per item and the fixed ms."""
    points = [(n, scenarios[f"batch_get_{n}"][side]["median_ms"]) for n in BATCH_SIZES]
    mean_n = sum(n for n, _ in points) / len(points)
    mean_ms = sum(ms for _, ms in points) / len(points)
    slope = sum((n - mean_n) * (ms - mean_ms) for n, ms in points) / sum((n - mean_n) ** 2 for n, _ in points)
    return {"us_per_item": round(slope * 1000, 1), "fixed_ms": round(mean_ms - slope * mean_n, 3)}


def render(result: dict[str, Any]) -> str:
    rows = []
    for name, f in result["scenarios"].items():
        target = TARGETS.get(name)
        rows.append(
            (
                name,
                f["before"]["median_ms"],
                f["after"]["median_ms"],
                f["ratio"],
                f["before"]["median_cpu_ms"],
                f["after"]["median_cpu_ms"],
                f["cpu_ratio"],
                f"<= {target}: {'meets' if f['ratio'] <= target else 'MISSES'}" if target else "-",
                "same" if f["bodies_identical"] else "DIFFER",
            )
        )
    parts = [
        table(
            f"Warm own work, DynamoDB replayed (medians of {result['rounds']} interleaved runs, ms), before "
            f"({result['before_revision']}) and now",
            ["request", "before", "now", "now/before", "before CPU", "now CPU", "CPU now/before", "target", "bodies"],
            rows,
        )
    ]
    slopes = result["slopes"]
    verdict = result["verdicts"]["batch_get_slope_us_per_item"]
    parts.append(
        table(
            f"Batch GET per-item slope (least squares over {', '.join(map(str, BATCH_SIZES))} ids); target <= "
            f"{TARGET_SLOPE_US:.0f} us/item now: {'meets' if verdict['meets'] else 'MISSES'}",
            ["side", "us per item", "fixed ms"],
            [(side, s["us_per_item"], s["fixed_ms"]) for side, s in slopes.items()],
        )
    )
    cold = {name: f for name, f in result.get("cold_start_instructions", {}).items() if "ratio" in f}
    if cold:
        parts.append(
            table(
                "Cold start, CPU instructions of import and first invocation (callgrind, millions), before and now; "
                "the ratio less the interpreter's own start",
                ["function", "before", "now", "now/before"],
                [(name, f["before"] / 1e6, f["now"] / 1e6, f["ratio"]) for name, f in cold.items()],
            )
        )
    for name, levels in result["gzip"].items():
        parts.append(
            table(
                f"gzip of {name}'s body ({result['scenarios'][name]['after']['body_bytes']} bytes)",
                ["level", "bytes", "base64 bytes", "x body", "median ms"],
                [(g["level"], g["bytes"], g["base64_bytes"], g["ratio_to_body"], g["median_ms"]) for g in levels],
            )
        )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.warm_floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--before", default=BEFORE, help=f"git revision of the 'before' side (default {BEFORE})")
    parser.add_argument("--instructions", action="store_true", help="also count the read functions' cold starts")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.rounds, args.before, args.warmup, args.instructions)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
