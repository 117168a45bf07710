"""Shared plumbing of the table modules: model configuration, call counting and batch reads with backoff."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pynamodb.exceptions import AttributeDeserializationError
from pynamodb.models import Model

from early_learning.envelope import Deadline
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.botocore_data import DynamoDBDataLoader
from early_learning.store.errors import STORE_ERRORS, error_code, is_transient
from early_learning.store.wire import ItemDecoder, keep_items_as_sent

BATCH_GET_LIMIT = 100  # DynamoDB's maximum keys per BatchGetItem

M = TypeVar("M", bound=Model)


def configure(model: type[M], table_name: str) -> type[M]:
    """Point a model at its table and the endpoint/timeouts from settings (one place for every table)."""
    settings = get_settings()
    meta = model.Meta
    meta.table_name = table_name
    meta.region = settings.region
    meta.host = settings.dynamodb_endpoint_url
    meta.connect_timeout_seconds = settings.dynamodb_connect_timeout_s  # type: ignore[assignment]
    meta.read_timeout_seconds = settings.dynamodb_read_timeout_s  # type: ignore[assignment]
    meta.max_retry_attempts = settings.dynamodb_sdk_max_retries
    return model


# --- DynamoDB call counting (metrics per batch, and the round-trip tests) --------------------------------------

_calls: ContextVar[tuple[list[str], ...]] = ContextVar("dynamodb_calls", default=())
_instrumented: set[int] = set()


def _count_call(event_name: str, **_: Any) -> None:
    for calls in _calls.get():
        calls.append(event_name.rsplit(".", 1)[-1])


_CLIENT_SETTINGS = ("region", "host", "connect_timeout_seconds", "read_timeout_seconds", "max_retry_attempts")
"""What ``configure`` sets on a model that its botocore client is made with."""
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


def _client_of(model: type[Model]) -> Any:
    """The model's botocore client: one client for every table configured alike (see ``configure``), created once.

    Why not PynamoDB's own: it gives each model's connection a botocore session and a client of its own, and every
    new session loads and parses botocore's data files again (service model, endpoint rules, partitions): 0.1-0.3 s
    of a cold start per table a route reads (four for recommendations). botocore clients are thread-safe and carry
    no table, so the tables share one. PynamoDB has no option for it: the shared client goes into the connection's
    client slot, where PynamoDB keeps the client it creates. A change of settings (a new endpoint, timeouts or
    retries, as tests make) makes a new client. Its session reads botocore's data through ``DynamoDBDataLoader``
    (why: ``store.botocore_data``), and its reads leave their items as DynamoDB sent them (why: ``store.wire``).
    """
    connection = model._get_connection().connection
    if connection._client is None:
        meta = model.Meta
        key = tuple(getattr(meta, name, None) for name in _CLIENT_SETTINGS)
        with _clients_lock:  # botocore's client creation is not thread-safe
            shared = _clients.get(key)
            if shared is None:
                connection.session.register_component("data_loader", DynamoDBDataLoader())
                _clients[key] = connection.client  # created by PynamoDB, with the model's settings
                keep_items_as_sent(_clients[key])
            else:
                connection._client = shared
    return connection.client


def instrument(model: type[Model]) -> None:
    """Count every DynamoDB request this model's botocore client sends, SDK retries included."""
    client = _client_of(model)
    if id(client) not in _instrumented:
        client.meta.events.register("before-send.dynamodb.*", _count_call)
        _instrumented.add(id(client))


@contextmanager
def counting_calls() -> Iterator[list[str]]:
    """Collect the names of the DynamoDB operations sent inside the block (e.g. ['BatchGetItem']).

    Blocks nest: a call counts in every enclosing block (a test or benchmark around a handler sees the calls of the
    batch, which counts its own for the metrics)."""
    calls: list[str] = []
    token = _calls.set((*_calls.get(), calls))
    try:
        yield calls
    finally:
        _calls.reset(token)


# --- BatchGetItem with backoff ---------------------------------------------------------------------------------


