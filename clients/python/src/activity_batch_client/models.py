# ruff: noqa: E501
# mypy: disable-error-code="assignment"
"""The API's models, generated from openapi.json by datamodel-code-generator: do not edit.

`make clients` regenerates this file; `make lint` fails when it differs from what openapi.json generates. (The
generator gives the root model of Problem.errors a None default: the one mypy waiver above.)
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel


class Id(RootModel[str]):
    root: Annotated[str, Field(description="A UUID of your choice (optional)", max_length=128, title="Id")]


class MinAgeMonths(RootModel[int]):
    root: Annotated[int, Field(description="Required: null is refused", ge=0, title="Min Age Months")]


class MaxAgeMonths(RootModel[int]):
    root: Annotated[int, Field(description="Required: null is refused", ge=0, title="Max Age Months")]


class MinGroupSize(RootModel[int]):
    root: Annotated[int, Field(description="Null resets it to its default", ge=1, title="Min Group Size")]


class MaxGroupSize(RootModel[int]):
    root: Annotated[int, Field(description="Null resets it to its default", ge=1, title="Max Group Size")]


class DurationMinutes(RootModel[int]):
    root: Annotated[int, Field(description="Null resets it to its default", ge=1, title="Duration Minutes")]


class ActivityType(RootModel[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]]):
    root: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"],
        Field(title="ActivityType"),
    ]


class Id2(RootModel[str]):
    root: Annotated[str, Field(max_length=128)]


class BatchDeleteRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[str, Field(description="'activities' or 'children'", max_length=64, title="Resource Type")]
    ids: Annotated[list[Id2], Field(description="1 to 100 ids", max_length=100, min_length=1, title="Ids")]
    atomic: Annotated[bool, Field(description="All or nothing, in one transaction", title="Atomic")] = False


class BatchGetLimits(BaseModel):
    max_ids: Annotated[int, Field(description="`ids` per `POST /api/v1/batch/get` (422 over it)", title="Max Ids")]


class Fields(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Comma-separated field names to return; 'id' is always returned. Unknown names, or a value naming no field at all, are answered 400.",
            max_length=1000,
            title="Fields",
        ),
    ]


class BatchGetRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[
        Literal["activities", "children", "classrooms", "coaching_sessions", "child_progress"],
        Field(
            description='What to fetch: one of the readable resource types (README, "Resource types"). Any other value is answered 400.',
            max_length=64,
            title="Resource Type",
        ),
    ]
    ids: Annotated[
        list[Id2],
        Field(
            description="1 to 100 UUIDs; duplicates are answered at every position",
            max_length=100,
            min_length=1,
            title="Ids",
        ),
    ]
    fields: Annotated[
        Fields | None,
        Field(
            description="Comma-separated field names to return; 'id' is always returned. Unknown names, or a value naming no field at all, are answered 400.",
            title="Fields",
        ),
    ] = None


class ActivityTypes(
    RootModel[list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]]]
):
    root: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]],
        Field(
            description="Only recommend activities of these types, each at most once (omitted or empty: any type)",
            max_length=6,
            title="Activity Types",
        ),
    ]


class ChildAgeMonths(RootModel[int]):
    root: Annotated[
        int,
        Field(
            description="Age in months to score with, instead of the one from the birth date",
            ge=0,
            le=216,
            title="Child Age Months",
        ),
    ]


class GroupSize(RootModel[int]):
    root: Annotated[
        int,
        Field(
            description="Number of children taking part: must fit the activity's group range",
            ge=1,
            le=100,
            title="Group Size",
        ),
    ]


class ChildId(RootModel[str]):
    root: Annotated[str, Field(max_length=128)]


class Version(RootModel[int]):
    root: Annotated[int, Field(description="Apply only if the stored version is this one", ge=1, title="Version")]


class Item(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[str, Field(max_length=128, title="Id")]
    changes: Annotated[
        dict[str, Any],
        Field(description="JSON Merge Patch (RFC 7396) of writable fields; null resets", title="Changes"),
    ]
    version: Annotated[
        Version | None, Field(description="Apply only if the stored version is this one", title="Version")
    ] = None


class BatchUpdateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[str, Field(description="'activities' or 'children'", max_length=64, title="Resource Type")]
    items: Annotated[list[Item], Field(description="1 to 100 changes", max_length=100, min_length=1, title="Items")]
    atomic: Annotated[bool, Field(description="All or nothing, in one transaction", title="Atomic")] = False


class BatchWriteLimits(BaseModel):
    max_items: Annotated[
        int, Field(description="`items` (or `ids`) per batch create, update or delete (422 over it)", title="Max Items")
    ]
    atomic_max_actions: Annotated[
        int,
        Field(
            description="Actions of one atomic batch (one DynamoDB transaction; a child's delete takes two): a 422 problem over it, before anything is written",
            title="Atomic Max Actions",
        ),
    ]
    atomic_max_bytes: Annotated[
        int,
        Field(
            description="Bytes of one atomic batch's writes (DynamoDB's transaction limit)", title="Atomic Max Bytes"
        ),
    ]


class BodyLimits(BaseModel):
    max_bytes: Annotated[
        int, Field(description="A request body at most (API Gateway's 413 over it)", title="Max Bytes")
    ]
    synchronous_max_bytes: Annotated[
        int,
        Field(
            description="A body of the synchronous batch routes and the single writes at most (a 413 problem over it)",
            title="Synchronous Max Bytes",
        ),
    ]


class Child(BaseModel):
    id: Annotated[str, Field(title="Id")]
    org_id: Annotated[str, Field(title="Org Id")]
    classroom_id: Annotated[str, Field(title="Classroom Id")]
    name: Annotated[str, Field(title="Name")]
    birth_date: Annotated[date, Field(title="Birth Date")]
    focus_domains: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]] | None,
        Field(title="Focus Domains"),
    ] = None
    special_needs: Annotated[list[str] | None, Field(title="Special Needs")] = None
    version: Annotated[
        int, Field(description="1 on creation, +1 on every change (optimistic concurrency)", ge=1, title="Version")
    ] = 1
    updated_at: Annotated[
        AwareDatetime | None, Field(description="When it was last written (UTC)", title="Updated At")
    ] = None


class Id4(RootModel[str]):
    root: Annotated[str, Field(description="A UUID of your choice (optional)", max_length=128, title="Id")]


class ChildDraft(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[Id4 | None, Field(description="A UUID of your choice (optional)", title="Id")] = None
    classroom_id: Annotated[str, Field(title="Classroom Id")]
    name: Annotated[str, Field(title="Name")]
    birth_date: Annotated[date, Field(title="Birth Date")]
    focus_domains: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]],
        Field(title="Focus Domains"),
    ] = []
    special_needs: Annotated[list[str], Field(title="Special Needs")] = []


class ChildDraftBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[Id4 | None, Field(description="A UUID of your choice (optional)", title="Id")] = None
    classroom_id: Annotated[str, Field(title="Classroom Id")]
    name: Annotated[str, Field(title="Name")]
    birth_date: Annotated[date, Field(title="Birth Date")]
    focus_domains: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]],
        Field(title="Focus Domains"),
    ] = []
    special_needs: Annotated[list[str], Field(title="Special Needs")] = []


class ChildPatchBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    classroom_id: Annotated[str | None, Field(description="Required: null is refused", title="Classroom Id")] = None
    name: Annotated[str | None, Field(description="Required: null is refused", title="Name")] = None
    birth_date: Annotated[date | None, Field(description="Required: null is refused", title="Birth Date")] = None
    focus_domains: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]] | None,
        Field(description="Null resets it to its default", title="Focus Domains"),
    ] = None
    special_needs: Annotated[
        list[str] | None, Field(description="Null resets it to its default", title="Special Needs")
    ] = None


class Completion(BaseModel):
    id: Annotated[str, Field(title="Id")]
    child_id: Annotated[str, Field(title="Child Id")]
    activity_id: Annotated[str, Field(title="Activity Id")]
    done_on: Annotated[date, Field(title="Done On")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]


class CompletionBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[Id4 | None, Field(description="A UUID of your choice (optional)", title="Id")] = None
    activity_id: Annotated[str, Field(max_length=128, title="Activity Id")]
    done_on: Annotated[date | None, Field(description="The day it was done (default: today, UTC)", title="Done On")] = (
        None
    )


class Deleted(BaseModel):
    id: Annotated[str, Field(title="Id")]
    deleted: Annotated[Literal[True], Field(title="Deleted")] = True


class GatewayError(BaseModel):
    message: Annotated[str, Field(examples=["Unauthorized"], title="Message")]


class ItemError(BaseModel):
    id: Annotated[str, Field(description="The id as the client sent it", title="Id")]
    status: Annotated[Literal["error"], Field(title="Status")]
    status_code: Annotated[
        int,
        Field(description="HTTP status of this item: 400, 403, 404, 409, 422, 424, 500 or 503", title="Status Code"),
    ]
    error: Annotated[str, Field(title="Error")]
    error_code: Annotated[
        str,
        Field(
            description="invalid_id | not_found | internal_error | unavailable | response_too_large; writes also: invalid_item | duplicate_id | forbidden | already_exists | version_conflict | rolled_back",
            title="Error Code",
        ),
    ]
    retryable: Annotated[
        bool, Field(description="True when sending the same item again may succeed", title="Retryable")
    ]
    errors: Annotated[
        list[dict[str, str]] | None,
        Field(
            description="invalid_item: one entry per invalid field, with a JSON pointer inside the item and a message",
            title="Errors",
        ),
    ] = None
    current_version: Annotated[
        int | None, Field(description="version_conflict: the version stored now", title="Current Version")
    ] = None


class Job(BaseModel):
    id: Annotated[str, Field(title="Id")]
    operation: Annotated[Literal["get", "create", "update", "delete", "recommendations"], Field(title="Operation")]
    resource_type: Annotated[
        str | None, Field(description="The request's resource_type; null for recommendations", title="Resource Type")
    ]
    status: Annotated[
        Literal["queued", "running", "completed", "cancelled", "failed"],
        Field(
            description="queued -> running -> completed (every item answered), or cancelled, or failed (the job itself could not run)",
            title="Status",
        ),
    ]
    total: Annotated[int, Field(ge=0, title="Total")]
    processed: Annotated[int, Field(ge=0, title="Processed")]
    succeeded: Annotated[int, Field(ge=0, title="Succeeded")]
    failed: Annotated[int, Field(ge=0, title="Failed")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    completed_at: Annotated[
        AwareDatetime | None,
        Field(description="When the last item was answered (or the job failed)", title="Completed At"),
    ]
    expires_at: Annotated[
        AwareDatetime,
        Field(description="When the job and its results are deleted (7 days after creation)", title="Expires At"),
    ]


class Id7(RootModel[str]):
    root: Annotated[str, Field(max_length=128)]


class JobDeleteRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[str, Field(description="'activities' or 'children'", max_length=64, title="Resource Type")]
    ids: Annotated[list[Id7], Field(description="1 to 10,000 ids", max_length=10000, min_length=1, title="Ids")]


class JobGetRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[
        Literal["activities", "children", "classrooms", "coaching_sessions", "child_progress"],
        Field(
            description='What to fetch: one of the readable resource types (README, "Resource types"). Any other value is answered 400.',
            max_length=64,
            title="Resource Type",
        ),
    ]
    ids: Annotated[list[Id7], Field(description="1 to 10,000 UUIDs", max_length=10000, min_length=1, title="Ids")]
    fields: Annotated[
        Fields | None,
        Field(
            description="Comma-separated field names to return; 'id' is always returned. Unknown names, or a value naming no field at all, are answered 400.",
            title="Fields",
        ),
    ] = None


class JobItemError(BaseModel):
    id: Annotated[str, Field(description="The id as the client sent it", title="Id")]
    status: Annotated[Literal["error"], Field(title="Status")]
    status_code: Annotated[
        int,
        Field(description="HTTP status of this item: 400, 403, 404, 409, 422, 424, 500 or 503", title="Status Code"),
    ]
    error: Annotated[str, Field(title="Error")]
    error_code: Annotated[
        str,
        Field(
            description="invalid_id | not_found | internal_error | unavailable | response_too_large; writes also: invalid_item | duplicate_id | forbidden | already_exists | version_conflict | rolled_back",
            title="Error Code",
        ),
    ]
    retryable: Annotated[
        bool, Field(description="True when sending the same item again may succeed", title="Retryable")
    ]
    errors: Annotated[
        list[dict[str, str]] | None,
        Field(
            description="invalid_item: one entry per invalid field, with a JSON pointer inside the item and a message",
            title="Errors",
        ),
    ] = None
    current_version: Annotated[
        int | None, Field(description="version_conflict: the version stored now", title="Current Version")
    ] = None
    index: Annotated[int, Field(description="The item's position in the request (0-based)", title="Index")]


class JobItemSuccess(BaseModel):
    id: Annotated[str, Field(description="The id as the client sent it", title="Id")]
    status: Annotated[Literal["success"], Field(title="Status")]
    status_code: Annotated[int, Field(title="Status Code")]
    data: Annotated[Any, Field(title="Data")]
    index: Annotated[int, Field(description="The item's position in the request (0-based)", title="Index")]


class JobLimits(BaseModel):
    max_items: Annotated[int, Field(description="Items of one batch job's `request` (422 over it)", title="Max Items")]
    max_active: Annotated[
        int, Field(description="Jobs queued or running per caller (a 429 problem over it)", title="Max Active")
    ]


class JobResultsPage(BaseModel):
    items: Annotated[
        list[Annotated[JobItemSuccess | JobItemError, Field(discriminator="status")]], Field(title="Items")
    ]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last. While the job runs, a page ends before the first item not answered yet, and its cursor resumes there",
            title="Next Cursor",
        ),
    ]


class Item1(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[str, Field(max_length=128, title="Id")]
    changes: Annotated[
        dict[str, Any],
        Field(description="JSON Merge Patch (RFC 7396) of writable fields; null resets", title="Changes"),
    ]
    version: Annotated[
        Version | None, Field(description="Apply only if the stored version is this one", title="Version")
    ] = None


class JobUpdateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[str, Field(description="'activities' or 'children'", max_length=64, title="Resource Type")]
    items: Annotated[
        list[Item1], Field(description="1 to 10,000 changes", max_length=10000, min_length=1, title="Items")
    ]


class JobsPage(BaseModel):
    items: Annotated[list[Job], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(description="Pass as `cursor` to get the next page; null on the last page", title="Next Cursor"),
    ]


class PageChild(BaseModel):
    items: Annotated[list[Child], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(description="Pass as `cursor` to get the next page; null on the last page", title="Next Cursor"),
    ]


class PartialChild(BaseModel):
    id: Annotated[str, Field(title="Id")]
    org_id: Annotated[str | None, Field(title="Org Id")] = None
    classroom_id: Annotated[str | None, Field(title="Classroom Id")] = None
    name: Annotated[str | None, Field(title="Name")] = None
    birth_date: Annotated[date | None, Field(title="Birth Date")] = None
    focus_domains: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]] | None,
        Field(title="Focus Domains"),
    ] = None
    special_needs: Annotated[list[str] | None, Field(title="Special Needs")] = None
    version: Annotated[
        int | None,
        Field(description="1 on creation, +1 on every change (optimistic concurrency)", ge=1, title="Version"),
    ] = None
    updated_at: Annotated[
        AwareDatetime | None, Field(description="When it was last written (UTC)", title="Updated At")
    ] = None


class PartialChildProgress(BaseModel):
    id: Annotated[str, Field(description="The child's id (as every batch GET item has an id)", title="Id")]
    child_id: Annotated[str | None, Field(title="Child Id")] = None
    period_days: Annotated[int | None, Field(title="Period Days")] = None
    activities_done: Annotated[
        int | None,
        Field(description="Activities done in the period (the request's day included)", ge=0, title="Activities Done"),
    ] = None
    by_domain: Annotated[
        dict[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"], int] | None,
        Field(
            description="Activities done in the period, per activity type (every type; an activity no longer in the catalog counts in activities_done only)",
            title="By Domain",
        ),
    ] = None
    last_done_on: Annotated[
        date | None, Field(description="The last day the child did an activity, if any", title="Last Done On")
    ] = None
    suggested_focus: Annotated[
        list[Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"]] | None,
        Field(
            description="The activity types least practiced in the period (every type with the lowest count)",
            title="Suggested Focus",
        ),
    ] = None


class PartialClassroom(BaseModel):
    id: Annotated[str, Field(title="Id")]
    org_id: Annotated[str | None, Field(title="Org Id")] = None
    name: Annotated[str | None, Field(title="Name")] = None
    min_age_months: Annotated[int | None, Field(ge=0, title="Min Age Months")] = None
    max_age_months: Annotated[int | None, Field(ge=0, title="Max Age Months")] = None
    capacity: Annotated[int | None, Field(description="Children it can hold", ge=1, title="Capacity")] = None


class PartialCoachingSession(BaseModel):
    id: Annotated[str, Field(title="Id")]
    org_id: Annotated[str | None, Field(title="Org Id")] = None
    educator_sub: Annotated[
        str | None, Field(description="The coached educator (its Cognito sub)", title="Educator Sub")
    ] = None
    classroom_id: Annotated[str | None, Field(title="Classroom Id")] = None
    scheduled_on: Annotated[date | None, Field(title="Scheduled On")] = None
    status: Annotated[Literal["planned", "done", "cancelled"] | None, Field(title="CoachingStatus")] = None
    focus_domain: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"] | None,
        Field(title="ActivityType"),
    ] = None
    goals: Annotated[list[str] | None, Field(title="Goals")] = None
    notes: Annotated[str | None, Field(title="Notes")] = None


class Errors(RootModel[list[dict[str, str]]]):
    root: Annotated[
        list[dict[str, str]],
        Field(
            description="For 422: one entry per invalid field, with a JSON pointer and a message (at most 20; the detail says when more were found)",
            max_length=20,
            title="Errors",
        ),
    ] = None


class Problem(BaseModel):
    type: Annotated[str, Field(title="Type")] = "about:blank"
    title: Annotated[str, Field(title="Title")]
    status: Annotated[int, Field(title="Status")]
    detail: Annotated[str | None, Field(title="Detail")] = None
    instance: Annotated[str | None, Field(title="Instance")] = None
    correlation_id: Annotated[str | None, Field(title="Correlation Id")] = None
    errors: Annotated[
        Errors | None,
        Field(
            description="For 422: one entry per invalid field, with a JSON pointer and a message (at most 20; the detail says when more were found)",
            title="Errors",
        ),
    ] = None
    current_version: Annotated[
        int | None,
        Field(
            description="For 412 (and a 409 of a resource changed meanwhile): the version stored now, its ETag's value",
            title="Current Version",
        ),
    ] = None


class QuotaPolicy(BaseModel):
    policy: Annotated[Literal["read", "write"], Field(description="Which requests count against it", title="Policy")]
    quota: Annotated[int, Field(description="Items per window, per caller", title="Quota")]
    window_s: Annotated[
        int,
        Field(description="The window, in seconds (a fixed window: all of it refills at its end)", title="Window S"),
    ]
    unit: Annotated[Literal["items"], Field(description="What a request costs: its item count", title="Unit")] = "items"


class RecommendationLimits(BaseModel):
    max_child_ids: Annotated[
        int,
        Field(
            description="`child_ids` per `POST /api/v1/batch/activities/recommendations` (422)", title="Max Child Ids"
        ),
    ]


class ResponseLimits(BaseModel):
    max_bytes: Annotated[int, Field(description="A response at most (Lambda's payload limit)", title="Max Bytes")]
    items_max_bytes: Annotated[
        int,
        Field(
            description="The items' share of a batch answer: past it, the remaining items are 503 `response_too_large`, retryable",
            title="Items Max Bytes",
        ),
    ]


class WebhookDelivery(BaseModel):
    message_id: Annotated[
        str, Field(description="The `webhook-id` header: the same on every attempt of a message", title="Message Id")
    ]
    event: Annotated[str, Field(description="The event's type", title="Event")]
    attempt: Annotated[
        int, Field(description="1 for the first delivery, 2 for the first retry...", ge=1, title="Attempt")
    ]
    status_code: Annotated[
        int | None,
        Field(description="The endpoint's answer; null when none came (timeout, refused)", title="Status Code"),
    ]
    outcome: Annotated[
        Literal["delivered", "retry", "disable", "dead_lettered"],
        Field(
            description="delivered (a 2xx within 10 s); retry (failed: tried again later, with the same `webhook-id`); disable (410 Gone: the endpoint was disabled); dead_lettered (the last attempt failed)",
            title="Outcome",
        ),
    ]
    attempted_at: Annotated[AwareDatetime, Field(title="Attempted At")]


class WebhookEndpoint(BaseModel):
    id: Annotated[str, Field(title="Id")]
    url: Annotated[str, Field(title="Url")]
    events: Annotated[list[Literal["batch.job.completed"]], Field(title="Events")]
    description: Annotated[str, Field(title="Description")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    enabled: Annotated[
        bool,
        Field(description="False once the endpoint answered `410 Gone`: nothing is delivered to it", title="Enabled"),
    ]
    disabled_reason: Annotated[str | None, Field(title="Disabled Reason")] = None


class WebhookEndpointWithSecret(BaseModel):
    id: Annotated[str, Field(title="Id")]
    url: Annotated[str, Field(title="Url")]
    events: Annotated[list[Literal["batch.job.completed"]], Field(title="Events")]
    description: Annotated[str, Field(title="Description")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    enabled: Annotated[
        bool,
        Field(description="False once the endpoint answered `410 Gone`: nothing is delivered to it", title="Enabled"),
    ]
    disabled_reason: Annotated[str | None, Field(title="Disabled Reason")] = None
    secret: Annotated[
        str,
        Field(
            description="The signing secret (`whsec_` + base64 of 32 random bytes): verify deliveries with it (Standard Webhooks). Shown only now: keep it",
            title="Secret",
        ),
    ]
    previous_secret_expires_at: Annotated[
        AwareDatetime | None,
        Field(
            description="After a rotation: until when deliveries are also signed with the previous secret",
            title="Previous Secret Expires At",
        ),
    ] = None


class WebhookEndpoints(BaseModel):
    items: Annotated[
        list[WebhookEndpoint], Field(description="The organization's endpoints, oldest first", title="Items")
    ]


class WebhookRegistration(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    url: Annotated[
        str,
        Field(
            description="An https URL whose host resolves to public internet addresses only",
            max_length=2048,
            min_length=1,
            title="Url",
        ),
    ]
    events: Annotated[
        list[Literal["batch.job.completed"]],
        Field(description="The events to deliver to it, each once", max_length=1, min_length=1, title="Events"),
    ]
    description: Annotated[str, Field(max_length=500, title="Description")] = ""


class Activity(BaseModel):
    id: Annotated[str, Field(title="Id")]
    org_id: Annotated[str, Field(description="Owning organization, or 'public' for the public catalog", title="Org Id")]
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str, Field(title="Description")]
    activity_type: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"],
        Field(title="ActivityType"),
    ]
    min_age_months: Annotated[int, Field(ge=0, title="Min Age Months")]
    max_age_months: Annotated[int, Field(ge=0, title="Max Age Months")]
    setting: Annotated[Literal["indoor", "outdoor", "both"], Field(title="Setting")] = "indoor"
    min_group_size: Annotated[int, Field(ge=1, title="Min Group Size")] = 1
    max_group_size: Annotated[int, Field(ge=1, title="Max Group Size")] = 30
    duration_minutes: Annotated[int, Field(ge=1, title="Duration Minutes")] = 20
    materials: Annotated[list[str] | None, Field(title="Materials")] = None
    special_needs_adaptations: Annotated[
        list[str] | None,
        Field(
            description="Special needs this activity has adaptations for, e.g. 'visual_impairment'",
            title="Special Needs Adaptations",
        ),
    ] = None
    weather_suitability: Annotated[
        list[Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"]] | None,
        Field(
            description="Weather the activity suits; empty means any weather its setting allows",
            title="Weather Suitability",
        ),
    ] = None
    version: Annotated[
        int, Field(description="1 on creation, +1 on every change (optimistic concurrency)", ge=1, title="Version")
    ] = 1
    updated_at: Annotated[
        AwareDatetime | None, Field(description="When it was last written (UTC)", title="Updated At")
    ] = None


class ActivityDraft(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[Id | None, Field(description="A UUID of your choice (optional)", title="Id")] = None
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str, Field(title="Description")]
    activity_type: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"],
        Field(title="ActivityType"),
    ]
    min_age_months: Annotated[int, Field(ge=0, title="Min Age Months")]
    max_age_months: Annotated[int, Field(ge=0, title="Max Age Months")]
    setting: Annotated[Literal["indoor", "outdoor", "both"], Field(title="Setting")] = "indoor"
    min_group_size: Annotated[int, Field(ge=1, title="Min Group Size")] = 1
    max_group_size: Annotated[int, Field(ge=1, title="Max Group Size")] = 30
    duration_minutes: Annotated[int, Field(ge=1, title="Duration Minutes")] = 20
    materials: Annotated[list[str], Field(title="Materials")] = []
    special_needs_adaptations: Annotated[
        list[str],
        Field(
            description="Special needs this activity has adaptations for, e.g. 'visual_impairment'",
            title="Special Needs Adaptations",
        ),
    ] = []
    weather_suitability: Annotated[
        list[Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"]],
        Field(
            description="Weather the activity suits; empty means any weather its setting allows",
            title="Weather Suitability",
        ),
    ] = []


class ActivityDraftBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[Id | None, Field(description="A UUID of your choice (optional)", title="Id")] = None
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str, Field(title="Description")]
    activity_type: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"],
        Field(title="ActivityType"),
    ]
    min_age_months: Annotated[int, Field(ge=0, title="Min Age Months")]
    max_age_months: Annotated[int, Field(ge=0, title="Max Age Months")]
    setting: Annotated[Literal["indoor", "outdoor", "both"], Field(title="Setting")] = "indoor"
    min_group_size: Annotated[int, Field(ge=1, title="Min Group Size")] = 1
    max_group_size: Annotated[int, Field(ge=1, title="Max Group Size")] = 30
    duration_minutes: Annotated[int, Field(ge=1, title="Duration Minutes")] = 20
    materials: Annotated[list[str], Field(title="Materials")] = []
    special_needs_adaptations: Annotated[
        list[str],
        Field(
            description="Special needs this activity has adaptations for, e.g. 'visual_impairment'",
            title="Special Needs Adaptations",
        ),
    ] = []
    weather_suitability: Annotated[
        list[Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"]],
        Field(
            description="Weather the activity suits; empty means any weather its setting allows",
            title="Weather Suitability",
        ),
    ] = []


class ActivityPatchBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[str | None, Field(description="Required: null is refused", title="Name")] = None
    description: Annotated[str | None, Field(description="Required: null is refused", title="Description")] = None
    activity_type: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"] | None,
        Field(description="Required: null is refused"),
    ] = None
    min_age_months: Annotated[
        MinAgeMonths | None, Field(description="Required: null is refused", title="Min Age Months")
    ] = None
    max_age_months: Annotated[
        MaxAgeMonths | None, Field(description="Required: null is refused", title="Max Age Months")
    ] = None
    setting: Annotated[
        Literal["indoor", "outdoor", "both"] | None, Field(description="Null resets it to its default")
    ] = None
    min_group_size: Annotated[
        MinGroupSize | None, Field(description="Null resets it to its default", title="Min Group Size")
    ] = None
    max_group_size: Annotated[
        MaxGroupSize | None, Field(description="Null resets it to its default", title="Max Group Size")
    ] = None
    duration_minutes: Annotated[
        DurationMinutes | None, Field(description="Null resets it to its default", title="Duration Minutes")
    ] = None
    materials: Annotated[list[str] | None, Field(description="Null resets it to its default", title="Materials")] = None
    special_needs_adaptations: Annotated[
        list[str] | None,
        Field(
            description="Special needs this activity has adaptations for, e.g. 'visual_impairment'; null resets it to its default",
            title="Special Needs Adaptations",
        ),
    ] = None
    weather_suitability: Annotated[
        list[Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"]] | None,
        Field(
            description="Weather the activity suits; empty means any weather its setting allows; null resets it to its default",
            title="Weather Suitability",
        ),
    ] = None


class BatchCreateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[
        str, Field(description="'activities' or 'children' (and 'completions')", max_length=64, title="Resource Type")
    ]
    items: Annotated[
        list[ActivityDraft | ChildDraft],
        Field(description="1 to 100 new resources", max_length=100, min_length=1, title="Items"),
    ]
    atomic: Annotated[bool, Field(description="All or nothing, in one transaction", title="Atomic")] = False


class BatchRecommendationsRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    max_recommendations: Annotated[
        int, Field(description="How many activities to recommend per child", ge=1, le=20, title="Max Recommendations")
    ] = 5
    activity_types: Annotated[
        ActivityTypes | None,
        Field(
            description="Only recommend activities of these types, each at most once (omitted or empty: any type)",
            title="Activity Types",
        ),
    ] = None
    child_age_months: Annotated[
        ChildAgeMonths | None,
        Field(
            description="Age in months to score with, instead of the one from the birth date", title="Child Age Months"
        ),
    ] = None
    weather: Annotated[
        Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"] | None,
        Field(description="Today's weather: filters out unsuitable activities and favours suitable ones"),
    ] = None
    group_size: Annotated[
        GroupSize | None,
        Field(description="Number of children taking part: must fit the activity's group range", title="Group Size"),
    ] = None
    include_special_needs: Annotated[
        bool, Field(description="Favour activities adapted to the child's special needs", title="Include Special Needs")
    ] = True
    child_ids: Annotated[
        list[ChildId],
        Field(
            description="1 to 50 child UUIDs; duplicates are answered at every position",
            max_length=50,
            min_length=1,
            title="Child Ids",
        ),
    ]


class JobCreateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    resource_type: Annotated[
        str, Field(description="'activities', 'children' or 'completions'", max_length=64, title="Resource Type")
    ]
    items: Annotated[
        list[ActivityDraft | ChildDraft],
        Field(description="1 to 10,000 new resources", max_length=10000, min_length=1, title="Items"),
    ]


class JobRecommendationsRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    max_recommendations: Annotated[
        int, Field(description="How many activities to recommend per child", ge=1, le=20, title="Max Recommendations")
    ] = 5
    activity_types: Annotated[
        ActivityTypes | None,
        Field(
            description="Only recommend activities of these types, each at most once (omitted or empty: any type)",
            title="Activity Types",
        ),
    ] = None
    child_age_months: Annotated[
        ChildAgeMonths | None,
        Field(
            description="Age in months to score with, instead of the one from the birth date", title="Child Age Months"
        ),
    ] = None
    weather: Annotated[
        Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"] | None,
        Field(description="Today's weather: filters out unsuitable activities and favours suitable ones"),
    ] = None
    group_size: Annotated[
        GroupSize | None,
        Field(description="Number of children taking part: must fit the activity's group range", title="Group Size"),
    ] = None
    include_special_needs: Annotated[
        bool, Field(description="Favour activities adapted to the child's special needs", title="Include Special Needs")
    ] = True
    child_ids: Annotated[
        list[ChildId], Field(description="1 to 10,000 child UUIDs", max_length=10000, min_length=1, title="Child Ids")
    ]


class JobSubmission(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    operation: Annotated[
        Literal["get", "create", "update", "delete", "recommendations"],
        Field(
            description="The synchronous route to run: get (batch/get), create, update, delete (batch/create, update, delete) or recommendations (batch/activities/recommendations)",
            title="Operation",
        ),
    ]
    request: Annotated[
        JobGetRequest | JobCreateRequest | JobUpdateRequest | JobDeleteRequest | JobRecommendationsRequest,
        Field(
            description="That route's body (without `atomic`), validated by its rules, with up to 10,000 items",
            title="Request",
        ),
    ]


class Limits(BaseModel):
    batch_get: BatchGetLimits
    recommendations: RecommendationLimits
    batch_write: BatchWriteLimits
    jobs: JobLimits
    request_body: BodyLimits
    integration_timeout_ms: Annotated[
        int,
        Field(
            description="API Gateway's integration timeout, from when it received the request: items unfinished by then are 503 `unavailable`, retryable",
            title="Integration Timeout Ms",
        ),
    ]
    response_body: ResponseLimits
    quotas: Annotated[list[QuotaPolicy], Field(title="Quotas")]


class PageActivity(BaseModel):
    items: Annotated[list[Activity], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(description="Pass as `cursor` to get the next page; null on the last page", title="Next Cursor"),
    ]


class PartialActivity(BaseModel):
    id: Annotated[str, Field(title="Id")]
    org_id: Annotated[
        str | None, Field(description="Owning organization, or 'public' for the public catalog", title="Org Id")
    ] = None
    name: Annotated[str | None, Field(title="Name")] = None
    description: Annotated[str | None, Field(title="Description")] = None
    activity_type: Annotated[
        Literal["cognitive", "motor", "language", "social_emotional", "creative", "sensory"] | None,
        Field(title="ActivityType"),
    ] = None
    min_age_months: Annotated[int | None, Field(ge=0, title="Min Age Months")] = None
    max_age_months: Annotated[int | None, Field(ge=0, title="Max Age Months")] = None
    setting: Annotated[Literal["indoor", "outdoor", "both"] | None, Field(title="Setting")] = None
    min_group_size: Annotated[int | None, Field(ge=1, title="Min Group Size")] = None
    max_group_size: Annotated[int | None, Field(ge=1, title="Max Group Size")] = None
    duration_minutes: Annotated[int | None, Field(ge=1, title="Duration Minutes")] = None
    materials: Annotated[list[str] | None, Field(title="Materials")] = None
    special_needs_adaptations: Annotated[
        list[str] | None,
        Field(
            description="Special needs this activity has adaptations for, e.g. 'visual_impairment'",
            title="Special Needs Adaptations",
        ),
    ] = None
    weather_suitability: Annotated[
        list[Literal["sunny", "cloudy", "rainy", "snowy", "hot", "cold"]] | None,
        Field(
            description="Weather the activity suits; empty means any weather its setting allows",
            title="Weather Suitability",
        ),
    ] = None
    version: Annotated[
        int | None,
        Field(description="1 on creation, +1 on every change (optimistic concurrency)", ge=1, title="Version"),
    ] = None
    updated_at: Annotated[
        AwareDatetime | None, Field(description="When it was last written (UTC)", title="Updated At")
    ] = None


class Recommendation(BaseModel):
    activity: Activity
    relevance_score: Annotated[
        float, Field(description="Relevance in [0, 1], rounded to 3 decimals", ge=0.0, le=1.0, title="Relevance Score")
    ]
    reasoning: Annotated[
        str, Field(description="One short phrase per factor that mattered, joined with '; '", title="Reasoning")
    ]


class WebhookDeliveries(BaseModel):
    items: Annotated[list[WebhookDelivery], Field(description="The latest attempts, newest first", title="Items")]


class ChildRecommendations(BaseModel):
    child_id: Annotated[str, Field(title="Child Id")]
    recommendations: Annotated[
        list[Recommendation],
        Field(description="Best first; empty when no activity passes the filters", title="Recommendations"),
    ]
    generated_at: Annotated[AwareDatetime, Field(title="Generated At")]


class ItemSuccessChildRecommendations(BaseModel):
    id: Annotated[str, Field(description="The id as the client sent it", title="Id")]
    status: Annotated[Literal["success"], Field(title="Status")]
    status_code: Annotated[int, Field(title="Status Code")]
    data: ChildRecommendations


class ItemSuccessPartialResource(BaseModel):
    id: Annotated[str, Field(description="The id as the client sent it", title="Id")]
    status: Annotated[Literal["success"], Field(title="Status")]
    status_code: Annotated[int, Field(title="Status Code")]
    data: PartialActivity | PartialChild | PartialClassroom | PartialCoachingSession | PartialChildProgress


class ItemSuccessWrittenResource(BaseModel):
    id: Annotated[str, Field(description="The id as the client sent it", title="Id")]
    status: Annotated[Literal["success"], Field(title="Status")]
    status_code: Annotated[int, Field(title="Status Code")]
    data: Activity | Child | Deleted


class BatchGetResponse(BaseModel):
    results: Annotated[
        list[Annotated[ItemSuccessPartialResource | ItemError, Field(discriminator="status")]], Field(title="Results")
    ]
    total_requested: Annotated[int, Field(title="Total Requested")]
    total_succeeded: Annotated[int, Field(title="Total Succeeded")]
    total_failed: Annotated[int, Field(title="Total Failed")]
    processed_at: Annotated[AwareDatetime, Field(title="Processed At")]
    resource_type: Annotated[str, Field(title="Resource Type")]


class BatchRecommendationsResponse(BaseModel):
    results: Annotated[
        list[Annotated[ItemSuccessChildRecommendations | ItemError, Field(discriminator="status")]],
        Field(title="Results"),
    ]
    total_requested: Annotated[int, Field(title="Total Requested")]
    total_succeeded: Annotated[int, Field(title="Total Succeeded")]
    total_failed: Annotated[int, Field(title="Total Failed")]
    processed_at: Annotated[AwareDatetime, Field(title="Processed At")]


class BatchWriteResponse(BaseModel):
    results: Annotated[
        list[Annotated[ItemSuccessWrittenResource | ItemError, Field(discriminator="status")]], Field(title="Results")
    ]
    total_requested: Annotated[int, Field(title="Total Requested")]
    total_succeeded: Annotated[int, Field(title="Total Succeeded")]
    total_failed: Annotated[int, Field(title="Total Failed")]
    processed_at: Annotated[AwareDatetime, Field(title="Processed At")]
    resource_type: Annotated[str, Field(title="Resource Type")]
    atomic: Annotated[bool, Field(title="Atomic")]
