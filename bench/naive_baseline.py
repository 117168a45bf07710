"""The cold-start baseline: a Lambda module written the naive way, with everything imported and built at init.

It imports FastAPI, Mangum, powertools Logger, Tracer and Metrics, boto3 and a PynamoDB model, and answers the
same first invocation as BatchGetFunction (events/batch_get.json: the caller's membership, then one BatchGetItem),
without the project's envelope. Outside Lambda, powertools disables the Tracer (no X-Ray daemon), but it still
imports the X-Ray SDK at init, as it does in Lambda; it just does not patch botocore. So the baseline is, if
anything, cheaper than the same module in Lambda.

Not part of the service: only ``bench.cold_start`` imports it, in a fresh interpreter.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from fastapi import FastAPI, Request
from mangum import Mangum
from pydantic import BaseModel
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

logger = Logger()
tracer = Tracer()
metrics = Metrics()

dynamodb = boto3.resource("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT_URL"))
activities_table_name = os.environ["ACTIVITIES_TABLE"]


class MembershipModel(Model):
    class Meta:
        table_name = os.environ["MEMBERSHIPS_TABLE"]
        region = os.environ.get("AWS_REGION", "us-east-1")
        host = os.environ.get("DYNAMODB_ENDPOINT_URL")

    sub = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    role = UnicodeAttribute()


class BatchGetBody(BaseModel):
    resource_type: str
    ids: list[str]
    fields: str | None = None


app = FastAPI()


@app.post("/api/v1/batch/get")
async def batch_get(body: BatchGetBody, request: Request) -> dict[str, Any]:
    claims = request.scope["aws.event"]["requestContext"]["authorizer"]["jwt"]["claims"]
    membership = MembershipModel.get(claims["sub"])
    keys = [{"id": item_id} for item_id in dict.fromkeys(body.ids)]
    found = dynamodb.batch_get_item(RequestItems={activities_table_name: {"Keys": keys}})["Responses"]
    items = {item["id"]: item for item in found[activities_table_name]}
    results: list[dict[str, Any]] = []
    for item_id in body.ids:
        item = items.get(item_id)
        if item is not None and item["org_id"] in (membership.org_id, "public"):
            results.append({"id": item_id, "status": "success", "data": {k: str(v) for k, v in item.items()}})
        else:
            results.append({"id": item_id, "status": "error", "status_code": 404})
    metrics.add_metric(name="ItemsRequested", unit=MetricUnit.Count, value=len(body.ids))
    return {"resource_type": body.resource_type, "results": results}


asgi_handler = Mangum(app, lifespan="off")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = asgi_handler(event, context)
    return response
