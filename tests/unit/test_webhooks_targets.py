"""SSRF checks of webhook URLs (early_learning.webhooks.targets): https only, no userinfo, and every address the host
resolves to public; the local stack alone may allow http://127.0.0.1 and http://localhost."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pytest

from early_learning.domain import InvalidRequest
from early_learning.settings import Settings, get_settings
from early_learning.web.problems import domain_status
from early_learning.webhooks.targets import (
    MESSAGES,
    RefusalReason,
    Target,
    check_url,
    is_public,
    resolve,
)

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"

DNS: dict[str, list[str]] = {
    "hooks.example.com": [PUBLIC_V4, PUBLIC_V6],
    "twice.example.com": [PUBLIC_V4, PUBLIC_V4, PUBLIC_V6],
    "bücher.example": [PUBLIC_V4],
    "internal.example.com": ["10.0.0.5"],
    "corp.example.com": ["172.20.1.1"],
    "home.example.com": ["192.168.0.10"],
    "metadata.example.com": ["169.254.169.254"],
    "loop.example.com": ["127.0.0.1"],
    "cgnat.example.com": ["100.64.12.1"],
    "ula.example.com": ["fd00::1"],
    "linklocal6.example.com": ["fe80::1"],
    "mapped.example.com": ["::ffff:192.168.0.1"],
    "rebind.example.com": [PUBLIC_V4, "127.0.0.1"],
    "mixed6.example.com": [PUBLIC_V6, "fd12:3456::1"],
    "imds6.example.com": [PUBLIC_V4, "fd00:ec2::254"],
    "localhost": ["127.0.0.1", "::1"],
    "empty.example.com": [],
    "garbage.example.com": ["not-an-address"],
}


class FakeDns:
    """A resolver answering from ``answers`` (no such name: gaierror, as getaddrinfo), recording its questions."""

    def __init__(self, answers: Mapping[str, list[str]] = DNS) -> None:
        self.answers = answers
        self.asked: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers[host]


@dataclass(frozen=True)
class Refusal:
    reason: RefusalReason
    error: InvalidRequest


def refusal(url: str, *, allow_local_http: bool = False, dns: FakeDns | None = None) -> Refusal:
    """How ``url`` is refused: the domain error, and its reason (each reason has its fixed message)."""
    with pytest.raises(InvalidRequest) as refused:
        check_url(url, allow_local_http=allow_local_http, resolver=dns or FakeDns())
    (reason,) = (reason for reason, message in MESSAGES.items() if refused.value.detail == message)
    return Refusal(reason, refused.value)


NOT_PUBLIC_LITERALS = [
    # loopback
    "127.0.0.1",
    "127.9.8.7",
    "[::1]",
    # private
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "[fc00::1]",
    "[fd12:3456:789a::1]",
    # link-local, the cloud metadata address among them (IPv4 and AWS's IPv6 one)
    "169.254.169.254",
    "169.254.0.1",
    "[fe80::1]",
    "[FE80::1]",
    "[fe80::1%25eth0]",
    "[2606:4700:4700::1111%25eth0]",  # a zone: an interface's local scope, whatever the address
    "[fd00:ec2::254]",
    # unspecified
    "0.0.0.0",
    "[::]",
    # "this network" 0/8, multicast, reserved, broadcast
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "[ff02::1]",
    "[ff0e::1]",
    "240.0.0.1",
    "255.255.255.255",
    # shared address space (carrier-grade NAT)
    "100.64.0.1",
    "100.127.255.254",
    # documentation, benchmarking, IETF protocol assignments
    "192.0.2.1",
    "198.18.0.1",
    "192.0.0.8",
    "[2001:db8::1]",
    # IPv4-mapped IPv6 of the above (dotted and hex forms), and NAT64 of the metadata address
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:100.64.0.1]",
    "[64:ff9b::a9fe:a9fe]",
    "[64:ff9b::127.0.0.1]",
    # deprecated IPv4-compatible IPv6, 6to4 and Teredo tunnels, site-local
    "[::127.0.0.1]",
    "[::8.8.8.8]",
    "[2002:7f00:1::]",
    "[2001::1]",
    "[fec0::1]",
]


def test_a_final_dot_changes_nothing() -> None:
    assert refusal("https://127.0.0.1./hook").reason is RefusalReason.NOT_PUBLIC
    assert refusal("https://metadata.example.com./hook").reason is RefusalReason.NOT_PUBLIC


@pytest.mark.parametrize("host", NOT_PUBLIC_LITERALS)
def test_a_literal_address_that_is_not_public_is_refused_without_a_lookup(host: str) -> None:
    dns = FakeDns()
    assert refusal(f"https://{host}/hook", dns=dns).reason is RefusalReason.NOT_PUBLIC
    assert refusal(f"https://{host}:8443/hook", dns=dns).reason is RefusalReason.NOT_PUBLIC
    assert dns.asked == []


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 in decimal
        "0x7f000001",  # in hex
        "0x7f.1",
        "0x7F.0.0.1",
        "0177.0.0.1",  # octal
        "017700000001",
        "127.1",
        "127.0.1",
        "127.0.0.0x1",
        "3232235521",  # 192.168.0.1
        "0xa9fea9fe",  # 169.254.169.254
        "1.2.3.4.5",
        "1572395042",  # a public address (93.184.216.34) in decimal: refused all the same
    ],
)
def test_numeric_hosts_in_other_forms_are_refused(host: str) -> None:
    dns = FakeDns()
    assert refusal(f"https://{host}/", dns=dns).reason is RefusalReason.NUMERIC_HOST
    assert dns.asked == []
    for allow_local_http in (False, True):  # http: refused whatever the setting
        refusal(f"http://{host}/", allow_local_http=allow_local_http, dns=dns)


@pytest.mark.parametrize(
    "host",
    [
        "internal.example.com",
        "corp.example.com",
        "home.example.com",
        "metadata.example.com",
        "loop.example.com",
        "cgnat.example.com",
        "ula.example.com",
        "linklocal6.example.com",
        "mapped.example.com",
        "localhost",
    ],
)
def test_a_name_that_resolves_to_a_non_public_address_is_refused(host: str) -> None:
    dns = FakeDns()
    assert refusal(f"https://{host}/hook", dns=dns).reason is RefusalReason.NOT_PUBLIC
    assert dns.asked == [(host, 443)]


@pytest.mark.parametrize("host", ["rebind.example.com", "mixed6.example.com", "imds6.example.com"])
def test_a_name_that_resolves_to_public_and_non_public_addresses_is_refused(host: str) -> None:
    assert refusal(f"https://{host}/hook").reason is RefusalReason.NOT_PUBLIC


@pytest.mark.parametrize("host", ["nowhere.example.com", "empty.example.com", "garbage.example.com"])
def test_a_name_that_does_not_resolve_to_addresses_is_refused(host: str) -> None:
    assert refusal(f"https://{host}/hook").reason is RefusalReason.UNRESOLVED


def test_a_public_name_answers_every_address_to_connect_to_in_order_without_repeats() -> None:
    dns = FakeDns()
    target = check_url("https://Hooks.Example.COM./batch?source=jobs#x", allow_local_http=False, resolver=dns)
    assert target == Target(
        url="https://Hooks.Example.COM./batch?source=jobs#x",
        scheme="https",
        host="hooks.example.com",
        port=443,
        addresses=(ipaddress.ip_address(PUBLIC_V4), ipaddress.ip_address(PUBLIC_V6)),
    )
    assert dns.asked == [("hooks.example.com", 443)]
    repeated = check_url("https://twice.example.com:8443/", allow_local_http=False, resolver=dns)
    assert repeated.port == 8443
    assert repeated.addresses == (ipaddress.ip_address(PUBLIC_V4), ipaddress.ip_address(PUBLIC_V6))
    assert dns.asked[-1] == ("twice.example.com", 8443)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://8.8.8.8/hook", "8.8.8.8"),
        (f"https://{PUBLIC_V4}:9443/hook", PUBLIC_V4),
        ("https://[2606:4700:4700::1111]/hook", "2606:4700:4700::1111"),
        ("https://[::ffff:8.8.8.8]/hook", "::ffff:8.8.8.8"),  # mapped: judged as 8.8.8.8
        ("https://[64:ff9b::808:808]/hook", "64:ff9b::808:808"),  # NAT64 of 8.8.8.8
        ("https://bücher.example/hook", PUBLIC_V4),  # an internationalized name
    ],
)
def test_public_addresses_are_allowed(url: str, address: str) -> None:
    target = check_url(url, allow_local_http=False, resolver=FakeDns())
    assert target.addresses == (ipaddress.ip_address(address),)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/hook",
        "HTTP://hooks.example.com/hook",
        "ftp://hooks.example.com/hook",
        "file:///etc/passwd",
        "gopher://hooks.example.com/",
        "javascript:alert(1)",
        "hooks.example.com/hook",
        "//hooks.example.com/hook",
    ],
)
def test_only_https_is_allowed(url: str) -> None:
    assert refusal(url).reason is RefusalReason.NOT_HTTPS
    assert refusal(url, allow_local_http=True).reason is RefusalReason.NOT_HTTPS


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@hooks.example.com/hook",
        "https://user@hooks.example.com/hook",
        "https://:secret@hooks.example.com/hook",
        "https://@hooks.example.com/hook",
        "https://hooks.example.com@127.0.0.1/hook",
        "https://hooks.example.com\\@127.0.0.1/hook",
    ],
)
def test_a_user_name_or_password_is_refused(url: str) -> None:
    assert refusal(url).reason is RefusalReason.USERINFO


@pytest.mark.parametrize(
    "url",
    [
        "https:///hook",
        "https://",
        "https://:443/hook",
        "https://hooks.example.com:0/hook",
        "https://hooks.example.com:65536/hook",
        "https://hooks.example.com:https/hook",
        "https://[::1/hook",
        "https://hooks example.com/hook",
        "https://hooks.example.com/hook\n",
        "https://hooks.example.com/\x00",
        "https://127%2e0%2e0%2e1/hook",
        "https://hooks.example.com%2f/hook",
        "https://hooks.example.com\\/hook",
        "https://hooks.example.com/" + "a" * 2048,
    ],
)
def test_a_malformed_url_is_refused(url: str) -> None:
    assert refusal(url).reason is RefusalReason.INVALID


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://127.0.0.1/",
        "http://localhost:9000/hook",
        "http://LOCALHOST./hook",
        "https://127.0.0.1:8443/hook",
    ],
)
def test_the_local_stack_alone_may_deliver_to_loopback(url: str) -> None:
    target = check_url(url, allow_local_http=True, resolver=FakeDns())
    assert all(address.is_loopback for address in target.addresses)
    refused = refusal(url, allow_local_http=False)
    expected = RefusalReason.NOT_PUBLIC if url.startswith("https") else RefusalReason.NOT_HTTPS
    assert refused.reason is expected


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/hook",
        "http://[::1]/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://hooks.example.com/hook",
        "http://loop.example.com/hook",
        "http://2130706433/hook",
        "http://0x7f.1/hook",
    ],
)
def test_local_http_is_only_127_0_0_1_and_localhost(url: str) -> None:
    assert refusal(url, allow_local_http=True).reason is RefusalReason.NOT_HTTPS


def test_local_http_still_needs_localhost_to_be_loopback() -> None:
    dns = FakeDns({"localhost": ["127.0.0.1", "10.0.0.7"]})
    assert refusal("http://localhost/hook", allow_local_http=True, dns=dns).reason is RefusalReason.NOT_PUBLIC
    dns = FakeDns({"localhost": [PUBLIC_V4]})
    assert refusal("http://localhost/hook", allow_local_http=True, dns=dns).reason is RefusalReason.NOT_PUBLIC


@pytest.fixture
def local_http_setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WEBHOOK_ALLOW_LOCAL_HTTP", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_local_http_is_off_unless_set() -> None:
    assert Settings().webhook_allow_local_http is False
    get_settings.cache_clear()
    try:
        with pytest.raises(InvalidRequest):
            check_url("http://127.0.0.1:8080/hook", resolver=FakeDns())
    finally:
        get_settings.cache_clear()


def test_the_setting_allows_local_http(local_http_setting: None) -> None:
    assert check_url("http://127.0.0.1:8080/hook", resolver=FakeDns()).port == 8080
    with pytest.raises(InvalidRequest):
        check_url("http://10.0.0.1/hook", resolver=FakeDns())


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/hook",
        "https://[fd00:ec2::254]/",
        "https://metadata.example.com/",
        "https://rebind.example.com/",
        "https://0xa9fea9fe/",
        "https://nowhere.example.com/",
        "http://internal.example.com/",
        "https://user:hunter2@internal.example.com/",
        "https://internal.example.com:99999/",
    ],
)
def test_a_refusal_has_a_fixed_message_that_echoes_nothing_of_the_url(url: str) -> None:
    refused = refusal(url)
    assert type(refused.error) is InvalidRequest
    assert refused.error.detail == MESSAGES[refused.reason] == str(refused.error)
    for echoed in ("10.", "fd00", "169.254", "example", "0xa9", "hunter2", "99999"):
        assert echoed not in refused.error.detail
    assert domain_status(refused.error) == (400, "Bad Request")


def test_public_means_neither_private_nor_multicast_nor_reserved() -> None:
    assert is_public(ipaddress.ip_address("8.8.8.8"))
    assert is_public(ipaddress.ip_address("2606:4700:4700::1111"))
    assert not is_public(ipaddress.ip_address("224.0.0.251"))  # ipaddress calls multicast global
    assert not is_public(ipaddress.ip_address("fec0::1"))  # and deprecated site-local too


def test_the_default_resolver_asks_the_system() -> None:
    # localhost resolves on any machine without a network (/etc/hosts, or the resolver's own rule)
    assert "127.0.0.1" in resolve("localhost", 443) or "::1" in resolve("localhost", 443)
    with pytest.raises(InvalidRequest) as refused:
        check_url("https://localhost/hook", allow_local_http=False)
    assert refused.value.detail == MESSAGES[RefusalReason.NOT_PUBLIC]
