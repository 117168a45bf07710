"""Request and response models of the HTTP contract (DESIGN 3) that every function shares, and batch GET's; the
write routes' are in ``write_models``, the recommendations' in ``recommendation_models``, domain models in ``domain``.

Split by routes because a function builds every model of the modules it imports, at its cold start: batch GET's
function builds none of the write or recommendation models (README, "Performance")."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    TypeAdapter,
    create_model,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError
from typing_extensions import TypeAliasType

from early_learning.domain import Activity, Child, ChildProgress, Classroom, CoachingSession
from early_learning.envelope import BatchEnvelope

T = TypeVar("T")

MAX_BATCH_IDS = 100
MAX_RECOMMENDATION_CHILDREN = 50
MAX_WRITE_ITEMS = 100
MAX_PROBLEM_ERRORS = 20
"""Entries of a 422 problem's ``errors`` at most (DESIGN 3.4)."""
MAX_SYNC_BODY_BYTES = 1024 * 1024
"""Largest body a synchronous batch route parses (DESIGN 3.6): larger ones are a 413 before any parsing."""

READABLE_RESOURCE_TYPES = ("activities", "children", "classrooms", "coaching_sessions", "child_progress")
"""What batch GET reads (DESIGN 3.12): the keys of ``services.batch_get.RESOURCES``, in its order (a unit test checks
it), for the document: the route answers any other value 400, as DESIGN 3.1 says, not 422."""

QuotaCharge = tuple[Literal["read", "write"], str]
"""What a body costs of its caller's item quotas (DESIGN 3.11): the policy, and the field whose length is the cost."""

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

    quota_charge: ClassVar[QuotaCharge | None] = None
    """A batch body's cost (``web.quotas``), declared by the body; None: the route's own rule."""

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

    quota_charge: ClassVar[QuotaCharge | None] = ("read", "ids")


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
