"""Request and response models of the write routes (DESIGN 3.3, 3.7): batch create, update and delete, and the
single-resource writes' bodies, as the OpenAPI document describes them (``api_models`` says why they have their own
module)."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints, create_model
from typing_extensions import TypeAliasType

from early_learning.api_models import MAX_WRITE_ITEMS, DocumentedAs, ItemId, JsonBody, QuotaCharge
from early_learning.domain import Activity, Child
from early_learning.drafts import UpdateItem, draft_model, writable_fields
from early_learning.envelope import BatchEnvelope

# --- batch writes (DESIGN 3.7) -----------------------------------------------------------------------------------

WriteResourceType = Annotated[str, StringConstraints(max_length=64)]
WriteItem = Annotated[
    Any,
    DocumentedAs(
        lambda: draft_model(Activity) | draft_model(Child)  # documented as a draft; validated item by item
    ),
]
"""One item of a create: validated on its own (an invalid item is an item 422, never the whole request's)."""
UpdateItemBody = Annotated[Any, DocumentedAs(lambda: UpdateItem)]
"""One item of an update: ``{"id", "changes", "version"?}``, validated on its own."""


class BatchCreateRequest(JsonBody):
    """POST /api/v1/batch/create: new resources of one type (the caller's organization is implied)."""

    quota_charge: ClassVar[QuotaCharge | None] = ("write", "items")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resource_type": "activities",
                    "items": [
                        {
                            "name": "Rainbow rice",
                            "description": "Scoop and pour coloured rice",
                            "activity_type": "sensory",
                            "min_age_months": 18,
                            "max_age_months": 48,
                        }
                    ],
                    "atomic": False,
                }
            ]
        }
    )

    resource_type: WriteResourceType = Field(description="'activities' or 'children' (and 'completions')")
    items: list[WriteItem] = Field(min_length=1, max_length=MAX_WRITE_ITEMS, description="1 to 100 new resources")
    atomic: bool = Field(default=False, description="All or nothing, in one transaction")


class BatchUpdateRequest(JsonBody):
    """POST /api/v1/batch/update: merge patches of existing resources of one type."""

    quota_charge: ClassVar[QuotaCharge | None] = ("write", "items")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resource_type": "activities",
                    "items": [{"id": "a1b2c3d4-0000-4000-8000-00000000a001", "changes": {"duration_minutes": 25}}],
                    "atomic": False,
                }
            ]
        }
    )

    resource_type: WriteResourceType = Field(description="'activities' or 'children'")
    items: list[UpdateItemBody] = Field(min_length=1, max_length=MAX_WRITE_ITEMS, description="1 to 100 changes")
    atomic: bool = Field(default=False, description="All or nothing, in one transaction")


class BatchDeleteRequest(JsonBody):
    """POST /api/v1/batch/delete: resources of one type by id (a child's history and completions go with it)."""

    quota_charge: ClassVar[QuotaCharge | None] = ("write", "ids")

    resource_type: WriteResourceType = Field(description="'activities' or 'children'")
    ids: list[ItemId] = Field(min_length=1, max_length=MAX_WRITE_ITEMS, description="1 to 100 ids")
    atomic: bool = Field(default=False, description="All or nothing, in one transaction")


class Deleted(BaseModel):
    """What a deleted item answers."""

    id: str
    deleted: Literal[True] = True


WrittenResource = TypeAliasType(
    "WrittenResource",
    Annotated[dict[str, Any], DocumentedAs(lambda: Activity | Child | Deleted)],
)
"""A write item's ``data``: the resource as written (created, updated), or ``{"id", "deleted": true}``."""


class BatchWriteResponse(BatchEnvelope[WrittenResource]):
    """The batch envelope: item ``status_code`` 201 (created), 200 (updated, deleted) or the item's error."""

    resource_type: str
    atomic: bool


# --- single-resource writes (DESIGN 3.3) ---------------------------------------------------------------------------


def _nullable_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # a member left out is left unchanged; null is sent on purpose, to reset


@cache
def merge_patch_model(model: type[BaseModel]) -> type[BaseModel]:
    """``<Model>MergePatch``: the writable fields of ``model``, each optional and nullable (a JSON Merge Patch, RFC
    7396: a member left out is unchanged, ``null`` resets the field to its default). For the document only: the
    patch is validated as a batch update's ``changes``."""
    fields: dict[str, Any] = {}
    for name in writable_fields(model):
        info = model.model_fields[name]
        annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        reset = "required: null is refused" if info.is_required() else "null resets it to its default"
        description = f"{info.description}; {reset}" if info.description else reset[:1].upper() + reset[1:]
        optional = Field(default=None, description=description, json_schema_extra=_nullable_default)
        fields[name] = (annotation | None, optional)
    return create_model(
        f"{model.__name__}MergePatch",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"Changes to one {model.__name__.lower()} (JSON Merge Patch): only the members to change",
        **fields,
    )


class ActivityDraftBody(RootModel[Annotated[dict[str, Any], DocumentedAs(lambda: draft_model(Activity))]]):
    """A new activity: validated as a batch create's item, its errors pointing into the body."""


class ChildDraftBody(RootModel[Annotated[dict[str, Any], DocumentedAs(lambda: draft_model(Child))]]):
    """A new child: validated as a batch create's item, its errors pointing into the body."""


class ActivityPatchBody(RootModel[Annotated[dict[str, Any], DocumentedAs(lambda: merge_patch_model(Activity))]]):
    """Changes to an activity (JSON Merge Patch): validated as a batch update's ``changes``."""


class ChildPatchBody(RootModel[Annotated[dict[str, Any], DocumentedAs(lambda: merge_patch_model(Child))]]):
    """Changes to a child (JSON Merge Patch): validated as a batch update's ``changes``."""


class CompletionBody(RootModel[Annotated[dict[str, Any], DocumentedAs(lambda: _child_completion())]]):
    """A completion of the path's child: validated as a batch create's item, its errors pointing into the body."""


def _child_completion() -> type[BaseModel]:
    from early_learning.services.completions import ChildCompletion  # services import this module

    return ChildCompletion
