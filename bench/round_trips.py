"""Measurement 2: DynamoDB round trips per request, counted at the botocore level.

Every request a table's botocore client sends (``before-send``, so SDK retries count too) is recorded by
``early_learning.store.base.counting_calls`` around a direct handler invocation under moto (in-process). "Cold" is a
new execution environment (no cached membership, no cached catalog); "warm" is the same request again in the same
environment. The individual routes are what a client sends N times instead of one batch: N x their warm figure at
best (one warm environment serving every request), N x the cold one when each lands in a new environment.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import report, table, use_moto_environment
from local.in_process import current_event_loop


def _count(handler: Any, event: dict[str, Any]) -> list[str]:
    from bench.inprocess import invoke
    from early_learning.store.base import counting_calls

    with counting_calls() as calls:
        invoke(handler, event)
    return list(calls)


def _describe(calls: list[str]) -> str:
    return ", ".join(f"{name} x{count}" for name, count in sorted(Counter(calls).items())) or "none"


def measure() -> dict[str, Any]:
    use_moto_environment()
    from bench import inprocess

    cases: list[dict[str, Any]] = []
    with inprocess.world() as seeded, current_event_loop():
        handlers = inprocess.handlers()
        ids, kids = seeded.activity_ids, seeded.child_ids
        plan: list[tuple[str, str, int, str, Callable[[], dict[str, Any]]]] = [
            ("POST /batch/get", "batch", 1, "batch_get", lambda: inprocess.batch_get_event(ids[:1])),
            ("POST /batch/get", "batch", 100, "batch_get", lambda: inprocess.batch_get_event(ids[:100])),
            ("GET /activities/{id}", "single", 1, "activities", lambda: inprocess.get_activity_event(ids[0])),
            (
                "GET /activities?limit=20",
                "list",
                20,
                "activities",
                lambda: inprocess.list_event("list_activities.json", 20),
            ),
            (
                "POST /batch/activities/recommendations",
                "batch",
                1,
                "batch_recommendations",
                lambda: inprocess.batch_recommendations_event(kids[:1]),
            ),
            (
                "POST /batch/activities/recommendations",
                "batch",
                50,
                "batch_recommendations",
                lambda: inprocess.batch_recommendations_event(kids[:50]),
            ),
            (
                "GET /children/{id}/recommendations",
                "single",
                1,
                "children",
                lambda: inprocess.child_recommendations_event(kids[0]),
            ),
            ("GET /children?limit=20", "list", 20, "children", lambda: inprocess.list_event("list_children.json", 20)),
        ]
        for route, kind, items, function, event in plan:
            inprocess.clear_caches()
            cold = _count(handlers[function], event())
            warm = _count(handlers[function], event())
            cases.append(
                {
                    "route": route,
                    "kind": kind,
                    "items": items,
                    "cold_calls": len(cold),
                    "warm_calls": len(warm),
                    "cold_operations": dict(Counter(cold)),
                    "warm_operations": dict(Counter(warm)),
                }
            )
    singles = {c["route"]: c for c in cases if c["kind"] == "single"}
    comparisons = []
    for batch in (c for c in cases if c["kind"] == "batch" and c["items"] > 1):
        single = singles[
            "GET /activities/{id}" if "batch/get" in batch["route"] else "GET /children/{id}/recommendations"
        ]
        n = batch["items"]
        comparisons.append(
            {
                "batch": f"{batch['route']} ({n} items)",
                "batch_cold_calls": batch["cold_calls"],
                "batch_warm_calls": batch["warm_calls"],
                "singles_calls_one_warm_environment": single["cold_calls"] + (n - 1) * single["warm_calls"],
                "singles_calls_each_cold": n * single["cold_calls"],
            }
        )
    return {
        "method": "botocore before-send events counted around one handler invocation (moto in-process); cold = "
        "empty membership and catalog caches, warm = the same request again",
        "cases": cases,
        "batch_vs_singles": comparisons,
    }


def render(result: dict[str, Any]) -> str:
    rows = [
        (
            c["route"],
            c["items"],
            c["cold_calls"],
            _describe([k for k, v in c["cold_operations"].items() for _ in range(v)]),
            c["warm_calls"],
            _describe([k for k, v in c["warm_operations"].items() for _ in range(v)]),
        )
        for c in result["cases"]
    ]
    first = table(
        "DynamoDB round trips per request (botocore level; cold = new environment, warm = same again)",
        ["route", "items", "cold", "cold operations", "warm", "warm operations"],
        rows,
    )
    second = table(
        "The same items as one batch or as individual requests",
        ["batch", "batch cold", "batch warm", "singles, one warm env", "singles, each cold"],
        [
            (
                c["batch"],
                c["batch_cold_calls"],
                c["batch_warm_calls"],
                c["singles_calls_one_warm_environment"],
                c["singles_calls_each_cold"],
            )
            for c in result["batch_vs_singles"]
        ],
    )
    return first + "\n" + second


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.round_trips", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure()
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
