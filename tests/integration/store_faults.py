"""Fault injection for every DynamoDB client of the layer (one per table), through botocore's event hooks: moto
stays untouched.

``faults.BatchGetSpy`` covers BatchGetItem on the activities client; ``StoreFaults`` covers every table and
operation, and can also make each call slow, fail an HTTP attempt below botocore's own retries (a hung or reset
connection), and re-create the clients with other settings (their timeouts and retries are fixed when a client is
created).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError  # type: ignore[import-untyped]
from pynamodb.models import Model

from early_learning.settings import Settings, get_settings
from early_learning.store.activities import ActivityRecord
from early_learning.store.base import configure
from early_learning.store.children import ChildRecord
from early_learning.store.classrooms import ClassroomRecord
from early_learning.store.coaching import CoachingSessionRecord
from early_learning.store.completions import CompletionRecord
from early_learning.store.history import HistoryRecord
from early_learning.store.memberships import MembershipRecord
from early_learning.store.quotas import QuotaRecord

MODELS: tuple[tuple[type[Model], str], ...] = (
    (ActivityRecord, "activities_table"),
    (ChildRecord, "children_table"),
    (HistoryRecord, "history_table"),
    (CompletionRecord, "completions_table"),
    (MembershipRecord, "memberships_table"),
    (QuotaRecord, "quotas_table"),
    (ClassroomRecord, "classrooms_table"),
    (CoachingSessionRecord, "coaching_sessions_table"),
)

CLIENT_SETTINGS = {"dynamodb_connect_timeout_s", "dynamodb_read_timeout_s", "dynamodb_sdk_max_retries"}
"""Settings a botocore client takes when it is created."""

_retired: list[Any] = []
"""Clients replaced by ``rebind_clients``, kept alive: the layer instruments clients by ``id()``, which a new client
must not inherit from a collected one."""


def rebind_clients() -> None:
    """Point every table model at the current settings and drop its connection, so that the next call creates a
    botocore client with the settings' timeouts and retries."""
    settings = get_settings()
    for model, table_setting in MODELS:
        if model._connection is not None:
            _retired.append(model._connection)
        configure(model, getattr(settings, table_setting))
        model._connection = None


def client_error(code: str, operation: str = "BatchGetItem") -> ClientError:
    """What botocore raises once its own retries of a throttled call are exhausted."""
    return ClientError({"Error": {"Code": code, "Message": f"injected {code}"}}, operation)


def cancelled(reason: str) -> ClientError:
    """A TransactWriteItems cancelled for ``reason`` (``TransactionConflict``, ``ConditionalCheckFailed``...), as
    DynamoDB answers it: PynamoDB reads the reasons from the error."""
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": reason, "Message": reason}],
        },
        "TransactWriteItems",
    )


def condition_failed(operation: str = "PutItem") -> ClientError:
    """A single conditional write (PutItem, DeleteItem, UpdateItem) refused by its condition."""
    return client_error("ConditionalCheckFailedException", operation)


def read_timeout() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/")


@dataclass
class Call:
    operation: str
    table: str
    keys: list[str]


Withhold = Callable[[str, int, str], bool]
"""(table, BatchGetItem attempt on that table, key) -> True to report that key unprocessed in that answer."""
Fail = Callable[[str, str, int], BaseException | None]
"""(operation, table, attempt of that operation on that table) -> an error raised before the call is sent."""
Transport = Callable[[str], BaseException | None]
"""operation -> an error raised by each HTTP attempt (botocore retries it like a network error)."""


