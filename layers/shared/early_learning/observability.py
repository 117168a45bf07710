"""Powertools Logger and Metrics, created once per cold start and shared by every module of the layer.

Service name and metrics namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE (template.yaml).
Logs carry ids, never children's names or birth dates.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
metrics = Metrics()


def record_batch(operation: str, requested: int, succeeded: int, dynamodb_calls: int) -> None:
    """One set of metrics per batch: items requested/succeeded/failed and the DynamoDB round trips it cost."""
    metrics.add_dimension(name="operation", value=operation)
    metrics.add_metric(name="ItemsRequested", unit=MetricUnit.Count, value=requested)
    metrics.add_metric(name="ItemsSucceeded", unit=MetricUnit.Count, value=succeeded)
    metrics.add_metric(name="ItemsFailed", unit=MetricUnit.Count, value=requested - succeeded)
    metrics.add_metric(name="DynamoDBCalls", unit=MetricUnit.Count, value=dynamodb_calls)
    logger.info(
        "batch processed",
        extra={
            "operation": operation,
            "requested": requested,
            "succeeded": succeeded,
            "dynamodb_calls": dynamodb_calls,
        },
    )
