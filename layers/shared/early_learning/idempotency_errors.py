"""The domain errors of idempotent writes (DESIGN 3.8), mapped to HTTP in early_learning.web.problems."""

from __future__ import annotations

from early_learning.domain import DomainError


class IdempotencyKeyInvalid(DomainError):
    """The ``Idempotency-Key`` header is not 1..255 printable ASCII characters (or was sent more than once)."""


class IdempotencyKeyReused(DomainError):
    """The key was used, by the same caller on the same route, for a request with another body."""


class IdempotencyInProgress(DomainError):
    """The first request with this key is still running: retry in ``retry_after_s`` seconds."""

    def __init__(self, detail: str, retry_after_s: int = 1) -> None:
        super().__init__(detail)
        self.retry_after_s = max(1, retry_after_s)


class IdempotentAnswerNotKept(DomainError):
    """The first request with this key was applied, but its answer was too large to keep for replay: nothing is
    applied again, and the answer cannot be given again (read the resources to see the outcome)."""
