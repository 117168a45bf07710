"""Measurement 2: DynamoDB round trips per request, counted at the botocore level.

Every request a table's botocore client sends (``before-send``, so SDK retries count too) is recorded by
``early_learning.store.base.counting_calls`` around a direct handler invocation under moto (in-process). "Cold" is a
new execution environment (no cached membership, no cached catalog); "warm" is the same request again in the same
environment. The individual routes are what a client sends N times instead of one batch: N x their warm figure at
best (one warm environment serving every request), N x the cold one when each lands in a new environment.

Writes (DESIGN 3.7, 6): batch create, update and delete of 1, 10 and 100 activities, item by item (``atomic: false``)
and all or nothing (``atomic: true``), each counted in a new environment and again in the same one (fresh items
each time: created, then updated, then deleted). Every write reads the caller's membership fresh, so a warm write
still costs that GetItem. Beside them, the single ``PATCH /api/v1/activities/{id}`` (when template.yaml routes it):
N of them against one batch update of N, and the cost of an ``Idempotency-Key`` on both.
"""

from __future__ import annotations

import argparse
import functools
import itertools
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


def _count_write(handler: Any, event: dict[str, Any], items: int) -> list[str]:
    """The calls of one write, which must have applied its ``items`` items (one for a single PATCH)."""
    from bench.inprocess import invoke, written
    from early_learning.store.base import counting_calls

    with counting_calls() as calls:
        response = invoke(handler, event)
    if event["requestContext"]["http"]["method"] == "POST":
        written(response, items)
    return list(calls)


def _describe(calls: list[str]) -> str:
    return ", ".join(f"{name} x{count}" for name, count in sorted(Counter(calls).items())) or "none"


def measure() -> dict[str, Any]:
    use_moto_environment()
    from bench import inprocess, progress

    cases: list[dict[str, Any]] = []
    with inprocess.world() as seeded, current_event_loop():
        handlers = inprocess.handlers()
        ids, kids = seeded.activity_ids, seeded.child_ids
        more_kids = progress.seed_children(ids)  # 100 children, for child_progress (DESIGN 3.12)
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
            *(
                (
                    "POST /batch/get child_progress",
                    "resource type",
                    n,
                    "batch_get",
                    functools.partial(progress.batch_get_event, "child_progress", more_kids[:n]),
                )
                for n in (1, 100)
            ),
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
    # Writes in a world without the generated catalog: the calls are the same, and moto, which copies a table once
    # per action of a transaction, writes far faster into a small one.
    with inprocess.world(catalog=[]), current_event_loop():
        writes = _measure_writes(inprocess.handlers())
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
        "writes": writes,
    }


WRITE_SIZES = (1, 10, 100)
ENVIRONMENTS = ("cold", "warm")


def _write_case(
    operation: str, atomic: bool, items: int, counted: dict[str, list[str]], keyed: bool = False
) -> dict[str, Any]:
    return {
        "operation": operation,
        "atomic": atomic,
        "idempotency_key": keyed,
        "items": items,
        "cold_calls": len(counted["cold"]),
        "warm_calls": len(counted["warm"]),
        "warm_calls_per_item": round(len(counted["warm"]) / items, 3),
        "cold_operations": dict(Counter(counted["cold"])),
        "warm_operations": dict(Counter(counted["warm"])),
    }


