"""The hot read path's reliance on its libraries (``early_learning.store.wire``), checked against the libraries' own
paths, so that an upgrade that changes either fails here:

- botocore: a client whose reads keep their items as sent (``keep_items_as_sent``) parses every real answer of
  BatchGetItem, Query and GetItem (moto's, byte for byte the same for both clients) exactly as botocore's own parser
  does, binary values, unprocessed keys, pages and error answers included;
- PynamoDB: ``ItemDecoder`` gives what ``Model.from_raw_data(item).attribute_values`` holds (or raises the same
  error) for every table model's items, the real ones and generated ones of every stored type, right or wrong.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import botocore.session  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import AttributeDeserializationError
from pynamodb.models import Model

from early_learning.settings import get_settings
from early_learning.store.activities import ActivityRecord
from early_learning.store.children import ChildRecord
from early_learning.store.history import HistoryRecord
from early_learning.store.memberships import MembershipRecord
from early_learning.store.wire import ItemDecoder, keep_items_as_sent, might_hold_binary
from tests.integration import response_bodies

MODELS: tuple[type[Model], ...] = (ActivityRecord, ChildRecord, HistoryRecord, MembershipRecord)


class _Pair(MapAttribute[str, Any]):
    name = UnicodeAttribute()
    count = NumberAttribute(null=True)


class EveryType(Model):
    """Every attribute type ``ItemDecoder`` repeats, with and without defaults."""

    class Meta:
        table_name = "every-type"

    id = UnicodeAttribute(hash_key=True)
    number = NumberAttribute(null=True)
    flag = BooleanAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)
    words = ListAttribute(of=UnicodeAttribute, default=list)
    numbers = ListAttribute(of=NumberAttribute, null=True)
    pairs = ListAttribute(of=_Pair, null=True)
    label = UnicodeAttribute(default="none")
    level = NumberAttribute(default=lambda: 3)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _client() -> Any:
    return botocore.session.get_session().create_client("dynamodb", region_name="us-east-1")


def _recorded(operation: str, params: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """moto's HTTP answer to one request (status, headers, body), and botocore's own parse of it."""
    client = _client()
    seen: list[Any] = []
    client.meta.events.register(
        f"after-call.dynamodb.{operation}", lambda http_response, **_: seen.append(http_response)
    )
    parsed = _call(client, operation, params)
    answer = seen[0]
    return (answer.status_code, dict(answer.headers), answer.content), parsed


def _call(client: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        result: dict[str, Any] = getattr(client, _snake(operation))(**params)
    except client.exceptions.ClientError as exc:
        result = {"error": exc.response}
    return result


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _replayed(answer: tuple[int, dict[str, str], bytes], operation: str, params: dict[str, Any], hooked: bool) -> Any:
    """The same answer, parsed by a client with or without ``keep_items_as_sent`` (no request reaches moto)."""
    status, headers, body = answer
    client = _client()
    if hooked:
        keep_items_as_sent(client)
    client.meta.events.register_first(
        f"before-send.dynamodb.{operation}",
        lambda request, **_: AWSResponse(request.url, status, headers, _Raw(body)),
    )
    return _call(client, operation, params)


@pytest.fixture
def stored(aws: Any) -> Any:
    """The response bodies' data (texts to escape, a corrupt record, histories), and an item with binary values."""
    response_bodies.seed(aws)
    aws.put_item(
        TableName=get_settings().activities_table,
        Item={
            "id": {"S": "b1a00000-0000-4000-8000-000000000001"},
            "org_id": {"S": "sunrise"},
            "name": {"S": "B"},
            "blob": {"B": b"\x00\xffbinary"},
            "blobs": {"BS": [b"a", b"b"]},
        },
    )
    return aws


