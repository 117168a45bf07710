"""Measurement 3: cold start of every function, against a naive baseline measured in the same run.

A cold start here is a fresh interpreter importing the handler module and running its first invocation
(``bench/cold_child.py`` times exactly that, and reports the peak RSS). Each subject runs ``--runs`` times, the
subjects interleaved round by round (in a new order each round), so that a machine getting busier or quieter
affects every subject alike; the verdict is the ratio of medians, function / baseline, and the target is <= 0.75.

Subjects: every function of template.yaml with the event of its individual or batch route; the naive baseline
(``bench.naive_baseline``: FastAPI, Mangum, powertools Logger/Tracer/Metrics, boto3 and a PynamoDB model, the same
routes written naively) answering each of those events, so that each function is compared with a naive twin doing
the same reads and the same scoring; and two reference points: an empty handler (the interpreter) and
``bench.frameworks_floor`` (FastAPI, Mangum, powertools Logger/Metrics and PynamoDB with one read: what the chosen
frameworks cost before any of the service's code).

The first invocation reads DynamoDB: here a moto server on loopback (one per measurement, seeded with the core
data of local/demo/), as a function in AWS calls DynamoDB over the network. Not an in-process moto mock: that
would import botocore (and much more) before the clock starts and hide the very cost being measured.

Instructions (``--instructions``): wall and CPU time move with whatever else the machine runs (on a busy 2-core
machine, the same subject's runs can differ by half). So each subject also runs once under valgrind's callgrind,
which counts the CPU instructions the cold start executes: the same count whatever the load (and the same on every
run, hash seed fixed), so these runs go in parallel. The instruction ratio, (function - empty handler) /
(baseline - empty handler), is the noise-free verdict beside the time ratio.

Bytecode: every subject runs once untimed first, writing its bytecode to a private cache (PYTHONPYCACHEPREFIX),
so the timed runs load compiled modules, as Lambda loads the shared layer's (``layers/shared/Makefile`` builds it
with precompiled bytecode; only the function's own ``app.py`` is compiled at each cold start there).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import PYTHONPATH, ROOT, log, median, ratio, report, table
from local.ports import free_port

TARGET_RATIO = 0.75
CHILD = ROOT / "bench" / "cold_child.py"
REGION = "us-east-1"

EVENTS = {
    "BatchGetFunction": "batch_get.json",
    "ActivitiesFunction": "get_activity.json",
    "BatchRecommendationsFunction": "batch_recommendations.json",
    "ChildrenFunction": "child_recommendations.json",
}


@dataclass(frozen=True)
class Subject:
    name: str
    module: str
    attribute: str
    event: str
    role: str  # "function" | "baseline" | "floor" | "before"
    pythonpath: str = PYTHONPATH


def subjects(before: Path | None = None) -> list[Subject]:
    """The baseline, the floor and every function; with ``before`` (a source tree of another commit), every function
    of that tree too, measured in the same run."""
    from local import cfn

    found = [
        Subject("empty handler", "bench.empty_handler", "handler", "batch_get.json", "floor"),
        Subject("frameworks only", "bench.frameworks_floor", "handler", "batch_get.json", "floor"),
    ]
    for event in dict.fromkeys(EVENTS.values()):
        found.append(Subject(f"naive baseline, {event}", "bench.naive_baseline", "handler", event, "baseline"))
    for name, spec in cfn.functions().items():
        if name not in EVENTS:
            continue  # the naive baseline twins the read routes only: the other functions have no twin to divide by
        event = EVENTS[name]
        found.append(Subject(name, spec.module, spec.attribute, event, "function"))
        if before is not None:
            old_path = os.pathsep.join([str(before / "layers" / "shared"), str(before)])
            found.append(Subject(f"{name} (before)", spec.module, spec.attribute, event, "before", old_path))
    return found


def export_tree(revision: str, into: Path) -> Path:
    """The functions and the layer as of ``revision`` (``git archive``: the work tree and the index are untouched)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "functions", "layers"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _seed(aws_url: str, env: dict[str, str]) -> None:
    """The template's tables and the core demo data in the emulator, through the layer's own store."""
    os.environ.update(env)
    import boto3

    from early_learning.store import activities, memberships
    from local import cfn
    from local.demo.core import CORE_ACTIVITIES, CORE_MEMBERSHIPS
    from tests.data import extra

    cfn.create_tables(boto3.client("dynamodb", endpoint_url=aws_url, region_name=REGION))
    activities.save(CORE_ACTIVITIES)
    memberships.save(CORE_MEMBERSHIPS)
    extra.seed_core()


