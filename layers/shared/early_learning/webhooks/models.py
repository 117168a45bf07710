"""Webhooks' domain models: an organization's endpoint (with its signing secrets) and one attempt of a delivery."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

ROTATION_OVERLAP_S = 24 * 60 * 60
"""How long a rotated-out secret keeps signing deliveries beside the new one (DESIGN 3.10)."""


class Endpoint(BaseModel):
    """Where an organization's events go. ``secret`` (and ``previous_secret`` during a rotation) sign deliveries;
    they never leave the service except once, in the answer of a registration or a rotation."""

    model_config = ConfigDict(frozen=True)

    id: str
    org_id: str
    url: str
    events: tuple[str, ...]
    description: str = ""
    created_at: AwareDatetime
    created_by: str
    enabled: bool = True
    disabled_reason: str | None = None
    secret: str = Field(repr=False)
    previous_secret: str | None = Field(default=None, repr=False)
    previous_secret_until: AwareDatetime | None = None

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets a delivery at ``now`` is signed with: the current one, and the previous one while its
        rotation's overlap lasts."""
        keep_previous = self.previous_secret and self.previous_secret_until and now < self.previous_secret_until
        return [self.secret, self.previous_secret] if keep_previous and self.previous_secret else [self.secret]

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in self.events


class DeliveryAttempt(BaseModel):
    """One attempt to deliver a message to an endpoint: ids, status and time only (no body, no secret)."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    endpoint_id: str
    event_type: str
    attempt: int = Field(ge=1)
    status_code: int | None = Field(default=None, description="The endpoint's HTTP status; None when it gave no answer")
    outcome: str = Field(description="delivered, retry, disable, or failed (the last attempt)")
    attempted_at: AwareDatetime
    duration_ms: int = Field(ge=0)
