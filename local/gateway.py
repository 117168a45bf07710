"""The local HTTP API: what API Gateway (HTTP API) does in front of the functions, for every route in template.yaml.

Per request, in API Gateway's order: CORS preflight; route match on the path decoded once (404); 10 MB body limit
(413); the route's throttling (429); the JWT authorizer (401, its reason one of a fixed set of texts that never echo
the token); then an HTTP API v2 event with the verified claims as strings and the path decoded once, the function's
handler invoked in-process with a Lambda context, and its proxy response mapped back to HTTP. Errors of the gateway
itself are API Gateway's JSON bodies (``{"message": "Unauthorized"}``), not problem details.
Also serves ``/openapi.json`` and ``/docs`` (Swagger UI) for every function's routes.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import logging
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
import jwt
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from local import cfn
from local.httpapi import CorsPolicy, JwtAuthorizer
from local.lambda_.environment import ACCOUNT_ID
from local.lambda_.pool import FunctionPool

log = logging.getLogger("local.gateway")

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
INTEGRATION_TIMEOUT_S = 30.0  # API Gateway's maximum integration timeout
JWT_LEEWAY_S = 2  # clock skew tolerated on exp/nbf/iat (same machine: almost none)

_TEXT_MEDIA = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))", re.I)
_HOP_BY_HOP = {"connection", "content-length", "keep-alive", "transfer-encoding", "upgrade"}


def gateway_error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """An error API Gateway answers itself, in its own shape."""
    return JSONResponse({"message": message}, status_code=status, headers=dict(headers or {}))


# --- routes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteMatcher:
    """API Gateway's route selection: the most specific path wins (literal segments before ``{param}``, which come
    before greedy ``{proxy+}``); ``ANY`` matches every method. A path no route matches is 404."""

    routes: tuple[tuple[cfn.Route, re.Pattern[str], tuple[str, ...]], ...]

    @classmethod
    def of(cls, routes: Sequence[cfn.Route]) -> RouteMatcher:
        compiled = []
        for route in routes:
            names: list[str] = []
            parts = []
            for segment in route.path.strip("/").split("/"):
                param = re.fullmatch(r"\{([^}+]+)(\+?)\}", segment)
                if param is None:
                    parts.append(re.escape(segment))
                else:
                    names.append(param.group(1))
                    parts.append("(.+)" if param.group(2) else "([^/]+)")
            compiled.append((route, re.compile("/" + "/".join(parts)), tuple(names)))

        def specificity(item: tuple[cfn.Route, re.Pattern[str], tuple[str, ...]]) -> tuple[int, int, int, bool]:
            route = item[0]
            return (route.path.count("+}"), len(item[2]), -len(route.path), route.method == "ANY")

        return cls(tuple(sorted(compiled, key=specificity)))

    def match(self, method: str, path: str) -> tuple[cfn.Route, dict[str, str]] | None:
        for route, pattern, names in self.routes:
            found = pattern.fullmatch(path)
            if found and route.method in (method, "ANY"):
                return route, dict(zip(names, found.groups(), strict=True))
        return None


# --- throttling ----------------------------------------------------------------------------------------------


@dataclass
class TokenBucket:
    """API Gateway's throttling: ``burst`` requests at once, refilled at ``rate`` per second."""

    rate: float
    burst: int
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = float(self.burst)

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


# --- JWT authorizer ------------------------------------------------------------------------------------------


class TokenProblem(enum.Enum):
    """Why a token is refused: the fixed texts of the ``WWW-Authenticate`` challenge and of the gateway's log. Never
    anything taken from the request (the token's header, ``kid`` or claims): those could carry bytes that are not
    Latin-1 (a 500), CR/LF or NUL (a dropped connection, a forged header or log line) or someone's personal data."""

    NO_TOKEN = "no token"
    NOT_EMULATED = "the authorizer is not emulated locally"
    MALFORMED = "the token is malformed"
    UNSUPPORTED_ALGORITHM = "the signing method is not RS256"
    UNKNOWN_KEY = "the signing key is not in the user pool's key set"
    KEYS_UNAVAILABLE = "the user pool's key set could not be fetched"
    BAD_SIGNATURE = "the token's signature is invalid"
    EXPIRED = "the token has expired"
    NOT_YET_VALID = "the token is not yet valid"
    WRONG_ISSUER = "the token has an invalid issuer"
    WRONG_AUDIENCE = "the token has an invalid audience"
    MISSING_CLAIM = "the token lacks a required claim"
    INVALID_CLAIM = "the token has an invalid claim"
    INVALID = "the token is invalid"


