"""Tokens at the local gateway (DESIGN 4, 7): every kind of bad token is a 401 ``{"message": "Unauthorized"}`` from
the gateway itself, and no function ever runs for it.

"No function ran" is read from the stack's log: the gateway writes one ``invoke <function> request <id>`` line per
invocation, with the request id it returns as ``apigw-requestid``. A valid token's request is the control: its id
is in the log.

The reason for a 401 is one of the gateway's fixed texts (``WWW-Authenticate``, and its log): nothing of the token
(its header, ``kid`` or claims) is ever echoed, and no Authorization header, however odd, crashes the gateway or
drops the connection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from local.demo import ids
from local.gateway.authorizer import TokenProblem, challenge
from tests.e2e.conftest import Stack, unthrottled

pytestmark = pytest.mark.e2e

TEACHER = "teacher@sunrise.example"
ACTIVITY = f"/api/v1/activities/{ids.PUBLIC_BLOCKS}"
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", ACTIVITY, None),
    ("GET", "/api/v1/activities", None),
    ("GET", "/api/v1/children", None),
    ("GET", f"/api/v1/children/{ids.CHILD_AVA}/recommendations", None),
    ("POST", "/api/v1/batch/get", {"resource_type": "activities", "ids": [ids.PUBLIC_BLOCKS]}),
    ("POST", "/api/v1/batch/activities/recommendations", {"child_ids": [ids.CHILD_AVA]}),
]


def pool_key() -> Any:
    """The private key moto signs every user pool's tokens with (it ships with moto)."""
    return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(load_resource("cognitoidp/resources/jwks-private.json")))


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def signed(claims: dict[str, Any], key: Any = None, kid: str = "dummy", algorithm: str = "RS256") -> str:
    return jwt.encode(claims, key or pool_key(), algorithm=algorithm, headers={"kid": kid})


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def unsigned(claims: dict[str, Any]) -> str:
    """``alg: none``, with an empty signature (what a forger sends), kid included."""
    return f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'dummy'})}.{b64(claims)}."


