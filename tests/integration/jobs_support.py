"""Batch jobs under moto, in-process: the template's tables and queues, the jobs routes' handler, and the SQS event
source of the worker and of the dead-letter consumer played as Lambda plays it (a batch per receive, the settled
messages deleted, the others back at once: their visibility timeout is cut to 0 so a test need not wait), with moto's
own redrive moving a message received ``maxReceiveCount`` times to the dead-letter queue."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from functions.batch_jobs.app import handler as jobs_handler
from functions.job_dead_letters.app import handler as dead_letters_handler
from functions.job_worker.app import handler as worker_handler
from local.aws.queues import create_queues
from local.demo import ids
from local.lambda_.sqs_event import settled, sqs_event
from tests.conftest import FakeLambdaContext
from tests.events import load_event
from tests.integration.children_support import Answer, Handler, call

REGION = "us-east-1"
CHUNKS, DEAD_CHUNKS, WEBHOOK_EVENTS = "JobChunksQueue", "JobChunksDLQ", "WebhookEventsQueue"


@dataclass
class Jobs:
    """The jobs routes, the queues and their consumers, for one test."""

    sqs: Any
    names: dict[str, str]
    context: FakeLambdaContext
    invocations: list[int] = field(default_factory=list)
    """Records per worker invocation."""

    # --- the routes -------------------------------------------------------------------------------------------

    def submit(
        self, operation: str, request: dict[str, Any], sub: str = ids.ADMIN_SUNRISE_SUB, **headers: str
    ) -> Answer:
        event = load_event("submit_job.json", body={"operation": operation, "request": request}, sub=sub)
        event["headers"].update(headers)
        return call(jobs_handler, event, self.context)

    def get(self, job_id: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
        path = f"/api/v1/batch/jobs/{job_id}"
        event = load_event("get_job.json", sub=sub, path=path)
        event["pathParameters"] = {"id": job_id}
        return call(jobs_handler, event, self.context)

    def results(self, job_id: str, sub: str = ids.ADMIN_SUNRISE_SUB, **query: str) -> Answer:
        path = f"/api/v1/batch/jobs/{job_id}/results"
        event = load_event("job_results.json", sub=sub, path=path, query=query)
        event["pathParameters"] = {"id": job_id}
        return call(jobs_handler, event, self.context)

    def all_results(self, job_id: str, sub: str = ids.ADMIN_SUNRISE_SUB, **query: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = self.results(job_id, sub, **query, **({"cursor": cursor} if cursor else {}))
            assert page.status == 200, page.body
            found += page.body["items"]
            cursor = page.body["next_cursor"]
            if cursor is None:
                return found

    def cancel(self, job_id: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
        path = f"/api/v1/batch/jobs/{job_id}/cancel"
        event = load_event("cancel_job.json", sub=sub, path=path)
        event["pathParameters"] = {"id": job_id}
        return call(jobs_handler, event, self.context)

    def listing(self, sub: str = ids.ADMIN_SUNRISE_SUB, **query: str) -> Answer:
        return call(jobs_handler, load_event("list_jobs.json", sub=sub, query=query or {"limit": "20"}), self.context)

    # --- the queues ---------------------------------------------------------------------------------------------

    def receive(self, queue: str, count: int = 4) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.names[queue],
            MaxNumberOfMessages=count,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        return messages

    def deliver(self, queue: str, handler: Handler, messages: list[dict[str, Any]]) -> None:
        """One invocation with ``messages``, settled as Lambda settles it (partial batch failures)."""
        event = sqs_event(messages, self.names[f"{queue}.Arn"], REGION)
        try:
            result: bytes | None = json.dumps(handler(event, self.context)).encode()
            failed = False
        except Exception:
            result, failed = None, True
        done = {m["MessageId"] for m in settled(messages, result, failed, report_batch_item_failures=True)}
        for message in messages:
            if message["MessageId"] in done:
                self.sqs.delete_message(QueueUrl=self.names[queue], ReceiptHandle=message["ReceiptHandle"])
            else:  # back at once, as after its visibility timeout
                self.sqs.change_message_visibility(
                    QueueUrl=self.names[queue], ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )

    def drain(self, rounds: int = 500) -> None:
        """Run the worker and the dead-letter consumer until both queues are empty."""
        for _ in range(rounds):
            batch = self.receive(CHUNKS)
            if batch:
                self.invocations.append(len(batch))
                self.deliver(CHUNKS, worker_handler, batch)
                continue
            dead = self.receive(DEAD_CHUNKS, 10)
            if dead:
                self.deliver(DEAD_CHUNKS, dead_letters_handler, dead)
                continue
            return
        pytest.fail("the queues were not drained")

    def send_chunk(self, job_id: str, chunk: int) -> None:
        self.sqs.send_message(QueueUrl=self.names[CHUNKS], MessageBody=json.dumps({"job_id": job_id, "chunk": chunk}))

    def webhook_events(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            batch = self.receive(WEBHOOK_EVENTS, 10)
            if not batch:
                return found
            found += [json.loads(m["Body"]) for m in batch]
            for message in batch:
                self.sqs.delete_message(QueueUrl=self.names[WEBHOOK_EVENTS], ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture(name="jobs")
def jobs_fixture(data: Any, settings_env: Callable[..., Any], lambda_context: FakeLambdaContext) -> Jobs:
    """The template's queues in moto, their URLs in the settings, the core data seeded."""
    sqs = boto3.client("sqs", region_name=REGION)
    names = create_queues(sqs, {"AWS::Region": REGION})
    settings_env(job_chunks_queue_url=names[CHUNKS], webhook_events_queue_url=names[WEBHOOK_EVENTS])
    return Jobs(sqs, names, lambda_context)


def sync_batch_get(context: FakeLambdaContext, keys: list[str], sub: str = ids.ADMIN_SUNRISE_SUB) -> list[Any]:
    """The synchronous route's results for ``keys``, 100 at a time."""
    from functions.batch_get.app import handler

    found: list[Any] = []
    for start in range(0, len(keys), 100):
        body = {"resource_type": "activities", "ids": keys[start : start + 100]}
        answer = call(handler, load_event("batch_get.json", body=body, sub=sub), context)
        assert answer.status == 200, answer.body
        found += answer.body["results"]
    return found
