"""Completions (DESIGN 3.7): a child did an activity on a day. Created only, through ``POST /api/v1/batch/create``
(``resource_type: "completions"``) or ``POST /api/v1/children/{id}/completions``; each one is recorded with the
child's history in one transaction, so the child's next recommendations see it at once.

Who may record one (DESIGN 4): an admin for its organization's children, an educator for its classrooms' children,
a guardian for its own children; the activity must be readable by the caller. Otherwise the item is 404, as for a
read. Cost: one BatchGetItem of the children and one of the activities (per 100), then one transaction per item.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from early_learning.domain import Completion, CorruptRecord, Membership, OperationForbidden, Role
from early_learning.drafts import too_large, validate_json
from early_learning.envelope import Created, Deadline, ItemFailure, Prepared, canonical_uuid
from early_learning.services.writable import utc_now
from early_learning.store import activities, children, completions, history
from early_learning.store.writes import ItemWrite, WriteResult, new_id, write_batch
from early_learning.write_models import BatchCreateRequest, BatchWriteResponse

ROLES = frozenset({Role.ADMIN, Role.EDUCATOR, Role.GUARDIAN})


class ChildCompletion(BaseModel):
    """A completion of the child the path names (``POST /api/v1/children/{id}/completions``)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: str | None = Field(default=None, max_length=128, description="A UUID of your choice (optional)")
    activity_id: str = Field(max_length=128)
    done_on: date | None = Field(default=None, description="The day it was done (default: today, UTC)")


class CompletionDraft(ChildCompletion):
    """A completion to record (a batch create's item): ``done_on`` defaults to the request's day."""

    child_id: str = Field(max_length=128)


def require_role(caller: Membership) -> None:
    if caller.role not in ROLES:  # pragma: no cover - every role may record completions today
        raise OperationForbidden(f"A {caller.role.value} cannot record completions")


def prepare(item: Any, today: date) -> Prepared[Completion]:
    """One item: a completion with canonical ids, or why it is invalid (an item 422 with pointers)."""
    raw_id = item.get("id") if isinstance(item, dict) else None
    echo = raw_id[:128] if isinstance(raw_id, str) else ""
    if not isinstance(item, dict):
        return Prepared(
            echo=echo, failure=ItemFailure.invalid_item([{"pointer": "#", "detail": "An item is a JSON object"}])
        )
    errors = too_large(item)
    draft = errors if errors else validate_json(CompletionDraft, item)
    if isinstance(draft, list):
        return Prepared(echo=echo, failure=ItemFailure.invalid_item(draft))
    ids = {name: canonical_uuid(getattr(draft, name) or new_id()) for name in ("id", "child_id", "activity_id")}
    bad = [name for name, value in ids.items() if value is None]
    if bad:
        detail = "Expected a UUID such as 123e4567-e89b-12d3-a456-426614174000"
        return Prepared(
            echo=echo, failure=ItemFailure.invalid_item([{"pointer": f"#/{n}", "detail": detail} for n in bad])
        )
    key = str(ids["id"])
    completion = Completion(
        id=key,
        child_id=str(ids["child_id"]),
        activity_id=str(ids["activity_id"]),
        done_on=draft.done_on or today,
        created_at=utc_now(),
    )
    return Prepared(echo=echo or key, key=key, payload=completion)


def resolver(caller: Membership, atomic: bool, doomed: bool, deadline: Deadline) -> Any:
    """The ``resolve`` of ``run_items`` for completions: permissions, then one transaction per completion (or one for
    all), then the children's histories trimmed."""

    def resolve(payloads: dict[str, Completion]) -> dict[str, Any]:
        outcomes: dict[str, Any] = {}
        allowed = _permitted(caller, list(payloads.values()), deadline, outcomes)
        results = _write(allowed, atomic, doomed or bool(outcomes), deadline)
        for completion in allowed:
            outcomes[completion.id] = _outcome(results[completion.id], completion)
        history.trim_many({c.child_id for c in allowed if results[c.id].status == "written"}, deadline)
        return outcomes

    return resolve


def _permitted(
    caller: Membership, wanted: list[Completion], deadline: Deadline, outcomes: dict[str, Any]
) -> list[Completion]:
    """The completions the caller may record; the others get their item answer in ``outcomes``."""
    kids = children.read_many({c.child_id for c in wanted}, deadline)
    acts = activities.read_many({c.activity_id for c in wanted}, deadline, ["org_id"])
    allowed: list[Completion] = []
    for completion in wanted:
        child_raw, activity_raw = kids.items.get(completion.child_id), acts.items.get(completion.activity_id)
        if completion.child_id in kids.unfinished or completion.activity_id in acts.unfinished:
            continue  # 503 unavailable
        if completion.child_id in kids.corrupt:
            outcomes[completion.id] = ItemFailure.internal_error()
            continue
        try:
            child = children.to_domain(child_raw) if child_raw is not None else None
        except CorruptRecord:
            outcomes[completion.id] = ItemFailure.internal_error()
            continue
        if child is None or not caller.can_read_child(child.org_id, child.classroom_id, child.id):
            outcomes[completion.id] = ItemFailure.not_found("Child", completion.child_id)
        elif activity_raw is None or not caller.can_read_activity(str(activity_raw.get("org_id"))):
            outcomes[completion.id] = ItemFailure.not_found("Activity", completion.activity_id)
        else:
            allowed.append(completion)
    return allowed


def _write(allowed: list[Completion], atomic: bool, doomed: bool, deadline: Deadline) -> dict[str, WriteResult]:
    if atomic:
        # One transaction may touch an item once: the first completion of each child carries its history's update.
        grouped = completions.completion_writes(allowed)
        writes = [ItemWrite(c.id, actions) for c, actions in zip(allowed, grouped, strict=True)]
    else:
        writes = [
            ItemWrite(c.id, completions.completion_write(c), landed=completions.completion_landed(c)) for c in allowed
        ]
    return write_batch(writes, atomic, doomed, deadline)


def _outcome(result: WriteResult, completion: Completion) -> Any:
    if result.status == "written":
        return Created(completion.model_dump(mode="json"))
    if result.status == "rolled_back":
        return ItemFailure.rolled_back()
    if result.status == "condition_failed" and result.failed_action == completions.COMPLETION_ACTION:
        return ItemFailure.already_exists("Completion", completion.id)
    if result.status == "condition_failed" and result.failed_action == completions.CHILD_ACTION:
        return ItemFailure.not_found("Child", completion.child_id)
    return ItemFailure.unavailable()  # the history is full until it is trimmed, or the store did not answer


def batch_create_completions(
    request: BatchCreateRequest, caller: Membership, deadline: Deadline, today: date, respond: Any
) -> BatchWriteResponse:
    require_role(caller)
    prepared = [prepare(item, today) for item in request.items]
    doomed = request.atomic and (
        any(p.failure is not None for p in prepared)
        or len({p.key for p in prepared if p.key}) < sum(1 for p in prepared if p.key)
    )
    response: BatchWriteResponse = respond(
        "create", "completions", request.atomic, prepared, resolver(caller, request.atomic, doomed, deadline)
    )
    return response
