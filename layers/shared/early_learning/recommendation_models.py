"""Request and response models of the recommendation routes (DESIGN 3.5): a batch of children, and one child's
options as query parameters (``api_models`` says why they have their own module)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from early_learning.api_models import MAX_RECOMMENDATION_CHILDREN, ItemId, JsonBody, QuotaCharge
from early_learning.envelope import BatchEnvelope
from early_learning.scoring import Recommendation, RecommendationOptions


class BatchRecommendationsRequest(JsonBody, RecommendationOptions):
    """POST /api/v1/batch/activities/recommendations: the children, and options shared by every child."""

    quota_charge: ClassVar[QuotaCharge | None] = ("read", "child_ids")

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
