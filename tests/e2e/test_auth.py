"""The gateway's JWT authorizer, over HTTP: tokens from the emulator's Cognito, and every way a token can be wrong."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from local.demo import ids
from local.demo.users import DEMO_PASSWORD
from local.gateway.authorizer import TokenProblem, challenge
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

UNAUTHORIZED = {"message": "Unauthorized"}
ACTIVITY = f"/api/v1/activities/{ids.PUBLIC_BLOCKS}"
TEACHER = "teacher@sunrise.example"


def moto_signing_key() -> Any:
    """The private key moto signs its user pools' tokens with (it ships with moto)."""
    return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(load_resource("cognitoidp/resources/jwks-private.json")))


def forge(claims: dict[str, Any], key: Any = None, kid: str = "dummy") -> str:
    return jwt.encode(claims, key or moto_signing_key(), algorithm="RS256", headers={"kid": kid})


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def get(api: httpx.Client, token: str | None, path: str = ACTIVITY) -> httpx.Response:
    return api.get(path, headers={"Authorization": f"Bearer {token}"} if token is not None else {})


def test_an_access_token_from_initiate_auth_is_accepted(api: httpx.Client, stack: Stack) -> None:
    # Given an access token taken through Cognito InitiateAuth, as the app does
    token = stack.auth(TEACHER)["AccessToken"]
    # When it calls the API
    response = get(api, token)
    # Then the function answers with the activity
    assert response.status_code == 200
    assert response.json()["id"] == ids.PUBLIC_BLOCKS


def test_an_id_token_passes_the_gateway_but_the_function_refuses_it(api: httpx.Client, stack: Stack) -> None:
    # Given an ID token of a demo user (API Gateway's JWT authorizer accepts it: its audience is in `aud`)
    id_token = stack.token(TEACHER, id_token=True)
    assert claims_of(id_token)["token_use"] == "id"
    assert claims_of(id_token)["aud"] == stack.info["user_pool_client_id"]
    # When it calls the API
    response = get(api, id_token)
    # Then the function (not the gateway) answers 401 problem details: it accepts access tokens only (DESIGN 4)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 401
    # And the same user's access token is accepted
    access_token = stack.token(TEACHER)
    assert claims_of(access_token)["token_use"] == "access"
    assert claims_of(access_token)["sub"] == claims_of(id_token)["sub"]
    assert get(api, access_token).status_code == 200


def test_the_token_may_come_without_the_bearer_prefix(api: httpx.Client, stack: Stack) -> None:
    response = api.get(ACTIVITY, headers={"Authorization": stack.token(TEACHER)})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Bearer not-a-jwt"}],
    ids=["no header", "empty", "scheme only", "not a jwt"],
)
def test_missing_or_malformed_tokens_are_401(api: httpx.Client, headers: dict[str, str]) -> None:
    response = api.get(ACTIVITY, headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_tampered_token_is_401(api: httpx.Client, stack: Stack) -> None:
    # Given a real token whose payload is changed to another user's sub (the signature no longer matches)
    header, _, signature = stack.token(TEACHER).split(".")
    claims = claims_of(stack.token(TEACHER)) | {"sub": ids.ADMIN_MAPLE_SUB}
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    # When it is sent
    response = get(api, f"{header}.{forged_payload}.{signature}")
    # Then the gateway refuses it before any function runs
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_a_token_signed_with_the_pool_key_passes_so_the_next_checks_are_meaningful(
    api: httpx.Client, stack: Stack
) -> None:
    # Given a token re-signed with the user pool's own key, claims unchanged
    assert get(api, forge(claims_of(stack.token(TEACHER)))).status_code == 200


def test_an_expired_token_is_401(api: httpx.Client, stack: Stack) -> None:
    # Given a token signed with the pool's key, otherwise valid, that expired a minute ago
    now = int(time.time())
    claims = claims_of(stack.token(TEACHER)) | {"iat": now - 3660, "auth_time": now - 3660, "exp": now - 60}
    response = get(api, forge(claims))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == challenge(TokenProblem.EXPIRED, "t")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"}, TokenProblem.WRONG_ISSUER),
        ({"client_id": "another-app-client"}, TokenProblem.WRONG_AUDIENCE),
        ({"nbf": int(time.time()) + 3600}, TokenProblem.NOT_YET_VALID),
        ({"iat": int(time.time()) + 3600}, TokenProblem.NOT_YET_VALID),
        ({"exp": "tomorrow"}, TokenProblem.MALFORMED),
        ({"iat": "today"}, TokenProblem.INVALID_CLAIM),
        ({"sub": None}, TokenProblem.MISSING_CLAIM),
    ],
    ids=["issuer", "client_id", "nbf", "iat", "exp not a number", "iat not a number", "no sub"],
)
def test_a_token_for_another_pool_app_or_time_is_401_with_its_fixed_reason(
    api: httpx.Client, stack: Stack, change: dict[str, Any], reason: TokenProblem
) -> None:
    claims = {key: value for key, value in (claims_of(stack.token(TEACHER)) | change).items() if value is not None}
    response = get(api, forge(claims))
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["www-authenticate"] == challenge(reason, "t")


def test_a_token_signed_with_a_key_of_another_kind_is_401(api: httpx.Client, stack: Stack) -> None:
    # HS256 (a shared secret) where the pool signs with RS256
    token = jwt.encode(claims_of(stack.token(TEACHER)), "a-secret-of-at-least-32-bytes!!!", algorithm="HS256")
    response = get(api, token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == challenge(TokenProblem.UNSUPPORTED_ALGORITHM, "t")


def test_a_token_signed_with_another_key_is_401(api: httpx.Client, stack: Stack) -> None:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = get(api, forge(claims_of(stack.token(TEACHER)), key=other_key))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == challenge(TokenProblem.BAD_SIGNATURE, "t")


def test_an_unsigned_token_is_401(api: httpx.Client, stack: Stack) -> None:
    unsigned = jwt.encode(claims_of(stack.token(TEACHER)), key="", algorithm="none")
    assert get(api, unsigned).status_code == 401


def test_a_signed_in_user_without_membership_is_403(api: httpx.Client, stack: Stack) -> None:
    # Given a user of the pool who belongs to no organization
    import boto3

    cognito = boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint_url, region_name=stack.info["region"])
    username, password = "visitor@nowhere.example", DEMO_PASSWORD
    cognito.admin_create_user(UserPoolId=stack.info["user_pool_id"], Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=stack.info["user_pool_id"], Username=username, Password=password, Permanent=True
    )
    token = stack.auth(username, password)["AccessToken"]
    # When they call the API with their valid token
    response = get(api, token)
    # Then the token passes the gateway and the function answers 403 problem details
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_make_token_prints_a_token_the_api_accepts(api: httpx.Client, stack: Stack) -> None:
    # When `make token USER=admin@maple.example` runs (python -m local.token against the stack file)
    result = stack.run_cli("local.token", "admin@maple.example")
    # Then it prints an access token of that user, which the API accepts
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert claims_of(token)["token_use"] == "access"
    response = get(api, token, f"/api/v1/activities/{ids.MAPLE_LEAF_ART}")
    assert response.status_code == 200


def test_make_token_for_an_unknown_user_fails_clearly(stack: Stack) -> None:
    result = stack.run_cli("local.token", "nobody@nowhere.example")
    assert result.returncode == 1
    assert "demo users" in result.stderr
