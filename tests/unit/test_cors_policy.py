"""The local gateway's CORS, read from template.yaml's CorsConfiguration (local.gateway.cors.CorsPolicy), as API Gateway
applies it: preflights answered with the allowed methods and headers; actual responses to an allowed origin carrying
Access-Control-Allow-Origin and Access-Control-Expose-Headers, whatever the function set itself; and Vary: Origin, so
that no cache hands one origin's answer to another."""

from __future__ import annotations

import pytest
from starlette.datastructures import MutableHeaders

from local import cfn
from local.gateway.cors import CorsPolicy, add_vary, cors_policy

ORIGIN = "http://localhost:3000"  # the template's CorsAllowOrigins default
POLICY = cors_policy()


def test_the_policy_is_the_templates_cors_configuration() -> None:
    config = cfn.cors()
    assert POLICY.allow_origins == (ORIGIN,)
    assert POLICY.allow_headers == tuple(config["AllowHeaders"])
    assert POLICY.allow_methods == tuple(config["AllowMethods"])
    assert POLICY.expose_headers == tuple(config["ExposeHeaders"])
    assert POLICY.max_age == config["MaxAge"]


def test_a_preflight_from_the_allowed_origin_names_the_methods_and_headers_and_varies_by_origin() -> None:
    headers = POLICY.preflight_headers(ORIGIN)
    assert headers["access-control-allow-origin"] == ORIGIN
    assert set(headers["access-control-allow-methods"].split(",")) >= {"GET", "POST", "PATCH", "DELETE"}
    allowed = set(headers["access-control-allow-headers"].split(","))
    assert allowed == {"authorization", "content-type", "idempotency-key", "if-match"}
    assert headers["access-control-max-age"] == "600"
    assert headers["vary"] == "Origin"


def test_a_response_to_the_allowed_origin_exposes_the_contracts_headers() -> None:
    # Given a function's response with its own headers (a gzip-compressed one varies by Accept-Encoding)
    headers = {"content-type": "application/json", "etag": '"3"', "vary": "Accept-Encoding"}
    POLICY.apply(headers, ORIGIN)
    assert headers["access-control-allow-origin"] == ORIGIN
    exposed = set(headers["access-control-expose-headers"].split(","))
    assert exposed == {"retry-after", "etag", "location", "ratelimit", "ratelimit-policy", "idempotent-replayed"}
    # The function's Vary is kept, and Origin added to it
    assert headers["vary"] == "Accept-Encoding, Origin"
    assert headers["etag"] == '"3"'


def test_the_functions_own_cors_headers_are_ignored_as_api_gateway_ignores_them() -> None:
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "X-Secret",
        "Access-Control-Allow-Credentials": "true",
    }
    POLICY.apply(headers, "https://evil.example")
    assert not [name for name in headers if name.lower().startswith("access-control-")]
    POLICY.apply(headers, ORIGIN)
    assert headers["access-control-allow-origin"] == ORIGIN
    assert "x-secret" not in headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in headers


@pytest.mark.parametrize("origin", [None, "https://evil.example", "http://localhost:3000.evil.example"])
def test_other_origins_get_no_cors_headers_but_the_answer_still_varies_by_origin(origin: str | None) -> None:
    headers = {"content-type": "application/json"}
    POLICY.apply(headers, origin)
    assert headers == {"content-type": "application/json", "vary": "Origin"}


def test_apply_works_on_the_gateways_case_insensitive_response_headers() -> None:
    # The headers of a Starlette response, as the local gateway holds them
    headers = MutableHeaders(headers={"Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*"})
    POLICY.apply(headers, ORIGIN)
    assert headers.getlist("vary") == ["Accept-Encoding, Origin"]
    assert headers.getlist("access-control-allow-origin") == [ORIGIN]
    assert "retry-after" in headers["access-control-expose-headers"]


def test_a_wildcard_origin_is_answered_with_a_wildcard_and_does_not_vary() -> None:
    policy = CorsPolicy(allow_origins=("*",), expose_headers=("ETag",))
    headers: dict[str, str] = {}
    policy.apply(headers, "https://anywhere.example")
    assert headers == {"access-control-allow-origin": "*", "access-control-expose-headers": "etag"}
    assert "vary" not in policy.preflight_headers("https://anywhere.example")


def test_without_cors_configured_nothing_is_added() -> None:
    headers = {"access-control-allow-origin": "*"}
    CorsPolicy().apply(headers, ORIGIN)
    assert headers == {"access-control-allow-origin": "*"}


def test_allowed_origins_given_at_startup_replace_the_templates() -> None:
    policy = cors_policy("https://app.example.org, https://admin.example.org")
    assert policy.allow_origins == ("https://app.example.org", "https://admin.example.org")
    assert policy.expose_headers == POLICY.expose_headers
    assert not policy.allows(ORIGIN)


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("", "Origin"),
        ("Accept-Encoding", "Accept-Encoding, Origin"),
        ("accept-encoding,origin", "accept-encoding, origin"),
        ("*", "*"),
    ],
)
def test_add_vary_adds_a_name_once(vary: str, expected: str) -> None:
    assert add_vary(vary, "Origin") == expected
