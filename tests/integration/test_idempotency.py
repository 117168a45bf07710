"""Idempotent writes (DESIGN 3.8) inside a function, under moto: a small app made by ``create_app`` whose write routes
count how often their service call runs, called through Mangum with HTTP API v2 events, the idempotency table built
from template.yaml."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from fastapi import Response
from mangum import Mangum
from pydantic import BaseModel, ConfigDict

from early_learning.domain import NotFound
from early_learning.settings import get_settings
from early_learning.store import idempotency as store
from early_learning.web import MANGUM_HANDLERS, CurrentCaller, ResourceId, create_app, observed
from early_learning.web.idempotency import KEY_PREFIX, Answer, Idempotent, fingerprint
from local import cfn
from local.demo import ids
from local.in_process import current_event_loop
from tests.conftest import FakeLambdaContext
from tests.events import load_event, response_json
from tests.integration import store_faults
from tests.integration.store_faults import StoreFaults, client_error

IDEMPOTENCY_TABLE = "IdempotencyTable"
KEY = "5b0e6f3c-8f1e-4c4e-9a43-0d6c1f1f2a10"


class NewThing(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    size: int = 1
    tags: list[str] = []


class Thing(BaseModel):
    id: str
    name: str
    size: int
    made_by_run: int


@dataclass
class Service:
    """The write service behind the routes: it counts its runs, and fails or waits when a test says so."""

    runs: list[str] = field(default_factory=list)
    fail_with: Exception | None = None
    during_run: Callable[[], None] | None = None

    def make(self, body: NewThing) -> Thing:
        self.runs.append(body.name)
        if self.during_run is not None:
            self.during_run()
        if self.fail_with is not None:
            raise self.fail_with
        return Thing(id=f"thing-{len(self.runs)}", name=body.name, size=body.size, made_by_run=len(self.runs))


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def build_handler(service: Service) -> Handler:
    app = create_app("Idempotency under test", "Write routes that count their runs")

    def made(thing: Thing) -> Answer:
        return Answer.of(thing, 201, {"Location": f"/things/{thing.id}", "ETag": f'"{thing.made_by_run}"'})

    @app.post("/things", status_code=201, response_model=Thing)
    async def make_thing(body: NewThing, caller: CurrentCaller, idempotent: Idempotent) -> Response:
        return idempotent(lambda: made(service.make(body)))

    @app.post("/other-things", status_code=201, response_model=Thing)
    async def make_other_thing(body: NewThing, caller: CurrentCaller, idempotent: Idempotent) -> Response:
        return idempotent(lambda: made(service.make(body)))

    @app.delete("/things/{id}", status_code=204)
    async def remove_thing(thing_id: ResourceId, caller: CurrentCaller, idempotent: Idempotent) -> Response:
        def remove() -> Answer:
            service.runs.append(f"delete {thing_id}")
            return Answer.of(None, 204, {"ETag": '"7"'})

        return idempotent(remove)

    return observed(Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS))


@pytest.fixture
def service() -> Service:
    return Service()


@dataclass
class Api:
    handler: Handler
    context: FakeLambdaContext

    def call(
        self,
        body: Any = None,
        *,
        key: str | None = KEY,
        path: str = "/things",
        method: str = "POST",
        sub: str = ids.ADMIN_SUNRISE_SUB,
        raw_body: str | None = None,
    ) -> dict[str, Any]:
        headers = {} if key is None else {"idempotency-key": key}
        event = load_event(
            "batch_get.json",
            body=body if body is not None or raw_body is not None else {"name": "kite"},
            raw_body=raw_body,
            path=path,
            headers=headers,
            sub=sub,
        )
        event["requestContext"]["http"]["method"] = method
        event["routeKey"] = f"{method} {path}"
        return self.handler(event, self.context)


@pytest.fixture
def api(seeded: Any, service: Service, lambda_context: FakeLambdaContext) -> Api:
    return Api(build_handler(service), lambda_context)


@pytest.fixture
def faults(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StoreFaults]:
    """tests/integration/conftest.py's ``faults``, with the idempotency table's client hooked too."""
    monkeypatch.setattr(store_faults, "MODELS", (*store_faults.MODELS, (store.IdempotencyItem, "idempotency_table")))
    with pytest.MonkeyPatch.context() as env:
        injector = StoreFaults(env)
        injector.hook()
        yield injector
        injector.unhook()
    get_settings.cache_clear()


def created(response: dict[str, Any]) -> Any:
    assert response["statusCode"] == 201, response.get("body")
    return response_json(response)


def problem(response: dict[str, Any], status: int) -> dict[str, Any]:
    assert response["statusCode"] == status, response.get("body")
    assert response["headers"]["content-type"] == "application/problem+json"
    body: dict[str, Any] = response_json(response)
    assert body["status"] == status
    return body


def records(aws: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = aws.scan(TableName=IDEMPOTENCY_TABLE, ConsistentRead=True)["Items"]
    return items


def record_id(sub: str, route: str, key: str) -> str:
    """The id powertools gives a key's record: the prefix and the sha256 of the caller, the route and the key."""
    return f"{KEY_PREFIX}#{hashlib.sha256(json.dumps([sub, route, key]).encode()).hexdigest()}"