class InvalidToken(Exception):
    """The token is missing or fails a check; ``problem`` says which, in a fixed text."""

    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


# PyJWT's exceptions, most specific first (InvalidSignatureError is a DecodeError, PyJWKClientConnectionError a
# PyJWKClientError): mapped by type, because their messages may quote the token (the ``kid`` among others).
_PYJWT_PROBLEMS: tuple[tuple[type[Exception], TokenProblem], ...] = (
    (jwt.ExpiredSignatureError, TokenProblem.EXPIRED),
    (jwt.ImmatureSignatureError, TokenProblem.NOT_YET_VALID),  # nbf, or iat in the future
    (jwt.InvalidIssuerError, TokenProblem.WRONG_ISSUER),
    (jwt.InvalidAudienceError, TokenProblem.WRONG_AUDIENCE),
    (jwt.MissingRequiredClaimError, TokenProblem.MISSING_CLAIM),
    (jwt.InvalidIssuedAtError, TokenProblem.INVALID_CLAIM),
    (jwt.exceptions.InvalidSubjectError, TokenProblem.INVALID_CLAIM),
    (jwt.exceptions.InvalidJTIError, TokenProblem.INVALID_CLAIM),
    (jwt.InvalidSignatureError, TokenProblem.BAD_SIGNATURE),
    (jwt.InvalidAlgorithmError, TokenProblem.UNSUPPORTED_ALGORITHM),
    (jwt.DecodeError, TokenProblem.MALFORMED),
    (jwt.exceptions.PyJWKClientConnectionError, TokenProblem.KEYS_UNAVAILABLE),
    (jwt.PyJWKClientError, TokenProblem.UNKNOWN_KEY),
)


def token_problem(exc: Exception) -> TokenProblem:
    """The fixed reason for an exception raised while checking a token."""
    for kind, problem in _PYJWT_PROBLEMS:
        if isinstance(exc, kind):
            return problem
    return TokenProblem.INVALID


class JwtVerifier:
    """API Gateway's JWT authorizer against a Cognito user pool: RS256 signature by a key of the pool's JWKS,
    ``iss``, ``aud`` (or ``client_id`` when there is no ``aud``), ``exp``, ``nbf`` and ``iat``."""

    def __init__(self, authorizer: JwtAuthorizer, jwks_url: str, leeway_s: float = JWT_LEEWAY_S) -> None:
        self.authorizer = authorizer
        self.leeway_s = leeway_s
        # PyJWKClient caches the key set and fetches it again only for an unknown ``kid``.
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, timeout=5)

    def prefetch(self) -> None:
        self._jwks.get_jwk_set()

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or InvalidToken with a fixed reason: whatever the token holds, never another error."""
        try:
            if jwt.get_unverified_header(token).get("alg") != "RS256":
                raise InvalidToken(TokenProblem.UNSUPPORTED_ALGORITHM)
            key = self._jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.authorizer.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False},
            )
        except InvalidToken:
            raise
        except jwt.PyJWTError as exc:
            raise InvalidToken(token_problem(exc)) from None
        except Exception as exc:
            # A token no check foresaw must still be a 401, not a 500; the type only (a message may quote the token).
            log.warning("token check failed with %s", type(exc).__name__)
            raise InvalidToken(TokenProblem.INVALID) from None
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if not any(a in self.authorizer.audiences for a in audiences):
            raise InvalidToken(TokenProblem.WRONG_AUDIENCE)
        return claims


def claim_string(value: Any) -> str:
    """HTTP API hands claims to the function as strings: a list as "[a b]", a boolean as "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + " ".join(claim_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def challenge(problem: TokenProblem, token: str | None) -> str:
    """API Gateway's ``WWW-Authenticate``: the bare scheme without a token, else the error with its fixed text."""
    if token is None:
        return "Bearer"
    return f'Bearer scope="" error="invalid_token" error_description="{problem.value}"'


def bearer_token(header: str | None) -> str | None:
    """API Gateway accepts the token alone or after ``Bearer``."""
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else header.strip()
    return token or None


# --- events and responses ------------------------------------------------------------------------------------


def request_id() -> str:
    """API Gateway's request ids look like 'Fq3mZgJ9IAMEVxA='."""
    return base64.b64encode(secrets.token_bytes(10)).decode()


