"""One attempt of one delivery: the endpoint read, its URL checked again, the event signed and posted, the attempt
logged, and what comes next decided (``schedule``).

Nothing is delivered to an endpoint that was deleted or disabled meanwhile. A URL that no longer passes the checks
(its name now resolves to a private address) is a failed attempt, retried like a 5xx. ``410 Gone`` disables the
endpoint. The log holds ids, status codes and times only, never the body nor a secret.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime

from early_learning.domain import InvalidRequest
from early_learning.observability import logger
from early_learning.store import webhooks as store
from early_learning.webhooks import delivery, signing
from early_learning.webhooks.messages import DeliveryMessage
from early_learning.webhooks.models import DeliveryAttempt
from early_learning.webhooks.schedule import Outcome, next_delay, outcome
from early_learning.webhooks.targets import Resolver, check_url, resolve

DEAD_LETTERED = "dead_lettered"
"""The log's outcome of a last attempt that failed: the message goes to the dead-letter queue."""
GONE_REASON = "The endpoint answered 410 Gone"


@dataclass(frozen=True)
class Result:
    outcome: Outcome | None
    """None: nothing was attempted (the endpoint was deleted or disabled meanwhile)."""
    retry_in_s: int | None = None
    """With ``Outcome.RETRY``: seconds before the next attempt; None when this one was the last."""


def deliver(
    message: DeliveryMessage,
    attempt: int,
    *,
    now: datetime | None = None,
    resolver: Resolver = resolve,
    tls: ssl.SSLContext | None = None,
) -> Result:
    """Attempt number ``attempt`` (from 1) of ``message``; ``resolver`` and ``tls``: tests' own DNS and CAs."""
    ids = {"message_id": message.message_id, "endpoint_id": message.endpoint_id, "attempt": attempt}
    endpoint = store.get_endpoint(message.org_id, message.endpoint_id)
    if endpoint is None or not endpoint.wants(message.event.type):
        logger.info("Webhook delivery dropped: the endpoint was deleted or disabled", extra=ids)
        return Result(None)
    now = now or datetime.now(UTC)
    body = message.event.body()
    try:
        target = check_url(endpoint.url, resolver=resolver)
    except InvalidRequest:
        answer = delivery.Answer(None, 0.0, "url_refused")
    else:
        headers = signing.headers(message.message_id, now, body, endpoint.signing_secrets(now))
        answer = delivery.post(target, body, headers, tls=tls)
    result = outcome(answer.status_code, answer.elapsed_s)
    retry_in = next_delay(attempt) if result is Outcome.RETRY else None
    logged = DEAD_LETTERED if result is Outcome.RETRY and retry_in is None else result.value
    store.log_attempt(
        message.org_id,
        DeliveryAttempt(
            message_id=message.message_id,
            endpoint_id=message.endpoint_id,
            event_type=message.event.type,
            attempt=attempt,
            status_code=answer.status_code,
            outcome=logged,
            attempted_at=now,
            duration_ms=round(answer.elapsed_s * 1000),
        ),
    )
    logger.info(
        "Webhook attempt",
        extra={**ids, "status_code": answer.status_code, "outcome": logged, "error": answer.error},
    )
    if result is Outcome.DISABLE:
        store.disable_endpoint(message.org_id, message.endpoint_id, GONE_REASON)
        logger.warning("Webhook endpoint disabled: it answered 410 Gone", extra=ids)
    return Result(result, retry_in)
