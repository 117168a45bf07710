"""The local gateway's reasons for refusing a token: a fixed set of texts, chosen by the type of PyJWT's exception,
never by its message (which may quote the token: its ``kid``, its claims)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import jwt
import pytest

from local.gateway.authorizer import InvalidToken, JwtVerifier, TokenProblem, challenge, token_problem
from local.gateway.httpapi import JwtAuthorizer

KID = 'ключ"\r\nX-Injected: 1\x00'
"""What a forger may put in a token's header, and PyJWT then quotes in its messages."""


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (jwt.ExpiredSignatureError(KID), TokenProblem.EXPIRED),
        (jwt.ImmatureSignatureError(KID), TokenProblem.NOT_YET_VALID),
        (jwt.InvalidIssuerError(KID), TokenProblem.WRONG_ISSUER),
        (jwt.InvalidAudienceError(KID), TokenProblem.WRONG_AUDIENCE),
        (jwt.MissingRequiredClaimError(KID), TokenProblem.MISSING_CLAIM),
        (jwt.InvalidIssuedAtError(KID), TokenProblem.INVALID_CLAIM),
        (jwt.exceptions.InvalidSubjectError(KID), TokenProblem.INVALID_CLAIM),
        (jwt.InvalidSignatureError(KID), TokenProblem.BAD_SIGNATURE),
        (jwt.InvalidAlgorithmError(KID), TokenProblem.UNSUPPORTED_ALGORITHM),
        (jwt.DecodeError(KID), TokenProblem.MALFORMED),
        (jwt.exceptions.PyJWKClientConnectionError(KID), TokenProblem.KEYS_UNAVAILABLE),
        (jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{KID}"'), TokenProblem.UNKNOWN_KEY),
        (jwt.InvalidTokenError(KID), TokenProblem.INVALID),
        (jwt.InvalidKeyError(KID), TokenProblem.INVALID),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value.name,
)
def test_each_pyjwt_error_maps_by_type_to_its_fixed_reason(error: Exception, problem: TokenProblem) -> None:
    assert token_problem(error) is problem


@pytest.mark.parametrize("problem", list(TokenProblem), ids=lambda problem: problem.name)
def test_every_reason_is_a_safe_header_value(problem: TokenProblem) -> None:
    # Printable ASCII without quotes or backslashes: it sits inside error_description="..." as it is
    assert re.fullmatch(r"[ -!#-\[\]-~]+", problem.value)
    assert challenge(problem, "a.b.c") == f'Bearer scope="" error="invalid_token" error_description="{problem.value}"'
    assert challenge(problem, None) == "Bearer"


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class _Jwks:
    """A key set client that fails in a way no check foresaw, quoting the token in its message."""

    def get_signing_key_from_jwt(self, token: str) -> Any:
        raise ValueError(f"cannot handle {token}")


def test_an_unforeseen_error_while_checking_a_token_is_a_fixed_401_reason(caplog: pytest.LogCaptureFixture) -> None:
    # Given a verifier whose key lookup fails with an error that is not PyJWT's
    verifier = JwtVerifier(JwtAuthorizer("Cognito", "https://issuer.example", ("client",)), "http://127.0.0.1:9/jwks")
    verifier._jwks = _Jwks()  # type: ignore[assignment]
    token = f"{b64({'alg': 'RS256', 'typ': 'JWT', 'kid': KID})}.{b64({'sub': 's'})}.c2lnbmF0dXJl"
    # When a token is checked
    with pytest.raises(InvalidToken) as raised:
        verifier.verify(token)
    # Then it is refused with the generic fixed reason, and the log has the error's type, not its message
    assert raised.value.problem is TokenProblem.INVALID
    assert "ValueError" in caplog.text
    assert token not in caplog.text
    assert "X-Injected" not in caplog.text
