"""Request and response models of the webhook routes (DESIGN 3.10): a registration, an endpoint as its admins see
it (its secret only in the answer of a registration or a rotation), and the deliveries log."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from early_learning.api_models import JsonBody
from early_learning.webhooks.events import EVENT_TYPES
from early_learning.webhooks.models import DeliveryAttempt, Endpoint
from early_learning.webhooks.targets import MAX_URL_LENGTH

EventType = Literal["batch.job.completed"]
MAX_DESCRIPTION_LENGTH = 500


class WebhookRegistration(JsonBody):
    """POST /api/v1/webhooks."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.org/activity-batch",
                    "events": ["batch.job.completed"],
                    "description": "Nightly imports",
                }
            ]
        },
    )

    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="An https URL whose host resolves to public internet addresses only",
    )
    events: list[EventType] = Field(
        min_length=1, max_length=len(EVENT_TYPES), description="The events to deliver to it, each once"
    )
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)

    @field_validator("events")
    @classmethod
    def _each_once(cls, events: list[str]) -> list[str]:
        if len(set(events)) != len(events):
            raise ValueError("each event may be named once")
        return events


class WebhookEndpoint(BaseModel):
    """An endpoint, without its secret."""

    id: str
    url: str
    events: list[EventType]
    description: str
    created_at: AwareDatetime
    enabled: bool = Field(description="False once the endpoint answered `410 Gone`: nothing is delivered to it")
    disabled_reason: str | None = None

    @classmethod
    def of(cls, endpoint: Endpoint) -> WebhookEndpoint:
        return cls.model_validate(endpoint.model_dump(include=set(cls.model_fields)))


class WebhookEndpointWithSecret(WebhookEndpoint):
    """The answer of a registration or a rotation: the only time the signing secret is shown."""

    secret: str = Field(
        description="The signing secret (`whsec_` + base64 of 32 random bytes): verify deliveries with it "
        "(Standard Webhooks). Shown only now: keep it"
    )
    previous_secret_expires_at: AwareDatetime | None = Field(
        default=None,
        description="After a rotation: until when deliveries are also signed with the previous secret",
    )

    @classmethod
    def revealing(cls, endpoint: Endpoint) -> WebhookEndpointWithSecret:
        public = WebhookEndpoint.of(endpoint).model_dump()
        return cls(**public, secret=endpoint.secret, previous_secret_expires_at=endpoint.previous_secret_until)


class WebhookEndpoints(BaseModel):
    items: list[WebhookEndpoint] = Field(description="The organization's endpoints, oldest first")


class WebhookDelivery(BaseModel):
    """One attempt to deliver a message."""

    message_id: str = Field(description="The `webhook-id` header: the same on every attempt of a message")
    event: str = Field(description="The event's type")
    attempt: int = Field(ge=1, description="1 for the first delivery, 2 for the first retry...")
    status_code: int | None = Field(description="The endpoint's answer; null when none came (timeout, refused)")
    outcome: Literal["delivered", "retry", "disable", "dead_lettered"] = Field(
        description="delivered (a 2xx within 10 s); retry (failed: tried again later, with the same `webhook-id`); "
        "disable (410 Gone: the endpoint was disabled); dead_lettered (the last attempt failed)"
    )
    attempted_at: AwareDatetime

    @classmethod
    def of(cls, attempt: DeliveryAttempt) -> WebhookDelivery:
        return cls(
            message_id=attempt.message_id,
            event=attempt.event_type,
            attempt=attempt.attempt,
            status_code=attempt.status_code,
            outcome=attempt.outcome,
            attempted_at=attempt.attempted_at,
        )


class WebhookDeliveries(BaseModel):
    items: list[WebhookDelivery] = Field(description="The latest attempts, newest first")
