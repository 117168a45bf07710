"""Webhook delivery under moto (DESIGN 3.10): an event published to the events queue, fanned out and delivered by
functions/webhook_sender to a real HTTP receiver on 127.0.0.1, verified with standardwebhooks; a retry after a 500
with the same webhook-id, 410 disabling the endpoint, the dead-letter queue after the last attempt, both signatures
during a rotation, redirects not followed, the URL checked again at delivery, and the deliveries log.

The queues are template.yaml's, created in moto with their redrive policies; Lambda's part (receive, hand the
batch to the handler, delete what it settled) is done here the way the local stack's pollers do it."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from standardwebhooks import Webhook

from early_learning.settings import Settings
from early_learning.store import webhooks as store
from early_learning.webhooks import publish
from early_learning.webhooks.events import JobCompletedData, JobCompletedEvent
from functions.webhook_sender.app import handler as sender
from functions.webhooks.app import handler as routes
from local.aws.queues import create_queues
from local.demo import ids
from local.lambda_.sqs_event import settled, sqs_event
from tests.conftest import FakeLambdaContext
from tests.events import EVENTS as EVENT_FILES
from tests.events import load_event, response_json
from tests.webhook_receiver import Receiver, receiving

EVENTS, DELIVERIES = "WebhookEventsQueue", "WebhookDeliveriesQueue"
ATTEMPTS = 8  # the deliveries queue's maxReceiveCount in template.yaml: 1 + the schedule's 7 steps


def job_event(job_id: str = "9b0d0000-0000-4000-8000-000000000001") -> JobCompletedEvent:
    return JobCompletedEvent(
        timestamp=datetime(2026, 2, 16, 20, 0, tzinfo=UTC),
        data=JobCompletedData(
            job_id=job_id,
            operation="update",
            resource_type="activities",
            status="completed",
            total=2500,
            succeeded=2490,
            failed=10,
            created_by=ids.TEACHER_SUNRISE_SUB,
        ),
    )


@dataclass
class Queues:
    sqs: Any
    names: dict[str, str]

    def url(self, queue: str) -> str:
        return self.names[queue]

    def receive(self, queue: str) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.url(queue), MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
        )
        return list(answer.get("Messages", []))

    def run(self, queue: str) -> list[dict[str, Any]]:
        """Lambda's part: one batch of ``queue`` handed to the sender, what it settled deleted; the messages it
        reported as failed are returned."""
        messages = self.receive(queue)
        if not messages:
            return []
        event = sqs_event(messages, self.names[f"{queue}.Arn"], "us-east-1")
        result = sender(event, FakeLambdaContext(function_name="WebhookSenderFunction"))
        done = settled(messages, json.dumps(result).encode(), False, True)
        for message in done:
            self.sqs.delete_message(QueueUrl=self.url(queue), ReceiptHandle=message["ReceiptHandle"])
        done_ids = {message["MessageId"] for message in done}
        return [message for message in messages if message["MessageId"] not in done_ids]

    def deliver(self) -> list[dict[str, Any]]:
        """The events queue's batch fanned out, then one batch of deliveries: the failed deliveries."""
        self.run(EVENTS)
        return self.run(DELIVERIES)

    def count(self, queue: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.url(queue),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def queues(data: Any, settings_env: Callable[..., Settings]) -> Queues:
    """The template's queues in moto, named in the settings; the local stack's webhook settings (http to
    127.0.0.1 allowed), and retries at once (every step of the schedule 0 s)."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    names = create_queues(sqs)
    settings_env(
        webhook_events_queue_url=names[EVENTS],
        webhook_deliveries_queue_url=names[DELIVERIES],
        webhook_allow_local_http="true",
        webhook_retry_schedule_s="0,0,0,0,0,0,0",
    )
    return Queues(sqs, names)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def register(url: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> dict[str, Any]:
    body = {"url": url, "events": ["batch.job.completed"]}
    response = routes(load_event("register_webhook.json", body=body, sub=sub), FakeLambdaContext())
    assert response["statusCode"] == 201, response["body"]
    answer: dict[str, Any] = response_json(response)
    return answer


def endpoint_call(name: str, endpoint_id: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> dict[str, Any]:
    event = load_event(name, sub=sub)
    event["rawPath"] = event["requestContext"]["http"]["path"] = event["rawPath"].replace(
        event["pathParameters"]["id"], endpoint_id
    )
    event["pathParameters"]["id"] = endpoint_id
    return routes(event, FakeLambdaContext())


def deliveries(endpoint_id: str) -> list[dict[str, Any]]:
    response = endpoint_call("webhook_deliveries.json", endpoint_id)
    assert response["statusCode"] == 200
    items: list[dict[str, Any]] = response_json(response)["items"]
    return items


def load_sqs_event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENT_FILES / name).read_text())
    return loaded


def verified(received: Any, secret: str) -> dict[str, Any]:
    """The delivery's payload, as a receiver gets it from standardwebhooks (which raises when it does not verify)."""
    payload: dict[str, Any] = Webhook(secret).verify(received.body, received.headers)
    return payload


def test_a_published_event_reaches_the_receiver_signed_and_is_logged(queues: Queues, receiver: Receiver) -> None:
    endpoint = register(receiver.url())
    publish.job_completed(job_event(), ids.SUNRISE)

    assert queues.deliver() == []

    (received,) = receiver.received
    payload = verified(received, endpoint["secret"])
    assert payload == json.loads(job_event().body())
    assert received.body == job_event().body()
    assert received.path == "/hooks"
    assert received.headers["webhook-id"].startswith("msg_")
    assert received.headers["content-type"] == "application/json"
    (logged,) = deliveries(endpoint["id"])
    assert logged["message_id"] == received.headers["webhook-id"]
    assert (logged["event"], logged["attempt"], logged["status_code"]) == ("batch.job.completed", 1, 200)
    assert logged["outcome"] == "delivered"
    assert queues.count(DELIVERIES) == 0


def test_another_organizations_endpoint_and_an_unsubscribed_one_get_nothing(queues: Queues, receiver: Receiver) -> None:
    register(receiver.url("/maple"), sub=ids.ADMIN_MAPLE_SUB)
    sunrise = register(receiver.url("/sunrise"))

    publish.job_completed(job_event(), ids.SUNRISE)
    queues.deliver()

    assert [received.path for received in receiver.received] == ["/sunrise"]
    verified(receiver.received[0], sunrise["secret"])


def test_a_500_is_retried_with_the_same_webhook_id_and_both_attempts_verify(queues: Queues) -> None:
    with receiving(answers=[500]) as receiver:
        endpoint = register(receiver.url())
        publish.job_completed(job_event(), ids.SUNRISE)

        failed = queues.deliver()
        assert len(failed) == 1  # reported as a batch item failure: the queue delivers it again
        assert queues.run(DELIVERIES) == []

    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert verified(first, endpoint["secret"]) == verified(second, endpoint["secret"])
    attempts = deliveries(endpoint["id"])
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in attempts] == [
        (2, 200, "delivered"),
        (1, 500, "retry"),
    ]


