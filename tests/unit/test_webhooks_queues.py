"""The webhook queues of template.yaml agree with the retry schedule (DESIGN 3.10): the deliveries queue's
maxReceiveCount is the number of attempts, on AWS and in the local stack, every wait of the schedule fits SQS's
longest visibility timeout; the sender reads both queues with partial batch failures; message ids are stable."""

from __future__ import annotations

from early_learning.settings import SQS_MAX_VISIBILITY_TIMEOUT_S, Settings
from early_learning.webhooks.consumer import queue_name
from early_learning.webhooks.messages import delivery_message_id, job_event_id
from local import cfn
from local.lambda_.environment import LOCAL_SETTINGS

QUEUES = cfn.resources("AWS::SQS::Queue")
SENDER = cfn.resources("AWS::Serverless::Function")["WebhookSenderFunction"]["Properties"]


def attempts(schedule: tuple[int, ...]) -> int:
    return 1 + len(schedule)


def test_the_deliveries_queue_dead_letters_after_the_last_attempt_of_the_schedule() -> None:
    redrive = QUEUES["WebhookDeliveriesQueue"]["Properties"]["RedrivePolicy"]
    aws = Settings.from_environ({}).webhook_retry_schedule_s
    local = Settings.from_environ(LOCAL_SETTINGS).webhook_retry_schedule_s

    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["WebhookDeliveriesDLQ", "Arn"]}
    assert redrive["maxReceiveCount"] == attempts(aws) == attempts(local) == 8
    assert max(aws) <= SQS_MAX_VISIBILITY_TIMEOUT_S
    assert max(local) <= 10  # a retry shows within seconds locally
    assert Settings.from_environ(LOCAL_SETTINGS).webhook_allow_local_http is True
    assert Settings.from_environ({}).webhook_allow_local_http is False


def test_every_webhook_queue_has_a_dead_letter_queue_that_outlives_it() -> None:
    for name in ("WebhookEventsQueue", "WebhookDeliveriesQueue"):
        props = QUEUES[name]["Properties"]
        dead_letter = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert QUEUES[dead_letter]["Properties"]["MessageRetentionPeriod"] > props["MessageRetentionPeriod"]
        # the schedule's waits add up to about 28 hours: the message is kept longer than that
        assert props["MessageRetentionPeriod"] > sum(Settings.from_environ({}).webhook_retry_schedule_s)


def test_the_sender_reads_both_queues_with_partial_failures_within_their_visibility_timeout() -> None:
    for event in SENDER["Events"].values():
        props = event["Properties"]
        queue = QUEUES[props["Queue"]["Fn::GetAtt"][0]]["Properties"]
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert queue["VisibilityTimeout"] >= 6 * SENDER["Timeout"]
    assert SENDER["Environment"]["Variables"] == {
        "WEBHOOK_EVENTS_QUEUE_URL": {"Ref": "WebhookEventsQueue"},
        "WEBHOOK_DELIVERIES_QUEUE_URL": {"Ref": "WebhookDeliveriesQueue"},
    }


def test_the_deliveries_log_expires_and_endpoints_do_not() -> None:
    table = cfn.resources("AWS::DynamoDB::Table")["WebhooksTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_a_queue_is_named_alike_by_its_arn_and_its_url() -> None:
    arn = "arn:aws:sqs:us-east-1:123456789012:WebhookEventsQueue"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/WebhookEventsQueue"
    assert queue_name(arn) == queue_name(url) == "WebhookEventsQueue"
    assert queue_name("http://127.0.0.1:5000/123456789012/WebhookDeliveriesQueue") != queue_name(arn)


def test_message_ids_are_fixed_by_the_event_and_the_endpoint() -> None:
    event = job_event_id("job-1", "completed")
    assert event == job_event_id("job-1", "completed")
    assert event != job_event_id("job-1", "cancelled")
    assert event != job_event_id("job-2", "completed")
    first = delivery_message_id(event, "endpoint-1")
    assert first == delivery_message_id(event, "endpoint-1")
    assert first != delivery_message_id(event, "endpoint-2")
    assert first.startswith("msg_")
