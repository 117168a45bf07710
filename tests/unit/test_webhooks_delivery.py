"""One webhook POST (early_learning.webhooks.delivery) against real servers on 127.0.0.1: the connection goes to the
pinned address while TLS (SNI, certificate) and the Host header name the URL's host; redirects are answers, not
followed; an address that refuses the connection gives way to the next one; no answer in time is no status."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from early_learning.webhooks.delivery import post
from early_learning.webhooks.targets import Target
from tests.webhook_receiver import receiving

HOST = "hooks.example.org"
LOOPBACK = ipaddress.ip_address("127.0.0.1")
HEADERS = {"webhook-id": "msg_1", "webhook-timestamp": "1771272000", "webhook-signature": "v1,abc="}


def target(scheme: str, port: int, *addresses: str, path: str = "/in?source=batch") -> Target:
    pinned = tuple(ipaddress.ip_address(address) for address in addresses) or (LOOPBACK,)
    return Target(url=f"{scheme}://{HOST}:{port}{path}", scheme=scheme, host=HOST, port=port, addresses=pinned)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for ``HOST`` only (not for 127.0.0.1): its key and certificate files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    key_file, cert_file = folder / "key.pem", folder / "cert.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def test_https_connects_to_the_pinned_address_and_names_the_host_in_tls_and_host_header(
    certificate: tuple[Path, Path],
) -> None:
    key_file, cert_file = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    sni: list[str | None] = []

    def seen(_socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        sni.append(name)

    server_tls.sni_callback = seen
    client_tls = ssl.create_default_context(cafile=str(cert_file))

    with receiving(tls=server_tls) as receiver:
        answer = post(target("https", receiver.port), b'{"a":1}', HEADERS, tls=client_tls)

    assert answer.status_code == 200
    assert sni == [HOST]
    (received,) = receiver.received
    assert received.headers["host"] == f"{HOST}:{receiver.port}"
    assert received.path == "/in?source=batch"
    assert received.body == b'{"a":1}'
    assert received.headers["webhook-id"] == "msg_1"
    assert received.headers["content-type"] == "application/json"


def test_https_with_a_certificate_not_for_the_host_gets_no_answer(certificate: tuple[Path, Path]) -> None:
    key_file, cert_file = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    other = Target(
        url="https://other.example.org/in", scheme="https", host="other.example.org", port=0, addresses=(LOOPBACK,)
    )

    with receiving(tls=server_tls) as receiver:
        answer = post(
            Target(other.url, "https", other.host, receiver.port, other.addresses),
            b"{}",
            HEADERS,
            tls=ssl.create_default_context(cafile=str(cert_file)),
        )

    assert answer.status_code is None
    assert receiver.received == []


def test_plain_http_sends_the_host_header_of_the_url() -> None:
    with receiving() as receiver:
        answer = post(target("http", receiver.port), b"{}", HEADERS)
    assert answer.status_code == 200
    assert receiver.received[0].headers["host"] == f"{HOST}:{receiver.port}"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_the_answer_and_is_not_followed(status: int) -> None:
    with receiving(answers=[status]) as receiver:
        answer = post(target("http", receiver.port), b"{}", HEADERS)
    assert answer.status_code == status
    assert [received.path for received in receiver.received] == ["/in?source=batch"]


def test_an_address_that_refuses_the_connection_gives_way_to_the_next() -> None:
    with receiving() as receiver:
        # 127.0.0.2 is loopback too, where nothing listens on the receiver's port
        answer = post(target("http", receiver.port, "127.0.0.2", "127.0.0.1"), b"{}", HEADERS)
    assert answer.status_code == 200
    assert len(receiver.received) == 1


def test_no_address_answering_is_no_status() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    answer = post(target("http", port), b"{}", HEADERS)
    assert answer.status_code is None
    assert answer.error == "NewConnectionError"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_no_answer_within_the_timeout_is_no_status(silent_server: int) -> None:
    answer = post(target("http", silent_server), b"{}", HEADERS, timeout_s=0.3)
    assert answer.status_code is None
    assert answer.error == "ReadTimeoutError"
