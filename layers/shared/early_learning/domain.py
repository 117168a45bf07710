"""Domain models and domain exceptions: what the business logic talks about, free of HTTP and of AWS."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

PUBLIC_CATALOG = "public"
"""``org_id`` of activities in the public catalog, readable by every organization (reserved: no org uses it)."""


class ActivityType(StrEnum):
    COGNITIVE = "cognitive"
    MOTOR = "motor"
    LANGUAGE = "language"
    SOCIAL_EMOTIONAL = "social_emotional"
    CREATIVE = "creative"
    SENSORY = "sensory"


class Setting(StrEnum):
    INDOOR = "indoor"
    OUTDOOR = "outdoor"
    BOTH = "both"


class Weather(StrEnum):
    SUNNY = "sunny"
    CLOUDY = "cloudy"
    RAINY = "rainy"
    SNOWY = "snowy"
    HOT = "hot"
    COLD = "cold"


class Role(StrEnum):
    ADMIN = "admin"
    EDUCATOR = "educator"
    GUARDIAN = "guardian"


class Activity(BaseModel):
    """An educational activity, as returned by the API."""

    model_config = ConfigDict(frozen=True)

    id: str
    org_id: str = Field(description=f"Owning organization, or '{PUBLIC_CATALOG}' for the public catalog")
    name: str
    description: str
    activity_type: ActivityType
    min_age_months: int = Field(ge=0)
    max_age_months: int = Field(ge=0)
    setting: Setting = Setting.INDOOR
    min_group_size: int = Field(default=1, ge=1)
    max_group_size: int = Field(default=30, ge=1)
    duration_minutes: int = Field(default=20, ge=1)
    materials: list[str] = Field(default_factory=list)
    special_needs_adaptations: list[str] = Field(
        default_factory=list, description="Special needs this activity has adaptations for, e.g. 'visual_impairment'"
    )
    weather_suitability: list[Weather] = Field(
        default_factory=list, description="Weather the activity suits; empty means any weather its setting allows"
    )

    @property
    def is_public(self) -> bool:
        return self.org_id == PUBLIC_CATALOG


ACTIVITY_FIELDS: tuple[str, ...] = tuple(Activity.model_fields)


class Child(BaseModel):
    """A child enrolled in a classroom. ``name`` and ``birth_date`` are personal data: never logged."""

    model_config = ConfigDict(frozen=True)

    id: str
    org_id: str
    classroom_id: str
    name: str
    birth_date: date
    focus_domains: list[ActivityType] = Field(default_factory=list)
    special_needs: list[str] = Field(default_factory=list)


CHILD_FIELDS: tuple[str, ...] = tuple(Child.model_fields)


class HistoryEntry(BaseModel):
    """One activity a child recently did (the recommendations favour fresh activities over these)."""

    model_config = ConfigDict(frozen=True)

    activity_id: str
    done_on: date


class Membership(BaseModel):
    """What a signed-in user (Cognito ``sub``) may see: its organization, role, classrooms and children."""

    model_config = ConfigDict(frozen=True)

    sub: str
    org_id: str
    role: Role
    classroom_ids: frozenset[str] = frozenset()
    child_ids: frozenset[str] = frozenset()

    def can_read_activity(self, activity_org_id: str) -> bool:
        return activity_org_id in (self.org_id, PUBLIC_CATALOG)

    def can_read_child(self, org_id: str, classroom_id: str, child_id: str) -> bool:
        if org_id != self.org_id:
            return False
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.EDUCATOR:
            return classroom_id in self.classroom_ids
        return child_id in self.child_ids


# --- domain exceptions: mapped to HTTP in one place (early_learning.web.problems) -----------------------------


class DomainError(Exception):
    """Base of the errors the domain raises for a whole request."""

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnsupportedResourceType(DomainError):
    title = "Unsupported resource type"


class UnknownFields(DomainError):
    title = "Unknown fields"


class InvalidId(DomainError):
    title = "Invalid id"


class InvalidCursor(DomainError):
    title = "Invalid cursor"


class NotFound(DomainError):
    status = 404
    title = "Not Found"


class Unauthenticated(DomainError):
    status = 401
    title = "Unauthorized"


class NoMembership(DomainError):
    status = 403
    title = "Forbidden"


class StoreUnavailable(DomainError):
    """Nothing at all could be read from the store: the only case a batch answers 5xx."""

    status = 503
    title = "Service Unavailable"
