"""Where a webhook may be delivered: the SSRF checks of an endpoint's URL, at registration and again at delivery.

A URL passes when it is ``https`` with no user name or password, and its host resolves to public addresses only:
every address the name resolves to, since a client may connect to any of them. The check answers those addresses,
and the sender connects to one of them (not to the name again): a DNS answer that changes between the check and the
connection (DNS rebinding) cannot send the request elsewhere. A refusal is the domain's ``InvalidRequest``, whose
message is fixed for its reason (``MESSAGES``) and never names the URL's host or addresses.

Only the local stack (the ``webhook_allow_local_http`` setting) allows ``http://127.0.0.1`` and ``http://localhost``
(and https there), whose addresses must then all be loopback ones.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from early_learning.domain import InvalidRequest
from early_learning.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]
"""host, port -> the addresses the host resolves to, as text (``resolve`` by default; tests give their own)."""

MAX_URL_LENGTH = 2048
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
DEFAULT_PORTS = {"https": 443, "http": 80}

NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
"""RFC 6052's well-known NAT64 prefix: a NAT64 gateway connects to the IPv4 address in the last 32 bits."""

_NUMBER_LABEL = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
_NAME = re.compile(r"[\w.-]+")
"""A host name's characters: letters and digits (internationalized ones too), ``_``, ``-`` and dots."""


class RefusalReason(StrEnum):
    """Why a URL is refused; only ``UNRESOLVED`` may pass later (a name not yet, or no longer, in the DNS)."""

    INVALID = "invalid"
    NOT_HTTPS = "not_https"
    USERINFO = "userinfo"
    NUMERIC_HOST = "numeric_host"
    UNRESOLVED = "unresolved"
    NOT_PUBLIC = "not_public"


MESSAGES = {
    RefusalReason.INVALID: "The webhook URL is not a valid absolute URL with a host",
    RefusalReason.NOT_HTTPS: "Webhook URLs must use https",
    RefusalReason.USERINFO: "Webhook URLs may not carry a user name or password",
    RefusalReason.NUMERIC_HOST: "The webhook URL's host is a numeric address in a non-standard form",
    RefusalReason.UNRESOLVED: "The webhook URL's host does not resolve",
    RefusalReason.NOT_PUBLIC: "The webhook URL's host must resolve to public internet addresses only",
}


def refused(reason: RefusalReason) -> InvalidRequest:
    """The domain error of a refused URL (a 400 at registration): its message is fixed for its reason.

    ``InvalidRequest`` itself rather than a subclass of its own: each domain error has its entry in
    ``web.problems.DOMAIN_PROBLEMS`` (a test checks it), and this one needs no other answer than a bad value's."""
    return InvalidRequest(MESSAGES[reason])


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``addresses``, all checked, at ``port``), and the ``host`` to name in TLS
    (SNI, certificate) and in the ``Host`` header."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]


def resolve(host: str, port: int) -> list[str]:
    """The host's IPv4 and IPv6 addresses for a TCP connection, as the system resolver answers (getaddrinfo)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]


def check_url(url: str, *, allow_local_http: bool | None = None, resolver: Resolver = resolve) -> Target:
    """The target of ``url`` if it may be delivered to, else ``InvalidRequest`` with the fixed message of the
    refusal's reason (``MESSAGES``). ``allow_local_http``: the setting of that name unless given."""
    if allow_local_http is None:
        allow_local_http = get_settings().webhook_allow_local_http
    scheme, host, port = _parts(url)
    local = allow_local_http and host in LOCAL_HOSTS
    if scheme != "https" and not local:
        raise refused(RefusalReason.NOT_HTTPS)
    addresses = _addresses(host, port, resolver)
    allowed = _is_loopback if local else is_public
    if not all(allowed(address) for address in addresses):
        raise refused(RefusalReason.NOT_PUBLIC)
    return Target(url=url, scheme=scheme, host=host, port=port, addresses=addresses)


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is on the public internet: not loopback, private (10/8, 172.16/12, 192.168/16,
    fc00::/7), link-local (169.254/16 with the cloud metadata address, fe80::/10), unspecified, shared (CGNAT
    100.64/10), reserved, documentation or benchmarking, which ``is_global`` (IANA's special-purpose registries)
    covers; nor multicast, which ``is_global`` lets through.

    Added to ``ipaddress``'s answers: an IPv6 address that carries an IPv4 address to connect to, IPv4-mapped
    (``::ffff:a.b.c.d``) or NAT64 (``64:ff9b::a.b.c.d``, which ``is_global`` accepts whatever it carries), is judged
    by that IPv4 address; the other IPv6 ``is_reserved`` addresses (``::/8``: the deprecated IPv4-compatible
    ``::a.b.c.d``), which ``is_global`` accepts, deprecated site-local ``fec0::/10`` (private in use, and
    ``is_global`` too) and any address with a zone (``%eth0``: an interface's local scope) are refused."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in NAT64_PREFIX:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_reserved or address.is_site_local or address.scope_id:
            return False
    return address.is_global and not address.is_multicast


def _is_loopback(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _parts(url: str) -> tuple[str, str, int]:
    """scheme, host (lower case, without brackets or a final dot) and port of an absolute URL without userinfo."""
    if len(url) > MAX_URL_LENGTH or not url.isprintable() or any(char.isspace() for char in url):
        raise refused(RefusalReason.INVALID)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number in 0..65535, a malformed IPv6 literal
        raise refused(RefusalReason.INVALID) from None
    if "@" in parts.netloc:
        raise refused(RefusalReason.USERINFO)
    if parts.scheme not in DEFAULT_PORTS:  # ftp:, file:, gopher: ... are refused as not https, like http:
        raise refused(RefusalReason.NOT_HTTPS)
    host = (parts.hostname or "").removesuffix(".")
    if not host or port == 0:
        raise refused(RefusalReason.INVALID)
    return parts.scheme, host, DEFAULT_PORTS[parts.scheme] if port is None else port


def _addresses(host: str, port: int, resolver: Resolver) -> tuple[IPAddress, ...]:
    """The addresses to connect to: a literal IP address itself, else what the name resolves to (in its order,
    without repeats). A host that ends in a numeric label is an IPv4 address to URL parsers and resolvers alike
    (WHATWG URL, inet_aton): unless written as the usual four decimals, it is refused, since the forms of the same
    address (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``) are read differently by different parsers."""
    try:
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    if _NUMBER_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        raise refused(RefusalReason.NUMERIC_HOST)
    if not _NAME.fullmatch(host):  # percent-escapes, backslashes...: what URL parsers disagree on
        raise refused(RefusalReason.INVALID)
    try:
        resolved = [ipaddress.ip_address(text) for text in resolver(host, port)]
    except (OSError, ValueError):  # no such name, a name that is not valid IDNA (UnicodeError), an unusable answer
        raise refused(RefusalReason.UNRESOLVED) from None
    if not resolved:
        raise refused(RefusalReason.UNRESOLVED)
    return tuple(dict.fromkeys(resolved))
