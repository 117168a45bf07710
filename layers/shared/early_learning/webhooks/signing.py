"""Standard Webhooks v1 signatures: new secrets, the headers of a delivery, their verification (``standardwebhooks``).

A delivery carries ``webhook-id`` (the message's id, the same on every retry), ``webhook-timestamp`` (the
attempt's time, in whole seconds since the epoch) and ``webhook-signature``:
``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``, one per secret, separated by spaces. While a secret is
being rotated (24 hours), the old and the new secret both sign, so that a receiver holding either verifies the
delivery. The HMAC itself is the library's (``Webhook.sign``).
"""

from __future__ import annotations

import base64
import math
import secrets as random_source
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook, WebhookVerificationError

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"

__all__ = [
    "ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookVerificationError",
    "headers",
    "new_secret",
    "verify",
]


def new_secret() -> str:
    """A signing secret: ``whsec_`` + base64 of 32 random bytes from the operating system's CSPRNG."""
    return SECRET_PREFIX + base64.b64encode(random_source.token_bytes(SECRET_BYTES)).decode("ascii")


def headers(message_id: str, timestamp: datetime, body: bytes, secrets: Sequence[str]) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt to deliver ``body`` (the exact bytes sent), signed with each of
    ``secrets`` (one, or two during a rotation) in that order. ``timestamp`` is the attempt's time (timezone-aware;
    it is signed in whole seconds)."""
    if not secrets:
        raise ValueError("at least one secret signs a delivery")
    if timestamp.tzinfo is None:
        raise ValueError("the timestamp must be timezone-aware")
    # standardwebhooks' sign() labels the datetime UTC without converting it: it is converted here, to whole seconds
    # (what the header carries, so that what is signed and what is sent are the same number).
    seconds = math.floor(timestamp.timestamp())
    signed_at = datetime.fromtimestamp(seconds, UTC)
    text = body.decode("utf-8")  # sign() takes text and signs its UTF-8 encoding: the body's own bytes
    signatures = dict.fromkeys(
        Webhook(secret).sign(msg_id=message_id, timestamp=signed_at, data=text) for secret in secrets
    )
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(seconds),
        SIGNATURE_HEADER: " ".join(signatures),
    }


def verify(body: bytes, received_headers: Mapping[str, str], secret: str) -> None:
    """Check a delivery as a receiver does (header names in any case): one of its ``v1`` signatures is ``secret``'s,
    and its timestamp is within 5 minutes of now (the library's tolerance, against replays).

    Raises ``WebhookVerificationError`` when it is not, malformed headers and a body that is not UTF-8 included."""
    webhook = Webhook(secret)  # a malformed secret is the caller's configuration error, not a bad delivery
    try:
        webhook.verify(body, dict(received_headers), json_parse=False)
    except WebhookVerificationError:
        raise
    except ValueError as exc:  # the library's own parsing: "v1" without a comma, bad base64, bad UTF-8
        raise WebhookVerificationError("Malformed signature headers") from exc