def hs256_with_the_public_key(claims: dict[str, Any]) -> str:
    """The algorithm-confusion attack: HMAC-signed with the pool's public key (PEM, as a verifier that trusts the
    header's ``alg`` would use it) as the secret. PyJWT refuses to make one, hence the hand-made signature."""
    (jwk,) = load_resource("cognitoidp/resources/jwks-public.json")["keys"]
    public_key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    assert isinstance(public_key, rsa.RSAPublicKey)
    secret = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    head = b64({"alg": "HS256", "typ": "JWT", "kid": "dummy"})
    body = b64(claims)
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def with_header(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A token with this header (as a forger writes it: PyJWT would refuse some of them) and a made-up signature."""
    return f"{b64(header)}.{b64(claims)}.{base64.urlsafe_b64encode(b'signature').decode().rstrip('=')}"


def tampered(token: str) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64(claims_of(token) | {'sub': ids.ADMIN_MAPLE_SUB})}.{signature}"


Forge = Callable[[Stack], dict[str, str]]
"""The request headers of one bad-token case, made from a valid access token of the stack."""


def bearer(make: Callable[[dict[str, Any], str], str]) -> Forge:
    def headers(stack: Stack) -> dict[str, str]:
        token = stack.token(TEACHER)
        return {"Authorization": f"Bearer {make(claims_of(token), token)}"}

    return headers


NOW = int(time.time())
CASES: dict[str, Forge] = {
    "missing header": lambda stack: {},
    "empty header": lambda stack: {"Authorization": ""},
    "bearer without token": lambda stack: {"Authorization": "Bearer"},
    "garbage": lambda stack: {"Authorization": "Bearer not-a-jwt"},
    "garbage with dots": lambda stack: {"Authorization": "Bearer a.b.c"},
    "basic credentials": lambda stack: {"Authorization": "Basic dGVhY2hlcjpEZW1vLVBhc3N3MHJkIQ=="},
    "wrong signature": bearer(lambda c, t: signed(c, rsa.generate_private_key(public_exponent=65537, key_size=2048))),
    "tampered payload": bearer(lambda c, t: tampered(t)),
    "alg none": bearer(lambda c, t: unsigned(c)),
    "alg none via pyjwt": bearer(lambda c, t: jwt.encode(c, key="", algorithm="none")),
    "hs256 with the public key": bearer(lambda c, t: hs256_with_the_public_key(c)),
    "unknown kid": bearer(lambda c, t: signed(c, kid="not-in-the-jwks")),
    "kid not a string": bearer(lambda c, t: with_header({"alg": "RS256", "typ": "JWT", "kid": ["a", {"b": 1}]}, c)),
    "no kid": bearer(lambda c, t: with_header({"alg": "RS256", "typ": "JWT"}, c)),
    "expired": bearer(lambda c, t: signed(c | {"iat": NOW - 7200, "auth_time": NOW - 7200, "exp": NOW - 60})),
    "not yet valid": bearer(lambda c, t: signed(c | {"nbf": NOW + 3600})),
    "issued in the future": bearer(lambda c, t: signed(c | {"iat": NOW + 3600, "exp": NOW + 7200})),
    "no expiry": bearer(lambda c, t: signed({k: v for k, v in c.items() if k != "exp"})),
    "wrong issuer": bearer(
        lambda c, t: signed(c | {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Evil"})
    ),
    "wrong client": bearer(lambda c, t: signed(c | {"client_id": "another-app-client"})),
    "wrong audience": bearer(
        lambda c, t: signed({k: v for k, v in c.items() if k != "client_id"} | {"aud": "another-app-client"})
    ),
}


def request(api: httpx.Client, method: str, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    return unthrottled(lambda: api.request(method, path, json=body, headers=headers))


def test_a_valid_token_reaches_the_function_and_the_log_says_so(api: httpx.Client, stack: Stack) -> None:
    # The control for the cases below: a valid token's request is answered by the function, and logged as invoked
    response = api.get(ACTIVITY, headers=stack.headers(TEACHER))
    assert response.status_code == 200
    assert stack.invoked(response.headers["apigw-requestid"])


@pytest.mark.parametrize("case", CASES)
def test_a_bad_token_is_401_from_the_gateway_and_no_function_runs(api: httpx.Client, stack: Stack, case: str) -> None:
    # Given a request with a bad token of this kind
    headers = CASES[case](stack)
    # When it is sent to a route
    response = request(api, "GET", ACTIVITY, None, headers)
    # Then the gateway answers 401 in API Gateway's shape
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"message": "Unauthorized"}
    assert response.headers["www-authenticate"].startswith("Bearer")
    # And no function was invoked for it
    assert not stack.invoked(response.headers["apigw-requestid"])


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
@pytest.mark.parametrize("case", ["missing header", "wrong signature", "alg none"])
def test_every_route_is_guarded(api: httpx.Client, stack: Stack, method: str, path: str, body: Any, case: str) -> None:
    response = request(api, method, path, body, CASES[case](stack))
    assert response.status_code == 401
    assert not stack.invoked(response.headers["apigw-requestid"])


# --- nothing of the token is echoed ------------------------------------------------------------------------------

MARKER = secrets.token_hex(8)
"""In every forged kid below: a log line or header that has it echoes the kid."""
FORGED_KIDS = {
    "non-latin-1": f"ключ-{MARKER}",
    "NUL": f"nul-{MARKER}\x00after",
    "CR LF": f"crlf-{MARKER}\r\nX-Injected: {MARKER}",
}


@pytest.mark.parametrize("case", FORGED_KIDS)
def test_a_forged_kid_is_a_fixed_401_and_is_echoed_nowhere(api: httpx.Client, stack: Stack, case: str) -> None:
    # Given a token whose claims are valid and signed with the pool's key, but whose kid is no key of the pool's and
    # holds bytes that must never reach a header or a log line as they are
    kid = FORGED_KIDS[case]
    token = signed(claims_of(stack.token(TEACHER)), kid=kid)
    # When it is sent
    response = request(api, "GET", ACTIVITY, None, {"Authorization": f"Bearer {token}"})
    # Then the gateway answers a clean 401 (no 500, no dropped connection), in API Gateway's shape
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    # And WWW-Authenticate says, in its fixed text, that the key is unknown, and nothing of the kid
    assert response.headers["www-authenticate"] == challenge(TokenProblem.UNKNOWN_KEY, token)
    assert MARKER not in response.headers["www-authenticate"]
    assert "x-injected" not in response.headers
    assert not any(MARKER in value for value in response.headers.values())
    # And no line of the gateway's log has the kid (nor the token), and no function ran
    log = stack.log.read_text(errors="replace")
    assert [line for line in log.splitlines() if MARKER in line or token in line] == []
    assert not stack.invoked(response.headers["apigw-requestid"])


def raw_request(stack: Stack, authorization: bytes) -> tuple[int, dict[str, str], bytes]:
    """One GET sent byte for byte (an HTTP client refuses some of these header values): the status, headers and
    body of the answer. The connection must give a whole response, not be dropped."""
    host, _, port = stack.api_url.removeprefix("http://").partition(":")
    head = f"GET {ACTIVITY} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n".encode()
    for _ in range(20):
        with socket.create_connection((host, int(port)), timeout=30) as connection:
            connection.sendall(head + b"Authorization: " + authorization + b"\r\n\r\n")
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        assert received.startswith(b"HTTP/1.1 "), f"no HTTP response: {received[:200]!r}"
        header_block, _, body = received.partition(b"\r\n\r\n")
        status_line, *lines = header_block.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ")[1])
        if status != 429:  # throttled before the authorizer: again, after a pause
            break
        time.sleep(0.25)
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status, headers, body


ODD_HEADERS: dict[str, bytes] = {
    "non-ascii token": "Bearer ключ.ключ.ключ".encode(),
    "non-ascii scheme": "Носитель abc".encode(),
    "latin-1 bytes": b"Bearer \xff\xfe.\xe9.\x80",
    "10 KB token": b"Bearer " + b".".join([b"a" * 3400] * 3),
    # The largest that always reaches the gateway: uvicorn (h11) refuses a request head that is still incomplete
    # past 16 KiB, with a 400, and closes the connection (local.stack's server, not the gateway)
    "15 KB token": b"Bearer " + b".".join([b"a" * 5000] * 3),
    "a thousand dots": b"Bearer " + b"." * 1000,
    "whitespace only": b"   \t ",
    "tab inside": b"Bearer a\tb.c.d",
}
REFUSED_BY_THE_SERVER: dict[str, bytes] = {
    # Not a valid header value at all (RFC 9110): the HTTP server answers 400 before the gateway sees it
    "NUL": b"Bearer a\x00b.c.d",
    "lone CR": b"Bearer a\rb.c.d",
}


@pytest.mark.parametrize("case", ODD_HEADERS)
def test_an_odd_authorization_header_is_a_clean_401(stack: Stack, case: str) -> None:
    status, headers, body = raw_request(stack, ODD_HEADERS[case])
    assert status == 401
    assert json.loads(body) == {"message": "Unauthorized"}
    assert headers["www-authenticate"] in {challenge(problem, "t") for problem in TokenProblem} | {"Bearer"}
    assert not stack.invoked(headers["apigw-requestid"])


@pytest.mark.parametrize("case", REFUSED_BY_THE_SERVER)
def test_a_header_value_http_forbids_is_a_400_not_a_crash(stack: Stack, case: str) -> None:
    status, _, _ = raw_request(stack, REFUSED_BY_THE_SERVER[case])
    assert status == 400
