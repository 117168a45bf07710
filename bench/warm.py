"""Measurement 4: warm latency and scale, in-process (handlers invoked directly, moto's mock in this process).

- Batch GET of 100 ids, and one individual GET for scale: median and p95 of warm invocations; batch GET of the
  ``child_progress`` of 100 children (``bench.progress``), and of the same 100 children for comparison.
- Recommendations for 50 children over visible catalogs of about 1,000 and 10,000 activities (``bench.catalog``):
  warm cache (the catalog already in the function's cache, the usual case within its 60 s TTL) and cold cache (the
  catalog read again: moto's in-process Query emulation and the conversion of every item; one sample by default,
  as moto takes tens of seconds to serve 10,000 items). "scoring only" is the pure scoring of the same 50 children
  (``prepare_catalog`` + ``recommend``), without the handler around it.

Every time is also given without moto's emulation of DynamoDB ("own": the function's code, botocore's request
building and response parsing included), since moto's in-process serializer costs about 3 ms per item where
DynamoDB's service time is a few milliseconds per request. The verdict is the ratio 10k / 1k of the function's own
work with a warm cache, which must stay under 10.

Times include moto's in-process emulation of DynamoDB (no network), so they are not AWS latencies: compare them
with each other.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import log, ratio, report, summary_ms, table, use_moto_environment
from local.in_process import current_event_loop

TARGET_SCALE_RATIO = 10.0


def _time(
    action: Callable[[], Any], samples: int, warmup: int = 2, before: Callable[[], Any] | None = None
) -> dict[str, Any]:
    """Median and p95 of ``samples`` timed calls (after ``warmup`` untimed ones), and the same for the time spent
    outside moto's emulation of DynamoDB (the function's own work)."""
    from bench.inprocess import EmulatorClock

    for _ in range(warmup):
        if before is not None:
            before()
        action()
    times, own = [], []
    with EmulatorClock().installed() as emulator:
        for _ in range(samples):
            if before is not None:
                before()
            emulated = emulator.seconds
            started = time.perf_counter()
            action()
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            own.append(elapsed - (emulator.seconds - emulated))
    return {"samples": samples, **summary_ms(times), "without_emulator": summary_ms(own)}


def _scoring_only(child_ids: list[str], options: Any) -> Callable[[], Any]:
    """Pure scoring of the children over the cached catalog, as the handler does it (no envelope, no I/O)."""
    from early_learning.envelope import Deadline
    from early_learning.scoring import prepare_catalog, recommend
    from early_learning.store import activities, children, history
    from local.demo import ids

    deadline = Deadline(60_000)
    kids = [children.to_domain(children.read_many([cid], deadline).items[cid]) for cid in child_ids]
    recent = history.read_many(child_ids, deadline).entries
    catalog = activities.visible_catalog(ids.SUNRISE)
    today = date(2026, 2, 16)

    def score() -> None:
        prepared = prepare_catalog(catalog, options)
        for kid in kids:
            recent_ids = {entry.activity_id for entry in recent.get(kid.id, ())}
            recommend(kid, prepared, options, recent_activity_ids=recent_ids, today=today)

    return score


def measure(samples: int = 20, scale_samples: int = 7, cold_samples: int = 1) -> dict[str, Any]:
    use_moto_environment()
    from bench import inprocess, progress
    from bench.catalog import synthetic_catalog
    from early_learning.scoring import RecommendationOptions

    result: dict[str, Any] = {"samples": samples, "scale_samples": scale_samples, "cold_samples": cold_samples}
    with current_event_loop():
        handlers = inprocess.handlers()
        with inprocess.world() as seeded:
            ids = seeded.activity_ids[:100]
            batch = inprocess.batch_get_event(ids)
            single = inprocess.get_activity_event(ids[0])
            result["batch_get_100"] = _time(lambda: inprocess.invoke(handlers["batch_get"], batch), samples)
            result["get_activity_1"] = _time(lambda: inprocess.invoke(handlers["activities"], single), samples)
            # child_progress of 100 children (DESIGN 3.12), against a batch GET of the same children
            kids = progress.seed_children(seeded.activity_ids)
            for resource_type in ("child_progress", "children"):
                event = progress.batch_get_event(resource_type, kids)
                call = functools.partial(inprocess.invoke, handlers["batch_get"], event)
                result[f"batch_get_{resource_type}_100"] = _time(call, samples)
        log("  warm: batch GET done")
        scale: dict[str, Any] = {}
        for size in (1000, 10000):
            started = time.perf_counter()
            catalog = synthetic_catalog(size)
            with inprocess.world(catalog=catalog) as seeded:
                log(f"  warm: catalog of {seeded.catalog_size} seeded in {time.perf_counter() - started:.1f} s")
                event = inprocess.batch_recommendations_event(seeded.child_ids[:50])
                call = functools.partial(inprocess.invoke, handlers["batch_recommendations"], event)
                # Cold first: the catalog read is moto's slowest part (seconds at 10k), so it is not repeated
                # as a warm-up; it leaves the catalog cached for the warm-cache samples.
                cold = _time(call, cold_samples, warmup=0, before=inprocess.clear_caches)
                scale[str(size)] = {
                    "catalog_size": seeded.catalog_size,
                    "children": 50,
                    "warm_cache": _time(call, scale_samples, warmup=1),
                    "cold_cache": cold,
                    "scoring_only": _time(
                        _scoring_only(seeded.child_ids[:50], RecommendationOptions(max_recommendations=5)),
                        scale_samples,
                    ),
                }
            log(f"  warm: recommendations over {size} activities done")
        result["recommendations_50"] = scale
    small, large = scale["1000"], scale["10000"]
    ratios: dict[str, float] = {}
    for part in ("warm_cache", "cold_cache", "scoring_only"):
        ratios[part] = round(ratio(large[part]["median_ms"], small[part]["median_ms"]), 2)
        ratios[f"{part}_without_emulator"] = round(
            ratio(large[part]["without_emulator"]["median_ms"], small[part]["without_emulator"]["median_ms"]), 2
        )
    result["scale_ratios"] = ratios
    result["target_scale_ratio"] = TARGET_SCALE_RATIO
    # The verdict: the function's own work with a warm catalog cache (moto's fixed cost would flatter the ratio).
    result["scale_ratio"] = ratios["warm_cache_without_emulator"]
    result["meets_target"] = result["scale_ratio"] < TARGET_SCALE_RATIO
    return result


def render(result: dict[str, Any]) -> str:
    def row(
        label: str, catalog: Any, figures: dict[str, Any], scale: Any = "-", own_scale: Any = "-"
    ) -> tuple[Any, ...]:
        own = figures["without_emulator"]
        return (
            label,
            catalog,
            figures["median_ms"],
            figures["p95_ms"],
            own["median_ms"],
            own["p95_ms"],
            scale,
            own_scale,
        )

    rows = [
        row("batch GET, 100 ids", "-", result["batch_get_100"]),
        row("GET one activity", "-", result["get_activity_1"]),
        *(
            row(label, "-", result[key])
            for label, key in (
                ("batch GET child_progress, 100 children", "batch_get_child_progress_100"),
                ("batch GET children, the same 100", "batch_get_children_100"),
            )
            if key in result
        ),
    ]
    ratios = result["scale_ratios"]
    for key in ("1000", "10000"):
        scale = result["recommendations_50"][key]
        for label, part in (
            ("warm cache", "warm_cache"),
            ("cold cache", "cold_cache"),
            ("scoring only", "scoring_only"),
        ):
            last = key == "10000"
            rows.append(
                row(
                    f"recommendations, 50 children, {label}",
                    scale["catalog_size"],
                    scale[part],
                    ratios[part] if last else "-",
                    ratios[f"{part}_without_emulator"] if last else "-",
                )
            )
    verdict = "meets" if result["meets_target"] else "MISSES"
    return table(
        f"Warm latency in-process, ms (own = without moto's emulation of DynamoDB); 10k/1k of the function's own "
        f"work, warm cache: {result['scale_ratio']} ({verdict} < {result['target_scale_ratio']:.0f})",
        ["request", "catalog", "median", "p95", "own median", "own p95", "10k/1k", "10k/1k own"],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.warm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--scale-samples", type=int, default=7)
    parser.add_argument("--cold-samples", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.samples, args.scale_samples, args.cold_samples)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
