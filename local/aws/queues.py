"""SQS in the emulator: every AWS::SQS::Queue of template.yaml, created with its attributes (a dead-letter queue
before the queues whose ``RedrivePolicy`` names it), and the names the functions' environments resolve to.

What ``create_queues`` returns is what CloudFormation would hand over: ``names[logical id]`` is the queue's URL (a
``!Ref``), ``names["<logical id>.Arn"]`` its ARN and ``names["<logical id>.QueueName"]`` its name (``!GetAtt``),
each as the emulator has them, to resolve the functions' environment with (``cfn.functions(names=...)``) and the
event source mappings' queues with (``local.lambda_.event_sources``). A template without queues creates none.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from local import cfn
from local.intrinsics import resolve
from local.stack_file import StackError

log = logging.getLogger("local.stack")

QUEUE = "AWS::SQS::Queue"
ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "VisibilityTimeout",
)
"""The queue's properties that are CreateQueue attributes of the same name (encryption is not applied locally)."""


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value)  # RedrivePolicy, RedriveAllowPolicy: JSON objects in the template, strings in SQS
    return str(value)


def _depends_on(value: Any, queues: Mapping[str, Any]) -> set[str]:
    """The queues of the template that ``value`` references (a !GetAtt to a dead-letter queue's ARN, a !Ref)."""
    if isinstance(value, dict):
        if "Ref" in value and value["Ref"] in queues:
            return {str(value["Ref"])}
        if "Fn::GetAtt" in value:
            argument = value["Fn::GetAtt"]
            name = str(argument[0] if isinstance(argument, list) else str(argument).split(".", 1)[0])
            return {name} if name in queues else set()
        return set().union(*(_depends_on(item, queues) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_depends_on(item, queues) for item in value))
    return set()


def _creation_order(queues: Mapping[str, dict[str, Any]]) -> list[str]:
    """The queues' logical ids, each after the queues its properties reference."""
    pending = {name: _depends_on(res.get("Properties", {}), queues) - {name} for name, res in queues.items()}
    order: list[str] = []
    while pending:
        ready = sorted(name for name, needs in pending.items() if needs <= set(order))
        if not ready:
            raise StackError(f"template.yaml: queues that reference each other: {', '.join(sorted(pending))}")
        order.extend(ready)
        for name in ready:
            del pending[name]
    return order


def _queue_name(logical_id: str, props: Mapping[str, Any]) -> str:
    """The ``QueueName``, else the logical id (CloudFormation would add the stack's name and a suffix)."""
    fifo = _attribute(props.get("FifoQueue", False)) == "true"
    return str(props.get("QueueName") or (f"{logical_id}.fifo" if fifo else logical_id))


def create_queues(
    sqs: Any, names: Mapping[str, str] | None = None, template: dict[str, Any] | None = None
) -> dict[str, str]:
    """Create every queue of the template in the emulator (``sqs``: a boto3 SQS client); returns their names (the
    module's docstring). ``names``: pseudo parameters (``AWS::Region``) and other resources' local names."""
    queues = cfn.resources(QUEUE, template)
    created = dict(names or {})
    result: dict[str, str] = {}
    for logical_id in _creation_order(queues):
        props = resolve(queues[logical_id].get("Properties", {}), created, template)
        name = _queue_name(logical_id, props)
        ignored = sorted(set(props) - {*ATTRIBUTES, "QueueName", "Tags"})
        if ignored:
            log.info("%s: not applied locally: %s", logical_id, ", ".join(ignored))
        attributes = {key: _attribute(value) for key, value in props.items() if key in ATTRIBUTES}
        tags = {str(tag["Key"]): str(tag["Value"]) for tag in props.get("Tags", [])}
        url = sqs.create_queue(QueueName=name, Attributes=attributes, **({"tags": tags} if tags else {}))["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for key, value in ((logical_id, url), (f"{logical_id}.Arn", arn), (f"{logical_id}.QueueName", name)):
            created[key] = result[key] = value
    return result


def existing_queues(
    sqs: Any, names: Mapping[str, str] | None = None, template: dict[str, Any] | None = None
) -> dict[str, str]:
    """The names ``create_queues`` returned, read back from a running stack's emulator (``make invoke``): the
    template's queues that exist there."""
    found: dict[str, str] = {}
    for logical_id, res in cfn.resources(QUEUE, template).items():
        name = _queue_name(logical_id, resolve(res.get("Properties", {}), {**(names or {}), **found}, template))
        try:
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            continue
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        found.update({logical_id: url, f"{logical_id}.Arn": arn, f"{logical_id}.QueueName": name})
    return found
