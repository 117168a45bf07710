"""In-process runs for the round-trip and warm measurements: moto's mock in this process, tables from template.yaml,
the demo data, and handlers invoked directly with events from events/ (as the integration tests do).

Call ``bench.common.use_moto_environment()`` before importing this module: the layer reads its settings and binds
its tables when first imported.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench.common import FakeLambdaContext, summary_ms

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class EmulatorClock:
    """Time spent inside moto's emulation of DynamoDB (its botocore ``before-send`` stubber), which stands in for
    the network and DynamoDB itself: subtracted from a handler's time, it leaves the function's own work (its code,
    botocore's request building and response parsing).

    Three sums, the same for a handler that makes one call at a time: ``seconds`` adds every call's wall time;
    ``covered_seconds`` is the wall time during which at least one call was under way (a non-atomic write batch
    sends several at once, from threads: their times overlap); ``cpu_seconds`` is the CPU time the calls' threads
    spent inside moto (subtracted from the process's CPU time, it leaves the function's own CPU work)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.covered_seconds = 0.0
        self.cpu_seconds = 0.0
        self._lock = threading.Lock()
        self._under_way = 0
        self._since = 0.0

    @contextmanager
    def installed(self) -> Iterator[EmulatorClock]:
        from moto.core.botocore_stubber import BotocoreStubber

        original = BotocoreStubber.__call__
        clock = self

        def timed(stubber: Any, *args: Any, **kwargs: Any) -> Any:
            cpu = time.thread_time()
            started = clock._enter()
            try:
                return original(stubber, *args, **kwargs)
            finally:
                clock._leave(started, time.thread_time() - cpu)

        BotocoreStubber.__call__ = timed  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            BotocoreStubber.__call__ = original  # type: ignore[method-assign]

    def _enter(self) -> float:
        with self._lock:
            now = time.perf_counter()
            if self._under_way == 0:
                self._since = now
            self._under_way += 1
            return now

    def _leave(self, started: float, cpu: float) -> None:
        with self._lock:
            now = time.perf_counter()
            self.seconds += now - started
            self.cpu_seconds += cpu
            self._under_way -= 1
            if self._under_way == 0:
                self.covered_seconds += now - self._since


def time_interleaved(actions: dict[str, Callable[[], Any]], samples: int, warmup: int) -> dict[str, dict[str, Any]]:
    """``samples`` timed calls of each action (after ``warmup`` untimed ones), interleaved: wall time, and the own
    work (wall and CPU) outside moto's emulation of DynamoDB (``EmulatorClock``)."""
    for _ in range(warmup):
        for action in actions.values():
            action()
    wall: dict[str, list[float]] = {name: [] for name in actions}
    own: dict[str, list[float]] = {name: [] for name in actions}
    own_cpu: dict[str, list[float]] = {name: [] for name in actions}
    with EmulatorClock().installed() as emulator:
        for _ in range(samples):
            for name, action in actions.items():
                covered, emulated_cpu = emulator.covered_seconds, emulator.cpu_seconds
                cpu = time.process_time()
                started = time.perf_counter()
                action()
                elapsed = time.perf_counter() - started
                used = time.process_time() - cpu
                wall[name].append(elapsed)
                own[name].append(elapsed - (emulator.covered_seconds - covered))
                own_cpu[name].append(used - (emulator.cpu_seconds - emulated_cpu))
    return {
        name: {
            "samples": samples,
            **summary_ms(wall[name]),
            "without_emulator": summary_ms(own[name]),
            "without_emulator_cpu": summary_ms(own_cpu[name]),
        }
        for name in actions
    }


class _Sink(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


_SINK = _Sink()
CHILDREN_PER_CLASSROOM = 25  # sunrise's two classrooms: 50 children for the admin, the batch maximum


@dataclass(frozen=True)
class World:
    """What the seeded tables hold that the measurements ask for."""

    activity_ids: list[str]
    """Activities the sunrise admin may read (its own and the public catalog), in a fixed order."""
    child_ids: list[str]
    """Sunrise children the sunrise admin may see, generated ones, in a fixed order."""
    catalog_size: int
    """Activities in sunrise's visible catalog (what recommendations score)."""


@contextmanager
def world(catalog: list[Any] | None = None) -> Iterator[World]:
    """moto's mock with the template's tables, the core demo data, 50 sunrise children with histories, and either
    the demo catalog (about 340 activities) or ``catalog`` (plus the core activities)."""
    import boto3
    from moto import mock_aws

    from early_learning.domain import PUBLIC_CATALOG
    from early_learning.store import activities, history, memberships
    from local import cfn
    from local.demo import ids
    from local.demo.catalog import generate_activities
    from local.demo.children import generate_children, generate_history
    from local.demo.core import CORE_ACTIVITIES, CORE_MEMBERSHIPS
    from tests.data import extra

    with mock_aws():
        cfn.create_tables(boto3.session.Session(region_name="us-east-1").client("dynamodb"))
        generated = catalog if catalog is not None else generate_activities()
        every_activity = [*CORE_ACTIVITIES, *extra.EXTRA_ACTIVITIES, *generated]
        activities.save([*CORE_ACTIVITIES, *generated])
        memberships.save(CORE_MEMBERSHIPS)
        bulk = [
            *generate_children(ids.SUNRISE, ids.SUNRISE_A, CHILDREN_PER_CLASSROOM),
            *generate_children(ids.SUNRISE, ids.SUNRISE_B, CHILDREN_PER_CLASSROOM),
        ]
        extra.seed_core(bulk)  # the extra activities, the core children and their histories, and the bulk children
        visible = [a for a in every_activity if a.org_id in (ids.SUNRISE, PUBLIC_CATALOG)]
        history.save(generate_history(bulk, sorted(a.id for a in visible)))
        activities.clear_catalog_cache()
        memberships.clear_cache()
        yield World(
            activity_ids=[a.id for a in visible],
            child_ids=[c.id for c in bulk],
            catalog_size=len({a.id for a in visible}),
        )
        activities.clear_catalog_cache()
        memberships.clear_cache()


def clear_caches() -> None:
    """What a new execution environment starts with: no cached membership, no cached catalog."""
    from early_learning.store import activities, memberships

    activities.clear_catalog_cache()
    memberships.clear_cache()


def invoke(handler: Handler, event: dict[str, Any]) -> dict[str, Any]:
    """One invocation; the response must be a 200 (a benchmark never measures errors). The metrics the function
    prints (EMF, for CloudWatch) are still serialized, then dropped."""
    # API Gateway stamps each request with the time it received it; the functions count its 30 s from there.
    event["requestContext"]["timeEpoch"] = int(time.time() * 1000)
    with contextlib.redirect_stdout(_SINK), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "No application metrics to publish" (requests that add none)
        response = handler(event, FakeLambdaContext())
    if response.get("statusCode") != 200:
        raise RuntimeError(f"expected 200, got {response.get('statusCode')}: {str(response.get('body'))[:500]}")
    return response


# --- events ----------------------------------------------------------------------------------------------------


def batch_get_event(ids: list[str]) -> dict[str, Any]:
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    return load_event("batch_get.json", body={"resource_type": "activities", "ids": ids}, sub=ADMIN_SUNRISE_SUB)


def get_activity_event(activity_id: str) -> dict[str, Any]:
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    event = load_event("get_activity.json", sub=ADMIN_SUNRISE_SUB, path=f"/api/v1/activities/{activity_id}")
    event["pathParameters"] = {"id": activity_id}
    return event


def batch_recommendations_event(child_ids: list[str]) -> dict[str, Any]:
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    body = {"child_ids": child_ids, "max_recommendations": 5}
    return load_event("batch_recommendations.json", body=body, sub=ADMIN_SUNRISE_SUB)


def child_recommendations_event(child_id: str) -> dict[str, Any]:
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    event = load_event(
        "child_recommendations.json",
        sub=ADMIN_SUNRISE_SUB,
        path=f"/api/v1/children/{child_id}/recommendations",
        query={"max_recommendations": "5"},
    )
    event["pathParameters"] = {"id": child_id}
    return event


def list_event(name: str, limit: int) -> dict[str, Any]:
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    return load_event(name, sub=ADMIN_SUNRISE_SUB, query={"limit": str(limit)})


PATCH_ACTIVITY = "PATCH /api/v1/activities/{id}"


def batch_write_event(operation: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    """``POST /api/v1/batch/{operation}`` (create, update or delete) by the sunrise admin."""
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    return load_event(f"batch_{operation}.json", body=body, sub=ADMIN_SUNRISE_SUB, headers=headers)


def patch_activity_event(
    activity_id: str, changes: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """``PATCH /api/v1/activities/{id}`` with a JSON Merge Patch (``application/merge-patch+json``), by the sunrise
    admin."""
    from local.demo.ids import ADMIN_SUNRISE_SUB
    from tests.events import load_event

    path = f"/api/v1/activities/{activity_id}"
    event = load_event("update_activity.json", body=changes, sub=ADMIN_SUNRISE_SUB, path=path, headers=headers)
    event["pathParameters"] = {"id": activity_id}
    return event


def handlers() -> dict[str, Handler]:
    from functions.activities.app import handler as activities
    from functions.batch_get.app import handler as batch_get
    from functions.batch_recommendations.app import handler as batch_recommendations
    from functions.batch_write.app import handler as batch_write
    from functions.children.app import handler as children

    return {
        "batch_get": batch_get,
        "activities": activities,
        "batch_recommendations": batch_recommendations,
        "children": children,
        "batch_write": batch_write,
    }


def route_handler(route_key: str) -> Handler | None:
    """The handler of the function template.yaml routes ``route_key`` to, or None while the template has no such
    route (a route being built: the measurements that need it say so and go on without it)."""
    from local import cfn

    for spec in cfn.functions().values():
        if any(route.key == route_key for route in spec.routes):
            return spec.load_handler()
    return None


# --- writes ----------------------------------------------------------------------------------------------------


def written(response: dict[str, Any], expected: int) -> dict[str, Any]:
    """The body of a batch write's answer, which must have applied every one of ``expected`` items."""
    from tests.events import response_json

    body: dict[str, Any] = response_json(response)
    if body["total_succeeded"] != expected or body["total_requested"] != expected:
        failed = [r for r in body["results"] if r["status_code"] >= 300][:3]
        raise RuntimeError(f"{body['total_succeeded']} of {expected} items written: {failed}")
    return body


def create_activities(handler: Handler, count: int, tag: str) -> list[str]:
    """``count`` new sunrise activities (what the admin may update and delete), created with one batch; their ids."""
    from bench.catalog import activity_drafts

    drafts = activity_drafts(count, tag=tag)
    body = {"resource_type": "activities", "items": drafts, "atomic": False}
    written(invoke(handler, batch_write_event("create", body)), count)
    return [str(draft["id"]) for draft in drafts]


def update_body(ids: list[str], duration_minutes: int, atomic: bool = False) -> dict[str, Any]:
    """One batch update: a new ``duration_minutes`` for each activity (a real change: the value differs from the
    last write's)."""
    items = [{"id": key, "changes": {"duration_minutes": duration_minutes}} for key in ids]
    return {"resource_type": "activities", "items": items, "atomic": atomic}