def test_the_same_event_published_twice_keeps_its_webhook_id(queues: Queues, receiver: Receiver) -> None:
    register(receiver.url())
    publish.job_completed(job_event(), ids.SUNRISE)
    publish.job_completed(job_event(), ids.SUNRISE)
    queues.deliver()

    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_410_gone_disables_the_endpoint_and_nothing_more_is_sent_to_it(queues: Queues) -> None:
    with receiving(default=410) as receiver:
        endpoint = register(receiver.url())
        publish.job_completed(job_event(), ids.SUNRISE)
        assert queues.deliver() == []  # not retried

        publish.job_completed(job_event("9b0d0000-0000-4000-8000-000000000002"), ids.SUNRISE)
        queues.deliver()

    assert len(receiver.received) == 1
    (listed,) = response_json(routes(load_event("list_webhooks.json"), FakeLambdaContext()))["items"]
    assert (listed["id"], listed["enabled"]) == (endpoint["id"], False)
    assert "410" in listed["disabled_reason"]
    assert [a["outcome"] for a in deliveries(endpoint["id"])] == ["disable"]


def test_after_the_last_attempt_the_message_goes_to_the_dead_letter_queue(queues: Queues) -> None:
    with receiving(default=503) as receiver:
        endpoint = register(receiver.url())
        publish.job_completed(job_event(), ids.SUNRISE)
        queues.run(EVENTS)
        for _ in range(ATTEMPTS):
            assert len(queues.run(DELIVERIES)) == 1
        assert queues.receive(DELIVERIES) == []  # this receive finds it over maxReceiveCount: SQS moves it

    assert len(receiver.received) == ATTEMPTS
    assert len({received.headers["webhook-id"] for received in receiver.received}) == 1
    (dead,) = queues.receive("WebhookDeliveriesDLQ")
    assert json.loads(dead["Body"])["message_id"] == receiver.received[0].headers["webhook-id"]
    attempts = deliveries(endpoint["id"])
    assert [a["attempt"] for a in attempts] == list(range(ATTEMPTS, 0, -1))
    assert attempts[0]["outcome"] == "dead_lettered"
    assert {a["outcome"] for a in attempts[1:]} == {"retry"}


