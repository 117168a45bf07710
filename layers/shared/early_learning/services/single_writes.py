"""Single-resource writes (DESIGN 3.3): one resource each, by the rules of the batch items (3.7), through the batch
use cases themselves. Each call builds a one-item batch, runs it with ``services.writes``, and turns its one result
into the resource written or a domain error (``write_errors``; 404, 400 and 503 as the single reads raise them), so
that validation, permissions, versions and the writes have one implementation.

The version a change was made against (a client's ``If-Match``) is the update item's ``version``. A batch delete
takes no version: a delete with one first reads the resource by the batch's own rules (``writes._read_current``:
404, 403, 500 and 503 as the delete would answer them) and compares, then deletes. The delete is conditional on the
version it read itself, so a change made between the two reads, milliseconds apart, is not caught: a version on
batch delete items would close that window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NoReturn

from early_learning.domain import Activity, Child, Completion, InvalidId, Membership, NotFound, StoreUnavailable
from early_learning.envelope import Deadline, ItemFailure, ItemSuccess, canonical_uuid
from early_learning.observability import logger
from early_learning.services import writes
from early_learning.services.writable import Operation, writable_resource
from early_learning.write_errors import (
    AlreadyExists,
    ConcurrentChange,
    InvalidResource,
    VersionMismatch,
    WriteForbidden,
)
from early_learning.write_models import BatchCreateRequest, BatchDeleteRequest, BatchUpdateRequest, BatchWriteResponse

Resource = Activity | Child
"""What a single write answers: the resource as written."""


class SingleWriteFailed(RuntimeError):
    """The one item failed in a way that is no client's doing (a stored record that cannot be read): a 500, logged
    with the resource's id only."""


def create_one(resource_type: str, draft: Mapping[str, Any], caller: Membership, deadline: Deadline) -> Resource:
    """A new resource in the caller's organization from ``draft`` (its fields, ``id`` optional), version 1."""
    request = BatchCreateRequest(resource_type=resource_type, items=[dict(draft)])
    data = _only(writes.batch_create(request, caller, deadline), resource_type, "create")
    return _resource(resource_type, "create", data)


def update_one(
    resource_type: str,
    resource_id: str,
    changes: Mapping[str, Any],
    caller: Membership,
    deadline: Deadline,
    version: int | None = None,
) -> Resource:
    """The resource with the merge patch ``changes`` applied, its version + 1; with ``version``, only if it is still
    at that version (else ``VersionMismatch``)."""
    item: dict[str, Any] = {"id": resource_id, "changes": dict(changes)}
    if version is not None:
        item["version"] = version
    request = BatchUpdateRequest(resource_type=resource_type, items=[item])
    data = _only(
        writes.batch_update(request, caller, deadline),
        resource_type,
        "update",
        version_given=version is not None,
        pointer=_out_of_changes,
    )
    return _resource(resource_type, "update", data)


def delete_one(
    resource_type: str, resource_id: str, caller: Membership, deadline: Deadline, version: int | None = None
) -> None:
    """The resource deleted (a child's history and completions with it); with ``version``, only if it is at that
    version (else ``VersionMismatch``)."""
    if version is not None:
        _require_version(resource_type, resource_id, caller, deadline, version)
    request = BatchDeleteRequest(resource_type=resource_type, ids=[resource_id])
    _only(writes.batch_delete(request, caller, deadline), resource_type, "delete", version_given=version is not None)


def create_completion(
    child_id: str, body: Mapping[str, Any], caller: Membership, deadline: Deadline, today: date
) -> Completion:
    """``POST /api/v1/children/{id}/completions``: one completion of the child the path names, as a batch create's
    item (``child_id`` comes from the path; in the body it is refused)."""
    if "child_id" in body:
        raise InvalidResource(
            "The body does not make a valid completion",
            errors=[{"pointer": "#/child_id", "detail": "The child is the one of the path"}],
        )
    request = BatchCreateRequest(resource_type="completions", items=[{**body, "child_id": child_id}])
    data = _only(writes.batch_create(request, caller, deadline, today), "completions", "create")
    return Completion.model_validate(data)


