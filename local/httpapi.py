"""What template.yaml's HttpApi means locally, beyond ``local.cfn``: intrinsic functions resolved to local values,
the JWT authorizers, which route each one guards, and the CORS configuration."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from local import cfn

PSEUDO_PARAMETERS = {
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "local",
    "AWS::NoValue": "",
}

_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]+)\}")


def resolve(value: Any, names: Mapping[str, str], template: dict[str, Any] | None = None) -> Any:
    """``value`` with ``Ref``, ``Fn::Sub`` and ``Fn::GetAtt`` resolved: ``names`` gives the local value of pseudo
    parameters (``AWS::Region``...) and of resources created under another name (the user pool's id); otherwise a
    parameter is its default and a resource its logical id, as in ``cfn.local_value``."""
    template = template or cfn.load_template()

    def ref(name: str) -> str:
        if name in names:
            return names[name]
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        return str(cfn.local_value({"Ref": name}, template))

    def get_att(name: str, attribute: str) -> str:
        key = f"{name}.{attribute}"
        return names.get(key, f"arn:aws:local:::{ref(name)}" if attribute == "Arn" else ref(name))

    def substitute(text: str, variables: Mapping[str, Any]) -> str:
        def one(match: re.Match[str]) -> str:
            if match.group(1):  # ${!Literal} stays ${Literal}
                return "${" + match.group(2) + "}"
            name = match.group(2)
            if name in variables:
                return str(resolve(variables[name], names, template))
            if "." in name and not name.startswith("AWS::"):
                return get_att(*name.split(".", 1))
            return ref(name)

        return _SUB_VARIABLE.sub(one, text)

    if isinstance(value, dict) and len(value) == 1:
        (key, argument), *_ = value.items()
        if key == "Ref":
            return ref(str(argument))
        if key == "Fn::GetAtt":
            name, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
            return get_att(str(name), str(attribute))
        if key == "Fn::Sub":
            if isinstance(argument, list):
                return substitute(str(argument[0]), argument[1] if len(argument) > 1 else {})
            return substitute(str(argument), {})
    if isinstance(value, dict):
        return {key: resolve(item, names, template) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, names, template) for item in value]
    return value


def http_api(template: dict[str, Any] | None = None) -> dict[str, Any]:
    (api,) = cfn.resources("AWS::Serverless::HttpApi", template).values()
    properties: dict[str, Any] = api.get("Properties", {})
    return properties


# --- authorizers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JwtAuthorizer:
    """An HttpApi JWT authorizer: the token's ``iss`` must be ``issuer`` and its ``aud`` (or, without ``aud``,
    its ``client_id``) one of ``audiences``; the token is read from ``header``."""

    name: str
    issuer: str
    audiences: tuple[str, ...]
    header: str = "authorization"


def jwt_authorizers(names: Mapping[str, str], template: dict[str, Any] | None = None) -> dict[str, JwtAuthorizer]:
    authorizers = {}
    for name, config in http_api(template).get("Auth", {}).get("Authorizers", {}).items():
        jwt_config = config.get("JwtConfiguration")
        if jwt_config is None:
            continue  # Lambda authorizers are not emulated: their routes answer 401 locally
        source = str(config.get("IdentitySource", "$request.header.Authorization"))
        audience = resolve(jwt_config.get("audience", []), names, template)
        authorizers[name] = JwtAuthorizer(
            name=name,
            issuer=str(resolve(jwt_config["issuer"], names, template)),
            audiences=tuple(str(a) for a in (audience if isinstance(audience, list) else [audience])),
            header=source.removeprefix("$request.header.").lower(),
        )
    return authorizers


def route_authorizers(template: dict[str, Any] | None = None) -> dict[str, str | None]:
    """The authorizer guarding each route ('METHOD /path'), or None for an open route (``Authorizer: NONE``)."""
    default = http_api(template).get("Auth", {}).get("DefaultAuthorizer")
    guarded: dict[str, str | None] = {}
    for res in cfn.resources("AWS::Serverless::Function", template).values():
        for event in res["Properties"].get("Events", {}).values():
            if event["Type"] != "HttpApi":
                continue
            props = event["Properties"]
            authorizer = props.get("Auth", {}).get("Authorizer", default)
            key = f"{str(props['Method']).upper()} {props['Path']}"
            guarded[key] = None if authorizer in (None, "NONE") else str(authorizer)
    return guarded


# --- CORS ----------------------------------------------------------------------------------------------------


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