def decoded_path(request: Request) -> str:
    """The path percent-decoded once: what HTTP API routes on, fills ``pathParameters`` from, and passes to the
    function as both ``rawPath`` and ``requestContext.http.path`` (neither is the path as sent: ``/a%2525`` arrives as
    ``/a%25``, ``/a%2Fb`` as ``/a/b``). The ASGI server has decoded it once into ``scope["path"]``. Not
    ``request.url.path``: Starlette encodes a decoded ``?`` or ``#`` in it again."""
    return str(request.scope["path"])


def build_event(
    request: Request,
    body: bytes,
    route: cfn.Route,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, Any] | None,
    request_id: str,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, shaped like the ones in events/. The path in it, like
    ``path_parameters``, is decoded once (``decoded_path``): whoever reads it must not decode it again."""
    now = time.time()
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for raw_key, raw_value in request.headers.raw:
        key, value = raw_key.decode("latin-1").lower(), raw_value.decode("latin-1")
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            headers[key] = f"{headers[key]},{value}" if key in headers else value
    client_ip = request.client.host if request.client else "127.0.0.1"
    headers["x-forwarded-for"] = (
        f"{headers['x-forwarded-for']}, {client_ip}" if "x-forwarded-for" in headers else client_ip
    )
    headers.setdefault("x-forwarded-port", str(request.url.port or 80))
    headers.setdefault("x-forwarded-proto", request.url.scheme)
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(now):08x}-{secrets.token_hex(12)}")
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    host = headers.get("host", "localhost")
    path = decoded_path(request)
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": "local",
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": path,
            "protocol": f"HTTP/{request.scope.get('http_version', '1.1')}",
            "sourceIp": client_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route.key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        # ``scopes`` is only filled for routes with AuthorizationScopes, which the template does not use.
        context["authorizer"] = {"jwt": {"claims": {k: claim_string(v) for k, v in claims.items()}, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if body:
        text = _as_text(body, headers.get("content-type", ""))
        event["body"] = text if text is not None else base64.b64encode(body).decode()
        event["isBase64Encoded"] = text is None
    return event


def _as_text(body: bytes, content_type: str) -> str | None:
    if not _TEXT_MEDIA.match(content_type.strip()):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def to_response(result: Any) -> Response:
    """Map a Lambda proxy response (payload 2.0) to HTTP. A result without ``statusCode`` is, as in API Gateway,
    the JSON body of a 200 response."""
    if not isinstance(result, dict) or "statusCode" not in result:
        body = result if isinstance(result, str) else json.dumps(result)
        return Response(body, status_code=200, media_type="application/json")
    raw_body = result.get("body") or ""
    content = base64.b64decode(raw_body) if result.get("isBase64Encoded") else str(raw_body).encode()
    response = Response(content, status_code=int(result["statusCode"]))
    extra: list[tuple[str, str]] = []
    for key, value in (result.get("headers") or {}).items():
        extra.append((key, str(value)))
    for key, values in (result.get("multiValueHeaders") or {}).items():
        extra.extend((key, str(value)) for value in values)
    extra.extend(("set-cookie", str(cookie)) for cookie in result.get("cookies") or [])
    response.raw_headers.extend(
        (key.lower().encode("latin-1"), value.encode("latin-1"))
        for key, value in extra
        if key.lower() not in _HOP_BY_HOP
    )
    return response


# --- the gateway ---------------------------------------------------------------------------------------------


class BodyTooLarge(Exception):
    pass


@dataclass
class GatewayConfig:
    """Everything the gateway takes from the template and the running emulator."""

    functions: Mapping[str, cfn.FunctionSpec]
    pools: Mapping[str, FunctionPool]
    """Each function's execution environments, by logical id."""
    region: str
    verifiers: Mapping[str, JwtVerifier]
    route_authorizers: Mapping[str, str | None]
    default_throttle: cfn.Throttle
    route_throttles: Mapping[str, cfn.Throttle]
    cors: CorsPolicy
    openapi: dict[str, Any] | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    integration_timeout_s: float = INTEGRATION_TIMEOUT_S