@dataclass
class BatchRead:
    """Raw items found (by key), keys proven absent are simply not in ``items``; ``unfinished`` were not read;
    ``corrupt`` were read but do not deserialize as the table's model (a data bug: item 500)."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    unfinished: set[str] = field(default_factory=set)
    corrupt: set[str] = field(default_factory=set)


# Jitter from the OS (no generator state): with SnapStart, every environment restored from one snapshot would
# otherwise draw the same "random" delays from the generator state `random` had at init, and retry in lockstep.
_jitter = random.SystemRandom().random


def backoff_delay(attempt: int, base_s: float, cap_s: float, rand: Callable[[], float] = _jitter) -> float:
    """Capped exponential backoff with full jitter (AWS Architecture Blog, 'Exponential Backoff And Jitter')."""
    # The exponent is bounded so that a late attempt stays at the cap instead of overflowing the float.
    return float(rand() * min(cap_s, base_s * 2 ** min(attempt, 64)))


def projection(attributes: Iterable[str] | None, always: Iterable[str]) -> list[str] | None:
    """The attributes a read asks for: those wanted and ``always`` (what the table's permission rule reads), or None
    (every attribute) when ``attributes`` is None."""
    return sorted(set(attributes) | set(always)) if attributes is not None else None


def batch_get(
    model: type[Model],
    keys: Iterable[str],
    deadline: Deadline,
    attributes: list[str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    partition: str | None = None,
) -> BatchRead:
    """BatchGetItem for hash keys, one call per 100 keys, with retries of ``UnprocessedKeys``. With ``partition``,
    ``keys`` are range keys under that one hash key (a table keyed by organization, then id: a read for one
    organization can only ever return that organization's items), and ``BatchRead`` is keyed by range key.

    Why not ``Model.batch_get``: PynamoDB resends unprocessed keys at once, in a loop with no backoff and no
    bound, which hammers a throttled table and can run past the Lambda deadline. Here unprocessed keys are
    retried with capped exponential backoff and full jitter, at most ``retry_max_attempts`` times and never past
    the deadline: a call is sent only while the deadline leaves room for the worst case of one SDK call (botocore's
    own timeouts and retries, which no check can interrupt); what is left is reported in ``unfinished`` so the
    caller answers those items 503, retryable.
    Transient errors that botocore's own retries could not absorb are treated the same way (``store.errors``);
    any other error propagates (a programming error must never look like a retryable 503).
    A stored item that does not deserialize as ``model`` is reported in ``corrupt`` and logged by key only.
    """
    settings = get_settings()
    # botocore's timeouts and retries run inside one call: a call starts only if its worst case ends in time.
    call_s = settings.dynamodb_call_worst_case_s
    result = BatchRead()
    hash_key = model._hash_key_attribute().attr_name  # type: ignore[no-untyped-call]
    key_name = hash_key if partition is None else model._range_key_attribute().attr_name  # type: ignore[no-untyped-call]
    scope = {} if partition is None else {hash_key: partition}
    connection = model._get_connection()
    pending = list(dict.fromkeys(keys))
    chunks = [pending[i : i + BATCH_GET_LIMIT] for i in range(0, len(pending), BATCH_GET_LIMIT)]
    for chunk in chunks:
        todo: list[dict[str, Any]] = [{**scope, key_name: key} for key in chunk]
        attempt = 0
        while todo:
            if deadline.remaining_s() < call_s:
                break
            try:
                # PynamoDB types keys as str, but takes (and needs) {hash_key: value} maps here.
                data = connection.batch_get_item(todo, attributes_to_get=attributes)  # type: ignore[arg-type]
            except STORE_ERRORS as exc:
                if not is_transient(exc):
                    raise
                logger.warning("BatchGetItem failed transiently", extra={"error": error_code(exc)})
                unprocessed: list[Any] = todo
            else:
                for raw in data.get("Responses", {}).get(model.Meta.table_name, []):
                    key = str(raw[key_name]["S"])
                    values = attribute_values(model, raw)
                    if values is None:
                        result.corrupt.add(key)
                    else:
                        result.items[key] = values
                unprocessed = data.get("UnprocessedKeys", {}).get(model.Meta.table_name, {}).get("Keys", [])
            todo = list(unprocessed)
            if not todo:
                break
            delay = backoff_delay(attempt, settings.retry_base_delay_s, settings.retry_max_delay_s)
            attempt += 1
            if attempt > settings.retry_max_attempts or delay + call_s > deadline.remaining_s():
                break
            sleep(delay)
        result.unfinished.update(_key_of(key, key_name) for key in todo)
    return result


def _key_of(key: dict[str, Any], key_name: str) -> str:
    """The key (hash, or range under a partition) of a request key: ours are {'id': '...'}, UnprocessedKeys come back
    as {'id': {'S': '...'}}."""
    value = key[key_name]
    return str(value["S"]) if isinstance(value, dict) else str(value)


_decoders: dict[type[Model], ItemDecoder] = {}


def attribute_values(model: type[Model], raw: dict[str, Any]) -> dict[str, Any] | None:
    """A DynamoDB item as the model's attribute values (decoded once, without a model object: ``store.wire``), or
    None (logged by its hash key) when its stored types do not match the model (a number where the model has a
    string, ...): a corrupt record, not a failed request."""
    decoder = _decoders.get(model)
    if decoder is None:
        decoder = _decoders[model] = ItemDecoder(model)
    try:
        return decoder(raw)
    except AttributeDeserializationError:
        hash_key = model._hash_key_attribute().attr_name  # type: ignore[no-untyped-call]
        logger.error("Stored item does not match its model", extra={"id": str(raw.get(hash_key, {}).get("S"))})
        return None


def query_page(
    model: type[Model], index_name: str, partition: str, limit: int | None, last_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One Query call on one partition of an index: the items' attribute values (corrupt ones logged and left
    out) and DynamoDB's LastEvaluatedKey (None when the partition is done).

    Why not ``Index.query``: its iterator turns every item into a model object as it goes, so one item with wrong
    stored types raises in the middle of the listing and fails every page (and catalog) that holds it."""
    data = model._get_connection().query(partition, index_name=index_name, limit=limit, exclusive_start_key=last_key)
    found = (attribute_values(model, raw) for raw in data.get("Items", ()))
    return [values for values in found if values is not None], data.get("LastEvaluatedKey")
