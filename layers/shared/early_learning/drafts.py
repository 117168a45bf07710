"""What a client may write (DESIGN 3.7): a resource's draft for a create, its merge patch for an update, each item
validated on its own, strictly, with JSON pointers inside the item for every invalid field.

The drafts are built from the domain models (``draft_model``), never hand-copied: a create carries every field of
the resource but those the API sets (``domain.SYSTEM_FIELDS``: ``org_id``, ``version``, ``updated_at``), with an
optional client-chosen ``id``; an update's ``changes`` name only those writable fields, ``null`` resetting one to its
default. Items are validated from their JSON (strict: a string is not a number; enums and dates by their JSON form).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import PydanticUndefined

from early_learning.domain import SYSTEM_FIELDS
from early_learning.envelope import canonical_uuid

MAX_ITEM_BYTES = 16 * 1024
"""The largest item a write accepts (its JSON): far above any real activity or child, far below DynamoDB's 400 KB."""

M = TypeVar("M", bound=BaseModel)
Errors = list[dict[str, str]]


def writable_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name in model.model_fields if name not in SYSTEM_FIELDS)


@cache
def draft_model(model: type[BaseModel]) -> type[BaseModel]:
    """``<Model>Draft``: the writable fields of ``model`` with their types, constraints and defaults, and an optional
    ``id``; unknown members are refused."""
    fields: dict[str, Any] = {
        "id": (str | None, Field(default=None, max_length=128, description="A UUID of your choice (optional)"))
    }
    for name in writable_fields(model):
        info = model.model_fields[name]
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        default = info.get_default(call_default_factory=True) if not info.is_required() else PydanticUndefined
        fields[name] = (annotation, Field(default=default, description=info.description))
    return create_model(
        f"{model.__name__}Draft",
        __config__=ConfigDict(extra="forbid", strict=True, frozen=True),
        __doc__=f"A new {model.__name__.lower()}: its fields but those the API sets (org_id, version, updated_at)",
        **fields,
    )


def pointer(*path: Any) -> str:
    """RFC 6901: '/' and '~' in a member name escaped."""
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def validation_errors(exc: ValidationError, prefix: tuple[Any, ...] = ()) -> Errors:
    """A JSON pointer (inside the item) and pydantic's message per invalid field, never the input."""
    return [
        {"pointer": pointer(*prefix, *error["loc"]), "detail": str(error["msg"])[:200]}
        for error in exc.errors(include_input=False, include_url=False)[:20]
    ]


def too_large(item: Any) -> Errors | None:
    if len(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode()) > MAX_ITEM_BYTES:
        return [{"pointer": "#", "detail": f"The item is over {MAX_ITEM_BYTES} bytes"}]
    return None


def validate_json(model: type[M], values: Any, prefix: tuple[Any, ...] = ()) -> M | Errors:
    """``model`` from ``values`` as JSON, strictly; or the errors, pointed inside the item."""
    try:
        return model.model_validate_json(json.dumps(values), strict=True)
    except ValidationError as exc:
        return validation_errors(exc, prefix)


def parse_draft(model: type[BaseModel], item: Any) -> tuple[str | None, dict[str, Any]] | Errors:
    """A create's item: the client's id (canonical UUID, or None to have one generated) and the writable values."""
    if not isinstance(item, dict):
        return [{"pointer": "#", "detail": "An item is a JSON object"}]
    errors = too_large(item)
    if errors:
        return errors
    system = [name for name in item if name in SYSTEM_FIELDS and name != "id"]
    if system:
        return [{"pointer": pointer(name), "detail": "Set by the API, not writable"} for name in system]
    draft = validate_json(draft_model(model), item)
    if isinstance(draft, list):
        return draft
    values = draft.model_dump(mode="json")
    raw_id = values.pop("id")
    if raw_id is None:
        return None, values
    key = canonical_uuid(raw_id)
    if key is None:
        return [{"pointer": "#/id", "detail": "Expected a UUID such as 123e4567-e89b-12d3-a456-426614174000"}]
    return key, values


class UpdateItem(BaseModel):
    """One item of a batch update: which resource, the merge patch of its writable fields, and optionally the
    version the change was made against (optimistic concurrency)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: str = Field(max_length=128)
    changes: dict[str, Any] = Field(description="JSON Merge Patch (RFC 7396) of writable fields; null resets")
    version: int | None = Field(default=None, ge=1, description="Apply only if the stored version is this one")


def apply_patch(
    model: type[M], current: M, changes: Mapping[str, Any], prefix: tuple[Any, ...] = ("changes",)
) -> M | Errors:
    """``current`` with the merge patch ``changes`` applied (``null`` resets a field to its default; a required
    field cannot be reset), validated as a whole; or the errors, pointed at ``prefix`` + the field."""
    writable = writable_fields(model)
    errors: Errors = []
    values = current.model_dump(mode="json")
    for name, value in changes.items():
        info = model.model_fields.get(name)
        if name not in writable or info is None:
            detail = "Set by the API, not writable" if name in SYSTEM_FIELDS else "Not a field of this resource"
            errors.append({"pointer": pointer(*prefix, name), "detail": detail})
        elif value is None:
            if info.is_required():
                errors.append({"pointer": pointer(*prefix, name), "detail": "Required: it cannot be reset"})
            else:
                values[name] = info.get_default(call_default_factory=True)
        else:
            values[name] = value
    if errors:
        return errors
    merged = validate_json(model, values, prefix)
    return merged
