"""Standard Webhooks v1 signatures (early_learning.webhooks.signing), checked with the standardwebhooks library the
receivers use."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine
from standardwebhooks import Webhook, WebhookVerificationError

from early_learning.webhooks import signing

SENT_AT = datetime(2026, 2, 16, 20, 0, 0, tzinfo=UTC)
BODY = b'{"type":"batch.job.completed","data":{"job_id":"j-1","total":3}}'
MESSAGE_ID = "msg_2tq9hZ1WZ7l3"


def test_a_new_secret_is_whsec_and_the_base64_of_32_random_bytes() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert len({signing.new_secret() for _ in range(50)}) == 50
    Webhook(secret)  # the library reads it


def test_the_signature_is_the_standard_webhooks_reference_vector() -> None:
    # The example of the Standard Webhooks specification's reference libraries
    headers = signing.headers(
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        datetime.fromtimestamp(1614265330, UTC),
        b'{"test": 2432232314}',
        ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )
    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body_with_the_decoded_secret() -> None:
    secret = signing.new_secret()
    headers = signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret])
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{MESSAGE_ID}.{int(SENT_AT.timestamp())}.".encode() + BODY
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"


@time_machine.travel(SENT_AT + timedelta(seconds=30), tick=False)
def test_during_a_rotation_both_secrets_sign_and_each_verifies_alone() -> None:
    old, new = signing.new_secret(), signing.new_secret()
    headers = signing.headers(MESSAGE_ID, SENT_AT, BODY, [old, new])
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(signature.startswith("v1,") for signature in signatures)
    for secret in (old, new):
        assert Webhook(secret).verify(BODY, headers) == {
            "type": "batch.job.completed",
            "data": {"job_id": "j-1", "total": 3},
        }
        signing.verify(BODY, headers, secret)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(signing.new_secret()).verify(BODY, headers)


@time_machine.travel(SENT_AT, tick=False)
@pytest.mark.parametrize(
    ("body", "changed_headers"),
    [
        (BODY.replace(b'"total":3', b'"total":4'), {}),
        (BODY + b" ", {}),
        (BODY, {"webhook-id": "msg_other"}),
        (BODY, {"webhook-timestamp": str(int(SENT_AT.timestamp()) + 1)}),
    ],
    ids=["a-count", "a-trailing-space", "another-id", "another-timestamp"],
)
def test_a_tampered_body_id_or_timestamp_fails(body: bytes, changed_headers: dict[str, str]) -> None:
    secret = signing.new_secret()
    received = {**signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret]), **changed_headers}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, received)
    with pytest.raises(WebhookVerificationError):
        signing.verify(body, received, secret)


def test_the_timestamp_is_the_attempts_time_in_whole_seconds_whatever_its_time_zone() -> None:
    secret = signing.new_secret()
    in_utc = signing.headers(MESSAGE_ID, SENT_AT.replace(microsecond=999_999), BODY, [secret])
    elsewhere = signing.headers(MESSAGE_ID, SENT_AT.astimezone(timezone(timedelta(hours=-5))), BODY, [secret])
    assert in_utc["webhook-timestamp"] == elsewhere["webhook-timestamp"] == "1771272000"
    assert in_utc == elsewhere
    with pytest.raises(ValueError, match="timezone-aware"):
        signing.headers(MESSAGE_ID, SENT_AT.replace(tzinfo=None), BODY, [secret])


def test_a_retry_keeps_the_webhook_id_and_is_signed_for_its_own_time() -> None:
    secret = signing.new_secret()
    first = signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret])
    retry = signing.headers(MESSAGE_ID, SENT_AT + timedelta(minutes=5), BODY, [secret])
    assert retry["webhook-id"] == first["webhook-id"]
    assert retry["webhook-timestamp"] != first["webhook-timestamp"]
    assert retry["webhook-signature"] != first["webhook-signature"]


@pytest.mark.parametrize(
    ("received_at", "verifies"),
    [
        (SENT_AT, True),
        (SENT_AT + timedelta(minutes=4, seconds=59), True),
        (SENT_AT - timedelta(minutes=4, seconds=59), True),  # the receiver's clock behind the sender's
        (SENT_AT + timedelta(minutes=5, seconds=1), False),  # too old: a replay
        (SENT_AT - timedelta(minutes=5, seconds=1), False),  # too new
    ],
)
def test_a_receiver_accepts_timestamps_within_five_minutes_of_its_clock(received_at: datetime, verifies: bool) -> None:
    secret = signing.new_secret()
    headers = signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret])
    with time_machine.travel(received_at, tick=False):
        if verifies:
            signing.verify(BODY, headers, secret)
        else:
            with pytest.raises(WebhookVerificationError, match="timestamp"):
                signing.verify(BODY, headers, secret)


@time_machine.travel(SENT_AT, tick=False)
def test_header_names_are_matched_in_any_case_and_a_utf8_body_verifies() -> None:
    secret = signing.new_secret()
    body = '{"note":"école"}'.encode()
    headers = signing.headers(MESSAGE_ID, SENT_AT, body, [secret])
    signing.verify(body, {name.title(): value for name, value in headers.items()}, secret)


@time_machine.travel(SENT_AT, tick=False)
@pytest.mark.parametrize(
    "signature",
    ["v1", "v1,not base64!", "v1,a,b", "", "v2,AAAA"],
    ids=["no-comma", "bad-base64", "two-commas", "empty", "another-version"],
)
def test_malformed_headers_fail_as_a_verification_error(signature: str) -> None:
    secret = signing.new_secret()
    headers = {**signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret]), "webhook-signature": signature}
    with pytest.raises(WebhookVerificationError):
        signing.verify(BODY, headers, secret)


@time_machine.travel(SENT_AT, tick=False)
def test_missing_headers_and_a_body_that_is_not_utf8_fail() -> None:
    secret = signing.new_secret()
    headers = signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret])
    for name in headers:
        with pytest.raises(WebhookVerificationError, match="Missing"):
            signing.verify(BODY, {key: value for key, value in headers.items() if key != name}, secret)
    with pytest.raises(WebhookVerificationError):
        signing.verify(b"\xff\xfe", headers, secret)


def test_a_delivery_needs_a_secret_and_one_secret_given_twice_signs_once() -> None:
    with pytest.raises(ValueError, match="secret"):
        signing.headers(MESSAGE_ID, SENT_AT, BODY, [])
    secret = signing.new_secret()
    assert signing.headers(MESSAGE_ID, SENT_AT, BODY, [secret, secret]) == signing.headers(
        MESSAGE_ID, SENT_AT, BODY, [secret]
    )
