"""Batch create, update and delete (DESIGN 3.7): per-item validation and permissions, then conditional writes, each
item on its own (non-atomic) or all in one transaction (``atomic``), answered in the envelope of every batch.

Cost: an update or delete batch reads its items with one BatchGetItem per 100 keys, then writes each item with one
conditional write (``write_concurrency`` at once), or all of them with one TransactWriteItems (atomic); a create
writes without reading. Nothing is ever half-applied: an item's several actions (a child and its history) go in one
transaction, and an item not written is answered with why (503 ``unavailable`` when it may be retried).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from early_learning.domain import CorruptRecord, Membership, OperationForbidden
from early_learning.drafts import UpdateItem, apply_patch, parse_draft, too_large, validate_json
from early_learning.envelope import (
    Created,
    Deadline,
    ItemError,
    ItemFailure,
    ItemSuccess,
    Prepared,
    canonical_uuid,
    json_size,
    run_items,
)
from early_learning.observability import record_batch
from early_learning.services import completions
from early_learning.services.writable import Operation, WritableResource, utc_now, writable_resource
from early_learning.settings import get_settings
from early_learning.store.actions import WriteAction
from early_learning.store.base import counting_calls
from early_learning.store.writes import (
    ItemWrite,
    WriteResult,
    new_id,
    write_batch,
)
from early_learning.write_models import BatchCreateRequest, BatchDeleteRequest, BatchUpdateRequest, BatchWriteResponse

Outcomes = dict[str, Any]


def require_role(resource: WritableResource, operation: Operation, caller: Membership) -> None:
    """DESIGN 4: a role that may never do this operation on this type is refused for the whole request."""
    if caller.role not in resource.roles[operation]:
        raise OperationForbidden(f"A {caller.role.value} cannot {operation} {resource.label.lower()} records")


# --- the three use cases -----------------------------------------------------------------------------------------


def batch_create(
    request: BatchCreateRequest, caller: Membership, deadline: Deadline, today: date | None = None
) -> BatchWriteResponse:
    if request.resource_type == "completions":  # not a resource with a draft: its own module
        return completions.batch_create_completions(request, caller, deadline, today or utc_now().date(), _respond)
    resource = writable_resource(request.resource_type, "create")
    require_role(resource, "create", caller)
    now = utc_now()
    prepared: list[Prepared[dict[str, Any]]] = []
    for item in request.items:
        parsed = parse_draft(resource.model, item)
        echo = _sent_id(item)
        if isinstance(parsed, list):
            prepared.append(Prepared(echo=echo, failure=ItemFailure.invalid_item(parsed)))
        else:
            key = parsed[0] or new_id()
            prepared.append(Prepared(echo=echo or key, key=key, payload=parsed[1]))

    def resolve(payloads: dict[str, dict[str, Any]]) -> Outcomes:
        outcomes: Outcomes = {}
        writes: dict[str, ItemWrite] = {}
        built: dict[str, Any] = {}
        for key, values in payloads.items():
            system = {"id": key, "org_id": caller.org_id, "version": 1, "updated_at": now.isoformat()}
            created = validate_json(resource.model, {**values, **system})
            if isinstance(created, list):
                outcomes[key] = ItemFailure.invalid_item(created)
                continue
            record = resource.to_record(created)
            hash_key = getattr(type(record), type(record)._hash_key_attribute().attr_name)  # type: ignore[no-untyped-call]
            writes[key] = ItemWrite(
                key,
                (WriteAction("put", record, hash_key.does_not_exist()),),
                landed=_holds(resource, key, 1, now, deadline),
            )
            built[key] = created
        results = write_batch(
            list(writes.values()), request.atomic, _doomed(prepared, outcomes, request.atomic), deadline
        )
        for key, result in results.items():
            outcomes[key] = _answer(
                result,
                written=lambda k=key: Created(built[k].model_dump(mode="json")),  # type: ignore[misc]
                conflict=lambda k=key: ItemFailure.already_exists(resource.label, k),  # type: ignore[misc]
            )
        return outcomes

    return _respond("create", request.resource_type, request.atomic, prepared, resolve)


def batch_update(request: BatchUpdateRequest, caller: Membership, deadline: Deadline) -> BatchWriteResponse:
    resource = writable_resource(request.resource_type, "update")
    require_role(resource, "update", caller)
    now = utc_now()
    prepared: list[Prepared[UpdateItem]] = []
    for item in request.items:
        update = (too_large(item) or validate_json(UpdateItem, item)) if isinstance(item, dict) else [_not_an_object()]
        echo = _sent_id(item)
        if isinstance(update, list):
            prepared.append(Prepared(echo=echo, failure=ItemFailure.invalid_item(update)))
        else:
            key = canonical_uuid(update.id)
            failure = ItemFailure.invalid_id() if key is None else None
            prepared.append(Prepared(echo=update.id, key=key, payload=update, failure=failure))

    def resolve(payloads: dict[str, UpdateItem]) -> Outcomes:
        outcomes: Outcomes = {}
        current = _read_current(resource, caller, list(payloads), deadline, outcomes)
        writes: dict[str, ItemWrite] = {}
        built: dict[str, Any] = {}
        for key, update in payloads.items():
            if key not in current:
                continue
            before, stored_version = current[key]
            if update.version is not None and update.version != before.version:
                outcomes[key] = ItemFailure.version_conflict(before.version)
                continue
            patched = apply_patch(resource.model, before, update.changes)
            if isinstance(patched, list):
                outcomes[key] = ItemFailure.invalid_item(patched)
                continue
            why = resource.forbidden_changes(caller, before, patched)
            if why is not None:
                outcomes[key] = ItemFailure.forbidden(resource.label, why)
                continue
            after = patched.model_copy(update={"version": before.version + 1, "updated_at": now})
            writes[key] = ItemWrite(
                key,
                (WriteAction("put", resource.to_record(after), _version_condition(resource, stored_version)),),
                landed=_holds(resource, key, after.version, now, deadline),
            )
            built[key] = after
        results = write_batch(
            list(writes.values()), request.atomic, _doomed(prepared, outcomes, request.atomic), deadline
        )
        _answer_all(resource, caller, results, outcomes, deadline, lambda key: built[key].model_dump(mode="json"))
        return outcomes

    return _respond("update", request.resource_type, request.atomic, prepared, resolve)


def batch_delete(request: BatchDeleteRequest, caller: Membership, deadline: Deadline) -> BatchWriteResponse:
    resource = writable_resource(request.resource_type, "delete")
    require_role(resource, "delete", caller)
    prepared: list[Prepared[None]] = [Prepared(echo=raw, key=canonical_uuid(raw)) for raw in request.ids]

    def resolve(payloads: dict[str, None]) -> Outcomes:
        outcomes: Outcomes = {}
        current = _read_current(resource, caller, list(payloads), deadline, outcomes)
        writes: dict[str, ItemWrite] = {}
        for key, (before, stored_version) in current.items():
            record = resource.to_record(before)
            actions = (WriteAction("delete", record, _version_condition(resource, stored_version)),)
            erasure = resource.erasure(key, deadline, request.atomic)
            writes[key] = ItemWrite(key, actions + erasure, landed=_gone(resource, key, deadline))
        results = write_batch(
            list(writes.values()), request.atomic, _doomed(prepared, outcomes, request.atomic), deadline
        )
        _answer_all(resource, caller, results, outcomes, deadline, lambda key: {"id": key, "deleted": True})
        for key, result in results.items():
            if result.status == "written":
                resource.after_delete(key, deadline)
        return outcomes

    return _respond("delete", request.resource_type, request.atomic, prepared, resolve)


# --- shared steps ------------------------------------------------------------------------------------------------


def _respond(
    operation: Operation,
    resource_type: str,
    atomic: bool,
    prepared: Sequence[Prepared[Any]],
    resolve: Callable[[dict[str, Any]], Outcomes],
) -> BatchWriteResponse:
    with counting_calls() as calls:
        results = run_items(
            prepared,
            resolve,
            duplicates="reject",
            size_of=json_size,
            size_budget=get_settings().response_limit_bytes,
        )
    if atomic:
        results = _atomic_answers(results)
    response: BatchWriteResponse = BatchWriteResponse.of(results, resource_type=resource_type, atomic=atomic)
    record_batch(f"batch_{operation}.{resource_type}", response.total_requested, response.total_succeeded, len(calls))
    return response


def _read_current(
    resource: WritableResource, caller: Membership, keys: list[str], deadline: Deadline, outcomes: Outcomes
) -> dict[str, tuple[Any, int | None]]:
    """The stored resources the caller may change, with their stored version attribute (None on records written
    before versions); the others are recorded in ``outcomes`` (404 invisible or missing, 403 not writable, 500
    corrupt; unread ones are left out: 503)."""
    read = resource.read(keys, deadline)
    found: dict[str, tuple[Any, int | None]] = {}
    for key in keys:
        raw = read.items.get(key)
        if key in read.unfinished:
            continue
        if key in read.corrupt:
            outcomes[key] = ItemFailure.internal_error()
            continue
        if raw is None:
            outcomes[key] = ItemFailure.not_found(resource.label, key)
            continue
        try:
            before = resource.to_domain(raw)
        except CorruptRecord:
            outcomes[key] = ItemFailure.internal_error()
            continue
        if not resource.visible(caller, before):
            outcomes[key] = ItemFailure.not_found(resource.label, key)
            continue
        why = resource.writable(caller, before)
        if why is not None:
            outcomes[key] = ItemFailure.forbidden(resource.label, why)
            continue
        stored = raw.get("version")
        found[key] = (before, int(stored) if stored is not None else None)
    return found


def _version_condition(resource: WritableResource, stored_version: int | None) -> Any:
    """The write happens only if the item is still at the version read (a record without one counts as 1)."""
    version = resource.record_class.version  # type: ignore[attr-defined]
    return version.does_not_exist() if stored_version is None else version == stored_version


def _doomed(prepared: Sequence[Prepared[Any]], outcomes: Outcomes, atomic: bool) -> bool:
    """An atomic batch with an item that failed before any write: nothing is written."""
    return atomic and (any(p.failure is not None for p in prepared) or bool(outcomes) or _duplicates(prepared))


def atomic_doomed(prepared: Sequence[Prepared[Any]]) -> bool:
    """An atomic batch with an item that failed on its own, or an id twice: nothing of it will be written."""
    return any(p.failure is not None for p in prepared) or _duplicates(prepared)


def _duplicates(prepared: Sequence[Prepared[Any]]) -> bool:
    counts = Counter(p.key for p in prepared if p.key is not None and p.failure is None)
    return any(n > 1 for n in counts.values())


def _answer(result: WriteResult, written: Callable[[], Any], conflict: Callable[[], ItemFailure]) -> Any:
    if result.status == "written":
        return written()
    if result.status == "condition_failed":
        return conflict()
    if result.status == "rolled_back":
        return ItemFailure.rolled_back()
    return ItemFailure.unavailable()


def _answer_all(
    resource: WritableResource,
    caller: Membership,
    results: Mapping[str, WriteResult],
    outcomes: Outcomes,
    deadline: Deadline,
    written: Callable[[str], Any],
) -> None:
    """Updates and deletes: a failed version condition means the item changed (or went) since it was read: its
    current version, read again, is the 409's ``current_version``; gone, it is a 404."""
    conflicted = [key for key, result in results.items() if result.status == "condition_failed"]
    now: dict[str, Any] = {}
    if conflicted:
        read = resource.read(conflicted, deadline)
        now = {key: read.items[key] for key in conflicted if key in read.items}
    for key, result in results.items():
        if result.status == "condition_failed":
            stored = now.get(key)
            outcomes[key] = (
                ItemFailure.not_found(resource.label, key)
                if stored is None
                else ItemFailure.version_conflict(int(stored.get("version") or 1))
            )
        else:
            outcomes[key] = _answer(result, lambda k=key: written(k), ItemFailure.unavailable)  # type: ignore[misc]


