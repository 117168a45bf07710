"""The Python client's webhook verification (standardwebhooks: the signature of each secret of a rotation, the
timestamp window, tampering), its jobs (submitted with a key, awaited with a progress bar, paged; sync and async),
and the server's limits read into ``Limits``."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook

from activity_batch_client import AsyncClient, Client, Limits, ProtocolError, WebhookVerificationError, verify_webhook
from activity_batch_client.limits import Quota
from activity_batch_client.limits_route import LIMITS_PATH, read_limits
from activity_batch_client.models import Job
from activity_batch_client.progress import ProgressBar, render

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER = "whsec_" + base64.b64encode(b"o" * 32).decode()
EVENT = {
    "type": "batch.job.completed",
    "timestamp": "2026-02-16T20:00:00Z",
    "data": {
        "job_id": "j-1",
        "operation": "get",
        "resource_type": "activities",
        "status": "completed",
        "total": 2000,
        "succeeded": 1990,
        "failed": 10,
        "created_by": "sub-1",
    },
}


def delivery(secret: str, body: str, when: datetime | None = None, msg_id: str = "msg_1") -> dict[str, str]:
    when = when or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, when, body)
    return {"Webhook-Id": msg_id, "Webhook-Timestamp": str(int(when.timestamp())), "Webhook-Signature": signature}


def test_a_signed_delivery_verifies_into_the_typed_event() -> None:
    body = json.dumps(EVENT)
    event = verify_webhook(SECRET, body.encode(), delivery(SECRET, body))
    assert (event.type, event.data.job_id, event.data.failed) == ("batch.job.completed", "j-1", 10)


def test_during_a_rotation_either_secret_verifies() -> None:
    body = json.dumps(EVENT)
    headers = delivery(OTHER, body)
    assert verify_webhook([SECRET, OTHER], body, headers).data.total == 2000
    with pytest.raises(WebhookVerificationError):
        verify_webhook(SECRET, body, headers)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda body, headers: (body.replace("1990", "2000"), headers),
        lambda body, headers: (body, {**headers, "Webhook-Id": "msg_2"}),
        lambda body, headers: (body, {**headers, "Webhook-Signature": "v1,bm90IGl0"}),
        lambda body, headers: (body, {**headers, "Webhook-Signature": "garbage"}),
        lambda body, headers: (body, {k: v for k, v in headers.items() if k != "Webhook-Timestamp"}),
    ],
    ids=["body changed", "id changed", "wrong signature", "malformed signature", "no timestamp"],
)
def test_a_tampered_delivery_is_refused(spoil: object) -> None:
    body = json.dumps(EVENT)
    spoiled_body, spoiled_headers = spoil(body, delivery(SECRET, body))  # type: ignore[operator]
    with pytest.raises(WebhookVerificationError):
        verify_webhook(SECRET, spoiled_body, spoiled_headers)


def test_a_delivery_signed_long_ago_is_refused_as_a_replay() -> None:
    body = json.dumps(EVENT)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify_webhook(SECRET, body, delivery(SECRET, body, datetime.now(UTC) - timedelta(minutes=10)))


def job(processed: int, failed: int, status: str, total: int = 2000) -> Job:
    now = "2026-02-16T20:00:00Z"
    return Job.model_validate(
        {
            "id": "1f2e3d4c-0000-4000-8000-000000000000",
            "operation": "get",
            "resource_type": "activities",
            "status": status,
            "total": total,
            "processed": processed,
            "succeeded": processed - failed,
            "failed": failed,
            "created_at": now,
            "updated_at": now,
            "completed_at": None,
            "expires_at": now,
        }
    )


def test_the_progress_bar_fills_with_the_processed_items() -> None:
    assert render(job(0, 0, "queued"), 10) == "job 1f2e3d4c [..........] 0/2,000 items (0%), 0 failed, queued"
    assert render(job(600, 3, "running"), 10) == "job 1f2e3d4c [###.......] 600/2,000 items (30%), 3 failed, running"
    assert render(job(0, 0, "completed", total=0), 4) == "job 1f2e3d4c [####] 0/0 items (100%), 0 failed, completed"


def test_off_a_terminal_the_progress_bar_prints_a_line_per_change() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, width=4)
    for state in (job(0, 0, "queued"), job(0, 0, "queued"), job(1000, 0, "running"), job(2000, 5, "completed")):
        bar.update(state)
    bar.close()
    assert [line.split("] ")[1] for line in out.getvalue().splitlines()] == [
        "0/2,000 items (0%), 0 failed, queued",
        "1,000/2,000 items (50%), 0 failed, running",
        "2,000/2,000 items (100%), 5 failed, completed",
    ]


def test_limits_must_be_positive_integers() -> None:
    with pytest.raises(ValueError, match="get_ids"):
        Limits(get_ids=0)


SERVER_LIMITS = {
    "batch_get": {"max_ids": 100},
    "recommendations": {"max_child_ids": 50},
    "batch_write": {"max_items": 100, "atomic_max_actions": 80, "atomic_max_bytes": 4194304},
    "jobs": {"max_items": 10000, "max_active": 3},
    "request_body": {"max_bytes": 10485760, "synchronous_max_bytes": 1048576},
    "integration_timeout_ms": 30000,
    "response_body": {"max_bytes": 6291456, "items_max_bytes": 4521984},
    "quotas": [{"policy": "read", "quota": 3000, "window_s": 60, "unit": "items"}],
}


def test_the_servers_limits_are_read_into_limits() -> None:
    limits = read_limits(SERVER_LIMITS)
    assert limits == Limits(
        get_ids=100,
        recommendation_child_ids=50,
        write_items=100,
        atomic_write_items=80,
        job_items=10000,
        request_bytes=1048576,
        quotas=(Quota("read", 3000, 60),),
    )


@pytest.mark.parametrize(
    "broken",
    [{**SERVER_LIMITS, "batch_get": {}}, {**SERVER_LIMITS, "batch_get": {"max_ids": 0}}, [], "limits"],
    ids=["missing", "zero", "a list", "a string"],
)
def test_limits_that_are_not_the_contracts_are_a_protocol_error(broken: object) -> None:
    with pytest.raises(ProtocolError):
        read_limits(broken)


def test_a_client_without_limits_reads_the_servers_once_and_chunks_by_them() -> None:
    from tests.unit.test_client_batching import FakeApi

    api = FakeApi()
    asked: list[str] = []

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path == LIMITS_PATH:
            asked.append(request.headers["authorization"])
            return httpx.Response(200, json={**SERVER_LIMITS, "batch_get": {"max_ids": 40}})
        return api(request)

    with Client("http://api.test", token="t", transport=httpx.MockTransport(route)) as made:
        made.get_many("activities", [f"id-{n}" for n in range(100)])
        made.get_many("activities", ["id-x"])
    assert asked == ["Bearer t"]
    assert sorted(len(body["ids"]) for body in api.bodies) == [1, 20, 40, 40]


class FakeJobs:
    """The jobs routes of one job of 5 items: queued, running, then completed; results in pages of ``limit``."""

    def __init__(self) -> None:
        self.polls = 0
        self.keys: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == "/api/v1/batch/jobs":
            self.keys.append(request.headers["idempotency-key"])
            return httpx.Response(202, json=job(0, 0, "queued", total=5).model_dump(mode="json"))
        if path.endswith("/results"):
            start = int(request.url.params.get("cursor") or 0)
            limit = int(request.url.params["limit"])
            items = [
                {"id": f"i{n}", "status": "success", "status_code": 200, "data": {"id": f"i{n}"}, "index": n}
                for n in range(start, min(start + limit, 5))
            ]
            following = start + limit if start + limit < 5 else None
            return httpx.Response(200, json={"items": items, "next_cursor": str(following) if following else None})
        self.polls += 1
        state = [job(0, 0, "queued", 5), job(2, 0, "running", 5), job(5, 1, "completed", 5)][min(self.polls - 1, 2)]
        return httpx.Response(200, json=state.model_dump(mode="json"))


def test_a_job_is_submitted_with_a_key_awaited_and_paged() -> None:
    fake = FakeJobs()
    out = io.StringIO()
    with Client("http://api.test", token="t", transport=httpx.MockTransport(fake), sleep=lambda s: None) as api:
        handle = api.jobs.submit("get", {"resource_type": "activities", "ids": ["a"] * 5})
        ended = handle.wait(progress=out)
        pages = list(handle.results(page_size=2))
    assert (ended.status, ended.failed) == ("completed", 1)
    assert fake.polls == 3
    assert len(fake.keys) == 1
    assert [[item.index for item in page.items] for page in pages] == [[0, 1], [2, 3], [4]]
    assert out.getvalue().splitlines()[-1].endswith("5/5 items (100%), 1 failed, completed")


def test_the_async_job_handle_does_the_same() -> None:
    fake = FakeJobs()

    async def no_wait(seconds: float) -> None:
        return None

    async def main() -> tuple[Job, list[list[int]]]:
        transport = httpx.MockTransport(fake)
        async with AsyncClient("http://api.test", token="t", transport=transport, sleep=no_wait) as api:
            handle = await api.jobs.submit("get", {"resource_type": "activities", "ids": ["a"] * 5})
            ended = await handle.wait()
            indexes = [[item.index for item in page.items] async for page in handle.results(page_size=3)]
            return ended, indexes

    loop = asyncio.new_event_loop()
    try:
        ended, indexes = loop.run_until_complete(main())
    finally:
        loop.close()
    assert ended.status == "completed"
    assert indexes == [[0, 1, 2], [3, 4]]
