"""The response bodies that must not change (issue 16: the read path was rebuilt for speed, its answers byte for
byte the same): batches of activities (full, mixed, projected, over the size budget), of children (full, projected,
for each role), recommendations (batch and single child), each answered by its handler under moto, at a frozen time.

``tests/data/response_bodies.json`` holds them as answered by the code as of 99ecb21, before that work; the test
(``test_response_bodies.py``) answers the same requests with today's code and compares the bodies byte for byte
(gunzipped: the compression level is not the body). To write the file again, run this module with the older layer
and functions first on the path (an exported tree: ``git archive <rev> functions layers | tar -x -C <dir>``), from
that directory (``-m`` puts the working directory first on the path):

    cd <dir> && PYTHONPATH=<dir>/layers/shared:<dir>:<this checkout> python -m tests.integration.response_bodies --write
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BODIES_FILE = Path(__file__).resolve().parent.parent / "data" / "response_bodies.json"
FROZEN_AT = 1771272000  # the events' timeEpoch (2026-02-16T20:00:00Z), in seconds
CORRUPT_ACTIVITY = "a1b2c3d4-0000-4000-8000-00000000e500"
"""An activity stored with a number as its name and a string as its minimum age: an item 500 wherever it is read."""
ESCAPED_ACTIVITY = "a1b2c3d4-0000-4000-8000-00000000e501"
"""An activity whose texts need escaping in JSON (quotes, a backslash, control characters, non-ASCII), and whose
``updated_at`` is stored with an offset (answered in UTC with a Z)."""
ESCAPED_CHILD = "c41d0000-0000-4000-8000-0000000000e1"


@dataclass(frozen=True)
class Request:
    function: str  # module of functions/<name>/app.py
    event: str  # file in events/
    body: dict[str, Any] | None = None
    sub: str | None = None
    path: str | None = None
    path_id: str | None = None
    query: dict[str, str] | None = None
    env: dict[str, str] | None = None


def requests() -> dict[str, Request]:
    from local.demo import ids
    from tests.data import extra

    every_activity = [
        *(a.id for a in extra.EXTRA_ACTIVITIES),
        ids.SUNRISE_PUPPETS,
        ESCAPED_ACTIVITY,
        ids.SUNRISE_SENSORY_BIN,
    ]
    mixed = [
        "123e4567-e89b-12d3-a456-426614174000",
        "ffffffff-ffff-4fff-8fff-ffffffffffff",
        ids.MAPLE_LEAF_ART,
        "not-a-uuid",
        "",
        "123E4567-E89B-12D3-A456-426614174000",
        CORRUPT_ACTIVITY,
        ids.SUNRISE_PUPPETS,
        ids.SUNRISE_PUPPETS,
    ]
    children = [
        ids.CHILD_AVA,
        ids.CHILD_BEN,
        ESCAPED_CHILD,
        ids.CHILD_CHLOE,
        ids.CHILD_DEV,
        ids.CHILD_ELLA,
        ids.CHILD_FINN,
    ]
    others = [ids.CHILD_GRACE, ids.CHILD_IRIS, "c41d0000-ffff-4fff-8fff-ffffffffffff", "x"]
    batch_get = "functions.batch_get.app"
    recommendations = "functions.batch_recommendations.app"
    return {
        "activities_full": Request(batch_get, "batch_get.json", {"resource_type": "activities", "ids": every_activity}),
        "activities_mixed": Request(batch_get, "batch_get.json", {"resource_type": "activities", "ids": mixed}),
        "activities_projected": Request(
            batch_get,
            "batch_get.json",
            {
                "resource_type": "activities",
                "ids": [*every_activity[:6], ESCAPED_ACTIVITY, *mixed],
                "fields": "name , materials,updated_at,version,setting,weather_suitability,name",
            },
        ),
        "activities_over_budget": Request(
            batch_get,
            "batch_get.json",
            {"resource_type": "activities", "ids": [*mixed[:3], *every_activity[:12]]},
            env={"RESPONSE_LIMIT_BYTES": "4000"},
        ),
        "children_full_admin": Request(
            batch_get, "batch_get.json", {"resource_type": "children", "ids": [*children, *others]}
        ),
        "children_projected_teacher": Request(
            batch_get,
            "batch_get.json",
            {"resource_type": "children", "ids": [*children, *others], "fields": "name,focus_domains,special_needs"},
            sub=ids.TEACHER_SUNRISE_SUB,
        ),
        "children_full_guardian": Request(
            batch_get, "batch_get.json", {"resource_type": "children", "ids": children}, sub=ids.PARENT_SUNRISE_SUB
        ),
        "recommendations_admin": Request(
            recommendations,
            "batch_recommendations.json",
            {"child_ids": [*children, *others, ids.CHILD_AVA.upper()]},
        ),
        "recommendations_filtered": Request(
            recommendations,
            "batch_recommendations.json",
            {
                "child_ids": children,
                "max_recommendations": 4,
                "weather": "rainy",
                "group_size": 6,
                "activity_types": ["motor", "sensory", "creative"],
            },
            sub=ids.TEACHER_SUNRISE_SUB,
        ),
        "recommendations_over_budget": Request(
            recommendations,
            "batch_recommendations.json",
            {"child_ids": children, "max_recommendations": 10, "child_age_months": 30, "include_special_needs": False},
            env={"RESPONSE_LIMIT_BYTES": "9000"},
        ),
        "child_recommendations": Request(
            "functions.children.app",
            "child_recommendations.json",
            path=f"/api/v1/children/{ids.CHILD_AVA}/recommendations",
            path_id=ids.CHILD_AVA,
            query={"max_recommendations": "6", "weather": "sunny"},
        ),
    }


def seed(client: Any) -> None:
    """The core data, the tests' extra activities and children, a child and an activity with texts to escape, and
    one corrupt activity."""
    from datetime import date

    from early_learning.domain import Child
    from early_learning.settings import get_settings
    from early_learning.store import activities, children, memberships
    from local.demo import ids
    from local.demo.core import CORE_ACTIVITIES, CORE_MEMBERSHIPS
    from tests.data import extra

    activities.save(CORE_ACTIVITIES)
    memberships.save(CORE_MEMBERSHIPS)
    extra.seed_core()
    children.save(
        [
            Child(
                id=ESCAPED_CHILD,
                org_id="sunrise",
                classroom_id=ids.SUNRISE_A,
                name='Zoë "Zo" O\'Brien \\ 🙂',
                birth_date=date(2022, 5, 6),
                focus_domains=["creative"],
                special_needs=["Visual Impairment"],
            )
        ]
    )
    client.put_item(
        TableName=get_settings().activities_table,
        Item={
            "id": {"S": ESCAPED_ACTIVITY},
            "org_id": {"S": "sunrise"},
            "name": {"S": 'Crêpes "à la" maison \\ 🙂'},
            "description": {"S": "Line one\nLine two\ttabbed\u2028and\u0001 a control character"},
            "activity_type": {"S": "creative"},
            "min_age_months": {"N": "30"},
            "max_age_months": {"N": "72"},
            "materials": {"L": [{"S": "pan"}, {"S": "crème"}]},
            "special_needs_adaptations": {"L": [{"S": "visual_impairment"}]},
            "weather_suitability": {"L": [{"S": "sunny"}, {"S": "rainy"}]},
            "version": {"N": "3"},
            "updated_at": {"S": "2026-01-02T04:04:05.123456+01:00"},
        },
    )
    client.put_item(
        TableName=get_settings().activities_table,
        Item={
            "id": {"S": CORRUPT_ACTIVITY},
            "org_id": {"S": "sunrise"},
            "name": {"N": "7"},
            "description": {"S": "stored wrong"},
            "activity_type": {"S": "motor"},
            "min_age_months": {"S": "twelve"},
            "max_age_months": {"N": "40"},
        },
    )
    activities.clear_catalog_cache()


@contextmanager
def environment(values: dict[str, str] | None) -> Iterator[None]:
    from early_learning.settings import get_settings

    saved = {name: os.environ.get(name) for name in values or {}}
    os.environ.update(values or {})
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def body_of(response: dict[str, Any]) -> str:
    raw = base64.b64decode(response["body"]) if response.get("isBase64Encoded") else response["body"].encode()
    if response.get("headers", {}).get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return raw.decode()


def answer(request: Request, context: Any, handler_of: Callable[[str], Any]) -> tuple[int, str]:
    """Status and body (gunzipped) of one request, by its function's handler (call inside moto, time frozen)."""
    from early_learning.store import activities, memberships
    from tests.events import load_event

    event = load_event(request.event, body=request.body, sub=request.sub, path=request.path, query=request.query)
    if request.path_id is not None:
        event["pathParameters"] = {"id": request.path_id}
    activities.clear_catalog_cache()
    memberships.clear_cache()
    with environment(request.env):
        response = handler_of(request.function)(event, context)
    return response["statusCode"], body_of(response)


def _write() -> int:
    import importlib

    import boto3
    import time_machine
    from moto import mock_aws

    from local import cfn
    from local.in_process import current_event_loop, use_fake_aws_environment
    from tests.conftest import FakeLambdaContext

    use_fake_aws_environment("activity-batch-api-tests", "ActivityBatchApiTests", {"WRITE_CONCURRENCY": "1"})
    bodies: dict[str, Any] = {}
    with mock_aws(), current_event_loop(), time_machine.travel(FROZEN_AT, tick=False):
        client = boto3.session.Session(region_name="us-east-1").client("dynamodb")
        cfn.create_tables(client)
        seed(client)
        for name, request in requests().items():
            status, body = answer(request, FakeLambdaContext(), lambda m: importlib.import_module(m).handler)
            if status != 200:
                raise SystemExit(f"{name}: answered {status}: {body[:300]}")
            bodies[name] = {"status": status, "body": body}
    BODIES_FILE.write_text(json.dumps(bodies, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(bodies)} bodies written to {BODIES_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", required=True)
    parser.parse_args()
    sys.exit(_write())
