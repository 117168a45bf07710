"""The domain errors of single-resource writes (DESIGN 3.3): a one-item batch's failed item, raised for the request as
a whole; mapped to HTTP in early_learning.web.problems (the domain knows no status codes).

Each class's ``kind`` names why the write was refused in the batch items' words (``error_code``), independently of
how the transport answers it. Missing or invisible resources are ``domain.NotFound``, malformed ids
``domain.InvalidId``, a store that did not answer in time ``domain.StoreUnavailable``: what the single reads raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from early_learning.domain import DomainError, InvalidRequest


class ItemRejected(DomainError):
    """The resource's write was refused for a reason of its own (the batch item's ``error_code`` is ``kind``)."""

    kind: ClassVar[str] = "rejected"

    def __init__(
        self, detail: str, *, errors: Sequence[dict[str, str]] = (), current_version: int | None = None
    ) -> None:
        super().__init__(detail)
        self.errors: tuple[dict[str, str], ...] = tuple(errors)
        """``invalid_item``: a JSON pointer into the request body and a message per invalid field."""
        self.current_version = current_version
        """``version_mismatch`` and ``concurrent_change``: the version stored now."""


class InvalidResource(ItemRejected):
    """The body does not make a valid resource (schema, a field that is not writable, a required field reset)."""

    kind = "invalid_item"


class WriteForbidden(ItemRejected):
    """The caller sees the resource but may not change it (the public catalog; a field its role may not change)."""

    kind = "forbidden"


class AlreadyExists(ItemRejected):
    """A create with a client-chosen id that is already taken."""

    kind = "already_exists"


class VersionMismatch(ItemRejected):
    """The version the change was made against (``If-Match``) is not the stored one: nothing was applied."""

    kind = "version_conflict"


class ConcurrentChange(ItemRejected):
    """Without a version given, the resource changed between its read and the conditional write: nothing was
    applied, and sending the same request again applies it to the new version."""

    kind = "concurrent_change"


class InvalidPrecondition(InvalidRequest):
    """A precondition that cannot be read (a malformed ``If-Match``)."""
