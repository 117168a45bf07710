"""`make webhook-listen`'s verdict on a delivery (local.webhook_listen): verified and printed, or refused (400, so
that the sender retries it) when its signature is not the secret's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from early_learning.webhooks import signing
from local.webhook_listen import verdict

BODY = json.dumps({"type": "batch.job.completed", "timestamp": "2026-02-16T20:00:00Z", "data": {"job_id": "j-1"}})


def test_a_delivery_signed_with_the_secret_is_verified_and_printed() -> None:
    secret = signing.new_secret()
    headers = signing.headers("msg_1", datetime.now(UTC), BODY.encode(), [secret])

    status, line = verdict(secret, BODY.encode(), headers)

    assert status == 204
    assert line == 'verified msg_1 batch.job.completed {"job_id": "j-1"}'


def test_a_delivery_signed_with_another_secret_is_refused() -> None:
    headers = signing.headers("msg_2", datetime.now(UTC), BODY.encode(), [signing.new_secret()])

    status, line = verdict(signing.new_secret(), BODY.encode(), headers)

    assert status == 400
    assert line.startswith("REFUSED msg_2: ")


def test_a_delivery_without_signature_headers_is_refused() -> None:
    status, line = verdict(signing.new_secret(), BODY.encode(), {"content-type": "application/json"})
    assert (status, line.split(":")[0]) == (400, "REFUSED ?")
