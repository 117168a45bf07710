"""The webhook routes under moto (DESIGN 3.10): registration with its secret shown once, listing without secrets,
deletion, rotation, the deliveries log; admins only, each organization its own endpoints; URLs refused at
registration (SSRF), with a resolver injected where a name is resolved; idempotent registration."""

from __future__ import annotations

import base64
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from early_learning.services import webhooks as service
from early_learning.settings import Settings
from functions.webhooks.app import handler
from local.demo import ids
from tests.conftest import FakeLambdaContext
from tests.events import load_event, response_json
from tests.integration.children_support import Answer

UNKNOWN_SUB = "0bad0000-0000-4000-8000-000000000099"
EVENT_TIME = datetime(2026, 2, 16, 20, 0, tzinfo=UTC)  # requestContext.timeEpoch of events/
DNS = {"hooks.example.org": ["93.184.215.14"], "inside.example.org": ["93.184.215.14", "10.0.0.8"]}
"""What the injected resolver answers: a public name, and one with a private address among its public ones."""


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names resolve as ``DNS`` says (no network); any other name does not resolve."""

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in DNS[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def send(event: dict[str, Any]) -> Answer:
    response = handler(event, FakeLambdaContext())
    body = response_json(response) if response.get("body") else None
    return Answer(response["statusCode"], body, dict(response.get("headers") or {}))


def register(
    url: str = "https://hooks.example.org/in",
    sub: str = ids.ADMIN_SUNRISE_SUB,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> Answer:
    payload = {"url": url, "events": ["batch.job.completed"], **body}
    return send(load_event("register_webhook.json", body=payload, sub=sub, headers=headers))


def listed(sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    return send(load_event("list_webhooks.json", sub=sub))


def on_endpoint(name: str, endpoint_id: str, sub: str = ids.ADMIN_SUNRISE_SUB) -> Answer:
    event = load_event(name, sub=sub)
    route = event["routeKey"].split(" ", 1)[1]
    event["rawPath"] = event["requestContext"]["http"]["path"] = route.replace("{id}", endpoint_id)
    event["pathParameters"] = {"id": endpoint_id}
    return send(event)


def test_an_admin_registers_an_endpoint_and_sees_its_secret_only_once(data: Any) -> None:
    answer = register(description="Nightly imports")

    assert answer.status == 201
    created = answer.body
    assert answer.headers["location"] == f"/api/v1/webhooks/{created['id']}"
    assert (created["url"], created["events"]) == ("https://hooks.example.org/in", ["batch.job.completed"])
    assert created["description"] == "Nightly imports"
    assert created["enabled"] is True
    assert datetime.fromisoformat(created["created_at"]) >= EVENT_TIME
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"), validate=True)) == 32
    (item,) = listed().body["items"]
    assert item["id"] == created["id"]
    assert "secret" not in item
    assert created["secret"] not in str(listed().body)


def test_only_admins_manage_webhooks(data: Any) -> None:
    endpoint = register().body
    for sub in (ids.TEACHER_SUNRISE_SUB, ids.PARENT_SUNRISE_SUB):
        answers = [
            register(sub=sub),
            listed(sub=sub),
            on_endpoint("rotate_webhook.json", endpoint["id"], sub=sub),
            on_endpoint("webhook_deliveries.json", endpoint["id"], sub=sub),
            on_endpoint("delete_webhook.json", endpoint["id"], sub=sub),
        ]
        assert [answer.status for answer in answers] == [403] * 5
        assert all(answer.headers["content-type"] == "application/problem+json" for answer in answers)
        assert "admins" in answers[0].body["detail"]
    assert [item["id"] for item in listed().body["items"]] == [endpoint["id"]]  # nothing was changed


def test_a_caller_without_membership_is_refused(data: Any) -> None:
    assert register(sub=UNKNOWN_SUB).status == 403
    assert listed(sub=UNKNOWN_SUB).status == 403


def test_an_endpoint_belongs_to_its_organization(data: Any) -> None:
    sunrise = register().body
    maple = register(sub=ids.ADMIN_MAPLE_SUB).body

    assert [item["id"] for item in listed(sub=ids.ADMIN_MAPLE_SUB).body["items"]] == [maple["id"]]
    for name in ("rotate_webhook.json", "webhook_deliveries.json", "delete_webhook.json"):
        answer = on_endpoint(name, sunrise["id"], sub=ids.ADMIN_MAPLE_SUB)
        assert answer.status == 404, name
        assert answer.body["detail"] == "No such webhook endpoint in your organization"
    assert [item["id"] for item in listed().body["items"]] == [sunrise["id"]]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.org/in", "https"),
        ("https://127.0.0.1/in", "public"),
        ("https://inside.example.org/in", "public"),
        ("https://10.1.2.3/in", "public"),
        ("https://[fd00::1]/in", "public"),
        ("https://169.254.169.254/latest", "public"),
        ("https://0x7f.1/in", "numeric"),
        ("https://nowhere.example.org/in", "does not resolve"),
        ("https://admin:pw@hooks.example.org/in", "user name"),
    ],
)
def test_urls_that_could_reach_inside_are_refused_at_registration(data: Any, url: str, reason: str) -> None:
    answer = register(url)

    assert answer.status == 400
    assert reason in answer.body["detail"]
    assert "10.0.0.8" not in answer.body["detail"]  # the message never names what the host resolved to
    assert listed().body["items"] == []


def test_loopback_http_is_refused_on_aws_and_allowed_by_the_local_setting(
    data: Any, settings_env: Callable[..., Settings]
) -> None:
    assert register("http://127.0.0.1:9000/in").status == 400
    settings_env(webhook_allow_local_http="true")
    assert register("http://127.0.0.1:9000/in").status == 201


def test_registration_with_an_idempotency_key_is_applied_once(data: Any) -> None:
    key = {"idempotency-key": "3c1b6f0e-4b4d-4f8e-a0ad-3c2f5b0d9e77"}
    first = register(headers=key)
    again = register(headers=key)

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body  # the same endpoint and secret
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert len(listed().body["items"]) == 1
    other = register("https://hooks.example.org/other", headers=key)
    assert other.status == 422


def test_an_organization_has_at_most_20_endpoints(data: Any) -> None:
    for index in range(service.MAX_ENDPOINTS_PER_ORG):
        assert register(f"https://hooks.example.org/{index}").status == 201

    refused = register("https://hooks.example.org/one-more")

    assert refused.status == 409
    assert "at most 20" in refused.body["detail"]
    assert register(sub=ids.ADMIN_MAPLE_SUB).status == 201  # another organization has its own


def test_a_deleted_endpoint_is_gone(data: Any) -> None:
    endpoint = register().body

    deleted = on_endpoint("delete_webhook.json", endpoint["id"])

    assert (deleted.status, deleted.body) == (204, None)
    assert listed().body["items"] == []
    assert on_endpoint("delete_webhook.json", endpoint["id"]).status == 404
    assert on_endpoint("webhook_deliveries.json", endpoint["id"]).status == 404


def test_rotation_gives_a_new_secret_and_keeps_the_old_one_for_24_hours(data: Any) -> None:
    endpoint = register().body

    rotated = on_endpoint("rotate_webhook.json", endpoint["id"])

    assert rotated.status == 200
    assert rotated.body["id"] == endpoint["id"]
    assert rotated.body["secret"].startswith("whsec_")
    assert rotated.body["secret"] != endpoint["secret"]
    until = datetime.fromisoformat(rotated.body["previous_secret_expires_at"])
    assert timedelta(hours=23, minutes=59) < until - EVENT_TIME < timedelta(hours=24, minutes=1)
    assert on_endpoint("rotate_webhook.json", "3f6b0000-0000-4000-8000-0000000000ff").status == 404


def test_the_signing_secrets_follow_the_rotation_overlap(data: Any) -> None:
    from early_learning.store import webhooks as store

    endpoint = register().body
    rotated = on_endpoint("rotate_webhook.json", endpoint["id"]).body
    stored = store.get_endpoint(ids.SUNRISE, endpoint["id"])
    assert stored is not None
    until = datetime.fromisoformat(rotated["previous_secret_expires_at"])

    assert stored.signing_secrets(until - timedelta(seconds=1)) == [rotated["secret"], endpoint["secret"]]
    assert stored.signing_secrets(until) == [rotated["secret"]]


def test_a_new_endpoint_has_an_empty_deliveries_log(data: Any) -> None:
    endpoint = register().body
    answer = on_endpoint("webhook_deliveries.json", endpoint["id"])
    assert (answer.status, answer.body) == (200, {"items": []})
