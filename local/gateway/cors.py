"""The HttpApi's CORS configuration (template.yaml's CorsConfiguration), as API Gateway applies it to preflight
requests and to every other response."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from local.gateway.httpapi import http_api
from local.intrinsics import resolve


class ResponseHeaders(Protocol):
    """The headers of a response, as a dict or a Starlette ``MutableHeaders`` (which the local gateway holds)."""

    def __iter__(self) -> Iterator[str]: ...
    def __getitem__(self, name: str, /) -> str: ...
    def __setitem__(self, name: str, value: str, /) -> None: ...
    def __delitem__(self, name: str, /) -> None: ...


@dataclass(frozen=True)
class CorsPolicy:
    """The HttpApi's CorsConfiguration, as API Gateway applies it to preflight requests and responses.

    API Gateway answers a preflight (OPTIONS with Origin and Access-Control-Request-Method) itself, with
    ``preflight_headers``. To every other response for an allowed origin it adds ``response_headers``: the allowed
    origin, and Access-Control-Expose-Headers, the response headers browser code may read (Retry-After, ETag...);
    the integration's own CORS headers are ignored. ``apply`` does all of that to a response's headers, and adds
    ``Origin`` to its Vary header, since the answer depends on the request's Origin (a cache must not give one
    origin's answer to another)."""

    allow_origins: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.allow_origins)

    @property
    def varies_by_origin(self) -> bool:
        """Whether the answer names the request's origin (so caches must key it by Origin): not for ``*``."""
        return self.enabled and "*" not in self.allow_origins

    def allows(self, origin: str | None) -> bool:
        return origin is not None and ("*" in self.allow_origins or origin in self.allow_origins)

    def preflight_headers(self, origin: str) -> dict[str, str]:
        headers = self._origin_headers(origin)
        if self.allow_methods:
            headers["access-control-allow-methods"] = ",".join(self.allow_methods)
        if self.allow_headers:
            headers["access-control-allow-headers"] = ",".join(self.allow_headers).lower()
        if self.max_age is not None:
            headers["access-control-max-age"] = str(self.max_age)
        if self.varies_by_origin:
            headers["vary"] = "Origin"
        return headers

    def response_headers(self, origin: str) -> dict[str, str]:
        """The CORS headers of an actual (not preflight) response to ``origin``, an allowed one. Without Vary: a
        response may have one of its own, which ``apply`` extends instead of replacing."""
        headers = self._origin_headers(origin)
        if self.expose_headers:
            headers["access-control-expose-headers"] = ",".join(self.expose_headers).lower()
        return headers

    def apply(self, headers: ResponseHeaders, origin: str | None) -> None:
        """Make an actual response's ``headers`` what API Gateway sends for a request from ``origin`` (None: the
        request had no Origin header): the integration's own Access-Control-* headers dropped, ours added for an
        allowed origin, and ``Origin`` added to Vary (keeping the integration's Vary, e.g. Accept-Encoding)."""
        if not self.enabled:
            return
        for name in [name for name in headers if name.lower().startswith("access-control-")]:
            del headers[name]
        if origin is not None and self.allows(origin):
            for name, value in self.response_headers(origin).items():
                headers[name] = value
        if self.varies_by_origin:
            vary_names = [name for name in headers if name.lower() == "vary"]
            current = headers[vary_names[0]] if vary_names else ""
            headers[vary_names[0] if vary_names else "vary"] = add_vary(current, "Origin")

    def _origin_headers(self, origin: str) -> dict[str, str]:
        headers = {"access-control-allow-origin": "*" if "*" in self.allow_origins else origin}
        if self.allow_credentials:
            headers["access-control-allow-credentials"] = "true"
        return headers


def add_vary(vary: str, name: str) -> str:
    """A Vary header value with ``name`` among its field names (once; ``*`` already covers every name)."""
    names = [part.strip() for part in vary.split(",") if part.strip()]
    if "*" in names or name.lower() in (part.lower() for part in names):
        return ", ".join(names)
    return ", ".join([*names, name])


def cors_policy(allow_origins: str | None = None, template: dict[str, Any] | None = None) -> CorsPolicy:
    """The template's CORS configuration; ``allow_origins`` (comma-separated) replaces its origins."""
    config = http_api(template).get("CorsConfiguration")
    if not config:
        return CorsPolicy()
    if config is True:
        config = {"AllowOrigins": ["*"], "AllowHeaders": ["*"], "AllowMethods": ["*"]}

    def names(key: str) -> tuple[str, ...]:
        value = resolve(config.get(key, []), {}, template)
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip() for item in items if str(item).strip())

    origins = (
        tuple(o.strip() for o in allow_origins.split(",") if o.strip()) if allow_origins else names("AllowOrigins")
    )
    max_age = config.get("MaxAge")
    return CorsPolicy(
        allow_origins=origins,
        allow_headers=names("AllowHeaders"),
        allow_methods=names("AllowMethods"),
        expose_headers=names("ExposeHeaders"),
        max_age=int(max_age) if max_age is not None else None,
        allow_credentials=bool(config.get("AllowCredentials", False)),
    )