def validation_of(route: str, body: Any) -> str:
    """The hash powertools keeps to tell "the same body": of the route's and body's fingerprint."""
    return hashlib.sha256(json.dumps(fingerprint(route, body)).encode()).hexdigest()


# --- replay ---------------------------------------------------------------------------------------------------


def test_a_repeat_gets_the_first_answer_again_and_the_service_runs_once(api: Api, service: Service) -> None:
    # Given a write that was answered
    first = api.call({"name": "kite", "size": 2})
    assert created(first) == {"id": "thing-1", "name": "kite", "size": 2, "made_by_run": 1}
    assert "idempotent-replayed" not in first["headers"]
    # When the client sends it again with the same key (a lost answer), with the members in another order
    again = api.call(raw_body='{"size": 2,   "name": "kite"}')
    # Then it gets the first answer: status, body and headers, marked as replayed, and nothing ran twice
    assert again["statusCode"] == 201
    assert response_json(again) == response_json(first)
    assert again["body"] == first["body"]
    for header in ("location", "etag", "content-type"):
        assert again["headers"][header] == first["headers"][header]
    assert again["headers"]["idempotent-replayed"] == "true"
    assert again["headers"]["cache-control"] == "no-store"
    assert service.runs == ["kite"]


def test_a_replay_of_no_content_is_no_content_again(api: Api, service: Service) -> None:
    first = api.call(path="/things/t-1", method="DELETE", raw_body="")
    again = api.call(path="/things/t-1", method="DELETE", raw_body="")
    assert first["statusCode"] == again["statusCode"] == 204
    assert first["body"] == again["body"] == ""
    assert again["headers"]["etag"] == first["headers"]["etag"] == '"7"'
    assert again["headers"]["idempotent-replayed"] == "true"
    assert service.runs == ["delete t-1"]


def test_the_same_key_with_another_body_is_a_422_problem_and_nothing_runs(api: Api, service: Service) -> None:
    created(api.call({"name": "kite"}))
    body = problem(api.call({"name": "kite", "size": 3}), 422)
    assert "another body" in body["detail"]
    assert KEY not in json.dumps(body)
    assert service.runs == ["kite"]
    # The first answer is still replayed for the first body
    assert api.call({"name": "kite"})["headers"]["idempotent-replayed"] == "true"


# --- in flight ------------------------------------------------------------------------------------------------


def test_the_same_key_while_the_first_request_runs_is_a_409_problem_with_retry_after(
    api: Api, service: Service, lambda_context: FakeLambdaContext
) -> None:
    # Given a first request whose service call is still running when the same request arrives again
    during: dict[str, Any] = {}

    def send_the_same_request() -> None:
        def in_another_environment() -> None:
            with current_event_loop():
                during["response"] = api.call({"name": "kite"})

        worker = threading.Thread(target=in_another_environment)
        worker.start()
        worker.join()

    service.during_run = send_the_same_request
    first = api.call({"name": "kite"})
    # Then the second was told to retry later, and only the first ran
    body = problem(during["response"], 409)
    assert "still being processed" in body["detail"]
    assert int(during["response"]["headers"]["retry-after"]) >= 1
    assert service.runs == ["kite"]
    # And once the first is done, the retry gets its answer
    service.during_run = None
    again = api.call({"name": "kite"})
    assert again["headers"]["idempotent-replayed"] == "true"
    assert again["body"] == first["body"]


