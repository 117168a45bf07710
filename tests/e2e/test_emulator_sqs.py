"""SQS in the local stack's emulator (local/aws/moto_server.py): SQS requests served one at a time (moto's queues
are not thread-safe), a long poll waiting without holding up any other request and answering as soon as a message
arrives, and no message lost when sends, long polls and deletes are served at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config  # type: ignore[import-untyped]  # botocore ships no type hints

from local.aws.emulator import running_emulator

pytestmark = pytest.mark.e2e

SENDERS, PER_SENDER = 8, 40


@pytest.fixture(scope="module")
def sqs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with running_emulator(tmp_path_factory.mktemp("emulator") / "moto.log") as endpoint_url:
        yield boto3.client(
            "sqs",
            endpoint_url=endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=SENDERS + 4),
        )


def test_a_long_poll_holds_up_no_other_request_and_answers_when_a_message_arrives(sqs: Any) -> None:
    waiting = sqs.create_queue(QueueName="long-poll-waiting")["QueueUrl"]
    busy = sqs.create_queue(QueueName="long-poll-busy")["QueueUrl"]
    answers: list[dict[str, Any]] = []
    # Given a long poll of 20 s on an empty queue
    poll = threading.Thread(target=lambda: answers.append(sqs.receive_message(QueueUrl=waiting, WaitTimeSeconds=20)))
    poll.start()
    # When other SQS requests are sent meanwhile, they are answered while it still waits
    for n in range(5):
        sqs.send_message(QueueUrl=busy, MessageBody=f"message {n}")
        (message,) = sqs.receive_message(QueueUrl=busy)["Messages"]
        sqs.delete_message(QueueUrl=busy, ReceiptHandle=message["ReceiptHandle"])
    assert poll.is_alive()
    assert answers == []
    # And a message sent to its queue ends it, with the message
    sqs.send_message(QueueUrl=waiting, MessageBody="at last")
    poll.join(timeout=15)
    assert not poll.is_alive()
    assert [m["Body"] for m in answers[0]["Messages"]] == ["at last"]


def test_messages_sent_while_others_are_received_and_deleted_are_all_kept(sqs: Any) -> None:
    queue = sqs.create_queue(QueueName="concurrent-send-delete")["QueueUrl"]
    expected = {f"{sender}-{n}" for sender in range(SENDERS) for n in range(PER_SENDER)}
    seen: set[str] = set()
    done = threading.Event()

    def send(sender: int) -> None:
        for n in range(PER_SENDER):
            sqs.send_message(QueueUrl=queue, MessageBody=f"{sender}-{n}")

    def consume() -> None:  # receives and deletes while the senders send, until every message was seen
        while not done.is_set():
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages")
            if not messages:
                continue
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
            assert sqs.delete_message_batch(QueueUrl=queue, Entries=entries).get("Failed", []) == []
            seen.update(m["Body"] for m in messages)
            if expected <= seen:
                done.set()

    with ThreadPoolExecutor(max_workers=SENDERS + 2) as pool:
        consumers = [pool.submit(consume) for _ in range(2)]
        for sent in [pool.submit(send, sender) for sender in range(SENDERS)]:
            sent.result()
        done.wait(timeout=60)
        done.set()
        for consumer in consumers:
            consumer.result()
    # Every message sent arrived: none was lost to a delete served at the same time
    assert seen == expected