def _measure_writes(handlers: dict[str, Any]) -> dict[str, Any]:
    """Batch writes of each size, atomic and not (fresh activities: created, updated, deleted), the single PATCH,
    and N PATCHes against one batch update of N."""
    from bench import inprocess
    from bench.catalog import activity_drafts

    batch_write = handlers["batch_write"]
    minutes = itertools.count(11)  # every update writes a new duration: a real change
    idempotency = (f"bench-round-trips-{n}" for n in itertools.count())
    cases: list[dict[str, Any]] = []

    def counted(events: dict[str, dict[str, Any]], items: int, handler: Any = batch_write) -> dict[str, Any]:
        """The calls of the ``cold`` event in a new environment, then of the ``warm`` one in the same."""
        calls: dict[str, list[str]] = {}
        for environment in ENVIRONMENTS:
            if environment == "cold":
                inprocess.clear_caches()
            calls[environment] = _count_write(handler, events[environment], items)
        return calls

    def update(keys: list[str], atomic: bool, keyed: bool = False) -> dict[str, Any]:
        body = inprocess.update_body(keys, next(minutes), atomic)
        return inprocess.batch_write_event("update", body, {"idempotency-key": next(idempotency)} if keyed else None)

    for atomic, n in itertools.product((False, True), WRITE_SIZES):
        tag = f"round-trips/{'atomic' if atomic else 'each'}/{n}"
        drafts = {env: activity_drafts(n, tag=f"{tag}/{env}") for env in ENVIRONMENTS}
        ids = {env: [str(d["id"]) for d in drafts[env]] for env in ENVIRONMENTS}
        body = {"resource_type": "activities", "atomic": atomic}
        creates = {env: inprocess.batch_write_event("create", {**body, "items": drafts[env]}) for env in ENVIRONMENTS}
        cases.append(_write_case("create", atomic, n, counted(creates, n)))
        updates = {env: update(ids[env], atomic) for env in ENVIRONMENTS}
        cases.append(_write_case("update", atomic, n, counted(updates, n)))
        if not atomic and n == max(WRITE_SIZES):
            with_keys = {env: update(ids[env], atomic, keyed=True) for env in ENVIRONMENTS}
            cases.append(_write_case("update", atomic, n, counted(with_keys, n), keyed=True))
        deletes = {env: inprocess.batch_write_event("delete", {**body, "ids": ids[env]}) for env in ENVIRONMENTS}
        cases.append(_write_case("delete", atomic, n, counted(deletes, n)))
    patch = inprocess.route_handler(inprocess.PATCH_ACTIVITY)
    singles: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    if patch is not None:
        (target,) = inprocess.create_activities(batch_write, 1, "round-trips/patch")
        for keyed in (False, True):
            patches = {
                env: inprocess.patch_activity_event(
                    target,
                    {"duration_minutes": next(minutes)},
                    {"idempotency-key": next(idempotency)} if keyed else None,
                )
                for env in ENVIRONMENTS
            }
            singles.append(_write_case("PATCH", False, 1, counted(patches, 1, patch), keyed=keyed))
        for case in cases:
            if case["operation"] != "update" or case["items"] == 1:
                continue
            single = next(s for s in singles if s["idempotency_key"] == case["idempotency_key"])
            n = case["items"]
            total = single["cold_calls"] + (n - 1) * single["warm_calls"]
            comparisons.append(
                {
                    "items": n,
                    "atomic": case["atomic"],
                    "idempotency_key": case["idempotency_key"],
                    "batch_calls": case["warm_calls"],
                    "patches_calls_one_warm_environment": total,
                    "batch_over_patches": round(case["warm_calls"] / total, 3),
                }
            )
    return {
        "cases": cases,
        "patch": singles,
        "patch_route": inprocess.PATCH_ACTIVITY if patch is not None else None,
        "batch_update_vs_patches": comparisons,
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
    return "\n".join([first, second, render_writes(result["writes"])])


def render_writes(writes: dict[str, Any]) -> str:
    def ops(operations: dict[str, int]) -> str:
        return _describe([k for k, v in operations.items() for _ in range(v)])

    def label(case: dict[str, Any]) -> str:
        if case["operation"] == "PATCH":
            name = "PATCH /activities/{id}"
        else:
            name = f"{case['operation']}, {'atomic' if case['atomic'] else 'item by item'}"
        return name + (" + Idempotency-Key" if case["idempotency_key"] else "")

    rows = [
        (
            label(c),
            c["items"],
            c["cold_calls"],
            c["warm_calls"],
            c["warm_calls_per_item"],
            ops(c["warm_operations"]),
        )
        for c in [*sorted(writes["cases"], key=_write_order), *writes["patch"]]
    ]
    parts = [
        table(
            "DynamoDB round trips per write (activities; botocore level; every write reads the membership fresh: "
            "GetItem; cold = new environment, warm = same again)",
            ["write", "items", "cold", "warm", "warm per item", "warm operations"],
            rows,
        )
    ]
    if writes["batch_update_vs_patches"]:
        parts.append(
            table(
                "One batch update of N against N single PATCHes (round trips; PATCHes: one warm environment)",
                ["N", "batch", "Idempotency-Key", "batch calls", "N PATCHes", "batch / PATCHes"],
                [
                    (
                        c["items"],
                        "atomic" if c["atomic"] else "item by item",
                        "yes" if c["idempotency_key"] else "no",
                        c["batch_calls"],
                        c["patches_calls_one_warm_environment"],
                        c["batch_over_patches"],
                    )
                    for c in sorted(writes["batch_update_vs_patches"], key=lambda c: (c["atomic"], c["items"]))
                ],
            )
        )
    else:
        parts.append(f"\n(no {_PATCH} route in template.yaml yet: single PATCHes not counted)")
    return "\n".join(parts)


_PATCH = "PATCH /api/v1/activities/{id}"
_OPERATIONS = ("create", "update", "delete")


def _write_order(case: dict[str, Any]) -> tuple[int, bool, bool, int]:
    return (_OPERATIONS.index(case["operation"]), case["atomic"], case["idempotency_key"], case["items"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.round_trips", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure()
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
