"""Request and response models of the HTTP contract (DESIGN 3); domain models live in ``domain``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    RootModel,
    StringConstraints,
    TypeAdapter,
    create_model,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError
from typing_extensions import TypeAliasType

from early_learning.domain import Activity, Child, ChildProgress, Classroom, CoachingSession
from early_learning.drafts import UpdateItem, draft_model, writable_fields
from early_learning.envelope import BatchEnvelope
from early_learning.scoring import Recommendation, RecommendationOptions

T = TypeVar("T")

MAX_BATCH_IDS = 100
MAX_RECOMMENDATION_CHILDREN = 50
MAX_PROBLEM_ERRORS = 20
"""Entries of a 422 problem's ``errors`` at most (DESIGN 3.4)."""
MAX_SYNC_BODY_BYTES = 1024 * 1024
"""Largest body a synchronous batch route parses (DESIGN 3.6): larger ones are a 413 before any parsing."""

READABLE_RESOURCE_TYPES = ("activities", "children", "classrooms", "coaching_sessions", "child_progress")
"""What batch GET reads (DESIGN 3.12): the keys of ``services.batch_get.RESOURCES``, in its order (a unit test checks
it), for the document: the route answers any other value 400, as DESIGN 3.1 says, not 422."""

ItemId = Annotated[str, StringConstraints(max_length=128)]
"""An id as the client sent it. Any string that is not a UUID, the empty one included, is answered 400 ``invalid_id``
at item level (DESIGN 3.1); only the length is a schema rule (422), so that no huge input is ever echoed back."""


class JsonBody(BaseModel):
    """Base of the JSON request bodies (DESIGN 3.2): types are strict (a string is not a number, ``true`` is not 1,
    ``"yes"`` is not a boolean; enums are given by their values) and unknown members are rejected.

    A few unknown members get a JSON pointer each, like any invalid field; past ``MAX_PROBLEM_ERRORS`` of them, the
    body is refused with one error before anything else is validated, so that a body of a hundred thousand unknown
    keys costs no more than one (pydantic would build an error, with its input, for every one of them)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _not_too_many_unknown_members(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) > len(cls.model_fields) + MAX_PROBLEM_ERRORS:
            unknown = [key for key in data if key not in cls.model_fields]
            raise PydanticCustomError(
                "extra_forbidden",
                "{count} unknown members, e.g. {names}. Allowed: {allowed}",
                {
                    "count": len(unknown),
                    "names": ", ".join(repr(str(key)[:40]) for key in unknown[:3]),
                    "allowed": ", ".join(cls.model_fields),
                },
            )
        return data


class BatchGetRequest(JsonBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resource_type": "activities",
                    "ids": ["123e4567-e89b-12d3-a456-426614174000", "223e4567-e89b-12d3-a456-426614174001"],
                    "fields": "id,name,description",
                }
            ]
        },
    )

    resource_type: Annotated[str, StringConstraints(max_length=64)] = Field(
        description='What to fetch: one of the readable resource types (README, "Resource types"). Any other '
        "value is answered 400.",
        json_schema_extra={"enum": list(READABLE_RESOURCE_TYPES)},
    )
    ids: list[ItemId] = Field(
        min_length=1, max_length=MAX_BATCH_IDS, description="1 to 100 UUIDs; duplicates are answered at every position"
    )
    fields: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        default=None,
        description="Comma-separated field names to return; 'id' is always returned. Unknown names, or a value "
        "naming no field at all, are answered 400.",
    )


class DocumentedAs:
    """``Annotated`` metadata: the value is validated and serialized as its own type, and documented (JSON schema,
    both modes) as the type ``documented()`` returns, built only when a schema is asked for (not at a cold start)."""

    def __init__(self, documented: Callable[[], Any]) -> None:
        self.documented = documented

    def __get_pydantic_json_schema__(self, _: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return handler(TypeAdapter(self.documented()).core_schema)


def _absent_rather_than_null(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # a field not selected is left out of ``data``, never null


@cache
def partial_model(model: type[BaseModel]) -> type[BaseModel]:
    """``Partial<Model>``: ``model``'s fields with their types, constraints and descriptions, every one optional but
    ``id``: a batch GET item's ``data``, which has the fields selected (all of them by default). For the document
    only: the data itself is answered as the service built it."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation  # ge=0...
        if name == "id":
            fields[name] = (annotation, Field(description=info.description))
        else:
            optional = Field(default=None, description=info.description, json_schema_extra=_absent_rather_than_null)
            fields[name] = (annotation, optional)
    doc = f"{model.__name__} with only the fields selected (`fields`); `id` is always there"
    return create_model(f"Partial{model.__name__}", __doc__=doc, **fields)


PartialResource = TypeAliasType(
    "PartialResource",
    Annotated[
        dict[str, Any],
        DocumentedAs(
            lambda: (
                partial_model(Activity)
                | partial_model(Child)
                | partial_model(Classroom)
                | partial_model(CoachingSession)
                | partial_model(ChildProgress)
            )
        ),
    ],
)
"""A batch GET item's ``data``: the resource as the service built it (a plain dict, answered as it is), documented
as a partial resource of one of the readable types (the request's ``resource_type`` says which)."""


class BatchGetResponse(BatchEnvelope[PartialResource]):
    resource_type: str


# --- batch writes (DESIGN 3.7) -----------------------------------------------------------------------------------

MAX_WRITE_ITEMS = 100

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


class BatchRecommendationsRequest(JsonBody, RecommendationOptions):
    """POST /api/v1/batch/activities/recommendations: the children, and options shared by every child."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "child_ids": ["c41d0000-0000-4000-8000-0000000000a1", "c41d0000-0000-4000-8000-0000000000a2"],
                    "max_recommendations": 5,
                    "activity_types": ["cognitive", "motor"],
                    "weather": "sunny",
                    "group_size": 10,
                    "include_special_needs": True,
                }
            ]
        },
    )

    child_ids: list[ItemId] = Field(
        min_length=1,
        max_length=MAX_RECOMMENDATION_CHILDREN,
        description="1 to 50 child UUIDs; duplicates are answered at every position",
    )

    def options(self) -> RecommendationOptions:
        return RecommendationOptions.model_validate(self.model_dump(exclude={"child_ids"}))


class RecommendationQuery(RecommendationOptions):
    """The options of GET /api/v1/children/{id}/recommendations, as query parameters (repeat ``activity_types``
    for several types). Unknown parameters are answered 422, so that a misspelt option is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ChildRecommendations(BaseModel):
    child_id: str
    recommendations: list[Recommendation] = Field(description="Best first; empty when no activity passes the filters")
    generated_at: datetime


class BatchRecommendationsResponse(BatchEnvelope[ChildRecommendations]):
    """The batch envelope; each successful item's ``data`` is the child's recommendations."""


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page")


class GatewayError(BaseModel):
    """An error API Gateway answers itself, in its own shape (application/json): 401 without a valid token, 413 over
    10 MB, 429 when throttled, 500 when a function fails outright, 503 at the integration timeout."""

    message: str = Field(examples=["Unauthorized"])


class Problem(BaseModel):
    """RFC 9457 problem details (media type application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    correlation_id: str | None = None
    errors: list[dict[str, str]] | None = Field(
        default=None,
        max_length=MAX_PROBLEM_ERRORS,
        description=f"For 422: one entry per invalid field, with a JSON pointer and a message (at most "
        f"{MAX_PROBLEM_ERRORS}; the detail says when more were found)",
    )
    current_version: int | None = Field(
        default=None,
        description="For 412 (and a 409 of a resource changed meanwhile): the version stored now, its ETag's value",
    )
