"""The SQS event source mappings of template.yaml (a function's ``Events`` of ``Type: SQS``), run as Lambda runs
them: a poller per mapping long-polls its queue, hands each batch to the function through its ``FunctionPool`` (as
many batches at once as the pool runs invocations, or the mapping's ``ScalingConfig.MaximumConcurrency``) and then
deletes what the invocation settled (``sqs_event.settled``): every message after a success, every one but the
reported failures with ``ReportBatchItemFailures``, none after an error or a timeout (they come back when their
visibility timeout ends, with ``ApproximateReceiveCount`` one higher). Redrive to the dead-letter queue is the
queue's own: the emulator moves a message received ``maxReceiveCount`` times to the queue its ``RedrivePolicy``
names, as SQS does.

``stop`` ends the pollers and the batches in flight: their environments are stopped, and their messages are not
deleted (nothing is lost; they are delivered again after the visibility timeout).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from local import cfn
from local.intrinsics import resolve
from local.lambda_.pool import FunctionPool
from local.lambda_.sqs_event import settled, sqs_event
from local.stack_file import StackError

log = logging.getLogger("local.lambda")

DEFAULT_BATCH_SIZE = 10
POLL_WAIT_S = 1
"""A poll's ``WaitTimeSeconds`` (Lambda's pollers wait 20 s): how long ``stop`` may wait for a poller."""
RETRY_PAUSE_S = 1.0
"""After a poll that failed (the emulator stopping), before the next one."""


@dataclass(frozen=True)
class SqsMapping:
    """One SQS event source mapping: which function reads which queue, and how."""

    function: str
    queue_url: str
    queue_arn: str
    batch_size: int = DEFAULT_BATCH_SIZE
    batching_window_s: int = 0
    """``MaximumBatchingWindowInSeconds``: how long a batch is gathered (0: what one poll answers)."""
    report_batch_item_failures: bool = False
    maximum_concurrency: int | None = None
    enabled: bool = True


def sqs_mappings(names: Mapping[str, str], template: dict[str, Any] | None = None) -> list[SqsMapping]:
    """The SQS events of every function of the template; ``names`` as ``local.aws.queues.create_queues`` returns
    them (the queues' URLs and ARNs in the emulator)."""
    urls = {names[key]: names[key.removesuffix(".Arn")] for key in names if key.endswith(".Arn")}
    mappings = []
    for function, res in cfn.resources("AWS::Serverless::Function", template).items():
        for event_name, event in res["Properties"].get("Events", {}).items():
            if event["Type"] != "SQS":
                continue
            props = resolve(event.get("Properties", {}), names, template)
            arn = str(props.get("Queue"))
            if arn not in urls:
                raise StackError(f"{function}.{event_name}: the queue {arn} is not one the local stack created")
            concurrency = props.get("ScalingConfig", {}).get("MaximumConcurrency")
            enabled = props.get("Enabled", True)
            mappings.append(
                SqsMapping(
                    function=function,
                    queue_url=urls[arn],
                    queue_arn=arn,
                    batch_size=int(props.get("BatchSize", DEFAULT_BATCH_SIZE)),
                    batching_window_s=int(props.get("MaximumBatchingWindowInSeconds", 0)),
                    report_batch_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                    maximum_concurrency=int(concurrency) if concurrency is not None else None,
                    enabled=enabled is True or str(enabled).lower() == "true",
                )
            )
    return mappings


class SqsPoller:
    """One mapping's poller thread and the threads of its batches in flight."""

    def __init__(self, mapping: SqsMapping, pool: FunctionPool, sqs: Any, region: str) -> None:
        self.mapping = mapping
        self.pool = pool
        self.sqs = sqs
        self.region = region
        concurrency = min(pool.concurrency, mapping.maximum_concurrency or pool.concurrency)
        self._slots = threading.Semaphore(concurrency)
        self._batches = ThreadPoolExecutor(concurrency, thread_name_prefix=f"sqs-{mapping.function}")
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._poll, name=f"sqs-poller-{mapping.function}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        """No poll after the one under way."""
        self._stopping.set()

    def stop(self) -> None:
        """No poll after this; the function's pool is closed (the stack's end), so a batch in flight ends with its
        environment, failed: its messages are not deleted."""
        self.request_stop()
        self._thread.join(POLL_WAIT_S + 10)
        self.pool.close()
        self._batches.shutdown(wait=True)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _poll(self) -> None:
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=POLL_WAIT_S):
                continue  # every slot busy: look at ``_stopping`` again
            try:
                messages = self._gather()
            except Exception as exc:  # the emulator stopping, or a queue deleted under the mapping
                self._slots.release()
                log.warning("%s: polling %s failed: %s", self.mapping.function, self.mapping.queue_url, exc)
                self._stopping.wait(RETRY_PAUSE_S)
                continue
            if not messages or self._stopping.is_set():
                # Received as the stack stops: not invoked and not deleted, they come back after the visibility
                # timeout, as an invocation's that never ended.
                self._slots.release()
                continue
            try:
                self._batches.submit(self._run, messages)
            except RuntimeError:  # stopped while this poll was under way: the messages come back later
                self._slots.release()
                return

    def _receive(self, count: int, wait_s: int) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.mapping.queue_url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=wait_s,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )  # no VisibilityTimeout: the queue's own, as Lambda polls
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        return messages

    def _gather(self) -> list[dict[str, Any]]:
        """A batch: what one poll answers (up to 10), or with a batching window, polls until the batch is full or
        the window is over."""
        size = self.mapping.batch_size
        batch = self._receive(min(10, size), POLL_WAIT_S)
        if not batch or self.mapping.batching_window_s <= 0:
            return batch
        deadline = time.monotonic() + self.mapping.batching_window_s
        while len(batch) < size and not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            more = self._receive(min(10, size - len(batch)), min(POLL_WAIT_S, int(remaining)))  # never past the window
            batch.extend(more)
            if not more and remaining < 1:
                self._stopping.wait(min(remaining, 0.1))  # the window's last second: short polls
        return batch

    def _run(self, messages: Sequence[dict[str, Any]]) -> None:
        try:
            event = json.dumps(sqs_event(messages, self.mapping.queue_arn, self.region)).encode()
            try:
                outcome = self.pool.invoke(event)
            except Exception as exc:  # the pool closed: the stack is stopping
                log.warning("%s: a batch of %d not invoked: %s", self.mapping.function, len(messages), exc)
                return
            failed = outcome.error is not None
            done = settled(messages, outcome.result, failed, self.mapping.report_batch_item_failures)
            if len(done) < len(messages):
                reason = (outcome.error or {}).get("errorType") if failed else "reported as failed"
                back = len(messages) - len(done)
                log.info("%s: %d of %d messages not deleted (%s)", self.mapping.function, back, len(messages), reason)
            self._delete(done)
        except Exception:
            log.exception("%s: a batch of %s failed in the poller", self.mapping.function, self.mapping.queue_url)
        finally:
            self._slots.release()

    def _delete(self, messages: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(messages), 10):
            entries = [
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(messages[start : start + 10])
            ]
            failed = self.sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=entries).get("Failed", [])
            for failure in failed:
                log.warning("%s: a message not deleted: %s", self.mapping.function, failure.get("Message", failure))


class EventSources:
    """The pollers of a template's enabled SQS event source mappings, started and stopped together."""

    def __init__(self, pollers: list[SqsPoller]) -> None:
        self.pollers = pollers

    @classmethod
    def start(
        cls, mappings: Sequence[SqsMapping], pools: Mapping[str, FunctionPool], sqs: Any, region: str
    ) -> EventSources:
        pollers = [SqsPoller(m, pools[m.function], sqs, region) for m in mappings if m.enabled]
        for poller in pollers:
            poller.start()
        return cls(pollers)

    def stop(self) -> None:
        """Every poller, at once; the pools of their functions are closed (``SqsPoller.stop``)."""
        for poller in self.pollers:
            poller.request_stop()  # every poller stops polling at once, then each is waited for
        for poller in self.pollers:
            poller.stop()
