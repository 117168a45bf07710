"""The cold-start baseline: the same four routes written the naive way, everything imported and built at init.

It imports FastAPI, Mangum, powertools Logger, Tracer and Metrics, boto3 and a PynamoDB model, builds its boto3
resource at import, and answers each function's first invocation (the event ``bench.cold_start`` gives that
function) with the same DynamoDB reads and the same scoring (the layer's pure ``early_learning.scoring``), without
the project's envelope, field selection or retries. So each function is compared with a naive twin doing the same
work. Outside Lambda, powertools disables the Tracer (no X-Ray daemon), but it still imports the X-Ray SDK at init,
as it does in Lambda; it just does not patch botocore. So the baseline is, if anything, cheaper than the same module
in Lambda.

Not part of the service: only ``bench.cold_start`` imports it, in a fresh interpreter.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from boto3.dynamodb.conditions import Key
from fastapi import FastAPI, Request
from mangum import Mangum
from pydantic import BaseModel
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from early_learning.domain import Activity, Child
from early_learning.scoring import RecommendationOptions, recommend

logger = Logger()
tracer = Tracer()
metrics = Metrics()

dynamodb = boto3.resource("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT_URL"))
activities_table = dynamodb.Table(os.environ["ACTIVITIES_TABLE"])
children_table_name = os.environ["CHILDREN_TABLE"]
history_table_name = os.environ["HISTORY_TABLE"]


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


class RecommendationsBody(BaseModel):
    child_ids: list[str]
    max_recommendations: int = 5
    weather: str | None = None


app = FastAPI()


def caller(request: Request) -> MembershipModel:
    claims = request.scope["aws.event"]["requestContext"]["authorizer"]["jwt"]["claims"]
    return MembershipModel.get(claims["sub"])


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB's Decimals as ints (every number in these tables is whole)."""
    return {k: int(v) if type(v).__name__ == "Decimal" else v for k, v in item.items()}


@app.post("/api/v1/batch/get")
async def batch_get(body: BatchGetBody, request: Request) -> dict[str, Any]:
    membership = caller(request)
    keys = [{"id": item_id} for item_id in dict.fromkeys(body.ids)]
    found = dynamodb.batch_get_item(RequestItems={activities_table.name: {"Keys": keys}})["Responses"]
    items = {item["id"]: item for item in found[activities_table.name]}
    results: list[dict[str, Any]] = []
    for item_id in body.ids:
        item = items.get(item_id)
        if item is not None and item["org_id"] in (membership.org_id, "public"):
            results.append({"id": item_id, "status": "success", "data": plain(item)})
        else:
            results.append({"id": item_id, "status": "error", "status_code": 404})
    metrics.add_metric(name="ItemsRequested", unit=MetricUnit.Count, value=len(body.ids))
    return {"resource_type": body.resource_type, "results": results}


@app.get("/api/v1/activities/{activity_id}")
async def get_activity(activity_id: str, request: Request) -> dict[str, Any]:
    membership = caller(request)
    item = activities_table.get_item(Key={"id": activity_id}).get("Item")
    if item is None or item["org_id"] not in (membership.org_id, "public"):
        return {"error": "not found"}
    return plain(item)


def recommendations(child_ids: list[str], membership: MembershipModel, options: RecommendationOptions) -> list[Any]:
    keys = [{"id": child_id} for child_id in child_ids]
    kids = dynamodb.batch_get_item(RequestItems={children_table_name: {"Keys": keys}})["Responses"][children_table_name]
    kids = [kid for kid in kids if kid["org_id"] == membership.org_id]
    history_keys = [{"child_id": kid["id"]} for kid in kids]
    history = dynamodb.batch_get_item(RequestItems={history_table_name: {"Keys": history_keys}})["Responses"]
    recent = {h["child_id"]: {e["activity_id"] for e in h.get("entries", [])} for h in history[history_table_name]}
    catalog = [
        Activity.model_validate(plain(item))
        for org_id in (membership.org_id, "public")
        for item in activities_table.query(IndexName="by_org", KeyConditionExpression=Key("org_id").eq(org_id))["Items"]
    ]
    results = []
    for kid in kids:
        child = Child.model_validate(kid)
        chosen = recommend(child, catalog, options, recent_activity_ids=recent.get(child.id, set()), today=date.today())
        results.append({"child_id": child.id, "recommendations": [r.model_dump(mode="json") for r in chosen]})
    metrics.add_metric(name="ItemsRequested", unit=MetricUnit.Count, value=len(child_ids))
    return results


@app.post("/api/v1/batch/activities/recommendations")
async def batch_recommendations(body: RecommendationsBody, request: Request) -> dict[str, Any]:
    options = RecommendationOptions.model_validate(body.model_dump(exclude={"child_ids"}))
    return {"results": recommendations(body.child_ids, caller(request), options)}


@app.get("/api/v1/children/{child_id}/recommendations")
async def child_recommendations(
    child_id: str, request: Request, max_recommendations: int = 5, weather: str | None = None
) -> dict[str, Any]:
    options = RecommendationOptions.model_validate({"max_recommendations": max_recommendations, "weather": weather})
    found = recommendations([child_id], caller(request), options)
    return found[0] if found else {"error": "not found"}


asgi_handler = Mangum(app, lifespan="off")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = asgi_handler(event, context)
    return response
