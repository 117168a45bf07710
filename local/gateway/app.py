"""The local HTTP API as an ASGI app: what API Gateway (HTTP API) does in front of the functions, in its order.

Per request: CORS preflight; route match on the path decoded once (404); 10 MB body limit (413); the route's
throttling (429); the JWT authorizer (401); then an HTTP API v2 event, the function invoked through its execution
environments, and its proxy response mapped back to HTTP. Errors of the gateway itself are API Gateway's JSON bodies
(``{"message": "Unauthorized"}``), not problem details. Also serves ``/openapi.json`` and ``/docs`` (Swagger UI).
"""

from __future__ import annotations

import binascii
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from local import cfn
from local.gateway.authorizer import InvalidToken, JwtVerifier, TokenProblem, bearer_token, challenge
from local.gateway.cors import CorsPolicy
from local.gateway.events import build_event, decoded_path, request_id, to_response
from local.gateway.routing import RouteMatcher
from local.gateway.throttling import TokenBucket
from local.lambda_.pool import FunctionPool

log = logging.getLogger("local.gateway")

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
INTEGRATION_TIMEOUT_S = 30.0  # API Gateway's maximum integration timeout


def gateway_error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """An error API Gateway answers itself, in its own shape."""
    return JSONResponse({"message": message}, status_code=status, headers=dict(headers or {}))


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
        from local.gateway.docs import docs_page  # Swagger UI's page and its assets, served from a pinned package

        return docs_page(request.url.path, self.config.openapi["info"]["title"])
