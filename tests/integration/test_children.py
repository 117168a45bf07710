"""GET /api/v1/children and POST /api/v1/batch/get with resource_type "children" under moto (DESIGN 3.1, 3.3, 4):
what each role may see, pagination with unforgeable cursors, field selection that never weakens authorization."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from early_learning.domain import Child
from functions.batch_get.app import handler as batch_get_handler
from functions.children.app import handler as children_handler
from local.demo import ids
from local.demo.core import CORE_CHILDREN
from tests.data import extra
from tests.events import load_event
from tests.integration.children_support import Answer, call, statuses

SUNRISE_CHILDREN = {c.id for c in CORE_CHILDREN if c.org_id == ids.SUNRISE}
MAPLE_CHILDREN = {c.id for c in CORE_CHILDREN if c.org_id == ids.MAPLE}
SUNRISE_A = {c.id for c in CORE_CHILDREN if c.classroom_id == ids.SUNRISE_A}
CORE_BY_ID = {c.id: c for c in CORE_CHILDREN}
TEACHER_OF_BOTH = "5a1e0000-0000-4000-8000-0000000000e2"


@pytest.fixture
def children_data(seeded: Any) -> Any:
    """The core children and histories, plus an educator of both sunrise classrooms."""
    from early_learning.domain import Membership, Role
    from early_learning.store import memberships

    extra.seed_core()
    memberships.save(
        [
            Membership(
                sub=TEACHER_OF_BOTH,
                org_id=ids.SUNRISE,
                role=Role.EDUCATOR,
                classroom_ids=frozenset({ids.SUNRISE_A, ids.SUNRISE_B}),
            )
        ]
    )
    return seeded


def list_page(context: Any, sub: str, **query: str) -> Answer:
    return call(children_handler, load_event("list_children.json", sub=sub, query=query), context)


def list_all(context: Any, sub: str, limit: int) -> list[list[str]]:
    """Every page of the listing, as lists of ids, following next_cursor to the end."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        answer = list_page(context, sub, **query)
        assert answer.status == 200, answer.body
        pages.append([item["id"] for item in answer.body["items"]])
        cursor = answer.body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the listing does not end"


def forge(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


# --- GET /api/v1/children -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub", "expected"),
    [
        pytest.param(ids.ADMIN_SUNRISE_SUB, SUNRISE_CHILDREN, id="admin-whole-org"),
        pytest.param(ids.TEACHER_SUNRISE_SUB, SUNRISE_A, id="educator-own-classroom"),
        pytest.param(TEACHER_OF_BOTH, SUNRISE_CHILDREN, id="educator-two-classrooms"),
        pytest.param(ids.PARENT_SUNRISE_SUB, ids.GUARDIAN_CHILD_IDS, id="guardian-own-children"),
        pytest.param(ids.ADMIN_MAPLE_SUB, MAPLE_CHILDREN, id="other-org-admin"),
    ],
)
@pytest.mark.parametrize("limit", [1, 2, 100])
def test_each_role_lists_exactly_the_children_it_may_see(children_data, lambda_context, sub, expected, limit):
    # Given a caller / When it lists its children page by page
    pages = list_all(lambda_context, sub, limit)
    ids = [child_id for page in pages for child_id in page]
    # Then it gets each child it may see once, and no other, in pages no larger than asked
    assert sorted(ids) == sorted(expected)
    assert all(len(page) <= limit for page in pages)


def test_a_listed_child_is_the_full_representation(children_data, lambda_context):
    # Given the guardian / When it lists its children
    items = list_page(lambda_context, ids.PARENT_SUNRISE_SUB).body["items"]
    # Then each item is the child as the API represents it
    assert [Child.model_validate(item) for item in items] == sorted(
        (CORE_BY_ID[i] for i in ids.GUARDIAN_CHILD_IDS), key=lambda c: c.id
    )


def test_the_list_children_event_returns_a_first_page_and_a_cursor(children_data, lambda_context):
    answer = call(children_handler, load_event("list_children.json"), lambda_context)
    assert answer.status == 200
    assert len(answer.body["items"]) == 2
    assert {item["classroom_id"] for item in answer.body["items"]} == {ids.SUNRISE_A}
    assert answer.body["next_cursor"]