# --- the one result ----------------------------------------------------------------------------------------------


def _only(
    response: BatchWriteResponse,
    resource_type: str,
    operation: Operation,
    *,
    version_given: bool = False,
    pointer: Callable[[str], str] = lambda pointer: pointer,
) -> Any:
    """The data of the batch's one item, or its failure raised."""
    (result,) = response.results
    if isinstance(result, ItemSuccess):
        return result.data
    failure = ItemFailure(
        result.status_code,
        result.error_code,
        result.error,
        result.retryable,
        tuple(result.errors) if result.errors is not None else None,
        result.current_version,
    )
    _raise(failure, result.id, resource_type, operation, version_given, pointer)


def _raise(
    failure: ItemFailure,
    item_id: str,
    resource_type: str,
    operation: Operation,
    version_given: bool,
    pointer: Callable[[str], str] = lambda pointer: pointer,
) -> NoReturn:
    label = "Completion" if resource_type == "completions" else writable_resource(resource_type, operation).label
    code = failure.error_code
    if code == "not_found":
        raise NotFound(failure.message)
    if code == "invalid_id":
        raise InvalidId(failure.message)
    if code == "invalid_item":
        errors = [{**entry, "pointer": pointer(entry.get("pointer", "#"))} for entry in failure.errors or ()]
        raise InvalidResource(f"The body does not make a valid {label.lower()}", errors=errors)
    if code == "forbidden":
        raise WriteForbidden(failure.message)
    if code == "already_exists":
        raise AlreadyExists(failure.message)
    if code == "version_conflict":
        _conflict(label, failure.current_version, version_given)
    if failure.retryable:  # unavailable (the store did not answer in time), response_too_large: nothing was applied
        raise StoreUnavailable(f"The {label.lower()} could not be {operation}d in time; nothing was applied: retry")
    # internal_error (a stored record that cannot be read), or what one item alone cannot be (duplicate_id...)
    logger.error("Single write failed", extra={"resource_type": resource_type, "id": item_id, "error_code": code})
    raise SingleWriteFailed(f"{label} {item_id} could not be {operation}d: {code}")


def _conflict(label: str, current_version: int | None, version_given: bool) -> NoReturn:
    if version_given:
        raise VersionMismatch(
            f"The {label.lower()} is at version {current_version}, not the one If-Match names: nothing was applied. "
            "Read it again (its ETag) and apply your change to it",
            current_version=current_version,
        )
    raise ConcurrentChange(
        f"The {label.lower()} changed while this change was being written: nothing was applied; send it again",
        current_version=current_version,
    )


def _out_of_changes(pointer: str) -> str:
    """An update item's pointer (``#/changes/name``) as a pointer into the merge patch, the request's body."""
    if pointer == "#/changes":
        return "#"
    return "#" + pointer.removeprefix("#/changes") if pointer.startswith("#/changes/") else pointer


def _resource(resource_type: str, operation: Operation, data: Any) -> Resource:
    resource = writable_resource(resource_type, operation).model.model_validate(data)
    assert isinstance(resource, Activity | Child)
    return resource


# --- a delete's precondition ---------------------------------------------------------------------------------------


def _require_version(
    resource_type: str, resource_id: str, caller: Membership, deadline: Deadline, version: int
) -> None:
    """The resource as the delete would find it (role, 404, 403, 500, 503 by the batch's rules), at ``version``."""
    resource = writable_resource(resource_type, "delete")
    writes.require_role(resource, "delete", caller)
    key = canonical_uuid(resource_id)
    if key is None:
        raise InvalidId(ItemFailure.invalid_id().message)
    outcomes: dict[str, Any] = {}
    found = writes._read_current(resource, caller, [key], deadline, outcomes)
    failure = outcomes.get(key)
    if isinstance(failure, ItemFailure):
        _raise(failure, key, resource_type, "delete", version_given=True)
    if key not in found:
        raise StoreUnavailable(f"The {resource.label.lower()} could not be read in time; nothing was applied: retry")
    current = found[key][0].version
    if current != version:
        _conflict(resource.label, current, version_given=True)
