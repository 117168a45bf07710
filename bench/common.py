"""Helpers shared by the benchmark modules: paths, statistics, tables, reports, a fake Lambda context and the
environment of an in-process moto run."""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHONPATH = os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)])


# --- statistics ------------------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (with 20 samples: the 19th smallest)."""
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)])


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def summary_ms(samples_s: Sequence[float]) -> dict[str, Any]:
    """Median, p95, min and max in milliseconds, and the samples themselves."""
    ms = [s * 1000 for s in samples_s]
    return {
        "median_ms": round(median(ms), 3),
        "p95_ms": round(p95(ms), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
        "samples_ms": [round(v, 3) for v in ms],
    }


# --- output ----------------------------------------------------------------------------------------------------


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table (Markdown-compatible) with right-aligned numbers."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in cells) if cells else False for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        padded = [v.rjust(w) if numeric[i] else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join(("-" * (w + 1) + ":") if numeric[i] else ("-" * (w + 2)) for i, w in enumerate(widths))
    return "\n".join([f"\n{title}\n", line(headers), separator + "|", *(line(r) for r in cells)])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("x%"))
    except ValueError:
        return text == "n/a"
    return True


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(data, indent=2) + "\n")
    partial.replace(path)


def report(rendered: str, result: Any, json_path: Path | None) -> int:
    """The end of a measurement's ``main``: its tables on stdout, its figures to ``json_path`` when given."""
    print(rendered, flush=True)
    if json_path:
        write_json(json_path, result)
    return 0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- in-process runs (moto mock, handlers invoked directly) -----------------------------------------------------


def use_moto_environment() -> None:
    """The tests' fake AWS environment (local/in_process.py), before anything imports botocore or the layer.

    WRITE_CONCURRENCY=1, as in the tests: moto's in-process TransactWriteItems deep-copies its tables unlocked, so
    two at once can fail. The writes of a batch are then sent one after another: the same calls, and the same work
    per item, with no other thread's work to tell apart from moto's."""
    from local.in_process import use_fake_aws_environment

    use_fake_aws_environment(
        "activity-batch-api-bench",
        "ActivityBatchApiBench",
        {"POWERTOOLS_LOG_LEVEL": "WARNING", "WRITE_CONCURRENCY": "1", **UNREACHABLE_QUOTAS},
    )


UNREACHABLE_QUOTAS = {"READ_QUOTA_ITEMS": "1000000000", "WRITE_QUOTA_ITEMS": "1000000000"}
"""Item quotas (DESIGN 3.11) no benchmark reaches: every request is still counted (its UpdateItem is part of what is
measured), but none is refused for its caller's quota (``bench.quotas`` measures what the check costs)."""


@dataclass
class FakeLambdaContext:
    """What Lambda passes as ``context`` (a fixed 29 s of remaining time)."""

    function_name: str = "BenchFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:BenchFunction"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/BenchFunction"
    log_stream_name: str = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000