@pytest.mark.parametrize(
    ("sub", "cursor"),
    [
        pytest.param(ids.ADMIN_SUNRISE_SUB, "not a cursor", id="garbage"),
        pytest.param(
            ids.ADMIN_SUNRISE_SUB,
            forge({"p": 0, "k": {"org_id": {"S": ids.MAPLE}, "id": {"S": ids.CHILD_GRACE}}}),
            id="admin-key-in-other-org",
        ),
        pytest.param(ids.ADMIN_SUNRISE_SUB, forge({"p": 1, "k": None}), id="admin-second-partition"),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB,
            forge(
                {"p": 0, "k": {"org_classroom": {"S": f"{ids.SUNRISE}#{ids.SUNRISE_B}"}, "id": {"S": ids.CHILD_ELLA}}}
            ),
            id="educator-key-in-other-classroom",
        ),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB,
            forge(
                {"p": 0, "k": {"org_classroom": {"S": f"{ids.MAPLE}#{ids.SUNRISE_A}"}, "id": {"S": ids.CHILD_GRACE}}}
            ),
            id="educator-same-classroom-id-other-org",
        ),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB,
            forge({"p": 0, "k": {"classroom_id": {"S": ids.SUNRISE_A}, "id": {"S": ids.CHILD_AVA}}}),
            id="educator-bare-classroom-key",
        ),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB,
            forge({"p": 0, "k": {"org_id": {"S": ids.SUNRISE}, "id": {"S": ids.CHILD_AVA}}}),
            id="educator-key-of-the-org-index",
        ),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB,
            forge({"p": 0, "k": {"org_classroom": {"S": f"{ids.SUNRISE}#{ids.SUNRISE_A}"}, "id": {"S": ""}}}),
            id="empty-key",
        ),
        pytest.param(ids.PARENT_SUNRISE_SUB, forge({"p": 2, "k": None}), id="guardian-past-the-end"),
        pytest.param(
            ids.PARENT_SUNRISE_SUB,
            forge({"p": 0, "k": {"org_id": {"S": ids.SUNRISE}, "id": {"S": ids.CHILD_BEN}}}),
            id="guardian-with-a-key",
        ),
        pytest.param(ids.PARENT_SUNRISE_SUB, forge({"p": True, "k": None}), id="position-a-boolean"),
    ],
)
def test_a_forged_cursor_is_a_400_problem(children_data, lambda_context, sub, cursor):
    # Given a cursor this API did not hand to this caller / When it is presented
    answer = list_page(lambda_context, sub, cursor=cursor)
    # Then the request is refused, whatever the cursor points at
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["detail"] == "The cursor is not one this API returned for you"


def test_a_classroom_id_reused_by_another_org_never_reaches_a_page_or_a_cursor(children_data, lambda_context):
    # Given a Maple child whose classroom id is the same as Sunrise's SUNRISE_A (ids are scoped by each org)
    from early_learning.store import children

    intruder = "c41d0000-0000-4000-8000-000000000000"  # sorts before every core child of SUNRISE_A
    children.save(
        [
            Child.model_validate(
                {
                    "id": intruder,
                    "org_id": ids.MAPLE,
                    "classroom_id": ids.SUNRISE_A,
                    "name": "M",
                    "birth_date": "2023-01-01",
                }
            )
        ]
    )
    # When Sunrise's teacher of SUNRISE_A pages through its children one at a time
    pages, cursors = [], []
    cursor = None
    while True:
        answer = list_page(lambda_context, ids.TEACHER_SUNRISE_SUB, limit="1", **({"cursor": cursor} if cursor else {}))
        assert answer.status == 200, answer.body
        pages.append([item["id"] for item in answer.body["items"]])
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
        cursors.append(cursor)
    # Then no page is empty (before: the first page was [] with a cursor), and no cursor carries the Maple child's id
    assert all(len(page) == 1 for page in pages), pages
    assert {i for page in pages for i in page} == SUNRISE_A
    assert not any(intruder in base64.urlsafe_b64decode(c + "=" * (-len(c) % 4)).decode() for c in cursors)


def test_a_cursor_of_one_caller_does_not_open_another_callers_partitions(children_data, lambda_context):
    # Given a cursor the admin of sunrise got after its first child
    cursor = list_page(lambda_context, ids.ADMIN_SUNRISE_SUB, limit="1").body["next_cursor"]
    # When the admin of maple presents it
    answer = list_page(lambda_context, ids.ADMIN_MAPLE_SUB, cursor=cursor)
    # Then it is refused rather than listing sunrise's children
    assert answer.status == 400


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"cursor": "x" * 2049}])
def test_bad_listing_parameters_are_422_problems(children_data, lambda_context, query):
    answer = list_page(lambda_context, ids.ADMIN_SUNRISE_SUB, **query)
    assert answer.status == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_caller_without_membership_gets_403(children_data, lambda_context):
    assert list_page(lambda_context, extra.NO_MEMBERSHIP_SUB).status == 403


# --- POST /api/v1/batch/get with resource_type "children" ----------------------------------------------------------


