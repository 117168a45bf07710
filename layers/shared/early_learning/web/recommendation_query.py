"""A child's recommendation options as query parameters, for the one function that routes them.

Not in ``web.dependencies`` with the other parameters: every function imports those, and this one imports the
recommendation models, which only the children's function needs (``api_models`` says why that matters).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from early_learning.recommendation_models import RecommendationQuery

RecommendationQueryParams = Annotated[RecommendationQuery, Query()]
"""Recommendation options as query parameters (``activity_types`` repeated for several)."""