def _atomic_answers(results: list[ItemSuccess[Any] | ItemError]) -> list[ItemSuccess[Any] | ItemError]:
    """DESIGN 3.7: if any item of an atomic batch failed, no item was applied: the items that would have succeeded
    are 424 ``rolled_back``, the failing ones keep their own errors."""
    if all(isinstance(result, ItemSuccess) for result in results):
        return results
    failure = ItemFailure.rolled_back()
    return [
        result
        if isinstance(result, ItemError)
        else ItemError(
            id=result.id,
            status_code=failure.status_code,
            error=failure.message,
            error_code=failure.error_code,
            retryable=failure.retryable,
        )
        for result in results
    ]


def _holds(
    resource: WritableResource, key: str, version: int, updated_at: datetime, deadline: Deadline
) -> Callable[[], bool]:
    """Whether the stored item is this write's (its version and time): a retried write that had landed."""

    def check() -> bool:
        stored = resource.read([key], deadline).items.get(key)
        if stored is None:
            return False
        return int(stored.get("version") or 1) == version and _same_time(stored, updated_at)

    return check


def _same_time(stored: Mapping[str, Any], updated_at: datetime) -> bool:
    try:
        return datetime.fromisoformat(str(stored.get("updated_at"))) == updated_at
    except ValueError:
        return False


def _gone(resource: WritableResource, key: str, deadline: Deadline) -> Callable[[], bool]:
    def check() -> bool:
        read = resource.read([key], deadline)
        return key not in read.items and key not in read.unfinished

    return check


def _sent_id(item: Any) -> str:
    """The id an item carries, as sent (for the answer's ``id``), or empty."""
    raw = item.get("id") if isinstance(item, dict) else None
    return raw[:128] if isinstance(raw, str) else ""


def _not_an_object() -> dict[str, str]:
    return {"pointer": "#", "detail": "An item is a JSON object"}