def _reads() -> list[tuple[str, dict[str, Any]]]:
    from local.demo import ids
    from local.demo.core import CORE_ACTIVITIES, CORE_CHILDREN

    table = get_settings()
    activity_keys = [{"id": {"S": a.id}} for a in CORE_ACTIVITIES]
    child_keys = [{"id": {"S": c.id}} for c in CORE_CHILDREN]
    return [
        ("BatchGetItem", {"RequestItems": {table.activities_table: {"Keys": activity_keys}}}),
        (
            "BatchGetItem",
            {
                "RequestItems": {
                    table.activities_table: {
                        "Keys": [*activity_keys[:3], {"id": {"S": response_bodies.ESCAPED_ACTIVITY}}],
                        "ProjectionExpression": "#0, #1, #2",
                        "ExpressionAttributeNames": {"#0": "id", "#1": "org_id", "#2": "materials"},
                    }
                },
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        ("BatchGetItem", {"RequestItems": {table.children_table: {"Keys": child_keys}}}),
        (
            "BatchGetItem",
            {"RequestItems": {table.history_table: {"Keys": [{"child_id": k["id"]} for k in child_keys]}}},
        ),
        (
            "BatchGetItem",
            {
                "RequestItems": {
                    table.activities_table: {"Keys": [{"id": {"S": "b1a00000-0000-4000-8000-000000000001"}}]}
                }
            },
        ),
        (
            "Query",
            {
                "TableName": table.activities_table,
                "IndexName": "by_org",
                "KeyConditionExpression": "#k = :v",
                "ExpressionAttributeNames": {"#k": "org_id"},
                "ExpressionAttributeValues": {":v": {"S": "public"}},
                "Limit": 3,
                "ReturnConsumedCapacity": "INDEXES",
            },
        ),
        (
            "Query",
            {
                "TableName": table.activities_table,
                "IndexName": "by_org",
                "KeyConditionExpression": "#k = :v",
                "ExpressionAttributeNames": {"#k": "org_id"},
                "ExpressionAttributeValues": {":v": {"S": "sunrise"}},
            },
        ),
        ("GetItem", {"TableName": table.activities_table, "Key": {"id": {"S": response_bodies.ESCAPED_ACTIVITY}}}),
        ("GetItem", {"TableName": table.memberships_table, "Key": {"sub": {"S": ids.TEACHER_SUNRISE_SUB}}}),
        (
            "GetItem",
            {"TableName": table.activities_table, "Key": {"id": {"S": "ffffffff-ffff-4fff-8fff-ffffffffffff"}}},
        ),
        ("GetItem", {"TableName": "no-such-table", "Key": {"id": {"S": "x"}}}),  # an error answer
    ]


def test_reads_parse_every_real_answer_as_botocore_does(stored: Any) -> None:
    for operation, params in _reads():
        # Given moto's answer to a read, and botocore's own parse of it
        answer, own = _recorded(operation, params)
        # When the same bytes are parsed by a client that keeps the items as sent
        kept = _replayed(answer, operation, params, hooked=True)
        # Then the result is botocore's, member for member (and a plain client agrees with itself)
        assert kept == own == _replayed(answer, operation, params, hooked=False), operation


def test_unprocessed_keys_and_a_last_evaluated_key_parse_as_botocore_does(stored: Any) -> None:
    # Given a real BatchGetItem answer to which DynamoDB's members for an unfinished read are added
    table = get_settings().activities_table
    operation, params = _reads()[0]
    (status, headers, body), _ = _recorded(operation, params)
    data = json.loads(body)
    data["UnprocessedKeys"] = {
        table: {"Keys": [{"id": {"S": "x"}}], "ProjectionExpression": "#0", "ExpressionAttributeNames": {"#0": "id"}}
    }
    data["ConsumedCapacity"] = [{"TableName": table, "CapacityUnits": 1.5, "Table": {"CapacityUnits": 1.5}}]
    changed = json.dumps(data).encode()
    headers = {**headers, "Content-Length": str(len(changed))}
    headers.pop("x-amz-crc32", None)
    # Then both clients parse it alike
    answer = (status, headers, changed)
    assert _replayed(answer, operation, params, hooked=True) == _replayed(answer, operation, params, hooked=False)


def test_an_answer_with_binary_values_is_left_to_botocore(stored: Any) -> None:
    operation, params = _reads()[4]
    answer, own = _recorded(operation, params)
    kept = _replayed(answer, operation, params, hooked=True)
    item = kept["Responses"][get_settings().activities_table][0]
    assert item["blob"] == {"B": b"\x00\xffbinary"}  # decoded from base64, as botocore does
    assert kept == own


@settings(max_examples=500, deadline=None)
@given(body=st.lists(st.sampled_from([b'"', b"B", b"S", b":", b" ", b"x", b"{"]), max_size=12).map(b"".join))
def test_might_hold_binary_finds_exactly_the_binary_types(body: bytes) -> None:
    assert might_hold_binary(body) == (b'"B"' in body or b'"BS"' in body)


# --- ItemDecoder against from_raw_data -------------------------------------------------------------------------------


def _comparable(value: Any) -> Any:
    if isinstance(value, MapAttribute):
        return (type(value).__name__, _comparable(value.attribute_values))
    if isinstance(value, dict):
        return {key: _comparable(v) for key, v in value.items()}
    if isinstance(value, list | set):
        return (
            type(value).__name__,
            [_comparable(v) for v in sorted(value)] if isinstance(value, set) else [_comparable(v) for v in value],
        )
    return (type(value).__name__, value)  # 1 == 1.0 == True: the types must match too


def _outcome(decode: Callable[[], Any]) -> Any:
    try:
        return ("values", _comparable(decode()))
    except AttributeDeserializationError:
        return ("mismatch",)
    except ValueError as exc:  # NumberAttribute's json.loads of a malformed number
        return ("error", type(exc).__name__)


def _assert_decoded_alike(model: type[Model], item: dict[str, Any]) -> None:
    ours = _outcome(lambda: ItemDecoder(model)(item))
    library = _outcome(lambda: dict(model.from_raw_data(item).attribute_values))
    assert ours == library, (model.__name__, item)


def test_every_decoder_repeats_its_models_attribute_types() -> None:
    # The models of the hot path are decoded without from_raw_data (a new attribute type would fall back to it)
    models: list[type[Model]] = [*MODELS, EveryType]
    assert all(ItemDecoder(model).exact for model in models)


def test_real_items_decode_as_pynamodb_decodes_them(stored: Any) -> None:
    for operation, params in _reads():
        if operation != "BatchGetItem":
            continue
        _, parsed = _recorded(operation, params)
        for table, items in parsed["Responses"].items():
            model = next(m for m in MODELS if m.Meta.table_name == table)
            for item in items:
                _assert_decoded_alike(model, item)


texts = st.text(max_size=8)
numbers = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0", "007", "1e3", "-0", "1.50", "\u0663", "12 ", ""]),
)


def _right(attribute: Attribute[Any]) -> st.SearchStrategy[dict[str, Any]]:
    if isinstance(attribute, ListAttribute):
        element = attribute.element_type
        if element is not None and issubclass(element, MapAttribute):
            entry = st.fixed_dictionaries(
                {name: _right(attr) for name, attr in element.get_attributes().items()},
                optional={"extra": st.just({"S": "x"})},
            ).map(lambda values: {"M": values})
            elements = st.one_of(entry, st.just({"NULL": True}), st.just({"S": "not a map"}), st.just({"M": {}}))
        elif element is NumberAttribute:
            elements = st.one_of(numbers.map(lambda n: {"N": n}), st.just({"NULL": True}), st.just({"S": "1"}))
        else:
            elements = st.one_of(texts.map(lambda t: {"S": t}), st.just({"NULL": True}), st.just({"N": "1"}))
        return st.lists(elements, max_size=4).map(lambda values: {"L": values})
    if isinstance(attribute, NumberAttribute):
        return numbers.map(lambda n: {"N": n})
    if isinstance(attribute, BooleanAttribute):
        return st.booleans().map(lambda b: {"BOOL": b})
    if isinstance(attribute, UnicodeSetAttribute):
        return st.lists(texts, min_size=1, max_size=3, unique=True).map(lambda values: {"SS": values})
    assert isinstance(attribute, UnicodeAttribute), attribute
    return texts.map(lambda t: {"S": t})


WRONG: list[dict[str, Any]] = [
    {"S": "text"},
    {"N": "5"},
    {"BOOL": True},
    {"L": []},
    {"M": {"a": {"S": "b"}}},
    {"SS": ["a"]},
    {"NULL": True},
    {},
]


@st.composite
def items(draw: st.DrawFn, model: type[Model]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for attribute in model.get_attributes().values():
        kind = draw(st.sampled_from(["right", "right", "right", "absent", "wrong"]))
        if kind == "right":
            item[attribute.attr_name] = draw(_right(attribute))
        elif kind == "wrong":
            item[attribute.attr_name] = draw(st.sampled_from(WRONG))
    if draw(st.booleans()):
        item["not_declared"] = {"S": "ignored"}
    return item


@pytest.mark.parametrize("model", [*MODELS, EveryType], ids=lambda model: model.__name__)
def test_generated_items_decode_as_pynamodb_decodes_them(model: type[Model]) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(item=items(model))
    def check(item: dict[str, Any]) -> None:
        _assert_decoded_alike(model, item)

    check()


def test_a_model_with_an_attribute_type_it_does_not_repeat_is_decoded_by_pynamodb() -> None:
    from pynamodb.attributes import BinaryAttribute

    class WithBinary(Model):
        class Meta:
            table_name = "with-binary"

        id = UnicodeAttribute(hash_key=True)
        payload = BinaryAttribute(legacy_encoding=False)

    decoder = ItemDecoder(WithBinary)
    item = {"id": {"S": "a"}, "payload": {"B": base64.b64encode(b"x").decode()}}
    assert not decoder.exact
    assert decoder(item) == dict(WithBinary.from_raw_data(item).attribute_values)
