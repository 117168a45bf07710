"""DESIGN 4's write permissions as one table: every role (admin, educator, guardian, no membership) against every
relation (own organization, public catalog, another organization; own classroom, another classroom, own child) for
every write operation, through the batch write handler. Each cell is the status a caller gets: an item's status
when the request is accepted, the problem's when the whole request is refused (``P403``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from functions.batch_write.app import handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.data.extra import NO_MEMBERSHIP_SUB
from tests.events import load_event
from tests.integration.children_support import call

NEW = "5e1f0000-0000-4000-8000-00000000d001"
ACTIVITY = {"name": "N", "description": "D", "activity_type": "motor", "min_age_months": 12, "max_age_months": 48}
CHILD = {"name": "N", "birth_date": "2023-01-01", "classroom_id": ids.SUNRISE_A}

ROLES = {
    "admin": ids.ADMIN_SUNRISE_SUB,
    "educator": ids.TEACHER_SUNRISE_SUB,  # of classroom SUNRISE_A
    "guardian": ids.PARENT_SUNRISE_SUB,  # of Ava (SUNRISE_A) and Finn (SUNRISE_B)
    "no membership": NO_MEMBERSHIP_SUB,
}


@dataclass(frozen=True)
class Operation:
    route: str
    resource_type: str
    body: dict[str, Any]


def create(kind: str, item: dict[str, Any]) -> Operation:
    return Operation("create", kind, {"items": [{"id": NEW, **item}]})


def update(kind: str, key: str, changes: dict[str, Any]) -> Operation:
    return Operation("update", kind, {"items": [{"id": key, "changes": changes}]})


def delete(kind: str, key: str) -> Operation:
    return Operation("delete", kind, {"ids": [key]})


def completion(child: str, activity: str = ids.PUBLIC_BLOCKS) -> Operation:
    return Operation("create", "completions", {"items": [{"child_id": child, "activity_id": activity}]})


# Each row: relation, operation, and the answer of (admin, educator, guardian, no membership).
TABLE: list[tuple[str, Operation, tuple[str, str, str, str]]] = [
    ("activity, new in own org", create("activities", ACTIVITY), ("201", "201", "P403", "P403")),
    (
        "activity, own org",
        update("activities", ids.SUNRISE_PUPPETS, {"duration_minutes": 9}),
        ("200", "200", "P403", "P403"),
    ),
    (
        "activity, public catalog",
        update("activities", ids.PUBLIC_BLOCKS, {"duration_minutes": 9}),
        ("403", "403", "P403", "P403"),
    ),
    (
        "activity, other org",
        update("activities", ids.MAPLE_LEAF_ART, {"duration_minutes": 9}),
        ("404", "404", "P403", "P403"),
    ),
    ("activity, own org", delete("activities", ids.SUNRISE_PUPPETS), ("200", "200", "P403", "P403")),
    ("activity, public catalog", delete("activities", ids.PUBLIC_BLOCKS), ("403", "403", "P403", "P403")),
    ("activity, other org", delete("activities", ids.MAPLE_LEAF_ART), ("404", "404", "P403", "P403")),
    ("child, new in own org", create("children", CHILD), ("201", "P403", "P403", "P403")),
    ("child, own classroom", update("children", ids.CHILD_AVA, {"special_needs": []}), ("200", "200", "P403", "P403")),
    (
        "child, own classroom, move",
        update("children", ids.CHILD_AVA, {"classroom_id": ids.SUNRISE_B}),
        ("200", "403", "P403", "P403"),
    ),
    (
        "child, other classroom",
        update("children", ids.CHILD_ELLA, {"special_needs": []}),
        ("200", "404", "P403", "P403"),
    ),
    ("child, other org", update("children", ids.CHILD_GRACE, {"special_needs": []}), ("404", "404", "P403", "P403")),
    ("child, own classroom", delete("children", ids.CHILD_AVA), ("200", "P403", "P403", "P403")),
    ("child, other org", delete("children", ids.CHILD_GRACE), ("404", "P403", "P403", "P403")),
    ("completion, own classroom / own child", completion(ids.CHILD_AVA), ("201", "201", "201", "P403")),
    ("completion, other classroom / own child", completion(ids.CHILD_FINN), ("201", "404", "201", "P403")),
    ("completion, not the guardian's child", completion(ids.CHILD_BEN), ("201", "201", "404", "P403")),
    ("completion, other org's child", completion(ids.CHILD_GRACE), ("404", "404", "404", "P403")),
    ("completion, other org's activity", completion(ids.CHILD_AVA, ids.MAPLE_LEAF_ART), ("404", "404", "404", "P403")),
]

CELLS = [
    pytest.param(
        operation, sub, expected, id=f"{operation.route} {operation.resource_type} | {relation} | {role} -> {expected}"
    )
    for relation, operation, row in TABLE
    for (role, sub), expected in zip(ROLES.items(), row, strict=True)
]


def test_the_table_covers_every_write_operation_of_every_type() -> None:
    covered = {(op.route, op.resource_type) for _, op, _ in TABLE}
    assert covered == {
        *(("create", t) for t in ("activities", "children", "completions")),
        *(("update", t) for t in ("activities", "children")),
        *(("delete", t) for t in ("activities", "children")),
    }


@pytest.mark.parametrize(("operation", "sub", "expected"), CELLS)
def test_write_permission_matrix(
    data: Any, lambda_context: FakeLambdaContext, operation: Operation, sub: str, expected: str
) -> None:
    body = {"resource_type": operation.resource_type, **operation.body}
    answer = call(handler, load_event(f"batch_{operation.route}.json", body=body, sub=sub), lambda_context)
    if expected.startswith("P"):
        assert answer.status == int(expected[1:]), answer.body
        assert answer.headers["content-type"] == "application/problem+json"
    else:
        assert answer.status == 200, answer.body
        assert answer.body["results"][0]["status_code"] == int(expected), answer.body["results"][0]
