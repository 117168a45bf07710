"""Request and response models of the HTTP contract (DESIGN 3); domain models live in ``domain``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from early_learning.envelope import BatchEnvelope
from early_learning.scoring import Recommendation, RecommendationOptions

T = TypeVar("T")

MAX_BATCH_IDS = 100
MAX_RECOMMENDATION_CHILDREN = 50
MAX_PROBLEM_ERRORS = 20
"""Entries of a 422 problem's ``errors`` at most (DESIGN 3.4)."""
MAX_SYNC_BODY_BYTES = 1024 * 1024
"""Largest body a synchronous batch route parses (DESIGN 3.6): larger ones are a 413 before any parsing."""

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
        description="What to fetch: 'activities' or 'children'. Any other value is answered 400."
    )
    ids: list[ItemId] = Field(
        min_length=1, max_length=MAX_BATCH_IDS, description="1 to 100 UUIDs; duplicates are answered at every position"
    )
    fields: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        default=None,
        description="Comma-separated field names to return; 'id' is always returned. Unknown names, or a value "
        "naming no field at all, are answered 400.",
    )


class BatchGetResponse(BatchEnvelope[dict[str, Any]]):
    resource_type: str


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
