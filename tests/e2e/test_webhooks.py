"""Webhooks through the local stack (DESIGN 3.10, 7): an endpoint registered over HTTP on a real receiver, an event
published on the stack's events queue (what the jobs' worker does through ``webhooks.publish``), fanned out and
delivered by WebhookSenderFunction in its own worker process, verified with standardwebhooks, retried after a 500
with the same webhook-id on the local schedule (seconds), every attempt in the deliveries log; and
`make webhook-listen` (local.webhook_listen) printing a verified delivery."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
import httpx
import pytest
from standardwebhooks import Webhook

from early_learning.webhooks.events import JobCompletedData, JobCompletedEvent
from early_learning.webhooks.messages import EventMessage, job_event_id
from tests.e2e.conftest import ROOT, Stack, unthrottled
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.e2e

ADMIN = "admin@sunrise.example"
WAIT_S = 60.0


def publish(stack: Stack, org_id: str = "sunrise") -> JobCompletedEvent:
    """A job's end, sent to the stack's events queue as ``webhooks.publish.job_completed`` sends it."""
    job_id = str(uuid.uuid4())
    event = JobCompletedEvent(
        timestamp=datetime.now(UTC),
        data=JobCompletedData(
            job_id=job_id,
            operation="get",
            resource_type="activities",
            status="completed",
            total=2000,
            succeeded=1990,
            failed=10,
            created_by="5a1e0000-0000-4000-8000-000000000002",
        ),
    )
    message = EventMessage(event_id=job_event_id(job_id, "completed"), org_id=org_id, event=event)
    sqs = boto3.client(
        "sqs",
        endpoint_url=stack.aws_endpoint_url,
        region_name=stack.info["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    url = sqs.get_queue_url(QueueName="WebhookEventsQueue")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=message.model_dump_json())
    return event


def attempts(api: httpx.Client, stack: Stack, endpoint_id: str, count: int) -> list[dict[str, Any]]:
    """The endpoint's deliveries log once it holds ``count`` attempts (each is logged after its answer)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        answer = unthrottled(
            lambda: api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=stack.headers(ADMIN))
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        if len(items) >= count or time.monotonic() > deadline:
            return items
        time.sleep(0.2)


def test_a_published_event_is_delivered_signed_retried_after_a_500_and_logged(stack: Stack, api: httpx.Client) -> None:
    with receiving(answers=[500]) as receiver:
        registered = unthrottled(
            lambda: api.post(
                "/api/v1/webhooks",
                json={"url": receiver.url(), "events": ["batch.job.completed"]},
                headers=stack.headers(ADMIN),
            )
        )
        assert registered.status_code == 201, registered.text
        endpoint = registered.json()

        event = publish(stack)
        first, second = receiver.wait_for(2, WAIT_S)
        log = attempts(api, stack, endpoint["id"], 2)
        unthrottled(lambda: api.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=stack.headers(ADMIN)))

    webhook = Webhook(endpoint["secret"])
    assert webhook.verify(first.body, first.headers) == webhook.verify(second.body, second.headers)
    assert second.body == event.body()
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in log] == [(2, 200, "delivered"), (1, 500, "retry")]
    assert {a["message_id"] for a in log} == {first.headers["webhook-id"]}
    assert {a["event"] for a in log} == {"batch.job.completed"}


def test_webhook_listen_prints_a_verified_delivery(stack: Stack) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "local.webhook_listen"],
        cwd=ROOT,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout or ():
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()

    def next_line(prefix: str) -> str:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, "webhook-listen stopped"
                continue
            if line.startswith(prefix):
                return line
        pytest.fail(f"webhook-listen printed no line starting with {prefix!r}")

    try:
        assert next_line("Listening on http://127.0.0.1:")
        next_line("Registered webhook endpoint")
        event = publish(stack)
        verified = next_line("verified ")
        assert "batch.job.completed" in verified
        assert event.data.job_id in verified
    finally:
        process.terminate()
        process.wait(10)
    assert process.returncode == 0
