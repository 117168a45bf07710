"""Measurement: batch jobs (DESIGN 3.9, issue 13).

1. Throughput on the local stack: a 10,000-item ``get`` job (the maple admin's readable activities, 100 chunks)
   submitted over HTTP and polled until ``completed``: items per second from the 202 to the poll that saw it end
   (the local stack's worker runs ``LAMBDA_CONCURRENCY`` environments, 3 by default, against the emulator, which
   serves one DynamoDB request at a time).
2. The worker's own work per chunk against the synchronous route's for the same 100 ids, in-process (moto's mock in
   this process, handlers invoked directly), interleaved sample after sample, medians: one SQS record of a chunk of
   100 ids as the submission queued it, received from the queue, through JobWorkerFunction's handler (the job, the
   chunk and the creator's membership read fresh in one call, the batch GET service, the results and counters in
   one transaction, which also tells that the job has items left to answer) against one
   ``POST /api/v1/batch/get`` of those ids through BatchGetFunction's handler. "Own" is the time outside moto's
   emulation of AWS (``bench.inprocess.EmulatorClock``), wall and CPU. Target: at most 1.3x.
   That usual chunk's message carries what to run (``ChunkRun``): the worker reads nothing before it answers, and
   its one transaction checks the run, the job and the creator's membership. A third row shows a chunk answered
   from what is stored (the path of write jobs, of a job's last chunk, of a chunk whose checks failed): its message
   without the run, so the job, the chunk and the membership are read first (one BatchGetItem).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import log, ratio, report, table, use_moto_environment

ITEMS = 10_000
CHUNK = 100
TARGET = 1.3
WARMUP = 2


# --- 1. throughput on the local stack ------------------------------------------------------------------------------


def throughput(repeats: int) -> dict[str, Any]:
    import httpx

    from bench.stack import running_stack
    from local.aws.cognito import initiate_auth
    from local.demo.catalog import generate_activities
    from local.demo.core import CORE_ACTIVITIES

    readable = [a.id for a in (*CORE_ACTIVITIES, *generate_activities()) if a.org_id in ("maple", "public")]
    keys = [readable[n % len(readable)] for n in range(ITEMS)]
    runs: list[dict[str, Any]] = []
    with running_stack() as info:
        user = next(u for u in info["users"] if u["username"] == "admin@maple.example")
        token = initiate_auth(
            info["aws_endpoint_url"], info["region"], info["user_pool_client_id"], user["username"], user["password"]
        )["AccessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=info["api_url"], timeout=60) as api:
            for run in range(repeats + 1):  # the first run warms the worker's environments: not counted
                body = {"operation": "get", "request": {"resource_type": "activities", "ids": keys}}
                started = time.perf_counter()
                answer = api.post("/api/v1/batch/jobs", json=body, headers=headers)
                if answer.status_code != 202:
                    raise RuntimeError(f"expected 202, got {answer.status_code}: {answer.text[:300]}")
                accepted = time.perf_counter()
                job_id = answer.json()["id"]
                while True:
                    job = api.get(f"/api/v1/batch/jobs/{job_id}", headers=headers).json()
                    if job["status"] not in ("queued", "running"):
                        break
                    time.sleep(0.1)
                ended = time.perf_counter()
                if job["status"] != "completed" or job["processed"] != ITEMS:
                    raise RuntimeError(f"the job did not complete: {job}")
                figures = {
                    "submit_ms": round((accepted - started) * 1000, 1),
                    "run_s": round(ended - accepted, 2),
                    "items_per_s": round(ITEMS / (ended - started), 1),
                }
                log(f"  jobs: run {run}: {figures}")
                if run:
                    runs.append(figures)
    best = sorted(runs, key=lambda r: r["items_per_s"])[len(runs) // 2]
    return {"items": ITEMS, "runs": runs, "median_items_per_s": best["items_per_s"], "median_run_s": best["run_s"]}


# --- 2. the worker's own work per chunk vs the synchronous route's ------------------------------------------------


def _queued_events(sqs: Any, queue_url: str, queue_arn: str, chunks: int) -> dict[int, dict[str, Any]]:
    """The SQS event of each chunk's message, as the submission queued it (received from the queue, as Lambda's
    event source receives it), by chunk."""
    from local.lambda_.sqs_event import sqs_event

    events: dict[int, dict[str, Any]] = {}
    while len(events) < chunks:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            raise RuntimeError(f"{chunks - len(events)} chunk messages were not queued")
        for message in messages:
            events[json.loads(message["Body"])["chunk"]] = sqs_event([message], queue_arn, "us-east-1")
    return events


def per_chunk(samples: int) -> dict[str, Any]:
    use_moto_environment()
    import boto3

    from bench import inprocess
    from bench.common import FakeLambdaContext
    from early_learning.settings import get_settings
    from local.aws.queues import create_queues
    from local.in_process import current_event_loop

    with current_event_loop(), inprocess.world(catalog=[]) as world:
        sqs = boto3.client("sqs", region_name="us-east-1")
        names = create_queues(sqs, {"AWS::Region": "us-east-1"})
        os.environ["JOB_CHUNKS_QUEUE_URL"] = names["JobChunksQueue"]
        os.environ["WEBHOOK_EVENTS_QUEUE_URL"] = names["WebhookEventsQueue"]
        get_settings.cache_clear()
        from functions.batch_jobs.app import handler as jobs_handler
        from functions.job_worker.app import handler as worker
        from tests.events import load_event, response_json

        ids = [world.activity_ids[n % len(world.activity_ids)] for n in range(CHUNK)]
        # Two chunks a sample (one per worker row); the last chunk is never run: the job never ends (no announcement)
        chunks = 2 * (WARMUP + samples) + 1
        if chunks * CHUNK > 10_000:
            raise SystemExit(f"--samples {samples}: at most {10_000 // CHUNK // 2 - WARMUP - 1} (one job of 10,000)")
        body = {"operation": "get", "request": {"resource_type": "activities", "ids": ids * chunks}}
        from local.demo.ids import ADMIN_SUNRISE_SUB

        event = load_event("submit_job.json", body=body, sub=ADMIN_SUNRISE_SUB)
        event["requestContext"]["timeEpoch"] = int(time.time() * 1000)
        submitted = jobs_handler(event, FakeLambdaContext())
        if submitted["statusCode"] != 202:
            raise RuntimeError(f"expected 202, got {submitted['statusCode']}: {str(submitted.get('body'))[:300]}")
        if response_json(submitted)["total"] != CHUNK * chunks:
            raise RuntimeError("the job was not submitted whole")
        events = _queued_events(sqs, names["JobChunksQueue"], names["JobChunksQueue.Arn"], chunks)
        read = inprocess.batch_get_event(ids)
        handlers = inprocess.handlers()
        next_chunk = iter(range(chunks))

        def chunk(run: bool) -> Any:
            event = events[next(next_chunk)]
            if not run:  # the message without what to run: the chunk is answered from what is stored
                body = json.loads(event["Records"][0]["body"])
                if body.pop("run", None) is None:
                    raise RuntimeError("the chunk's message carries no run")
                event = {"Records": [{**event["Records"][0], "body": json.dumps(body)}]}
            # As the synchronous side (inprocess.invoke): the metrics the function prints are serialized, then dropped
            with contextlib.redirect_stdout(io.StringIO()):
                answer = worker(event, FakeLambdaContext())
            if answer.get("batchItemFailures"):
                raise RuntimeError(f"the chunk failed: {answer}")
            return answer

        actions: dict[str, Callable[[], Any]] = {
            "sync_batch_get_100": lambda: inprocess.invoke(handlers["batch_get"], read),
            "worker_chunk_100": lambda: chunk(run=True),
            "worker_chunk_100_from_store": lambda: chunk(run=False),
        }
        result = inprocess.time_interleaved(actions, samples, WARMUP)
    sync, job = result["sync_batch_get_100"], result["worker_chunk_100"]
    stored = result["worker_chunk_100_from_store"]
    own = ratio(job["without_emulator"]["median_ms"], sync["without_emulator"]["median_ms"])
    own_cpu = ratio(job["without_emulator_cpu"]["median_ms"], sync["without_emulator_cpu"]["median_ms"])
    from_store = ratio(stored["without_emulator"]["median_ms"], sync["without_emulator"]["median_ms"])
    return {
        "samples": samples,
        "requests": result,
        "worker_over_sync_own": round(own, 2),
        "worker_over_sync_own_cpu": round(own_cpu, 2),
        "from_store_over_sync_own": round(from_store, 2),
        "target": TARGET,
        "meets_target": own <= TARGET,
    }


def render(result: dict[str, Any]) -> str:
    parts = []
    if "throughput" in result:
        t = result["throughput"]
        parts.append(
            table(
                f"Job throughput on the local stack: a {t['items']:,}-item get job, 202 to completed",
                ["run", "submit ms", "run s", "items/s"],
                [(n + 1, r["submit_ms"], r["run_s"], r["items_per_s"]) for n, r in enumerate(t["runs"])],
            )
        )
    chunk = result["per_chunk"]
    rows = [
        (name, f["median_ms"], f["without_emulator"]["median_ms"], f["without_emulator_cpu"]["median_ms"])
        for name, f in chunk["requests"].items()
    ]
    verdict = "meets" if chunk["meets_target"] else "MISSES"
    parts.append(
        table(
            f"Worker's own work per chunk of 100 ids vs the synchronous batch GET of the same 100 (in-process, "
            f"median of {chunk['samples']}): {chunk['worker_over_sync_own']}x own, "
            f"{chunk['worker_over_sync_own_cpu']}x own CPU (target <= {TARGET}: {verdict}); a chunk answered from "
            f"what is stored: {chunk['from_store_over_sync_own']}x own",
            ["request", "median ms", "own median ms", "own CPU median ms"],
            rows,
        )
    )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.jobs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20, help="interleaved samples of the per-chunk comparison")
    parser.add_argument("--repeats", type=int, default=2, help="timed 10,000-item jobs (after one warm-up job)")
    parser.add_argument("--no-stack", action="store_true", help="only the in-process per-chunk comparison")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {}
    if not args.no_stack:
        result["throughput"] = throughput(args.repeats)
    result["per_chunk"] = per_chunk(args.samples)
    return report(render(result), result, args.json)


if __name__ == "__main__":
    sys.exit(main())
