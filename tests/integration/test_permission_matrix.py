"""Who may see what (DESIGN 4), as one table: every role against every relation, for every route that reads
activities or children. One cell, one test: the status the caller gets for that resource through that route.

For the batch routes the cell is the item's status inside the 200 envelope; for the single routes the response's
status; for the listings 200 when the resource is listed and 404 when it is not (the listing answers as if it did
not exist). A caller without membership gets 403 for the whole request, whatever it asks for.

Relations are those of the sunrise callers to the core demo data: "own classroom" is the educator's classroom
(sunrise-a), "own child" is one of the guardian's two children; the admin's organization holds all of them but
the other organization's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from early_learning.store import activities, memberships
from functions.activities.app import handler as activities_handler
from functions.batch_get.app import handler as batch_get_handler
from functions.batch_recommendations.app import handler as recommendations_handler
from functions.children.app import handler as children_handler
from local import cfn
from local.demo import ids
from local.demo.core import CORE_ACTIVITIES, CORE_MEMBERSHIPS
from tests.conftest import FakeLambdaContext
from tests.data import extra
from tests.events import load_event
from tests.integration.children_support import Handler, call

ROLES: dict[str, str] = {
    "admin": ids.ADMIN_SUNRISE_SUB,
    "educator": ids.TEACHER_SUNRISE_SUB,
    "guardian": ids.PARENT_SUNRISE_SUB,
    "no membership": extra.NO_MEMBERSHIP_SUB,
}

ACTIVITIES: dict[str, str] = {
    "own org": ids.SUNRISE_PUPPETS,
    "public catalog": ids.PUBLIC_BLOCKS,
    "other org": ids.MAPLE_LEAF_ART,
}
CHILDREN: dict[str, str] = {
    "own child, own classroom": ids.CHILD_AVA,
    "own child, other classroom": ids.CHILD_FINN,
    "other child, own classroom": ids.CHILD_BEN,
    "other child, other classroom": ids.CHILD_ELLA,
    "other org": ids.CHILD_GRACE,
}

# fmt: off
ACTIVITY_MATRIX: dict[str, tuple[int, int, int, int]] = {
    # relation                       admin  educator  guardian  no membership
    "own org":                       (200,  200,      200,      403),
    "public catalog":                (200,  200,      200,      403),
    "other org":                     (404,  404,      404,      403),
}
CHILD_MATRIX: dict[str, tuple[int, int, int, int]] = {
    # relation                       admin  educator  guardian  no membership
    "own child, own classroom":      (200,  200,      200,      403),
    "own child, other classroom":    (200,  404,      200,      403),
    "other child, own classroom":    (200,  200,      404,      403),
    "other child, other classroom":  (200,  404,      404,      403),
    "other org":                     (404,  404,      404,      403),
}
# fmt: on

Probe = Callable[[str, str, FakeLambdaContext], int]
"""(caller's sub, resource id, context) -> the cell's status."""


def _item_status(handler: Handler, event: str, body: dict[str, Any], sub: str, context: FakeLambdaContext) -> int:
    answer = call(handler, load_event(event, body=body, sub=sub), context)
    if answer.status != 200:
        return answer.status
    (result,) = answer.body["results"]
    assert result["id"] == (body.get("ids") or body["child_ids"])[0]
    status: int = result["status_code"]
    return status


def _single_status(handler: Handler, event: str, path: str, resource_id: str, sub: str, context: Any) -> int:
    request = load_event(event, sub=sub, path=path.format(id=resource_id), query={})
    request["rawQueryString"] = ""
    request["pathParameters"] = {"id": resource_id}
    return call(handler, request, context).status


def _listed_status(handler: Handler, event: str, resource_id: str, sub: str, context: FakeLambdaContext) -> int:
    """200 when the listing (every page of it) holds the resource, 404 when it does not."""
    cursor: str | None = None
    while True:
        query = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        answer = call(handler, load_event(event, sub=sub, query=query), context)
        if answer.status != 200:
            return answer.status
        if resource_id in {item["id"] for item in answer.body["items"]}:
            return 200
        cursor = answer.body["next_cursor"]
        if cursor is None:
            return 404


ACTIVITY_ROUTES: dict[str, Probe] = {
    "POST /batch/get activities": lambda sub, rid, ctx: _item_status(
        batch_get_handler, "batch_get.json", {"resource_type": "activities", "ids": [rid]}, sub, ctx
    ),
    "GET /activities/{id}": lambda sub, rid, ctx: _single_status(
        activities_handler, "get_activity.json", "/api/v1/activities/{id}", rid, sub, ctx
    ),
    "GET /activities (listed)": lambda sub, rid, ctx: _listed_status(
        activities_handler, "list_activities.json", rid, sub, ctx
    ),
}
CHILD_ROUTES: dict[str, Probe] = {
    "POST /batch/get children": lambda sub, rid, ctx: _item_status(
        batch_get_handler, "batch_get.json", {"resource_type": "children", "ids": [rid]}, sub, ctx
    ),
    "POST /batch/activities/recommendations": lambda sub, rid, ctx: _item_status(
        recommendations_handler, "batch_recommendations.json", {"child_ids": [rid]}, sub, ctx
    ),
    "GET /children/{id}/recommendations": lambda sub, rid, ctx: _single_status(
        children_handler, "child_recommendations.json", "/api/v1/children/{id}/recommendations", rid, sub, ctx
    ),
    "GET /children (listed)": lambda sub, rid, ctx: _listed_status(
        children_handler, "list_children.json", rid, sub, ctx
    ),
}


@dataclass(frozen=True)
class Cell:
    route: str
    relation: str
    role: str
    expected: int

    @property
    def id(self) -> str:
        return f"{self.route} | {self.relation} | {self.role} -> {self.expected}"


def cells() -> list[Cell]:
    found = []
    for routes, matrix in ((ACTIVITY_ROUTES, ACTIVITY_MATRIX), (CHILD_ROUTES, CHILD_MATRIX)):
        for route in routes:
            for relation, statuses in matrix.items():
                for role, expected in zip(ROLES, statuses, strict=True):
                    found.append(Cell(route, relation, role, expected))
    return found


CELLS = cells()


@pytest.fixture(scope="module")
def tables() -> Iterator[None]:
    """One set of tables for the whole matrix (the cells only read): the core activities, memberships, children
    and histories."""
    with mock_aws():
        cfn.create_tables(boto3.session.Session(region_name="us-east-1").client("dynamodb"))
        activities.save(CORE_ACTIVITIES)
        memberships.save(CORE_MEMBERSHIPS)
        extra.seed_core()
        activities.clear_catalog_cache()
        yield
        activities.clear_catalog_cache()


def test_the_matrix_covers_every_role_relation_and_route() -> None:
    assert len(CELLS) == 4 * (3 * len(ACTIVITY_ROUTES) + 5 * len(CHILD_ROUTES))
    assert {cell.role for cell in CELLS} == set(ROLES)


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_permission_matrix(tables: None, lambda_context: FakeLambdaContext, cell: Cell) -> None:
    # Given a caller of the cell's role and a resource in the cell's relation to it
    sub = ROLES[cell.role]
    is_activity = cell.route in ACTIVITY_ROUTES
    resource_id = (ACTIVITIES if is_activity else CHILDREN)[cell.relation]
    probe = (ACTIVITY_ROUTES if is_activity else CHILD_ROUTES)[cell.route]
    # When the caller asks for it through the cell's route / Then it gets the cell's status
    assert probe(sub, resource_id, lambda_context) == cell.expected