def batch_get(context: Any, sub: str, ids: list[str], fields: str | None = None) -> Answer:
    body: dict[str, Any] = {"resource_type": "children", "ids": ids}
    if fields is not None:
        body["fields"] = fields
    return call(batch_get_handler, load_event("batch_get_children.json", body=body, sub=sub), context)


def test_the_batch_get_children_event_returns_the_guardians_children_only(children_data, lambda_context):
    # Given the guardian's event: its two children and a maple child, with three fields
    answer = call(batch_get_handler, load_event("batch_get_children.json"), lambda_context)
    # Then its children are returned with exactly those fields, and the other is 404
    body = answer.body
    assert answer.status == 200
    assert body["resource_type"] == "children"
    assert statuses(body) == [200, 200, 404]
    assert body["results"][0]["data"] == {"id": ids.CHILD_AVA, "name": "Ava Lindqvist", "classroom_id": ids.SUNRISE_A}
    assert body["results"][2]["error"] == f"Child with id {ids.CHILD_GRACE} not found"


@pytest.mark.parametrize(
    ("sub", "ids", "expected"),
    [
        pytest.param(
            ids.PARENT_SUNRISE_SUB,
            [ids.CHILD_AVA, ids.CHILD_FINN, ids.CHILD_BEN, ids.CHILD_GRACE, ids.MISSING_CHILD],
            [200, 200, 404, 404, 404],
            id="guardian",
        ),
        pytest.param(
            ids.TEACHER_SUNRISE_SUB, [ids.CHILD_AVA, ids.CHILD_ELLA, ids.CHILD_IRIS], [200, 404, 404], id="educator"
        ),
        pytest.param(
            ids.ADMIN_SUNRISE_SUB,
            [ids.CHILD_ELLA, ids.CHILD_AVA, "nope", ids.CHILD_HUGO],
            [200, 200, 400, 404],
            id="admin",
        ),
    ],
)
@pytest.mark.parametrize("fields", [None, "name", "id,birth_date"])
def test_batch_get_children_authorizes_every_item_whatever_the_fields(
    children_data, lambda_context, sub, ids, expected, fields
):
    # Given a caller and children it may or may not see, with or without field selection
    body = batch_get(lambda_context, sub, ids, fields).body
    # Then field selection never turns an invisible child into a success
    assert statuses(body) == expected
    assert body["total_requested"] == body["total_succeeded"] + body["total_failed"] == len(ids)


def test_batch_get_children_projection_returns_only_the_asked_fields(children_data, lambda_context):
    # Given fields that leave out what the permission check reads (org and classroom)
    body = batch_get(lambda_context, ids.TEACHER_SUNRISE_SUB, [ids.CHILD_BEN], "name,focus_domains").body
    # Then the check still ran (the child is visible) and only id and the asked fields come back
    assert body["results"][0]["data"] == {
        "id": ids.CHILD_BEN,
        "name": "Ben Okafor",
        "focus_domains": ["motor", "sensory"],
    }


def test_batch_get_children_without_fields_is_the_listing_representation(children_data, lambda_context):
    # Given the same child read in a batch and in the listing
    batch = batch_get(lambda_context, ids.PARENT_SUNRISE_SUB, [ids.CHILD_FINN]).body["results"][0]["data"]
    listed = {i["id"]: i for i in list_page(lambda_context, ids.PARENT_SUNRISE_SUB).body["items"]}
    # Then both give the same object, empty lists included
    assert batch == listed[ids.CHILD_FINN]
    assert batch_get(lambda_context, ids.PARENT_SUNRISE_SUB, [ids.CHILD_AVA], "special_needs").body["results"][0][
        "data"
    ] == {"id": ids.CHILD_AVA, "special_needs": []}


def test_batch_get_children_rejects_unknown_fields_naming_the_allowed_ones(children_data, lambda_context):
    answer = batch_get(lambda_context, ids.ADMIN_SUNRISE_SUB, [ids.CHILD_AVA], "name,nickname")
    assert answer.status == 400
    assert "nickname" in answer.body["detail"]
    assert "birth_date" in answer.body["detail"]


def test_logs_of_the_children_routes_carry_no_names(children_data, lambda_context, capfd, caplog):
    # Given the routes that return names: the listing and batch GET
    list_all(lambda_context, ids.ADMIN_SUNRISE_SUB, 2)
    call(batch_get_handler, load_event("batch_get_children.json"), lambda_context)
    # When the logs are read / Then the batch was logged, and no child's name or birth date was
    logged = capfd.readouterr().out + caplog.text
    assert "batch processed" in logged
    for child in CORE_CHILDREN:
        assert child.name not in logged
        assert child.birth_date.isoformat() not in logged
