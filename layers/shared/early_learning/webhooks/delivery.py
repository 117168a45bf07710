"""One HTTP POST of a webhook delivery, to the addresses its URL check pinned (``targets.Target``).

The connection goes to one of the checked addresses (in the order the name resolved to them; the next one only when
a connection could not be made), never to the name again, so that a DNS answer that changed since the check cannot
send the request elsewhere; TLS still names the URL's host (SNI) and verifies its certificate against it, and the
``Host`` header is the URL's. Redirects are not followed (a 3xx is the answer), nothing is retried here (the queue
retries), no proxy is used, and the attempt has ``DELIVERY_TIMEOUT_S``: the connection and each read of the answer
get what is left of it (an answer that came later than that is a failure: ``schedule.outcome``). Only the status
counts: the answer's body is not read.

urllib3 (which botocore brings into the layer) does the HTTP: its pools take the address to connect to apart from the
name to verify (``server_hostname``, ``assert_hostname``).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError

from early_learning.webhooks.schedule import DELIVERY_TIMEOUT_S
from early_learning.webhooks.targets import DEFAULT_PORTS, Target

USER_AGENT = "activity-batch-api-webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What an attempt came to: the answer's status (None without one: a timeout, a refused or broken connection)
    and the time from the first connection attempt to the end of the answer read."""

    status_code: int | None
    elapsed_s: float
    error: str | None = None
    """A short name of the failure (the exception's type), for the logs; None with an answer."""


@cache
def _default_tls() -> ssl.SSLContext:
    """The system's trusted certificate authorities, TLS 1.2 at least, host names checked."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == DEFAULT_PORTS[target.scheme] else f"{host}:{target.port}"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _pool(target: Target, address: str, remaining_s: float, tls: ssl.SSLContext | None) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=remaining_s, read=remaining_s)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            ssl_context=tls or _default_tls(),
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False, maxsize=1)


def post(
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout_s: float = DELIVERY_TIMEOUT_S,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """POST ``body`` with ``headers`` (the signature's) to ``target``; ``tls``: trusted authorities other than the
    system's (tests)."""
    started = time.monotonic()
    deadline = started + timeout_s
    sent = {
        **headers,
        "Host": _host_header(target),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    error = "no address"
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            error = "timeout"
            break
        pool = _pool(target, str(address), remaining, tls)
        try:
            response = pool.urlopen(
                "POST",
                _path(target.url),
                body=body,
                headers=sent,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            response.close()  # the status is the answer: its body is not read
            return Answer(response.status, time.monotonic() - started)
        except (NewConnectionError, ConnectTimeoutError) as exc:
            error = type(exc).__name__  # no connection to this address: the next one may answer
        except HTTPError as exc:  # the request may have been received: no second address
            return Answer(None, time.monotonic() - started, type(exc).__name__)
        finally:
            pool.close()
    return Answer(None, time.monotonic() - started, error)
