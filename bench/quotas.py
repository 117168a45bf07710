"""Measurement: what the per-caller item quota check (DESIGN 3.11) costs a request, against the same request without
it in the same run.

In-process (handlers invoked directly, moto's mock in this process, as ``bench.warm_writes``), warm, each request
timed with quotas on and off in turn, sample after sample: a batch GET of 100 activities, a single GET of one
activity, and a batch update of 10 activities. "Off" is the ``QUOTAS_ENABLED=false`` setting, a benchmark and test
knob: no UpdateItem, no RateLimit header. The quotas are out of reach ("on" still counts every request).

- DynamoDB round trips per request (botocore level, as ``bench.round_trips`` counts them): on - off, expected +1
  (the conditional UpdateItem of the caller's quota record).
- The function's own work (wall and CPU time outside moto's emulation of DynamoDB, as ``bench.warm_writes``): the
  ratio on / off, and the difference in milliseconds. moto's own time for the UpdateItem is left out, as DynamoDB's
  service time is: on AWS, the check adds one round trip to DynamoDB (single-digit milliseconds) to its own work.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import ratio, report, summary_ms, table, use_moto_environment
from local.in_process import current_event_loop

WARMUP = 3
SIDES = ("on", "off")
LABELS = {
    "batch_get_100": "batch GET, 100 ids",
    "get_activity_1": "GET one activity",
    "batch_update_10": "batch update, 10 items",
}


def _quotas(side: str) -> None:
    """Quotas on or off for the next request (the settings read again, outside the timed part)."""
    from early_learning.settings import get_settings

    os.environ["QUOTAS_ENABLED"] = "true" if side == "on" else "false"
    get_settings.cache_clear()
    get_settings()


def _calls(action: Callable[[], Any]) -> list[str]:
    from early_learning.store.base import counting_calls

    with counting_calls() as calls:
        action()
    return list(calls)


def _time(actions: dict[str, Callable[[], Any]], samples: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Each action with quotas on and off, interleaved sample after sample: wall time, and own work (wall and CPU)."""
    from bench.inprocess import EmulatorClock

    for _, side in itertools.product(range(WARMUP), SIDES):
        _quotas(side)
        for action in actions.values():
            action()
    keys = [(name, side) for name in actions for side in SIDES]
    wall: dict[tuple[str, str], list[float]] = {key: [] for key in keys}
    own: dict[tuple[str, str], list[float]] = {key: [] for key in keys}
    own_cpu: dict[tuple[str, str], list[float]] = {key: [] for key in keys}
    with EmulatorClock().installed() as emulator:
        for sample in range(samples):
            order = SIDES if sample % 2 == 0 else SIDES[::-1]  # neither side always goes first
            for name, action in actions.items():
                for side in order:
                    _quotas(side)
                    covered, emulated_cpu = emulator.covered_seconds, emulator.cpu_seconds
                    cpu = time.process_time()
                    started = time.perf_counter()
                    action()
                    elapsed = time.perf_counter() - started
                    used = time.process_time() - cpu
                    wall[name, side].append(elapsed)
                    own[name, side].append(elapsed - (emulator.covered_seconds - covered))
                    own_cpu[name, side].append(used - (emulator.cpu_seconds - emulated_cpu))
    return {
        name: {
            side: {
                "samples": samples,
                **summary_ms(wall[name, side]),
                "without_emulator": summary_ms(own[name, side]),
                "without_emulator_cpu": summary_ms(own_cpu[name, side]),
            }
            for side in SIDES
        }
        for name in actions
    }


def measure(samples: int = 30) -> dict[str, Any]:
    use_moto_environment()
    from bench import inprocess

    result: dict[str, Any] = {"samples": samples}
    with current_event_loop(), inprocess.world(catalog=[]) as seeded:
        handlers = inprocess.handlers()
        batch_write = handlers["batch_write"]
        read = inprocess.batch_get_event(seeded.activity_ids[:100])
        one = inprocess.get_activity_event(seeded.activity_ids[0])
        keys = inprocess.create_activities(batch_write, 10, "quotas")
        minutes = itertools.count(11)

        def update() -> Any:
            body = inprocess.update_body(keys, next(minutes))
            return inprocess.written(inprocess.invoke(batch_write, inprocess.batch_write_event("update", body)), 10)

        actions: dict[str, Callable[[], Any]] = {
            "batch_get_100": lambda: inprocess.invoke(handlers["batch_get"], read),
            "get_activity_1": lambda: inprocess.invoke(handlers["activities"], one),
            "batch_update_10": update,
        }
        round_trips: dict[str, dict[str, Any]] = {}
        for name, action in actions.items():
            counted = {}
            for side in SIDES:
                _quotas(side)
                action()  # warm: the membership and clients as a warm environment has them
                counted[side] = _calls(action)
            round_trips[name] = {
                "on": len(counted["on"]),
                "off": len(counted["off"]),
                "added": len(counted["on"]) - len(counted["off"]),
                "added_operations": dict(Counter(counted["on"]) - Counter(counted["off"])),
            }
        result["round_trips"] = round_trips
        result["requests"] = _time(actions, samples)
        _quotas("on")
    own: dict[str, dict[str, float]] = {}
    for name, sides in result["requests"].items():
        on, off = sides["on"], sides["off"]
        own[name] = {
            "own_on_ms": on["without_emulator"]["median_ms"],
            "own_off_ms": off["without_emulator"]["median_ms"],
            "own_added_ms": round(on["without_emulator"]["median_ms"] - off["without_emulator"]["median_ms"], 3),
            "own_ratio": round(ratio(on["without_emulator"]["median_ms"], off["without_emulator"]["median_ms"]), 3),
            "own_cpu_ratio": round(
                ratio(on["without_emulator_cpu"]["median_ms"], off["without_emulator_cpu"]["median_ms"]), 3
            ),
            "wall_ratio": round(ratio(on["median_ms"], off["median_ms"]), 3),
        }
    result["own_work"] = own
    result["round_trips_added"] = {name: figures["added"] for name, figures in result["round_trips"].items()}
    return result


def render(result: dict[str, Any]) -> str:
    rows = [
        (
            LABELS[name],
            result["round_trips"][name]["off"],
            result["round_trips"][name]["on"],
            ", ".join(f"{op} x{n}" for op, n in result["round_trips"][name]["added_operations"].items()) or "none",
            figures["own_off_ms"],
            figures["own_on_ms"],
            figures["own_added_ms"],
            figures["own_ratio"],
            figures["own_cpu_ratio"],
            figures["wall_ratio"],
        )
        for name, figures in result["own_work"].items()
    ]
    return table(
        f"The item quota check per request: quotas on / off (QUOTAS_ENABLED), warm, in-process (median of "
        f"{result['samples']}; own = without moto's emulation of DynamoDB)",
        [
            "request",
            "round trips off",
            "on",
            "added",
            "own ms off",
            "own ms on",
            "own ms added",
            "own on/off",
            "own CPU on/off",
            "wall on/off",
        ],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quotas", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = measure(args.samples)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
