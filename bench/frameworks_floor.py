"""A reference point of the cold-start measurement: what the chosen frameworks cost before any of the service's
code, i.e. FastAPI, Mangum, powertools Logger and Metrics and a PynamoDB model (botocore), one route, and a first
invocation that reads one DynamoDB item. No boto3, no Tracer, nothing else.

A function's cold start minus this one is what the service's own code (models, layer, routes) adds.
Not part of the service: only ``bench.cold_start`` imports it, in a fresh interpreter.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from fastapi import FastAPI, Request
from mangum import Mangum
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

logger = Logger()
metrics = Metrics()


class MembershipModel(Model):
    class Meta:
        table_name = os.environ["MEMBERSHIPS_TABLE"]
        region = os.environ.get("AWS_REGION", "us-east-1")
        host = os.environ.get("DYNAMODB_ENDPOINT_URL")

    sub = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()


app = FastAPI()


@app.post("/api/v1/batch/get")
async def batch_get(request: Request) -> dict[str, Any]:
    claims = request.scope["aws.event"]["requestContext"]["authorizer"]["jwt"]["claims"]
    return {"org_id": MembershipModel.get(claims["sub"]).org_id}


asgi_handler = Mangum(app, lifespan="off")


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = asgi_handler(event, context)
    return response
