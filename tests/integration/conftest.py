"""Fixtures of the integration tests beyond tests/conftest.py: an event loop for Mangum, the core data with a cold
catalog cache, settings overrides and BatchGetItem fault injection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from early_learning.settings import Settings, get_settings
from local.in_process import current_event_loop
from tests.integration.faults import BatchGetSpy
from tests.integration.store_faults import StoreFaults, rebind_clients


@pytest.fixture(autouse=True)
def _current_event_loop() -> Iterator[None]:
    """A current event loop for the test, as a Lambda process has one.

    Mangum runs the app with ``asyncio.get_event_loop()`` on every call; an ``asyncio.run()`` earlier in the same
    process (the e2e tests run before these) leaves the main thread without one, and every handler call then fails.
    """
    with current_event_loop():
        yield


EVENTS_TIME_EPOCH_MS = 1771272000000
"""``requestContext.timeEpoch`` of every event in events/ (2026-02-16T20:00:00Z): when API Gateway received them."""


@pytest.fixture(autouse=True)
def _at_the_events_time() -> Iterator[None]:
    """The wall clock starts where the events' gateway received them, and runs on.

    The functions count API Gateway's 30 s integration timeout from ``timeEpoch`` (DESIGN 3.6), and recommendations
    take "today" from it: the events keep one fixed date, so the clock is brought to it (``time.monotonic``, which
    the deadlines and caches run on, is left alone)."""
    with time_machine.travel(EVENTS_TIME_EPOCH_MS / 1000, tick=True):
        yield


@pytest.fixture
def data(seeded: Any) -> Iterator[Any]:
    """The core activities, memberships, children and histories; each test starts with a cold catalog cache."""
    from early_learning.store import activities
    from tests.data import extra

    extra.seed_core()
    activities.clear_catalog_cache()
    yield seeded
    activities.clear_catalog_cache()


@pytest.fixture
def settings_env() -> Iterator[Callable[..., Settings]]:
    """Override settings the way the template does, with environment variables: ``settings_env(retry_max_attempts=3)``.

    ``get_settings`` is cached once per cold start, so the cache is cleared when the override is applied and again
    when the test ends (after the variables are restored), so no other test sees it.
    """
    with pytest.MonkeyPatch.context() as patch:

        def apply(**values: Any) -> Settings:
            for name, value in values.items():
                patch.setenv(name.upper(), str(value))
            get_settings.cache_clear()
            return get_settings()

        yield apply
    get_settings.cache_clear()


@pytest.fixture
def fast_retries(settings_env: Callable[..., Settings]) -> Settings:
    """Backoff of a few milliseconds, so handler-level retry tests (which really sleep) stay fast."""
    return settings_env(retry_base_delay_s=0.001, retry_max_delay_s=0.004)


@pytest.fixture
def batch_get_spy(aws: Any) -> Iterator[BatchGetSpy]:
    """A ``BatchGetSpy`` hooked into the botocore client of the activities table for the test, then removed."""
    from early_learning.store.activities import ActivityRecord

    spy = BatchGetSpy()
    events = ActivityRecord._get_connection().connection.client.meta.events
    hooks: list[tuple[str, Callable[..., None]]] = [
        ("before-parameter-build.dynamodb.BatchGetItem", spy.before_parameter_build),
        ("before-call.dynamodb.BatchGetItem", spy.before_call),
        ("after-call.dynamodb.BatchGetItem", spy.after_call),
    ]
    for event_name, hook in hooks:
        events.register(event_name, hook)
    try:
        yield spy
    finally:
        for event_name, hook in hooks:
            events.unregister(event_name, hook)


@pytest.fixture
def faults(aws: Any) -> Iterator[StoreFaults]:
    """Faults injected into every table's client for the test; settings and clients restored afterwards."""
    with pytest.MonkeyPatch.context() as env:
        injector = StoreFaults(env)
        injector.hook()
        yield injector
        injector.unhook()
    get_settings.cache_clear()
    if injector.rebound:
        rebind_clients()
