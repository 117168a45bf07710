"""The SQS side of the local stack read from a template, without an emulator: the queues' creation order and
attributes (local/aws/queues.py), the event source mappings (local/lambda_/event_sources.py), the !Ref/!GetAtt of a
queue in a function's environment (local/cfn.py), and what Lambda deletes after an invocation
(local/lambda_/sqs_event.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from local import cfn
from local.aws.queues import create_queues
from local.lambda_.event_sources import SqsMapping, sqs_mappings
from local.lambda_.sqs_event import reported_failures, settled
from local.stack_file import StackError

TEMPLATE = cfn.load_template(cfn.ROOT / "tests" / "fixtures" / "templates" / "sqs.yaml")
ENDPOINT = "http://127.0.0.1:5000/123456789012"


class FakeSqs:
    """CreateQueue and GetQueueAttributes(QueueArn) as the emulator answers them; records what was created."""

    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []

    def create_queue(self, **arguments: Any) -> dict[str, str]:
        self.created.append(arguments)
        return {"QueueUrl": f"{ENDPOINT}/{arguments['QueueName']}"}

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:
        return {"Attributes": {"QueueArn": f"arn:aws:sqs:us-east-1:123456789012:{QueueUrl.rsplit('/', 1)[1]}"}}


def test_queues_are_created_dead_letter_queue_first_with_their_attributes() -> None:
    sqs = FakeSqs()
    names = create_queues(sqs, {"AWS::Region": "us-east-1"}, TEMPLATE)
    order = [arguments["QueueName"] for arguments in sqs.created]
    assert order.index("WorkDeadLetterQueue") < order.index("WorkQueue")
    work = next(arguments for arguments in sqs.created if arguments["QueueName"] == "WorkQueue")
    assert work["Attributes"]["VisibilityTimeout"] == "2"
    assert work["Attributes"]["MessageRetentionPeriod"] == "3600"
    assert json.loads(work["Attributes"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:WorkDeadLetterQueue",
        "maxReceiveCount": 2,
    }
    parked = next(arguments for arguments in sqs.created if arguments["QueueName"] == "parked-work.fifo")
    assert parked["Attributes"] == {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    assert names["WorkQueue"] == f"{ENDPOINT}/WorkQueue"
    assert names["WorkQueue.Arn"] == "arn:aws:sqs:us-east-1:123456789012:WorkQueue"
    assert names["ParkedQueue.QueueName"] == "parked-work.fifo"


def test_queues_that_reference_each_other_are_refused() -> None:
    template = {
        "Resources": {
            "A": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["B", "Arn"]}}},
            },
            "B": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["A", "Arn"]}}},
            },
        }
    }
    with pytest.raises(StackError, match="reference each other"):
        create_queues(FakeSqs(), {}, template)


def test_a_template_without_queues_creates_none_and_has_no_mapping() -> None:
    template = copy.deepcopy(TEMPLATE)  # the loaded template is cached: not changed in place
    template["Resources"] = {k: v for k, v in template["Resources"].items() if v["Type"] != "AWS::SQS::Queue"}
    for function in cfn.resources("AWS::Serverless::Function", template).values():
        del function["Properties"]["Events"]
        function["Properties"]["Environment"] = {}
    sqs = FakeSqs()
    assert create_queues(sqs, {}, template) == {}
    assert sqs.created == []
    assert sqs_mappings({}, template) == []


def test_a_functions_environment_gets_the_queues_url_arn_and_name() -> None:
    names = create_queues(FakeSqs(), {}, TEMPLATE)
    environment = cfn.functions(TEMPLATE, names)["ConsumerFunction"].environment
    assert environment == {
        "WORK_QUEUE_URL": f"{ENDPOINT}/WorkQueue",
        "WORK_QUEUE_ARN": "arn:aws:sqs:us-east-1:123456789012:WorkQueue",
        "DEAD_LETTER_QUEUE_NAME": "WorkDeadLetterQueue",
    }
    # Without the emulator's names, a !Ref is still the logical id and a !GetAtt of an ARN a local one
    assert cfn.functions(TEMPLATE)["ConsumerFunction"].environment["WORK_QUEUE_ARN"] == "arn:aws:local:::WorkQueue"
    assert cfn.local_value({"Fn::GetAtt": "WorkQueue.QueueName"}, TEMPLATE) == "WorkQueue"


def test_the_mappings_are_read_with_lambdas_defaults() -> None:
    names = create_queues(FakeSqs(), {}, TEMPLATE)
    assert sqs_mappings(names, TEMPLATE) == [
        SqsMapping("ConsumerFunction", f"{ENDPOINT}/WorkQueue", names["WorkQueue.Arn"], 5, 0, True),
        SqsMapping("ConsumerFunction", f"{ENDPOINT}/parked-work.fifo", names["ParkedQueue.Arn"], enabled=False),
        SqsMapping("GatheringFunction", f"{ENDPOINT}/GatheredQueue", names["GatheredQueue.Arn"], 15, 1, False, 2),
    ]


def test_a_mapping_of_a_queue_the_stack_did_not_create_is_refused() -> None:
    with pytest.raises(StackError, match=r"ConsumerFunction\.Work: the queue"):
        sqs_mappings({}, TEMPLATE)


MESSAGES = [{"MessageId": "m-1"}, {"MessageId": "m-2"}, {"MessageId": "m-3"}]


@pytest.mark.parametrize(
    "answer",
    [b"null", b"{}", b'{"batchItemFailures": null}', b'{"batchItemFailures": []}', b'"done"'],
    ids=["null", "empty", "null list", "empty list", "not an object"],
)
def test_an_answer_reporting_no_failure_settles_every_message(answer: bytes) -> None:
    assert settled(MESSAGES, answer, failed=False, report_batch_item_failures=True) == MESSAGES


def test_reported_failures_alone_stay_in_the_queue() -> None:
    answer = json.dumps({"batchItemFailures": [{"itemIdentifier": "m-2"}]}).encode()
    assert settled(MESSAGES, answer, failed=False, report_batch_item_failures=True) == [MESSAGES[0], MESSAGES[2]]
    # Without ReportBatchItemFailures on the mapping, the same answer is a plain success
    assert settled(MESSAGES, answer, failed=False, report_batch_item_failures=False) == MESSAGES


@pytest.mark.parametrize(
    "answer",
    [
        b"not json",
        b'{"batchItemFailures": [{"itemIdentifier": ""}]}',
        b'{"batchItemFailures": [{"itemIdentifier": null}]}',
        b'{"batchItemFailures": [{"messageId": "m-1"}]}',
        b'{"batchItemFailures": [{"itemIdentifier": "m-9"}]}',
        b'{"batchItemFailures": "m-1"}',
    ],
    ids=["invalid JSON", "empty id", "null id", "wrong key", "unknown id", "not a list"],
)
def test_an_invalid_batch_response_fails_the_whole_batch(answer: bytes) -> None:
    assert reported_failures(answer, {"m-1", "m-2", "m-3"}) is None
    assert settled(MESSAGES, answer, failed=False, report_batch_item_failures=True) == []


def test_a_failed_invocation_settles_nothing() -> None:
    assert settled(MESSAGES, None, failed=True, report_batch_item_failures=True) == []
    assert settled(MESSAGES, None, failed=True, report_batch_item_failures=False) == []