def test_a_record_in_progress_holds_the_key_until_its_run_can_no_longer_be_running(
    api: Api, service: Service, aws: Any
) -> None:
    # Given a record in progress, left by a run whose Lambda stopped (a timeout) 29 s from now
    now = time.time()
    store.IdempotencyItem(
        record_id(ids.ADMIN_SUNRISE_SUB, "POST /things", KEY),
        status="INPROGRESS",
        expiration=int(now) + 86_400,
        in_progress_expiration=int((now + 29) * 1000),
        validation=validation_of("POST /things", {"name": "kite"}),
    ).save()
    # When the request comes before that: 409, and nothing runs
    response = api.call({"name": "kite"})
    problem(response, 409)
    assert response["headers"]["retry-after"] == "1"
    assert service.runs == []
    # When it comes after: the key is free again, and the request runs
    with time_machine.travel(now + 30, tick=True):
        assert created(api.call({"name": "kite"}))["made_by_run"] == 1
    assert service.runs == ["kite"]


# --- scope ----------------------------------------------------------------------------------------------------


def test_keys_are_scoped_to_the_caller(api: Api, service: Service) -> None:
    created(api.call({"name": "kite"}, sub=ids.ADMIN_SUNRISE_SUB))
    other = api.call({"name": "kite"}, sub=ids.ADMIN_MAPLE_SUB)
    assert created(other)["made_by_run"] == 2
    assert "idempotent-replayed" not in other["headers"]
    assert service.runs == ["kite", "kite"]


def test_keys_are_scoped_to_the_route_and_its_path(api: Api, service: Service) -> None:
    created(api.call({"name": "kite"}, path="/things"))
    assert created(api.call({"name": "kite"}, path="/other-things"))["made_by_run"] == 2
    # The same key on two resources of one route template is two requests too
    assert api.call(path="/things/a", method="DELETE", raw_body="")["statusCode"] == 204
    again = api.call(path="/things/b", method="DELETE", raw_body="")
    assert again["statusCode"] == 204
    assert "idempotent-replayed" not in again["headers"]
    assert service.runs == ["kite", "kite", "delete a", "delete b"]


# --- expiry ---------------------------------------------------------------------------------------------------


def test_a_key_is_kept_24_hours_and_then_runs_again(api: Api, service: Service) -> None:
    ttl = get_settings().idempotency_ttl_s
    assert ttl == 24 * 3600
    now = time.time()
    created(api.call({"name": "kite"}))
    with time_machine.travel(now + ttl - 60, tick=True):
        assert api.call({"name": "kite"})["headers"]["idempotent-replayed"] == "true"
    assert service.runs == ["kite"]
    # Past its expiry the record is not replayed (even before DynamoDB's TTL deletes it): the request runs again
    with time_machine.travel(now + ttl + 5, tick=True):
        again = api.call({"name": "kite"})
        assert created(again)["made_by_run"] == 2
        assert "idempotent-replayed" not in again["headers"]
        assert api.call({"name": "kite"})["headers"]["idempotent-replayed"] == "true"
    assert service.runs == ["kite", "kite"]


# --- the header -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["", "k" * 256, "bad\x01key", "tab\tkey", "cl\u00e9", "\u2603"],
    ids=["empty", "256 characters", "control character", "tab", "latin-1", "non-latin-1"],
)
def test_a_key_that_is_not_1_to_255_printable_ascii_characters_is_a_400_problem(
    api: Api, service: Service, aws: Any, key: str
) -> None:
    body = problem(api.call({"name": "kite"}, key=key), 400)
    assert body["title"] == "Invalid Idempotency-Key"
    assert "printable ASCII" in body["detail"]
    if key:
        assert key not in json.dumps(body)
    assert service.runs == []
    assert records(aws) == []


def test_a_key_of_255_printable_characters_with_spaces_inside_is_accepted(api: Api, service: Service) -> None:
    key = ("a b~!" * 51)[:255]
    created(api.call({"name": "kite"}, key=key))
    assert api.call({"name": "kite"}, key=key)["headers"]["idempotent-replayed"] == "true"
    assert service.runs == ["kite"]


def test_without_the_header_nothing_is_recorded_and_every_request_runs(api: Api, service: Service, aws: Any) -> None:
    first = api.call({"name": "kite"}, key=None)
    second = api.call({"name": "kite"}, key=None)
    assert created(first)["made_by_run"] == 1
    assert created(second)["made_by_run"] == 2
    assert "idempotent-replayed" not in second["headers"]
    assert records(aws) == []