def test_during_a_rotation_deliveries_verify_with_the_old_and_the_new_secret(
    queues: Queues, receiver: Receiver
) -> None:
    endpoint = register(receiver.url())
    rotated = response_json(endpoint_call("rotate_webhook.json", endpoint["id"]))
    assert rotated["secret"] != endpoint["secret"]

    publish.job_completed(job_event(), ids.SUNRISE)
    queues.deliver()

    (received,) = receiver.received
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    assert verified(received, endpoint["secret"]) == verified(received, rotated["secret"])


def test_a_redirect_is_not_followed_and_is_retried(queues: Queues) -> None:
    with receiving(answers=[302]) as receiver:
        endpoint = register(receiver.url())
        publish.job_completed(job_event(), ids.SUNRISE)
        assert len(queues.deliver()) == 1

    assert [received.path for received in receiver.received] == ["/hooks"]  # never /elsewhere
    (attempt,) = deliveries(endpoint["id"])
    assert (attempt["status_code"], attempt["outcome"]) == (302, "retry")


def test_the_url_is_checked_again_at_delivery(
    queues: Queues, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered while its name resolved to a public address; at delivery it resolves to the receiver's loopback
    # address, which an https URL may not reach: nothing is sent, and the attempt fails (to be retried).
    answers = {"hooks.example.org": "93.184.215.14"}

    def fake_getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    endpoint = register(receiver.url(host="hooks.example.org").replace("http:", "https:"))
    answers["hooks.example.org"] = "127.0.0.1"

    publish.job_completed(job_event(), ids.SUNRISE)
    assert len(queues.deliver()) == 1

    assert receiver.connections == 0
    (attempt,) = deliveries(endpoint["id"])
    assert (attempt["status_code"], attempt["outcome"]) == (None, "retry")


def test_a_deleted_endpoint_gets_nothing_already_queued(queues: Queues, receiver: Receiver) -> None:
    endpoint = register(receiver.url())
    publish.job_completed(job_event(), ids.SUNRISE)
    queues.run(EVENTS)
    assert endpoint_call("delete_webhook.json", endpoint["id"])["statusCode"] == 204

    assert queues.run(DELIVERIES) == []
    assert receiver.received == []
    assert queues.count(DELIVERIES) == 0


def test_a_malformed_message_fails_and_others_of_its_batch_are_delivered(queues: Queues, receiver: Receiver) -> None:
    register(receiver.url())
    publish.job_completed(job_event(), ids.SUNRISE)
    queues.run(EVENTS)
    queues.sqs.send_message(QueueUrl=queues.url(DELIVERIES), MessageBody='{"message_id": 1}')

    failed = queues.run(DELIVERIES)

    assert [message["Body"] for message in failed] == ['{"message_id": 1}']
    assert len(receiver.received) == 1


def test_the_log_keeps_ids_and_status_only_and_expires(queues: Queues, receiver: Receiver) -> None:
    endpoint = register(receiver.url())
    publish.job_completed(job_event(), ids.SUNRISE)
    queues.deliver()

    (record,) = store.WebhookDeliveryRecord.query(ids.SUNRISE, store.WebhookDeliveryRecord.sk.startswith("delivery#"))
    stored = record.attribute_values
    assert set(stored) == {
        "pk",
        "sk",
        "message_id",
        "endpoint_id",
        "event_type",
        "attempt",
        "status_code",
        "outcome",
        "attempted_at",
        "duration_ms",
        "expires_at",
    }
    assert stored["endpoint_id"] == endpoint["id"]
    assert stored["expires_at"] > datetime.now(UTC).timestamp() + 29 * 86_400


def test_the_event_file_for_make_invoke_fans_out_to_the_organizations_endpoints(
    queues: Queues, receiver: Receiver
) -> None:
    endpoint = register(receiver.url())
    # events/webhook_event.json: a record of the events queue (named by its ARN), as `make invoke` sends it
    event = load_sqs_event("webhook_event.json")

    assert sender(event, FakeLambdaContext()) == {"batchItemFailures": []}
    assert queues.run(DELIVERIES) == []

    (received,) = receiver.received
    assert verified(received, endpoint["secret"])["data"]["job_id"] == "9b0d0000-0000-4000-8000-000000000001"
