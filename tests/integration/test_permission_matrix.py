"""Who may see what (DESIGN 4), as one table: every role against every relation, for every route that reads
activities, children (a child's progress is readable as the child is), classrooms or coaching sessions. One cell,
one test: the status the caller gets for that resource through that route.

For the batch routes the cell is the item's status inside the 200 envelope; for the single routes the response's
status; for the listings 200 when the resource is listed and 404 when it is not (the listing answers as if it did
not exist). A caller without membership gets 403 for the whole request, whatever it asks for.

Relations are those of the sunrise callers to the core demo data: "own classroom" is the educator's classroom
(SUNRISE_A), "own child" is one of the guardian's two children; the admin's organization holds all of them but
the other organization's. Classrooms: the educator's is also where one of the guardian's children is, the other
Sunrise classroom holds its other child, a third one neither's. Coaching sessions: the educator's own, another
Sunrise educator's, Maple's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from early_learning.services.batch_get import RESOURCES
from early_learning.store import activities, classrooms, coaching, memberships
from functions.activities.app import handler as activities_handler
from functions.batch_get.app import handler as batch_get_handler
from functions.batch_recommendations.app import handler as recommendations_handler
from functions.children.app import handler as children_handler
from local import cfn
from local.demo import ids
from local.demo.core import CORE_ACTIVITIES, CORE_MEMBERSHIPS
from local.demo.staff import CORE_CLASSROOMS, CORE_COACHING_SESSIONS
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
CLASSROOMS: dict[str, str] = {
    "educator's, guardian's child's": ids.SUNRISE_A,
    "guardian's other child's": ids.SUNRISE_B,
    "neither's": ids.SUNRISE_C,
    "other org": ids.MAPLE_A,
}
COACHING_SESSIONS: dict[str, str] = {
    "educator's own": ids.COACHING_TEACHER_DONE,
    "other educator's": ids.COACHING_OTHER_EDUCATOR,
    "other org": ids.COACHING_MAPLE,
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
CLASSROOM_MATRIX: dict[str, tuple[int, int, int, int]] = {
    # relation                       admin  educator  guardian  no membership
    "educator's, guardian's child's": (200, 200,      200,      403),
    "guardian's other child's":      (200,  404,      200,      403),
    "neither's":                     (200,  404,      404,      403),
    "other org":                     (404,  404,      404,      403),
}
COACHING_MATRIX: dict[str, tuple[int, int, int, int]] = {
    # relation                       admin  educator  guardian  no membership
    "educator's own":                (200,  200,      404,      403),
    "other educator's":              (200,  404,      404,      403),
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
    "POST /batch/get child_progress": lambda sub, rid, ctx: _item_status(
        batch_get_handler, "batch_get.json", {"resource_type": "child_progress", "ids": [rid]}, sub, ctx
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
CLASSROOM_ROUTES: dict[str, Probe] = {
    "POST /batch/get classrooms": lambda sub, rid, ctx: _item_status(
        batch_get_handler, "batch_get.json", {"resource_type": "classrooms", "ids": [rid]}, sub, ctx
    ),
}
COACHING_ROUTES: dict[str, Probe] = {
    "POST /batch/get coaching_sessions": lambda sub, rid, ctx: _item_status(
        batch_get_handler, "batch_get.json", {"resource_type": "coaching_sessions", "ids": [rid]}, sub, ctx
    ),
}
KINDS: tuple[tuple[dict[str, Probe], dict[str, tuple[int, int, int, int]], dict[str, str]], ...] = (
    (ACTIVITY_ROUTES, ACTIVITY_MATRIX, ACTIVITIES),
    (CHILD_ROUTES, CHILD_MATRIX, CHILDREN),
    (CLASSROOM_ROUTES, CLASSROOM_MATRIX, CLASSROOMS),
    (COACHING_ROUTES, COACHING_MATRIX, COACHING_SESSIONS),
)
"""Each kind of resource: its routes, its matrix (relation -> status per role) and its resource per relation."""


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
    for routes, matrix, _ in KINDS:
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
        classrooms.save(CORE_CLASSROOMS)
        coaching.save(CORE_COACHING_SESSIONS)
        activities.clear_catalog_cache()
        yield
        activities.clear_catalog_cache()


def test_the_matrix_covers_every_role_relation_and_route() -> None:
    assert len(CELLS) == 4 * (3 * len(ACTIVITY_ROUTES) + 5 * len(CHILD_ROUTES) + 4 + 3)
    assert {cell.role for cell in CELLS} == set(ROLES)
    for _, matrix, resources in KINDS:
        assert set(matrix) == set(resources)
    # And every readable resource type of batch GET is in the table
    probed = {route.rsplit(" ", 1)[-1] for routes, _, _ in KINDS for route in routes if "/batch/get" in route}
    assert probed == set(RESOURCES)


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_permission_matrix(tables: None, lambda_context: FakeLambdaContext, cell: Cell) -> None:
    # Given a caller of the cell's role and a resource in the cell's relation to it
    sub = ROLES[cell.role]
    routes, _, resources = next(kind for kind in KINDS if cell.route in kind[0])
    resource_id, probe = resources[cell.relation], routes[cell.route]
    # When the caller asks for it through the cell's route / Then it gets the cell's status
    assert probe(sub, resource_id, lambda_context) == cell.expected
