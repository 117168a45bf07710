"""Configuration from environment variables, through one pydantic settings model read once per cold start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024
"""Lambda's limit on a synchronous invocation's response payload (the proxy response, body included)."""
SQS_MAX_VISIBILITY_TIMEOUT_S = 12 * 60 * 60
"""The longest SQS holds a received message back (its visibility timeout): the longest wait between two attempts
that a queue can schedule."""


class Settings(BaseModel):
    """Every setting, from the environment variable of its name in upper case (any case matches) or of one of its
    aliases: see :meth:`from_environ`, which :func:`get_settings` calls once."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    activities_table: str = "ActivitiesTable"
    memberships_table: str = "MembershipsTable"
    children_table: str = "ChildrenTable"
    history_table: str = "HistoryTable"
    completions_table: str = "CompletionsTable"
    idempotency_table: str = "IdempotencyTable"
    jobs_table: str = "JobsTable"
    webhooks_table: str = "WebhooksTable"
    quotas_table: str = "QuotasTable"
    classrooms_table: str = "ClassroomsTable"
    coaching_sessions_table: str = "CoachingSessionsTable"
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
    integration_timeout_ms: int = Field(
        default=30_000, description="API Gateway's integration timeout, counted from requestContext.timeEpoch"
    )
    deadline_safety_ms: int = Field(
        default=1000, description="Time kept back from the Lambda deadline to serialize and return the response"
    )
    # botocore's timeouts and retries run inside one SDK call, where no deadline check can stop them: they are kept
    # small, and a batch read starts a call only when its worst case (below) still ends before the deadline.
    dynamodb_connect_timeout_s: float = 1.0
    dynamodb_read_timeout_s: float = Field(
        default=2.0, description="Longest wait for the next bytes of an answer (not for the whole answer)"
    )
    dynamodb_sdk_max_retries: int = Field(
        default=1, description="botocore's own retries of throttled/5xx calls (standard mode, with backoff)"
    )

    write_concurrency: int = Field(
        default=8,
        ge=1,
        description="Items of a non-atomic write batch written at once (each its own conditional write)",
    )
    membership_cache_ttl_s: float = 60.0
    membership_negative_ttl_s: float = Field(
        default=5.0, description="How long 'this sub has no membership' is cached (a new member gets in quickly)"
    )
    membership_cache_size: int = Field(default=1024, ge=1, description="Memberships a warm function keeps at most")
    catalog_cache_ttl_s: float = 60.0
    catalog_cache_partitions: int = Field(
        default=32, ge=2, description="Catalog partitions (organizations, and the public catalog) kept at most"
    )
    response_limit_bytes: int = Field(
        default=(LAMBDA_RESPONSE_LIMIT_BYTES - 256 * 1024) * 3 // 4,
        description="Budget of the items' data in one response, measured as it weighs in the Lambda response "
        "payload: Lambda's 6 MB limit less room for the envelope, times 3/4 because a gzip-compressed body is "
        "base64-encoded in the payload, and data that does not compress then grows by a third",
    )
    max_body_bytes: int = 10 * 1024 * 1024
    idempotency_ttl_s: int = Field(
        default=86_400,
        ge=1,
        description="How long an Idempotency-Key is kept, and its first answer replayed (DESIGN 3.8)",
    )
    # Batch jobs (DESIGN 3.9).
    job_chunks_queue_url: str | None = Field(
        default=None, description="The queue of job chunks (template: JobChunksQueue); unset: no job can be started"
    )
    max_active_jobs: int = Field(default=3, ge=1, description="Queued or running jobs per caller at most")
    job_retention_s: int = Field(default=7 * 86_400, ge=60, description="How long a job and its results are kept")
    job_chunk_bytes: int = Field(
        default=300_000,
        ge=20_000,
        le=350_000,
        description="A chunk's stored items at most (their JSON): a DynamoDB item holds 400 KB",
    )
    job_chunk_time_ms: int = Field(
        default=25_000, ge=1000, description="The longest a worker spends on one chunk (within its Lambda's time)"
    )
    webhook_retry_schedule_s: tuple[Annotated[int, Field(ge=0, le=SQS_MAX_VISIBILITY_TIMEOUT_S)], ...] = Field(
        default=(5, 300, 1800, 7200, 18000, 36000, 36000),
        min_length=1,
        description="Seconds before each retry of a webhook delivery that failed (DESIGN 3.10); after the last, the "
        "message goes to the dead-letter queue. From the environment as `5,300,1800` (or `[5, 300, 1800]`)",
    )
    webhook_allow_local_http: bool = Field(
        default=False,
        description="Webhook URLs may be http://127.0.0.1 or http://localhost (the local stack only; DESIGN 3.10)",
    )
    webhook_events_queue_url: str = Field(
        default="",
        description="The queue of events to announce (``webhooks.publish``): template.yaml's WebhookEventsQueue",
    )
    webhook_deliveries_queue_url: str = Field(
        default="",
        description="The queue of webhook deliveries, one message per endpoint and event: WebhookDeliveriesQueue",
    )
    webhook_log_ttl_s: int = Field(
        default=30 * 86_400, ge=1, description="How long an attempt stays in an endpoint's deliveries log"
    )
    sqs_endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SQS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"),
        description="Local emulator endpoint; unset on AWS",
    )
    # Per-caller item quotas (DESIGN 3.11; web/quotas.py, README "Quotas and limits").
    read_quota_items: int = Field(default=3000, ge=1, description="Items a caller may read per quota window")
    write_quota_items: int = Field(default=600, ge=1, description="Items a caller may write per quota window")
    quota_window_s: int = Field(default=60, ge=1, le=86_400, description="The quotas' window, in seconds")
    quotas_enabled: bool = Field(
        default=True,
        description="A benchmark and test knob (the baseline without quotas): false, no request is counted and no "
        "RateLimit header is sent. Never false in a deploy",
    )

    @field_validator("webhook_retry_schedule_s", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """An environment variable's ``5,300,1800`` (or ``[5, 300, 1800]``, or a tuple's ``str``) as its items,
        which pydantic converts."""
        if isinstance(value, str):
            inner = value.strip().removeprefix("[").removesuffix("]").removeprefix("(").removesuffix(")")
            inner = inner.strip().removesuffix(",")  # a one-item tuple's "(5,)"
            return [part.strip() for part in inner.split(",")] if inner.strip() else []
        return value

    @property
    def dynamodb_call_worst_case_s(self) -> float:
        """The longest one DynamoDB call can take, botocore's retries included: every attempt may wait for the
        connect and the read timeout, and botocore (standard mode) waits up to 1 s, 2 s, 4 s... before retrying a
        throttled attempt."""
        attempts = 1 + self.dynamodb_sdk_max_retries
        backoff = sum(min(2.0**retry, 20.0) for retry in range(self.dynamodb_sdk_max_retries))
        return attempts * (self.dynamodb_connect_timeout_s + self.dynamodb_read_timeout_s) + backoff

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from ``environ`` (default: the process environment), looked up as pydantic-settings does:
        a field's variable is its name or, when it has aliases, the first alias that is set; case is ignored.
        pydantic validates and converts every value (a variable that does not parse fails the cold start).

        Why not pydantic-settings' ``BaseSettings``: importing it (python-dotenv and its CLI support come along)
        costs every cold start about 30 ms, for what the lines below do."""
        env = {key.upper(): value for key, value in (os.environ if environ is None else environ).items()}
        values: dict[str, str] = {}
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            names = [str(choice) for choice in alias.choices] if isinstance(alias, AliasChoices) else [name]
            for env_name in names:
                if env_name.upper() in env:
                    values[env_name] = env[env_name.upper()]
        return cls.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()