class Gateway:
    """The ASGI application (run by uvicorn in ``local.stack``)."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.routes = RouteMatcher.of([route for spec in config.functions.values() for route in spec.routes])
        self._buckets: dict[str, TokenBucket] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        rid = request_id()
        try:
            response = await self.handle(request, rid)
        except ClientDisconnect:
            return
        response.headers["apigw-requestid"] = rid
        if not self._is_preflight(request):  # a preflight's answer carries its own CORS headers
            self.config.cors.apply(response.headers, request.headers.get("origin"))
        await response(scope, receive, send)

    async def handle(self, request: Request, rid: str) -> Response:
        method = request.method
        matched = self.routes.match(method, decoded_path(request))
        if matched is None:
            return self._local_page(request) or self._preflight(request) or gateway_error(404, "Not Found")
        route, path_parameters = matched
        if method == "OPTIONS" and (preflight := self._preflight(request)) is not None:
            return preflight
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.config.max_body_bytes:
            return gateway_error(413, "Request Entity Too Large")
        if not self._bucket(route.key).take():
            return gateway_error(429, "Too Many Requests")
        claims: dict[str, Any] | None = None
        authorizer = self.config.route_authorizers.get(route.key)
        if authorizer is not None:
            verifier = self.config.verifiers.get(authorizer)
            token = bearer_token(request.headers.get(verifier.authorizer.header if verifier else "authorization"))
            try:
                if verifier is None:
                    raise InvalidToken(TokenProblem.NOT_EMULATED)
                if token is None:
                    raise InvalidToken(TokenProblem.NO_TOKEN)
                claims = await anyio.to_thread.run_sync(verifier.verify, token)
            except InvalidToken as exc:
                # The route key (the template's), not the request's path: nothing the caller sent reaches the log.
                log.info("401 %s: %s", route.key, exc.problem.value)
                return gateway_error(401, "Unauthorized", {"www-authenticate": challenge(exc.problem, token)})
        try:
            body = await self._read_body(request)
        except BodyTooLarge:
            return gateway_error(413, "Request Entity Too Large")
        event = build_event(request, body, route, path_parameters, claims, rid)
        return await self._invoke(self.config.functions[route.function], event)

    async def _invoke(self, spec: cfn.FunctionSpec, event: dict[str, Any]) -> Response:
        """A synchronous invocation through the function's execution environments (``local.lambda_``), mapped as
        API Gateway maps it: a failed invocation (the handler raised, init failed, the function timed out) is a 500,
        no answer within the integration timeout a 503."""
        pool = self.config.pools[spec.name]
        # One line per invocation (with the request id the response carries as apigw-requestid): what API Gateway's
        # execution log would show, and how the tests check that a refused request never reached a function.
        log.info("invoke %s request %s", spec.name, event["requestContext"]["requestId"])
        payload = json.dumps(event).encode()
        try:
            with anyio.fail_after(self.config.integration_timeout_s):
                # The environment enforces the function's own timeout (and is replaced); this is the gateway's.
                outcome = await anyio.to_thread.run_sync(pool.invoke, payload, None, abandon_on_cancel=True)
        except TimeoutError:
            log.error("%s did not answer within %.0f s", spec.name, self.config.integration_timeout_s)
            return gateway_error(503, "Service Unavailable")
        if outcome.error is not None or outcome.result is None:
            # The error's type only: its message may quote data the function handled.
            log.error("%s failed: %s", spec.name, (outcome.error or {}).get("errorType", "no result"))
            return gateway_error(500, "Internal Server Error")
        try:
            return to_response(json.loads(outcome.result))
        except (ValueError, TypeError, KeyError, binascii.Error):
            log.error("%s returned a response API Gateway cannot map", spec.name)
            return gateway_error(500, "Internal Server Error")

    def close(self) -> None:
        """Stop every function's execution environments."""
        for pool in self.config.pools.values():
            pool.close()

    async def _read_body(self, request: Request) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.config.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def _bucket(self, route_key: str) -> TokenBucket:
        if route_key not in self._buckets:
            throttle = self.config.route_throttles.get(route_key, self.config.default_throttle)
            self._buckets[route_key] = TokenBucket(throttle.rate_per_s, throttle.burst)
        return self._buckets[route_key]

    def _is_preflight(self, request: Request) -> bool:
        return (
            self.config.cors.enabled
            and request.method == "OPTIONS"
            and bool(request.headers.get("origin"))
            and "access-control-request-method" in request.headers
        )

    def _preflight(self, request: Request) -> Response | None:
        """API Gateway answers CORS preflight requests itself, for every path, without the authorizer."""
        origin = request.headers.get("origin")
        if not self._is_preflight(request):
            return None
        assert origin is not None
        headers = self.config.cors.preflight_headers(origin) if self.config.cors.allows(origin) else {}
        return Response(status_code=204, headers=headers)

    def _local_page(self, request: Request) -> Response | None:
        """/openapi.json and /docs: local only (API Gateway routes nothing but the template's routes)."""
        if request.method != "GET" or self.config.openapi is None:
            return None
        if request.url.path == "/openapi.json":
            return JSONResponse(self.config.openapi)
        from local.docs import docs_page  # Swagger UI's page and its assets, served from a pinned package

        return docs_page(request.url.path, self.config.openapi["info"]["title"])
