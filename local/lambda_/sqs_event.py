"""The SQS event Lambda hands a function (``Records`` built from ReceiveMessage's messages), and what the function's
answer means for each message: which ones Lambda deletes (``settled``), with or without ``ReportBatchItemFailures``.
Pure functions: no AWS call, no process."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

EVENT_SOURCE = "aws:sqs"


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """A message attribute as Lambda writes it (camelCase, empty lists included; binary values base64)."""
    converted: dict[str, Any] = {}
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        raw = value["BinaryValue"]
        converted["binaryValue"] = base64.b64encode(raw).decode() if isinstance(raw, bytes) else str(raw)
    converted["stringListValues"] = list(value.get("StringListValues", []))
    converted["binaryListValues"] = [
        base64.b64encode(item).decode() if isinstance(item, bytes) else str(item)
        for item in value.get("BinaryListValues", [])
    ]
    converted["dataType"] = value["DataType"]
    return converted


def record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One of the event's ``Records``: a message of ReceiveMessage (boto3's shape, asked with every system attribute
    and every message attribute) as Lambda hands it over."""
    converted: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
    }
    if "MD5OfMessageAttributes" in message:
        converted["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    converted.update(
        {
            "md5OfBody": message["MD5OfBody"],
            "eventSource": EVENT_SOURCE,
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }
    )
    return converted


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {"Records": [record(message, queue_arn, region) for message in messages]}


def reported_failures(result: bytes, message_ids: set[str]) -> set[str] | None:
    """The message ids a ``{"batchItemFailures": [{"itemIdentifier": ...}]}`` answer names, or None when Lambda
    would take the answer as the whole batch's failure: not JSON, or an ``itemIdentifier`` that is missing, null,
    empty or not a message of the batch. A null answer, an empty object, and a missing, null or empty list report
    no failure (Lambda's rules for ``ReportBatchItemFailures``)."""
    try:
        answer = json.loads(result)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return set()
    failures = answer.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    named: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in message_ids:
            return None
        named.add(identifier)
    return named


def settled(
    messages: Sequence[Mapping[str, Any]], result: bytes | None, failed: bool, report_batch_item_failures: bool
) -> list[Mapping[str, Any]]:
    """The messages Lambda deletes after an invocation: none when it failed (an error, a timeout), every one when
    it succeeded, and with ``ReportBatchItemFailures`` every one but those the answer names (none when the answer
    is not a valid batch response)."""
    if failed or result is None:
        return []
    if not report_batch_item_failures:
        return list(messages)
    failures = reported_failures(result, {str(message["MessageId"]) for message in messages})
    if failures is None:
        return []
    return [message for message in messages if message["MessageId"] not in failures]
