"""Measurement 5: the function's own work per written item, in-process (handlers invoked directly, moto's mock in
this process), against a batch read of the same items in the same run.

100 sunrise activities are created first (one batch create, untimed). Then, warm, each interleaved with the others
sample after sample: a batch GET of those 100 (the read baseline), a batch update of the 100 (a new
``duration_minutes`` each time: a real change), the same as one atomic transaction, and, when template.yaml routes
it, a single ``PATCH /api/v1/activities/{id}``.

"Own" is the time outside moto's emulation of DynamoDB, as ``bench.warm`` computes it (the function's code,
botocore's request building and response parsing), in two ways that agree when the function makes one call at a
time (WRITE_CONCURRENCY=1 in-process, see ``bench.common.use_moto_environment``): wall time less the time during
which a call was under way, and the process's CPU time less the CPU time spent inside moto. The verdict is the
ratio of the own work per item of the batch update of 100 to that of the batch GET of 100: what a written item costs
the function, in items read.

The tables hold the demo's core data only (no generated catalog): moto copies a table once per action of a
transaction, and that work, done between the function's steps, also slows the steps themselves (the same run over
the demo catalog's ~340 activities gave about 1.2 ms of own work per updated item instead of about 0.85, and 4.6 ms
instead of 3.7 per PATCH, with the cyclic garbage collector paused as with it running). So the own work of a write is
an upper bound, closest to the function's where the emulator disturbs it least.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import log, ratio, report, table, use_moto_environment
from local.in_process import current_event_loop

ITEMS = 100
WARMUP = 2


def measure(samples: int = 20) -> dict[str, Any]:
    use_moto_environment()
    from bench import inprocess

    result: dict[str, Any] = {"samples": samples, "items": ITEMS}
    # Without the generated catalog: the function's own work is the same, and moto, which copies a table once per
    # action of a transaction, writes far faster into a small one.
    with current_event_loop(), inprocess.world(catalog=[]):
        handlers = inprocess.handlers()
        batch_write = handlers["batch_write"]
        ids = inprocess.create_activities(batch_write, ITEMS, "warm-writes")
        minutes = itertools.count(11)
        read = inprocess.batch_get_event(ids)

        def update(atomic: bool) -> Callable[[], Any]:
            def call() -> Any:
                body = inprocess.update_body(ids, next(minutes), atomic)
                return inprocess.written(
                    inprocess.invoke(batch_write, inprocess.batch_write_event("update", body)), ITEMS
                )

            return call

        actions: dict[str, Callable[[], Any]] = {
            "batch_get_100": lambda: inprocess.invoke(handlers["batch_get"], read),
            "batch_update_100": update(False),
            "batch_update_100_atomic": update(True),
        }
        patch = inprocess.route_handler(inprocess.PATCH_ACTIVITY)
        if patch is not None:
            actions["patch_1"] = lambda: inprocess.invoke(
                patch, inprocess.patch_activity_event(ids[0], {"duration_minutes": next(minutes)})
            )
        else:
            log(f"  warm_writes: no {inprocess.PATCH_ACTIVITY} route in template.yaml yet: single PATCH not timed")
        result["requests"] = inprocess.time_interleaved(actions, samples, WARMUP)
    result["patch_route"] = inprocess.PATCH_ACTIVITY if patch is not None else None
    requests = result["requests"]
    per_item: dict[str, dict[str, float]] = {}
    for name, figures in requests.items():
        items = 1 if name == "patch_1" else ITEMS
        per_item[name] = {
            "ms": round(figures["median_ms"] / items, 4),
            "own_ms": round(figures["without_emulator"]["median_ms"] / items, 4),
            "own_cpu_ms": round(figures["without_emulator_cpu"]["median_ms"] / items, 4),
        }
    result["per_item"] = per_item
    read_item = per_item["batch_get_100"]
    result["ratios_to_batch_get"] = {
        name: {
            "own": round(ratio(figures["own_ms"], read_item["own_ms"]), 2),
            "own_cpu": round(ratio(figures["own_cpu_ms"], read_item["own_cpu_ms"]), 2),
        }
        for name, figures in per_item.items()
        if name != "batch_get_100"
    }
    # The verdict: own work per written item of the batch update of 100, in items of the batch read of 100.
    result["update_over_read_per_item"] = result["ratios_to_batch_get"]["batch_update_100"]["own"]
    return result


LABELS = {
    "batch_get_100": "batch GET, 100 ids (read baseline)",
    "batch_update_100": "batch update, 100 items",
    "batch_update_100_atomic": "batch update, 100 items, atomic",
    "patch_1": "PATCH one activity",
}


def render(result: dict[str, Any]) -> str:
    rows = []
    for name, figures in result["requests"].items():
        item = result["per_item"][name]
        ratios = result["ratios_to_batch_get"].get(name, {"own": 1.0, "own_cpu": 1.0})  # the baseline: itself
        rows.append(
            (
                LABELS[name],
                figures["median_ms"],
                figures["without_emulator"]["median_ms"],
                figures["without_emulator"]["p95_ms"],
                figures["without_emulator_cpu"]["median_ms"],
                item["own_ms"],
                item["own_cpu_ms"],
                ratios["own"],
                ratios["own_cpu"],
            )
        )
    rendered = table(
        f"Own work per written item, in-process (median of {result['samples']}; ms; own = without moto's emulation "
        f"of DynamoDB); a written item = {result['update_over_read_per_item']} x a read item (batch of 100, own)",
        [
            "request",
            "median",
            "own median",
            "own p95",
            "own CPU",
            "own per item",
            "own CPU per item",
            "per item / read",
            "CPU per item / read",
        ],
        rows,
    )
    if result["patch_route"] is None:
        rendered += "\n\n(no PATCH /api/v1/activities/{id} route in template.yaml yet: single PATCH not timed)"
    return rendered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.warm_writes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.samples)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
