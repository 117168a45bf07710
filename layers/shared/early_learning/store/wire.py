"""DynamoDB's items read once, as plain values: botocore leaves the items of a read's answer as they came (their
JSON), and each item is decoded as its table's PynamoDB model declares it, without a model object.

Why (the hot read path; README, "Performance"): botocore's response parser walks every AttributeValue of an answer
against DynamoDB's service model, to give back the very structures the JSON already holds (``{"S": "..."}``,
``{"N": "12"}``, ``{"L": [...]}``); then PynamoDB's ``Model.from_raw_data`` builds a model object per item, only
for the store to read its ``attribute_values``. For a batch GET of 100 activities the two took 6.9 ms of 13.
PynamoDB keeps what it is good at (the table declarations, requests, queries and writes); reads take the items
from the answer's JSON, parsed once, and ``ItemDecoder`` turns each into the same values ``from_raw_data`` gives.

The library behaviour this relies on, in one place each:

- ``keep_items_as_sent`` (botocore): the ``before-parse`` event and the ``customized_response_dict`` it carries,
  merged over the parsed answer, are botocore internals with no documentation. The handler only takes over the
  members whose parse is the identity (AttributeValue maps of strings, numbers as strings, lists, maps, booleans,
  nulls; an answer that holds a binary value is left to botocore, which decodes its base64). A unit test compares
  the two parses on real answers of every read operation, so that a botocore upgrade that changes either fails the
  suite.
- ``ItemDecoder`` (PynamoDB): the attribute types it knows are decoded as their ``deserialize`` does, defaults and
  ``NULL`` included, with the same error for a stored type that is not the declared one (a list of typed maps by the
  map class's private ``_instantiate``, which ``deserialize`` calls); a model with any other attribute type is
  decoded by ``from_raw_data`` itself. A test compares both on the items of every table's model, generated and
  real.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

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

READ_OPERATIONS = ("BatchGetItem", "Query", "GetItem")
"""The reads whose items are left as sent."""
ITEM_MEMBERS = frozenset({"Responses", "Items", "Item", "UnprocessedKeys", "LastEvaluatedKey"})
"""Members of their answers made of AttributeValue maps (and, in UnprocessedKeys, strings and booleans)."""


def keep_items_as_sent(client: Any) -> None:
    """Make ``client``'s reads return their items as sent: the same values as botocore's parse (see the module)."""
    for operation in READ_OPERATIONS:
        client.meta.events.register(f"before-parse.dynamodb.{operation}", _items_as_sent)


def _items_as_sent(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    body = response_dict.get("body")
    if response_dict.get("status_code", 500) >= 300 or not isinstance(body, bytes) or not body:
        return
    if might_hold_binary(body):
        return
    data = json.loads(body)
    if not isinstance(data, dict):
        return
    taken = {name: data.pop(name) for name in ITEM_MEMBERS.intersection(data)}
    if taken:
        customized_response_dict.update(taken)
        response_dict["body"] = json.dumps(data).encode() if data else b"{}"


def might_hold_binary(body: bytes) -> bool:
    """True when ``body`` holds ``"B"`` or ``"BS"``: a binary value's type (or a string that reads so), whose answer
    goes to botocore (which decodes its base64). Looks at each ``B`` byte, rare in JSON (the same test as two
    substring searches, which take 30 times as long on a batch's 60 KB)."""
    at = body.find(b"B")
    while at >= 0:
        if at and body[at - 1] == 0x22 and (body[at + 1 : at + 2] == b'"' or body[at + 1 : at + 3] == b'S"'):
            return True
        at = body.find(b"B", at + 1)
    return False


# --- items as the model declares them ------------------------------------------------------------------------------


_SMALL_INTS = {str(number): number for number in range(1_000)}
"""The numbers most attributes hold (ages in months, minutes, versions, counts), by their canonical text: one dict
lookup instead of parsing each."""


def _number(value: str) -> Any:
    # NumberAttribute.deserialize is json.loads; a plain integer, DynamoDB's usual number, is read without it.
    small = _SMALL_INTS.get(value)
    if small is not None:
        return small
    if value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
        return int(value)
    return json.loads(value)


_SCALARS: dict[type[Attribute[Any]], tuple[str, Callable[[Any], Any] | None]] = {
    UnicodeAttribute: ("S", None),
    NumberAttribute: ("N", _number),
    BooleanAttribute: ("BOOL", bool),
    UnicodeSetAttribute: ("SS", set),
}
"""Attribute types whose ``deserialize`` this module repeats: wire type and conversion (None: the value itself)."""


class _List:
    """``ListAttribute(of=<a scalar type above>)``'s ``deserialize``."""

    def __init__(self, name: str, element: tuple[str, Callable[[Any], Any] | None]) -> None:
        self.name = name
        self.wire, self.convert = element

    def __call__(self, values: list[dict[str, Any]]) -> list[Any]:
        wire, convert = self.wire, self.convert
        found: list[Any] = []
        for value in values:
            if len(value) != 1 or wire not in value:  # not DynamoDB's usual list: a null, or another type
                return self._exactly(values)
            found.append(value[wire])
        return found if convert is None else [convert(value) for value in found]

    def _exactly(self, values: list[dict[str, Any]]) -> list[Any]:
        wire, convert = self.wire, self.convert
        found: list[Any] = []
        for index, value in enumerate(values):
            if "NULL" in value:
                found.append(None)
            elif wire in value:
                found.append(value[wire] if convert is None else convert(value[wire]))
            else:
                raise AttributeDeserializationError(f"{self.name}[{index}]", wire)
        return found


class _Maps:
    """``ListAttribute(of=<a MapAttribute subclass>)``'s ``deserialize``: each element made by the class's own
    ``_instantiate`` (what ``MapAttribute.deserialize`` calls), without the element attribute that PynamoDB makes,
    and deep-copies, again for every list (two thirds of a history item's decoding)."""

    def __init__(self, name: str, element: type[MapAttribute[Any, Any]]) -> None:
        self.name = name
        self.element = element

    def __call__(self, values: list[dict[str, Any]]) -> list[Any]:
        found: list[Any] = []
        for index, value in enumerate(values):
            if "NULL" in value:
                found.append(None)
            elif "M" in value:
                found.append(self.element._instantiate(value["M"]))
            else:
                raise AttributeDeserializationError(f"{self.name}[{index}]", "M")
        return found


def _typed_map(element: Any) -> type[MapAttribute[Any, Any]] | None:
    """``element`` when it is a typed ``MapAttribute`` subclass (not a raw or dynamic map), else None."""
    if isinstance(element, type) and issubclass(element, MapAttribute) and not element.is_raw():  # type: ignore[no-untyped-call]
        return element
    return None


class ItemDecoder:
    """A DynamoDB item (as sent) as ``model``'s attribute values: what ``model.from_raw_data(item).attribute_values``
    holds, without the model object. ``exact`` is False when ``model`` declares an attribute type this module does
    not repeat; the decoder then calls ``from_raw_data``."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.exact = True
        # wire name -> (attribute name, wire type, conversion or None)
        self._fields: dict[str, tuple[str, str, Callable[[Any], Any] | None]] = {}
        self._defaults: list[tuple[str, Any]] = []
        for name, attribute in model.get_attributes().items():
            if attribute.default is not None:
                self._defaults.append((name, attribute.default))
            kind = type(attribute)
            element = attribute.element_type if isinstance(attribute, ListAttribute) else None
            convert: Callable[[Any], Any] | None
            if kind in _SCALARS:
                wire, convert = _SCALARS[kind]
            elif kind is ListAttribute and element in _SCALARS:
                wire, convert = "L", _List(attribute.attr_name, _SCALARS[element])
            elif kind is ListAttribute and (maps := _typed_map(element)) is not None:
                wire, convert = "L", _Maps(attribute.attr_name, maps)
            else:
                self.exact = False
                continue
            self._fields[attribute.attr_name] = (name, wire, convert)

    def __call__(self, item: dict[str, Any]) -> dict[str, Any]:
        """The values; ``AttributeDeserializationError`` when a stored type is not the declared one."""
        if not self.exact:
            return dict(self.model.from_raw_data(item).attribute_values)
        values: dict[str, Any] = {}
        for name, default in self._defaults:
            value = default() if callable(default) else default
            if value is not None:
                values[name] = value
        fields = self._fields
        for wire_name, value in item.items():
            field = fields.get(wire_name)
            if field is None:
                continue
            name, wire, convert = field
            if len(value) != 1 or wire not in value:  # not DynamoDB's usual one member of the declared type
                if not value or "NULL" in value:
                    continue
                if wire not in value:
                    raise AttributeDeserializationError(wire_name, wire)
            values[name] = value[wire] if convert is None else convert(value[wire])
        return values
