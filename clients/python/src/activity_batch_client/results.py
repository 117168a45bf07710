"""What a batch call returns: ``BatchResult``, its ``Item``s in request order, with ``.succeeded``, ``.failed``
and ``.by_id``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Item(Generic[T]):
    """One item's answer (DESIGN 3.1, 3.7): the item of the batch envelope, success and error alike.

    ``data`` is set on a success, ``error``, ``error_code`` and ``retryable`` on an error (``errors`` for an
    ``invalid_item``, ``current_version`` for a ``version_conflict``)."""

    id: str
    status: Literal["success", "error"]
    status_code: int
    data: T | None = None
    error: str | None = None
    error_code: str | None = None
    retryable: bool = False
    errors: list[dict[str, str]] | None = None
    current_version: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "success"

    @classmethod
    def failure(cls, item_id: str, status_code: int, error_code: str, error: str, *, retryable: bool) -> Item[T]:
        """An error the client itself records for an item (its request was given up after retries)."""
        return cls(item_id, "error", status_code, error=error, error_code=error_code, retryable=retryable)


@dataclass
class BatchResult(Generic[T]):
    """The answers of one client call, whatever the number of requests it took: ``results[i]`` answers the i-th
    item given, in the same order, after the retries."""

    results: list[Item[T]]
    requests: int = 0
    """HTTP requests sent for this call, retries included"""

    def __iter__(self) -> Iterator[Item[T]]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index: int) -> Item[T]:
        return self.results[index]

    @property
    def succeeded(self) -> list[Item[T]]:
        return [item for item in self.results if item.status == "success"]

    @property
    def failed(self) -> list[Item[T]]:
        return [item for item in self.results if item.status == "error"]

    @property
    def by_id(self) -> dict[str, Item[T]]:
        """Each id's answer (an id given twice is answered the same at both positions; the first is kept)."""
        found: dict[str, Item[T]] = {}
        for item in self.results:
            found.setdefault(item.id, item)
        return found

    @property
    def data(self) -> list[T]:
        """The successes' data, in request order: what the guide's ``BatchClient`` returned."""
        return [item.data for item in self.results if item.status == "success" and item.data is not None]

    @property
    def ok(self) -> bool:
        return all(item.status == "success" for item in self.results)
