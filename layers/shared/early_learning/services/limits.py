"""What the API limits (DESIGN 3.6) and the callers' item quotas (3.11), as ``GET /api/v1/batch/limits`` answers
them, so that clients chunk by what the server says instead of hard-coding it.

Every figure is read from the constant or setting the functions enforce (the request models' bounds, the store's
transaction limit, the settings), never written twice: tests/unit/test_limits.py compares each with the rule that
applies it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from early_learning.api_models import MAX_BATCH_IDS, MAX_RECOMMENDATION_CHILDREN, MAX_SYNC_BODY_BYTES, MAX_WRITE_ITEMS
from early_learning.jobs.models import MAX_JOB_ITEMS
from early_learning.settings import LAMBDA_RESPONSE_LIMIT_BYTES, Settings, get_settings
from early_learning.store.writes import MAX_TRANSACTION_ACTIONS

MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
"""DynamoDB's limit on the size of one TransactWriteItems (DynamoDB enforces it; the synchronous routes' 1 MB body
limit keeps an atomic batch far under it)."""


class BatchGetLimits(BaseModel):
    max_ids: int = Field(description="`ids` per `POST /api/v1/batch/get` (422 over it)")


class RecommendationLimits(BaseModel):
    max_child_ids: int = Field(description="`child_ids` per `POST /api/v1/batch/activities/recommendations` (422)")


class BatchWriteLimits(BaseModel):
    max_items: int = Field(description="`items` (or `ids`) per batch create, update or delete (422 over it)")
    atomic_max_actions: int = Field(
        description="Actions of one atomic batch (one DynamoDB transaction; a child's delete takes two): a 422 "
        "problem over it, before anything is written"
    )
    atomic_max_bytes: int = Field(description="Bytes of one atomic batch's writes (DynamoDB's transaction limit)")


class JobLimits(BaseModel):
    max_items: int = Field(description="Items of one batch job's `request` (422 over it)")
    max_active: int = Field(description="Jobs queued or running per caller (a 429 problem over it)")


class BodyLimits(BaseModel):
    max_bytes: int = Field(description="A request body at most (API Gateway's 413 over it)")
    synchronous_max_bytes: int = Field(
        description="A body of the synchronous batch routes and the single writes at most (a 413 problem over it)"
    )


class ResponseLimits(BaseModel):
    max_bytes: int = Field(description="A response at most (Lambda's payload limit)")
    items_max_bytes: int = Field(
        description="The items' share of a batch answer: past it, the remaining items are 503 `response_too_large`, "
        "retryable"
    )


class QuotaPolicy(BaseModel):
    """One item quota (DESIGN 3.11), as ``RateLimit-Policy`` names it: ``"read";q=3000;w=60``."""

    policy: Literal["read", "write"] = Field(description="Which requests count against it")
    quota: int = Field(description="Items per window, per caller")
    window_s: int = Field(description="The window, in seconds (a fixed window: all of it refills at its end)")
    unit: Literal["items"] = Field(default="items", description="What a request costs: its item count")


class Limits(BaseModel):
    """Every limit of DESIGN 3.6, and the item quotas every caller has (none when quotas are disabled)."""

    batch_get: BatchGetLimits
    recommendations: RecommendationLimits
    batch_write: BatchWriteLimits
    jobs: JobLimits
    request_body: BodyLimits
    integration_timeout_ms: int = Field(
        description="API Gateway's integration timeout, from when it received the request: items unfinished by then "
        "are 503 `unavailable`, retryable"
    )
    response_body: ResponseLimits
    quotas: list[QuotaPolicy]


def current_limits(settings: Settings | None = None) -> Limits:
    """The limits as the functions enforce them now (their settings included)."""
    settings = settings or get_settings()
    quotas = (
        [
            QuotaPolicy(policy="read", quota=settings.read_quota_items, window_s=settings.quota_window_s),
            QuotaPolicy(policy="write", quota=settings.write_quota_items, window_s=settings.quota_window_s),
        ]
        if settings.quotas_enabled
        else []
    )
    return Limits(
        batch_get=BatchGetLimits(max_ids=MAX_BATCH_IDS),
        recommendations=RecommendationLimits(max_child_ids=MAX_RECOMMENDATION_CHILDREN),
        batch_write=BatchWriteLimits(
            max_items=MAX_WRITE_ITEMS,
            atomic_max_actions=MAX_TRANSACTION_ACTIONS,
            atomic_max_bytes=MAX_TRANSACTION_BYTES,
        ),
        jobs=JobLimits(max_items=MAX_JOB_ITEMS, max_active=settings.max_active_jobs),
        request_body=BodyLimits(max_bytes=settings.max_body_bytes, synchronous_max_bytes=MAX_SYNC_BODY_BYTES),
        integration_timeout_ms=settings.integration_timeout_ms,
        response_body=ResponseLimits(
            max_bytes=LAMBDA_RESPONSE_LIMIT_BYTES, items_max_bytes=settings.response_limit_bytes
        ),
        quotas=quotas,
    )
