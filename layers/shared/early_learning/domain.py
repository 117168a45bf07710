"""Domain models and domain exceptions: what the business logic talks about, free of HTTP and of AWS."""

from __future__ import annotations

from datetime import date, datetime
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
    version: int = Field(default=1, ge=1, description="1 on creation, +1 on every change (optimistic concurrency)")
    updated_at: datetime | None = Field(default=None, description="When it was last written (UTC)")

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
    version: int = Field(default=1, ge=1, description="1 on creation, +1 on every change (optimistic concurrency)")
    updated_at: datetime | None = Field(default=None, description="When it was last written (UTC)")


CHILD_FIELDS: tuple[str, ...] = tuple(Child.model_fields)


class Classroom(BaseModel):
    """A classroom of an organization: its id is a UUID that means something only inside its organization."""

    model_config = ConfigDict(frozen=True)

    id: str
    org_id: str
    name: str
    min_age_months: int = Field(ge=0)
    max_age_months: int = Field(ge=0)
    capacity: int = Field(ge=1, description="Children it can hold")


CLASSROOM_FIELDS: tuple[str, ...] = tuple(Classroom.model_fields)


class CoachingStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class CoachingSession(BaseModel):
    """A coaching session of an educator (its ``educator_sub``), in one of its classrooms. ``goals`` and ``notes``
    are about a person: never logged."""

    model_config = ConfigDict(frozen=True)

    id: str
    org_id: str
    educator_sub: str = Field(description="The coached educator (its Cognito sub)")
    classroom_id: str
    scheduled_on: date
    status: CoachingStatus
    focus_domain: ActivityType
    goals: list[str] = Field(default_factory=list)
    notes: str = ""


COACHING_SESSION_FIELDS: tuple[str, ...] = tuple(CoachingSession.model_fields)

PROGRESS_PERIOD_DAYS = 30
"""The days a child's progress counts: the request's day and the 29 before it (UTC)."""


class ChildProgress(BaseModel):
    """What a child did in the last ``period_days`` (analytics, computed from its completions and history; addressed
    by the child's id)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The child's id (as every batch GET item has an id)")
    child_id: str
    period_days: int = PROGRESS_PERIOD_DAYS
    activities_done: int = Field(ge=0, description="Activities done in the period (the request's day included)")
    by_domain: dict[ActivityType, int] = Field(
        description="Activities done in the period, per activity type (every type; an activity no longer in the "
        "catalog counts in activities_done only)"
    )
    last_done_on: date | None = Field(default=None, description="The last day the child did an activity, if any")
    suggested_focus: list[ActivityType] = Field(
        description="The activity types least practiced in the period (every type with the lowest count)"
    )


CHILD_PROGRESS_FIELDS: tuple[str, ...] = tuple(ChildProgress.model_fields)


class HistoryEntry(BaseModel):
    """One activity a child recently did (the recommendations favour fresh activities over these)."""

    model_config = ConfigDict(frozen=True)

    activity_id: str
    done_on: date


class Completion(BaseModel):
    """A child did an activity on a day (DESIGN 3.7): created only; the child's recommendations see it at once."""

    model_config = ConfigDict(frozen=True)

    id: str
    child_id: str
    activity_id: str
    done_on: date
    created_at: datetime


SYSTEM_FIELDS = ("id", "org_id", "version", "updated_at")
"""Fields of a resource the API sets, never a client: not part of a create's item or an update's changes."""


class Membership(BaseModel):
    """What a signed-in user (Cognito ``sub``) may see: its organization, role, classrooms and children."""

    model_config = ConfigDict(frozen=True)

    sub: str
    org_id: str
    role: Role
    classroom_ids: frozenset[str] = frozenset()
    child_ids: frozenset[str] = frozenset()
    children_classroom_ids: frozenset[str] = Field(default=frozenset(), exclude=True)
    """A guardian's children's classrooms: not stored (children move), derived for one request by the reads whose
    permission rule needs it (``store.classrooms.with_children_classrooms``); never serialized."""

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

    def can_read_classroom(self, org_id: str, classroom_id: str) -> bool:
        """Admin: every classroom of its organization; educator: its own; guardian: its children's (known only
        once ``children_classroom_ids`` was derived: without it, none)."""
        if org_id != self.org_id:
            return False
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.EDUCATOR:
            return classroom_id in self.classroom_ids
        return classroom_id in self.children_classroom_ids

    def can_read_coaching_session(self, org_id: str, educator_sub: str) -> bool:
        """Admin: every session of its organization; educator: its own; guardian: none."""
        if org_id != self.org_id:
            return False
        return self.role is Role.ADMIN or (self.role is Role.EDUCATOR and educator_sub == self.sub)


# --- domain exceptions: mapped to HTTP in one place (early_learning.web.problems); the domain knows no status ---


class DomainError(Exception):
    """Base of the errors the domain raises for a whole request."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidRequest(DomainError):
    """The request is well-formed JSON of the right shape, but asks for something that cannot be (a bad value)."""


class UnsupportedResourceType(InvalidRequest):
    pass


class UnknownFields(InvalidRequest):
    pass


class InvalidId(InvalidRequest):
    pass


class InvalidCursor(InvalidRequest):
    pass


class NotFound(DomainError):
    """Missing, or not visible to the caller: the same answer, so that no caller learns what others have."""


class Unauthenticated(DomainError):
    """No verified identity, or a credential that may not call the API (an ID token instead of an access token)."""


class NoMembership(DomainError):
    """A verified identity that belongs to no organization."""


class OperationForbidden(DomainError):
    """The caller's role may never do this operation on this resource type (DESIGN 4): refused as a whole."""


class AtomicBatchTooLarge(DomainError):
    """An atomic batch whose writes do not fit one DynamoDB transaction: refused before anything is written."""


class TooManyWebhooks(DomainError):
    """An organization that has as many webhook endpoints as it may have (DESIGN 3.10): delete one first."""


class StoreUnavailable(DomainError):
    """The store could not answer in time (throttling, timeouts): worth retrying."""


class QuotaExceeded(DomainError):
    """The request's items do not fit the caller's quota of its policy (``read`` or ``write``) in the current window
    (DESIGN 3.11): nothing was done; retry after ``retry_after_s``."""

    def __init__(self, detail: str, policy: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.policy = policy
        self.retry_after_s = max(1, retry_after_s)


# --- batch jobs (DESIGN 3.9) ---


class InvalidJobRequest(DomainError):
    """A job's ``request`` does not match its operation's rules: ``errors`` has a JSON pointer (into the submitted
    body) and a message per invalid field, never the input."""

    def __init__(self, detail: str, errors: list[dict[str, str]]) -> None:
        super().__init__(detail)
        self.errors = tuple(errors)


class TooManyActiveJobs(DomainError):
    """The caller already has its maximum of queued or running jobs: retry once one has ended."""

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = max(1, retry_after_s)


class JobAlreadyEnded(DomainError):
    """A change to a job that has ended (completed, cancelled or failed), such as cancelling it."""


class JobNotStarted(DomainError):
    """The job was recorded but its chunks could not be queued: it ended ``failed``; submitting again may work."""


class CorruptRecord(Exception):
    """A stored record does not validate as its domain model: a data bug, answered 500 (item 500 in a batch).

    Its message names the record's kind, id and the fields at fault, never their values (children's names and
    birth dates would otherwise reach logs and tracebacks)."""

    def __init__(self, kind: str, record_id: str, fields: list[str]) -> None:
        super().__init__(f"{kind} {record_id} has invalid stored fields: {', '.join(fields)}")
        self.kind = kind
        self.record_id = record_id
        self.fields = fields
