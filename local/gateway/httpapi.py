"""What template.yaml's HttpApi means locally, beyond ``local.cfn``: its JWT authorizers (their issuer and audience
resolved to the local user pool's), and which route each one guards (its CORS configuration: ``local.gateway.cors``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from local import cfn
from local.intrinsics import resolve


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