def _run_once(subject: Subject, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    out = workdir / "result.json"
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(CHILD), subject.module, subject.attribute, str(ROOT / "events" / subject.event), str(out)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": subject.pythonpath},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # the functions' JSON logs and EMF metrics (Lambda sends them to CloudWatch)
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )
    process_ms = (time.perf_counter() - started) * 1000
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"{subject.name}: the cold start failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    result: dict[str, Any] = json.loads(out.read_text())
    if result["status"] != [200, 200]:
        raise RuntimeError(f"{subject.name}: answered {result['status']}, not 200")
    result["process_ms"] = process_ms
    return result


def _instructions(subject: Subject, env: dict[str, str], workdir: Path) -> int:
    """CPU instructions of one cold start (import and first invocation, the interpreter's start included), counted
    by callgrind: a count that does not depend on what else the machine runs."""
    out = workdir / f"instructions-{re.sub(r'[^a-z0-9]+', '-', subject.name.lower())}.json"
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(CHILD),
            subject.module,
            subject.attribute,
            str(ROOT / "events" / subject.event),
            str(out),
            "--cold-only",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": subject.pythonpath, "PYTHONHASHSEED": "0"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=1800,
        check=False,
    )
    stderr = done.stderr.decode(errors="replace")
    collected = re.search(r"Collected : (\d+)", stderr)
    if done.returncode != 0 or collected is None or not out.exists():
        raise RuntimeError(f"{subject.name}: the cold start under callgrind failed:\n{stderr[-3000:]}")
    status = json.loads(out.read_text())["status"]
    if status[0] != 200:
        raise RuntimeError(f"{subject.name}: answered {status} under callgrind")
    return int(collected.group(1))


def count_instructions(todo: list[Subject], env: dict[str, str], workdir: Path) -> dict[str, int]:
    """Every subject's cold-start instructions, the subjects in parallel (the counts do not depend on the load)."""
    if shutil.which("valgrind") is None:
        log("  cold start: valgrind not found, no instruction counts")
        return {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = pool.map(lambda subject: _instructions(subject, env, workdir), todo)
        counts = {subject.name: count for subject, count in zip(todo, found, strict=True)}
    log("  cold start: instructions counted")
    return counts


def measure(runs: int = 7, before: str | None = None, instructions: bool = False) -> dict[str, Any]:
    from local.aws.emulator import start_emulator, stop_emulator, wait_for_emulator
    from local.aws.environment import layer_environment

    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        aws_url = f"http://127.0.0.1:{port}"
        emulator = start_emulator(port, workdir / "moto.log")
        try:
            wait_for_emulator(emulator, port, workdir / "moto.log")
            function_env, _ = layer_environment(aws_url, REGION)
            _seed(aws_url, function_env)
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("AWS_", "POWERTOOLS_", "PYTHON", "DYNAMODB_"))
            }
            env.update(function_env)
            env.update(
                {
                    "PYTHONPATH": PYTHONPATH,  # as Lambda puts the layer (/opt/python) and the code on sys.path
                    "PYTHONPYCACHEPREFIX": str(workdir / "pycache"),
                    "AWS_LAMBDA_FUNCTION_NAME": "bench",
                    "NO_PROXY": "127.0.0.1,localhost",
                }
            )
            todo = subjects(export_tree(before, workdir / "before") if before else None)
            for subject in todo:  # untimed: compiles and caches the bytecode
                _run_once(subject, env, workdir)
            samples: dict[str, list[dict[str, Any]]] = {s.name: [] for s in todo}
            for round_ in range(runs):
                order = todo[:]
                random.Random(round_).shuffle(order)  # a new order each round: no subject always follows another
                for subject in order:
                    samples[subject.name].append(_run_once(subject, env, workdir))
                log(f"  cold start: round {round_ + 1}/{runs} done")
            counts = count_instructions(todo, env, workdir) if instructions else {}
        finally:
            stop_emulator(emulator)
    result = summarize(todo, samples, runs, counts)
    if before:
        result["before_revision"] = before
    return result


