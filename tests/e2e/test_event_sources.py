"""The SQS event source mappings of the local stack (local/lambda_/event_sources.py, DESIGN 7): the queues of a
template created in a real emulator (moto server), pollers invoking tests/fixtures/functions/sqs_consumer through the
local Lambda runtime, and what Lambda does with each batch: deleted after a success, the reported failures or the
whole batch delivered again after the visibility timeout, redrive to the dead-letter queue, nothing lost on stop.

The fixture template (tests/fixtures/templates/sqs.yaml): WorkQueue (visibility timeout 2 s, maxReceiveCount 2 to
WorkDeadLetterQueue) read by ConsumerFunction in batches of 5 with ReportBatchItemFailures; GatheredQueue
(visibility timeout 30 s) read by GatheringFunction in batches of 15 gathered for up to 1 s."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel

from local import cfn
from local.aws.emulator import running_emulator
from local.aws.queues import create_queues, existing_queues
from local.lambda_.environment import function_environment
from local.lambda_.event_sources import EventSources, sqs_mappings
from local.lambda_.pool import FunctionPool

pytestmark = pytest.mark.e2e

TEMPLATE = cfn.load_template(cfn.ROOT / "tests" / "fixtures" / "templates" / "sqs.yaml")
REGION = "us-east-1"
VISIBILITY_TIMEOUT_S = 2  # WorkQueue's
WAIT_S = 60.0
T = TypeVar("T")


def wait_for(check: Callable[[], T | None], what: str, timeout_s: float = WAIT_S) -> T:
    """``check()``'s first true answer, polled until the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout_s:.0f} s: {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_emulator(tmp_path_factory.mktemp("emulator") / "moto.log") as endpoint_url:
        yield endpoint_url