def test_a_request_the_route_refuses_records_nothing(api: Api, service: Service, aws: Any) -> None:
    problem(api.call({"name": 7}), 422)  # strict schema: the service never runs
    problem(api.call(raw_body="{not json"), 400)
    assert records(aws) == []
    assert created(api.call({"name": "kite"}))["made_by_run"] == 1


# --- failures release the key ---------------------------------------------------------------------------------


def test_an_unexpected_exception_releases_the_key_and_a_retry_runs(api: Api, service: Service, aws: Any) -> None:
    service.fail_with = RuntimeError("the database password is hunter2")
    body = problem(api.call({"name": "kite"}), 500)
    assert "hunter2" not in json.dumps(body)
    assert records(aws) == []
    service.fail_with = None
    retried = api.call({"name": "kite"})
    assert created(retried)["made_by_run"] == 2
    assert "idempotent-replayed" not in retried["headers"]
    assert service.runs == ["kite", "kite"]


def test_a_whole_request_domain_error_is_its_problem_and_releases_the_key(api: Api, service: Service) -> None:
    service.fail_with = NotFound("Thing not found")
    problem(api.call({"name": "kite"}), 404)
    problem(api.call({"name": "kite"}), 404)
    assert service.runs == ["kite", "kite"]


def test_a_transient_failure_of_the_idempotency_table_is_a_503_problem_and_nothing_runs(
    api: Api, service: Service, faults: StoreFaults
) -> None:
    def throttled(operation: str, table: str, attempt: int) -> BaseException | None:
        error: BaseException = client_error("ProvisionedThroughputExceededException", operation)
        return error if table == IDEMPOTENCY_TABLE else None

    faults.fail = throttled
    response = api.call({"name": "kite"})
    problem(response, 503)
    assert faults.injected
    assert int(response["headers"]["retry-after"]) >= 1
    assert service.runs == []


def test_an_answer_that_could_not_be_kept_is_still_returned(api: Api, service: Service, faults: StoreFaults) -> None:
    # Given the store failing to complete the record (its second write), after the service has run
    def completion_fails(operation: str, table: str, attempt: int) -> BaseException | None:
        error: BaseException = client_error("ProvisionedThroughputExceededException", operation)
        return error if (table, operation, attempt) == (IDEMPOTENCY_TABLE, "PutItem", 1) else None

    faults.fail = completion_fails
    # Then the client gets the answer of what was applied (an error would invite a retry)
    assert created(api.call({"name": "kite"}))["made_by_run"] == 1
    # And a repeat meanwhile is told to wait: the record stays in progress until its run's deadline
    problem(api.call({"name": "kite"}), 409)
    assert service.runs == ["kite"]


def test_an_answer_too_large_to_keep_is_never_applied_twice(
    api: Api, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "MAX_ANSWER_BYTES", 10)
    created(api.call({"name": "kite"}))
    response = api.call({"name": "kite"})
    body = problem(response, 409)
    assert body["title"] == "Already applied"
    assert "retry-after" not in response["headers"]
    assert service.runs == ["kite"]


# --- what the table holds -------------------------------------------------------------------------------------


def test_the_record_holds_no_caller_or_key_in_clear_and_expires_by_ttl(api: Api, aws: Any) -> None:
    now = time.time()
    first = api.call({"name": "kite"})
    (item,) = records(aws)
    assert item["id"]["S"] == record_id(ids.ADMIN_SUNRISE_SUB, "POST /things", KEY)
    assert item["status"]["S"] == "COMPLETED"
    assert now + 86_400 - 5 <= int(item["expiration"]["N"]) <= time.time() + 86_400
    assert "in_progress_expiration" not in item
    clear = json.dumps({name: value for name, value in item.items() if name != "data"})
    assert ids.ADMIN_SUNRISE_SUB not in clear
    assert KEY not in clear
    # The answer is kept compressed, as it was sent
    kept = json.loads(store.decompress(item["data"]["B"]))
    assert kept["body"] == first["body"]
    # TTL deletes records on the attribute the persistence layer writes
    table = cfn.resources("AWS::DynamoDB::Table")[IDEMPOTENCY_TABLE]
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
