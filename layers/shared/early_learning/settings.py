"""Configuration from environment variables, through one pydantic settings model read once per cold start."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    activities_table: str = "ActivitiesTable"
    memberships_table: str = "MembershipsTable"
    children_table: str = "ChildrenTable"
    history_table: str = "HistoryTable"
    region: str = Field(default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    dynamodb_endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DYNAMODB_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"),
        description="Local emulator endpoint; unset on AWS",
    )

    # BatchGetItem UnprocessedKeys: capped exponential backoff with full jitter, inside the Lambda deadline.
    retry_base_delay_s: float = 0.05
    retry_max_delay_s: float = 1.0
    retry_max_attempts: int = 8
    deadline_safety_ms: int = Field(
        default=1000, description="Time kept back from the Lambda deadline to serialize and return the response"
    )
    dynamodb_connect_timeout_s: float = 2.0
    dynamodb_read_timeout_s: float = 5.0
    dynamodb_sdk_max_retries: int = Field(
        default=2, description="botocore's own retries of throttled/5xx calls (standard mode, with backoff)"
    )

    membership_cache_ttl_s: float = 60.0
    catalog_cache_ttl_s: float = 60.0
    response_limit_bytes: int = Field(
        default=6_000_000 - 100_000, description="Lambda's 6 MB response limit, less room for the envelope"
    )
    max_body_bytes: int = 10 * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
