"""One action of a conditional write (``WriteAction``): what the table modules declare for ``store.writes`` to send.

Its own module so that a table module can declare its writes (``store.history`` declares a child's history's)
without importing the writing machinery (transactions, a thread pool): a function that only reads, like batch GET,
imports that table module for its reads and never the writes (README, "Performance": what a cold start imports).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

Kind = Literal["check", "delete", "put", "update"]


# A NamedTuple, not a frozen dataclass: a fourth of the cost to define at each cold start (README, "Performance").
class WriteAction(NamedTuple):
    """One action of an item's write: ``record`` with ``condition`` (``actions`` for an update; for a check, the
    record only names the key)."""

    kind: Kind
    record: Model
    condition: Condition | None = None
    actions: tuple[Action, ...] = ()