@dataclass
class Consumers:
    """The fixture template's queues in the emulator, its functions' pools (one environment each), their records."""

    sqs: Any
    names: dict[str, str]
    pools: dict[str, FunctionPool]
    records: Path
    sources: EventSources | None = None

    def start(self) -> None:
        """The pollers of the template's mappings (after the test sent its messages: the batches are then known)."""
        self.sources = EventSources.start(sqs_mappings(self.names, TEMPLATE), self.pools, self.sqs, REGION)

    def send(self, queue: str, *bodies: dict[str, Any]) -> list[str]:
        """The messages' ids, in order."""
        return [
            self.sqs.send_message(QueueUrl=self.names[queue], MessageBody=json.dumps(b))["MessageId"] for b in bodies
        ]

    def invocations(self) -> list[dict[str, Any]]:
        """What the functions recorded, one entry per invocation that got records, in order."""
        if not self.records.exists():
            return []
        lines = [json.loads(line) for line in self.records.read_text().splitlines()]
        return [line for line in lines if line["event"].get("Records")]

    def deliveries(self, message_id: str) -> list[dict[str, Any]]:
        """Every record of that message the functions got, in order."""
        return [r for i in self.invocations() for r in i["event"]["Records"] if r["messageId"] == message_id]

    def empty(self, queue: str) -> bool:
        """No message left in the queue, visible, in flight or delayed."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.names[queue], AttributeNames=["All"])["Attributes"]
        counts = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
        return all(attributes[count] == "0" for count in (*counts, "ApproximateNumberOfMessagesDelayed"))


@pytest.fixture
def consumers(emulator: str, tmp_path: Path) -> Iterator[Consumers]:
    sqs = boto3.client(
        "sqs", endpoint_url=emulator, region_name=REGION, aws_access_key_id="local", aws_secret_access_key="local"
    )
    names = create_queues(sqs, {"AWS::Region": REGION}, TEMPLATE)
    records = tmp_path / "records.jsonl"
    specs = cfn.functions(TEMPLATE, names)
    pools = {
        name: FunctionPool(spec, function_environment(spec, emulator, REGION, {"RECORD_FILE": str(records)}), REGION, 1)
        for name, spec in specs.items()
    }
    for pool in pools.values():  # warm: a cold start never outlasts a visibility timeout
        assert pool.invoke(b'{"Records": []}').error is None
    started = Consumers(sqs, names, pools, records)
    try:
        yield started
    finally:
        if started.sources is not None:
            started.sources.stop()
        for pool in pools.values():
            pool.close()
        for key, url in names.items():
            if not key.endswith((".Arn", ".QueueName")):
                sqs.delete_queue(QueueUrl=url)


def test_the_templates_queues_are_created_as_declared_and_handed_to_the_functions(consumers: Consumers) -> None:
    names, sqs = consumers.names, consumers.sqs
    work = sqs.get_queue_attributes(QueueUrl=names["WorkQueue"], AttributeNames=["All"])["Attributes"]
    assert work["VisibilityTimeout"] == str(VISIBILITY_TIMEOUT_S)
    assert work["MessageRetentionPeriod"] == "3600"
    assert work["QueueArn"] == names["WorkQueue.Arn"]
    redrive = json.loads(work["RedrivePolicy"])
    assert redrive == {"deadLetterTargetArn": names["WorkDeadLetterQueue.Arn"], "maxReceiveCount": 2}
    parked = sqs.get_queue_attributes(QueueUrl=names["ParkedQueue"], AttributeNames=["All"])["Attributes"]
    assert names["ParkedQueue.QueueName"] == "parked-work.fifo"
    assert (parked["FifoQueue"], parked["ContentBasedDeduplication"]) == ("true", "true")
    # A !Ref to a queue is its URL, !GetAtt its ARN and its name, as the emulator has them
    assert sqs.get_queue_url(QueueName="WorkQueue")["QueueUrl"] == names["WorkQueue"]
    environment = cfn.functions(TEMPLATE, names)["ConsumerFunction"].environment
    assert environment["WORK_QUEUE_URL"] == names["WorkQueue"]
    assert environment["WORK_QUEUE_ARN"] == names["WorkQueue.Arn"]
    assert environment["DEAD_LETTER_QUEUE_NAME"] == "WorkDeadLetterQueue"
    # `make invoke` finds the same names in a running stack's emulator
    assert existing_queues(sqs, {"AWS::Region": REGION}, TEMPLATE) == names
    # And a disabled mapping gets no poller
    consumers.start()
    assert consumers.sources is not None
    assert sorted(p.mapping.queue_url for p in consumers.sources.pollers) == [
        names["GatheredQueue"],
        names["WorkQueue"],
    ]


def test_a_message_is_delivered_in_the_event_lambda_sends_and_deleted_after_a_success(consumers: Consumers) -> None:
    body = json.dumps({"hello": "sqs"})
    attributes = {
        "kind": {"DataType": "String", "StringValue": "greeting"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    }
    sent = consumers.sqs.send_message(
        QueueUrl=consumers.names["WorkQueue"], MessageBody=body, MessageAttributes=attributes
    )
    consumers.start()
    (invocation,) = wait_for(consumers.invocations, "the message delivered")
    (record,) = invocation["event"]["Records"]
    assert record == {
        "messageId": sent["MessageId"],
        "receiptHandle": record["receiptHandle"],
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": record["attributes"]["SentTimestamp"],
            "SenderId": record["attributes"]["SenderId"],
            "ApproximateFirstReceiveTimestamp": record["attributes"]["ApproximateFirstReceiveTimestamp"],
        },
        "messageAttributes": {
            "kind": {"stringValue": "greeting", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
            "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
        },
        "md5OfMessageAttributes": sent["MD5OfMessageAttributes"],
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": consumers.names["WorkQueue.Arn"],
        "awsRegion": REGION,
    }
    assert record["receiptHandle"]
    assert int(record["attributes"]["ApproximateFirstReceiveTimestamp"]) >= int(record["attributes"]["SentTimestamp"])
    SqsModel.model_validate(invocation["event"])  # what the worker's powertools BatchProcessor parses
    # The function had the queue's URL in its environment, and the message is deleted once it succeeded
    assert invocation["environ"]["WORK_QUEUE_URL"] == consumers.names["WorkQueue"]
    wait_for(lambda: consumers.empty("WorkQueue"), "the message deleted")
    assert len(consumers.deliveries(sent["MessageId"])) == 1


def test_a_batch_holds_at_most_the_mappings_batch_size(consumers: Consumers) -> None:
    ids = consumers.send("WorkQueue", *({"n": n} for n in range(12)))
    consumers.start()
    wait_for(lambda: consumers.empty("WorkQueue"), "every message handled")
    sizes = [len(i["event"]["Records"]) for i in consumers.invocations()]
    assert sizes[0] == 5  # twelve were waiting: the first poll took a full batch
    assert max(sizes) == 5
    assert sorted(r["messageId"] for i in consumers.invocations() for r in i["event"]["Records"]) == sorted(ids)


def test_a_batching_window_gathers_a_batch_larger_than_one_poll(consumers: Consumers) -> None:
    ids = consumers.send("GatheredQueue", *({"n": n} for n in range(20)))
    consumers.start()
    wait_for(lambda: consumers.empty("GatheredQueue"), "every message handled")
    sizes = [len(i["event"]["Records"]) for i in consumers.invocations()]
    assert sizes == [15, 5]  # a poll answers 10 at most: the window gathered the rest of the batch
    assert sorted(r["messageId"] for i in consumers.invocations() for r in i["event"]["Records"]) == sorted(ids)


def test_a_reported_failure_alone_comes_back_after_the_visibility_timeout(consumers: Consumers) -> None:
    failing, first, second = consumers.send("WorkQueue", {"action": "report", "times": 1}, {"n": 1}, {"n": 2})
    consumers.start()
    wait_for(lambda: len(consumers.deliveries(failing)) >= 2 and consumers.empty("WorkQueue"), "the failure retried")
    # The messages that succeeded were deleted: delivered once each
    assert [r["attributes"]["ApproximateReceiveCount"] for r in consumers.deliveries(first)] == ["1"]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in consumers.deliveries(second)] == ["1"]
    # The reported one came back alone, received a second time, not before its visibility timeout ended
    once, again = consumers.deliveries(failing)
    assert (once["attributes"]["ApproximateReceiveCount"], again["attributes"]["ApproximateReceiveCount"]) == ("1", "2")
    retry = next(i for i in consumers.invocations() if again in i["event"]["Records"])
    assert [r["messageId"] for r in retry["event"]["Records"]] == [failing]
    first_received_ms = int(once["attributes"]["ApproximateFirstReceiveTimestamp"])
    assert retry["time"] * 1000 >= first_received_ms + VISIBILITY_TIMEOUT_S * 1000
    assert consumers.sqs.receive_message(QueueUrl=consumers.names["WorkDeadLetterQueue"]).get("Messages") is None


def test_a_message_failing_every_time_lands_in_the_dead_letter_queue(consumers: Consumers) -> None:
    poison, healthy = consumers.send("WorkQueue", {"action": "report"}, {"n": 1})
    consumers.start()
    dead_letter_queue = consumers.names["WorkDeadLetterQueue"]

    def dead_letters() -> list[dict[str, Any]]:
        answer = consumers.sqs.receive_message(QueueUrl=dead_letter_queue, WaitTimeSeconds=1)
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        return messages

    (dead,) = wait_for(dead_letters, "the poison message in the dead-letter queue")
    assert dead["MessageId"] == poison
    assert json.loads(dead["Body"]) == {"action": "report"}
    # Delivered maxReceiveCount (2) times, then moved; the other message was delivered once
    assert [r["attributes"]["ApproximateReceiveCount"] for r in consumers.deliveries(poison)] == ["1", "2"]
    assert len(consumers.deliveries(healthy)) == 1
    assert consumers.empty("WorkQueue")


@pytest.mark.parametrize(
    "failure",
    [{"action": "raise", "times": 1}, {"action": "sleep", "seconds": 30, "times": 1}],
    ids=["function-error", "timeout"],
)
def test_a_failed_invocation_delivers_the_whole_batch_again(consumers: Consumers, failure: dict[str, Any]) -> None:
    failing, bystander = consumers.send("WorkQueue", failure, {"n": 1})
    consumers.start()
    wait_for(lambda: len(consumers.deliveries(bystander)) >= 2 and consumers.empty("WorkQueue"), "the batch retried")
    first = consumers.invocations()[0]
    assert sorted(r["messageId"] for r in first["event"]["Records"]) == sorted([failing, bystander])
    # Nothing of the failed batch was deleted: both came back, received a second time, and then succeeded
    for message_id in (failing, bystander):
        assert [r["attributes"]["ApproximateReceiveCount"] for r in consumers.deliveries(message_id)] == ["1", "2"]


def test_stopping_with_a_batch_in_flight_loses_nothing(consumers: Consumers) -> None:
    (slow,) = consumers.send("GatheredQueue", {"action": "sleep", "seconds": 25})
    consumers.start()
    (invocation,) = wait_for(consumers.invocations, "the batch in flight")
    (record,) = invocation["event"]["Records"]
    # When the event sources stop while the function is still working on the batch
    assert consumers.sources is not None
    consumers.sources.stop()
    # Then no poller or batch thread is left, the function's environment is stopped...
    assert [t.name for t in threading.enumerate() if t.name.startswith("sqs-")] == []
    assert all(not poller.alive for poller in consumers.sources.pollers)
    with pytest.raises(ProcessLookupError):
        os.kill(invocation["pid"], 0)
    # ...and the message was not deleted: still in flight under its receipt, received again once released
    consumers.sqs.change_message_visibility(
        QueueUrl=consumers.names["GatheredQueue"], ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
    )
    again = consumers.sqs.receive_message(
        QueueUrl=consumers.names["GatheredQueue"], MessageSystemAttributeNames=["All"], WaitTimeSeconds=5
    )["Messages"]
    assert [(m["MessageId"], m["Attributes"]["ApproximateReceiveCount"]) for m in again] == [(slow, "2")]
