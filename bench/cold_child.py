"""One cold start, in the fresh interpreter ``bench.cold_start`` launches: import a handler module and run its first
invocation, then write the figures as JSON.

    python bench/cold_child.py <module> <attribute> <event.json> <result.json> [--cold-only]

With ``--cold-only`` it stops after the first invocation (what ``bench.cold_start`` runs under callgrind to count
the instructions of a cold start).

Only the standard library is imported before the clock starts (what Lambda's own runtime has loaded too), so the
timed part is exactly the function's init (importing its module) plus its first invocation. A second, warm
invocation is timed as well, for reference. Besides wall time, the CPU time of the cold start (user + system, this
process only: not the emulator's) is reported: what the function itself computed, which other processes competing
for the machine barely change. Peak RSS is the process's high-water mark (``VmHWM`` of
/proc/self/status; ``ru_maxrss`` would report the forking parent's when that was larger), the interpreter itself
(about 10 MB) included, every subject alike.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
import uuid


class Context:
    """What Lambda passes as ``context``."""

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def peak_rss_kb() -> int:
    """The high-water mark of this process's resident set, in KiB (``ru_maxrss`` where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(module: str, attribute: str, event_path: str, result_path: str, *flags: str) -> None:
    with open(event_path) as handle:
        event = json.load(handle)
    # Received by API Gateway now: the cold start below counts against its 30 s, as it does in AWS.
    event["requestContext"]["timeEpoch"] = int(time.time() * 1000)
    rss_before_kb = peak_rss_kb()
    cpu_started = time.process_time()
    started = time.perf_counter()
    handler = getattr(importlib.import_module(module), attribute)
    imported = time.perf_counter()
    first = handler(event, Context(module))
    finished = time.perf_counter()
    cpu_ms = (time.process_time() - cpu_started) * 1000
    if "--cold-only" in flags:
        second, warm = first, 0.0
    else:
        second = handler(event, Context(module))
        warm = time.perf_counter() - finished
    result = {
        "import_ms": (imported - started) * 1000,
        "first_invocation_ms": (finished - imported) * 1000,
        "cold_ms": (finished - started) * 1000,
        "cold_cpu_ms": cpu_ms,
        "warm_invocation_ms": warm * 1000,
        "status": [first.get("statusCode"), second.get("statusCode")],
        "rss_before_kb": rss_before_kb,
        "peak_rss_kb": peak_rss_kb(),
        "modules": len(sys.modules),
    }
    with open(result_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(*sys.argv[1:])
