"""API Gateway's JWT authorizer: the bearer token read from the request, checked against the user pool's key set,
and refused with one of a fixed set of reasons that never echo the token."""

from __future__ import annotations

import enum
import logging
from typing import Any

import jwt

from local.gateway.httpapi import JwtAuthorizer

log = logging.getLogger("local.gateway")

JWT_LEEWAY_S = 2  # clock skew tolerated on exp/nbf/iat (same machine: almost none)


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
