"""The authenticated caller, from the JWT claims API Gateway's authorizer passes to the function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict


def claim_list(value: Any) -> tuple[str, ...]:
    """HTTP API hands every claim over as a string: a list claim arrives as "[a b]" (or "a b" for scopes)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return tuple(part for part in text.replace(",", " ").split() if part)


class Principal(BaseModel):
    """Who called: the Cognito ``sub`` plus what the token says. Permissions come from the membership."""

    model_config = ConfigDict(frozen=True)

    sub: str
    username: str | None = None
    client_id: str | None = None
    groups: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        return cls(
            sub=str(claims["sub"]),
            username=claims.get("username") or claims.get("cognito:username"),
            client_id=claims.get("client_id") or claims.get("aud"),
            groups=claim_list(claims.get("cognito:groups")),
            scopes=claim_list(claims.get("scope")),
        )