@dataclass
class StoreFaults:
    env: pytest.MonkeyPatch
    withhold: Withhold = lambda table, attempt, key: False
    fail: Fail = lambda operation, table, attempt: None
    transport: Transport = lambda operation: None
    delay_s: float = 0.0
    """Every API call (of ``slow_operations``, when given) takes this long more (a slow store), before it is sent."""
    slow_operations: frozenset[str] | None = None
    transport_delay_s: float = 0.0
    """Each HTTP attempt with a ``transport`` error takes this long before failing (a read timeout)."""
    calls: list[Call] = field(default_factory=list)
    sends: Counter[str] = field(default_factory=Counter)
    """HTTP attempts per operation, botocore's retries included."""
    _hooked: list[Any] = field(default_factory=list)
    _hash_keys: dict[str, str] = field(default_factory=dict)
    rebound: bool = False

    injected: int = 0
    """Calls or HTTP attempts a fault was injected into."""

    def attempts(self, operation: str = "BatchGetItem", table: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.operation == operation and table in (None, c.table)]

    # --- settings ---------------------------------------------------------------------------------------------

    def settings(self, **values: Any) -> Settings:
        """Override settings the way the template does (environment variables); when they change the clients'
        timeouts or retries, the clients are created again (which costs a few tenths of a second each)."""
        for name, value in values.items():
            self.env.setenv(name.upper(), str(value))
        get_settings.cache_clear()
        if CLIENT_SETTINGS & set(values):
            self.unhook()
            rebind_clients()
            self.rebound = True
            self.hook()
        return get_settings()

    # --- hooks ------------------------------------------------------------------------------------------------

    def hook(self) -> None:
        for model, _ in MODELS:
            events = model._get_connection().connection.client.meta.events
            if any(events is hooked for hooked in self._hooked):
                continue
            events.register_first("before-parameter-build.dynamodb", self._record)
            events.register_first("before-call.dynamodb", self._before_call)
            events.register_first("after-call.dynamodb.BatchGetItem", self._after_batch_get)
            events.register_first("before-send.dynamodb", self._before_send)
            self._hooked.append(events)

    def unhook(self) -> None:
        for events in self._hooked:
            events.unregister("before-parameter-build.dynamodb", self._record)
            events.unregister("before-call.dynamodb", self._before_call)
            events.unregister("after-call.dynamodb.BatchGetItem", self._after_batch_get)
            events.unregister("before-send.dynamodb", self._before_send)
        self._hooked.clear()

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if "RequestItems" in params:
            ((table, request),) = params["RequestItems"].items()
            if isinstance(request, list):  # BatchWriteItem: its requests' keys are not recorded
                self.calls.append(Call(model.name, table, []))
                return
            keys = [next(iter(key.items())) for key in request["Keys"]]
            if keys:
                self._hash_keys[table] = keys[0][0]
            self.calls.append(Call(model.name, table, [value["S"] for _, value in keys]))
        else:
            key = params.get("Key") or {}
            self.calls.append(Call(model.name, params.get("TableName", ""), [v["S"] for v in key.values()]))

    def _before_call(self, model: Any, **_: Any) -> None:
        call = self.calls[-1]
        if self.delay_s and (self.slow_operations is None or call.operation in self.slow_operations):
            time.sleep(self.delay_s)
        attempt = sum(1 for c in self.calls if (c.operation, c.table) == (call.operation, call.table)) - 1
        error = self.fail(call.operation, call.table, attempt)
        if error is not None:
            self.injected += 1
            raise error

    def _after_batch_get(self, parsed: dict[str, Any], **_: Any) -> None:
        call = self.calls[-1]
        attempt = len(self.attempts("BatchGetItem", call.table)) - 1
        withheld = [key for key in call.keys if self.withhold(call.table, attempt, key)]
        if not withheld:
            return
        self.injected += 1
        hash_key = self._hash_keys[call.table]
        responses = parsed.setdefault("Responses", {})
        responses[call.table] = [i for i in responses.get(call.table, []) if i[hash_key]["S"] not in withheld]
        parsed["UnprocessedKeys"] = {call.table: {"Keys": [{hash_key: {"S": key}} for key in withheld]}}

    def _before_send(self, request: Any, **_: Any) -> None:
        target = request.headers.get("X-Amz-Target", "")  # "DynamoDB_20120810.BatchGetItem"
        operation = (target.decode() if isinstance(target, bytes) else str(target)).rpartition(".")[2]
        self.sends[operation] += 1
        error = self.transport(operation)
        if error is not None:
            self.injected += 1
            time.sleep(self.transport_delay_s)
            raise error
