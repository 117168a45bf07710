"""Shared fixtures: fake AWS credentials and region, a fake Lambda context, metrics reset, and the DynamoDB
tables built from template.yaml under moto."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from local.in_process import use_fake_aws_environment

# Before anything imports botocore or the layer: no real AWS, ever, and the table names of the template.
# WRITE_CONCURRENCY=1: moto's in-process TransactWriteItems deep-copies its tables unlocked, so two at once can fail
# inside moto; the bounded concurrency itself is tested without moto (tests/unit/test_writes_concurrency.py).
use_fake_aws_environment(
    "activity-batch-api-tests", "ActivityBatchApiTests", {"POWERTOOLS_DEV": "false", "WRITE_CONCURRENCY": "1"}
)

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from local import cfn  # noqa: E402

pytest_plugins = ["tests.log_privacy"]  # every log line of the session, for tests/test_log_privacy.py


@dataclass
class FakeLambdaContext:
    """What Lambda passes as ``context``; the remaining time follows the function's timeout."""

    function_name: str = "BatchGetFunction"
    memory_limit_in_mb: int = 512
    timeout_ms: int = 29_000
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:BatchGetFunction"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/BatchGetFunction"
    log_stream_name: str = "2026/02/16/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_ms


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture(autouse=True)
def _reset_metrics_and_caches() -> Iterator[None]:
    from early_learning.observability import metrics
    from early_learning.store import memberships

    metrics.clear_metrics()
    memberships.clear_cache()
    yield
    metrics.clear_metrics()


_SESSION = boto3.session.Session(region_name="us-east-1")  # one session: its loaders and models load once


@pytest.fixture
def aws() -> Iterator[Any]:
    """moto for every AWS call in the test, with the template's tables created; yields a DynamoDB client."""
    with mock_aws():
        client = _SESSION.client("dynamodb")
        cfn.create_tables(client)
        yield client


@pytest.fixture
def seeded(aws: Any) -> Any:
    """Tables holding the fixed core data the events in events/ refer to."""
    from early_learning.store import activities, memberships
    from local.demo.core import CORE_ACTIVITIES, CORE_MEMBERSHIPS

    activities.save(CORE_ACTIVITIES)
    memberships.save(CORE_MEMBERSHIPS)
    return aws