def summarize(
    todo: list[Subject], samples: dict[str, list[dict[str, Any]]], runs: int, counts: dict[str, int] | None = None
) -> dict[str, Any]:
    figures: dict[str, dict[str, Any]] = {}
    for subject in todo:
        runs_of = samples[subject.name]

        def med(key: str, of: list[dict[str, Any]] = runs_of) -> float:
            return round(median([float(r[key]) for r in of]), 2)

        figures[subject.name] = {
            "role": subject.role,
            "module": subject.module,
            "event": subject.event,
            "cold_ms": med("cold_ms"),
            "cold_cpu_ms": med("cold_cpu_ms"),
            "import_ms": med("import_ms"),
            "first_invocation_ms": med("first_invocation_ms"),
            "warm_invocation_ms": med("warm_invocation_ms"),
            "process_ms": med("process_ms"),
            "peak_rss_mb": round(med("peak_rss_kb") / 1024, 1),
            "modules": int(med("modules")),
            "cold_ms_min": round(min(float(r["cold_ms"]) for r in runs_of), 2),
            "cold_ms_samples": [round(float(r["cold_ms"]), 2) for r in runs_of],
        }
        if counts:
            figures[subject.name]["instructions"] = counts[subject.name]
    # Each subject is compared with the naive baseline answering the same event (the same reads, the same work).
    baselines = {f["event"]: f for f in figures.values() if f["role"] == "baseline"}
    for fig in figures.values():
        baseline = baselines[fig["event"]]
        fig["ratio_to_baseline"] = round(ratio(fig["cold_ms"], baseline["cold_ms"]), 3)
        fig["cpu_ratio_to_baseline"] = round(ratio(fig["cold_cpu_ms"], baseline["cold_cpu_ms"]), 3)
        # The least disturbed run of each: other processes on the machine only ever add time.
        fig["min_ratio_to_baseline"] = round(ratio(fig["cold_ms_min"], baseline["cold_ms_min"]), 3)
        fig["rss_ratio_to_baseline"] = round(ratio(fig["peak_rss_mb"], baseline["peak_rss_mb"]), 3)
        if counts:
            # Less the interpreter's own start (the empty handler), which is no part of either cold start's code.
            floor = figures["empty handler"]["instructions"]
            fig["instructions_ratio_to_baseline"] = round(
                ratio(fig["instructions"] - floor, baseline["instructions"] - floor), 3
            )
        if fig["role"] == "function":
            fig["meets_target"] = fig["ratio_to_baseline"] <= TARGET_RATIO
            fig["meets_target_cpu"] = fig["cpu_ratio_to_baseline"] <= TARGET_RATIO
            if counts:
                fig["meets_target_instructions"] = fig["instructions_ratio_to_baseline"] <= TARGET_RATIO
    return {
        "runs": runs,
        "instructions_counted": bool(counts),
        "target_ratio": TARGET_RATIO,
        "method": "fresh interpreter per run; timed from the handler import to the end of the first invocation; "
        "DynamoDB = moto server on loopback; bytecode precompiled; medians of the runs",
        "subjects": figures,
    }


def render(result: dict[str, Any]) -> str:
    rows = [
        (
            name,
            f["cold_ms"],
            f["import_ms"],
            f["first_invocation_ms"],
            f["cold_cpu_ms"],
            f["warm_invocation_ms"],
            f["peak_rss_mb"],
            f["ratio_to_baseline"],
            f["cpu_ratio_to_baseline"],
            f["min_ratio_to_baseline"],
            round(f["instructions"] / 1e6) if "instructions" in f else "n/a",
            f.get("instructions_ratio_to_baseline", "n/a"),
            {"function": "yes" if f.get("meets_target") else "NO"}.get(f["role"], "-"),
        )
        for name, f in result["subjects"].items()
    ]
    return table(
        f"Cold start (median of {result['runs']} fresh interpreters; target <= {result['target_ratio']} x baseline)",
        [
            "subject",
            "cold ms",
            "import ms",
            "1st call ms",
            "cold CPU ms",
            "warm call ms",
            "peak RSS MB",
            "x baseline",
            "CPU x baseline",
            "min x baseline",
            "M instructions",
            "instr. x baseline",
            "target",
        ],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", metavar="REV", help="also measure the functions as of this git revision")
    parser.add_argument(
        "--instructions", action="store_true", help="also count each cold start's instructions (valgrind, minutes)"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.runs, args.before, args.instructions)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
