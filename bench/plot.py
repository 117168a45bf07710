"""The PNG of the HTTP measurement: latency against batch size, batch vs individual requests, without and with the
simulated 50 ms round trip, and the seed guide's claimed figures beside them.

    python -m bench.plot bench/results/latest.json bench/results/batching.png   # from a `make bench` run
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SERIES = (
    ("batch_ms", "1 batch request", "#1b7837", "o", "-"),
    ("sequential_ms", "N requests, one after another", "#c51b7d", "s", "--"),
    ("parallel_6_ms", "N requests over 6 connections", "#2166ac", "^", ":"),
)


def draw(results: dict[str, Any], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    http = results["http_batching"]
    points = http["points"]
    kinds = (("activities", "Activities"), ("recommendations", "Recommendations (children)"))
    networks = (("loopback", "loopback"), ("rtt_50ms", f"+{http['simulated_rtt_ms']:.0f} ms round trip per request"))
    figure, axes = plt.subplots(2, 2, figsize=(12, 9), constrained_layout=True)
    for row, (kind, kind_label) in enumerate(kinds):
        for col, (network, network_label) in enumerate(networks):
            ax = axes[row][col]
            chosen = sorted(
                (p for p in points if p["kind"] == kind and p["network"] == network), key=lambda p: p["items"]
            )
            sizes = [p["items"] for p in chosen]
            for key, label, color, marker, style in SERIES:
                ax.plot(sizes, [p[key] for p in chosen], marker=marker, linestyle=style, color=color, label=label)
            if network == "rtt_50ms":
                for claim in (c for c in http["guide_claims"] if c["kind"] == kind):
                    ax.scatter([claim["items"]], [claim["individual_ms"]], marker="x", s=80, color="#762a83", zorder=3)
                    ax.scatter([claim["items"]], [claim["batch_ms"]], marker="+", s=120, color="#762a83", zorder=3)
                    ax.annotate(
                        f"guide: {claim['individual_ms']} -> {claim['batch_ms']} ms",
                        (claim["items"], claim["individual_ms"]),
                        textcoords="offset points",
                        xytext=(8, 6),
                        fontsize=8,
                        color="#762a83",
                    )
            ax.set_title(f"{kind_label}, {network_label}", fontsize=11)
            ax.set_xlabel("items (N)")
            ax.set_ylabel("wall time, ms (median)")
            ax.set_xticks(sizes)
            ax.set_ylim(bottom=0)
            ax.grid(True, alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    handles.append(Line2D([], [], marker="x", linestyle="", color="#762a83"))
    labels.append("seed guide's claim (x: individual, +: batch)")
    figure.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=9)
    figure.suptitle(
        f"Batch vs individual requests through the local stack (median of {http['repeats']}, keep-alive)", fontsize=13
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=100)
    plt.close(figure)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plot", description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("png", type=Path)
    args = parser.parse_args(argv)
    print(draw(json.loads(args.results.read_text()), args.png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
