"""The caller from the JWT claims API Gateway's HTTP API authorizer passes on (DESIGN 4): every claim a string."""

from __future__ import annotations

from typing import Any

import pytest

from early_learning.principal import Principal, claim_list
from tests.events import load_event


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[admins educators]", ("admins", "educators")),  # how HTTP API hands over a list claim
        ("[admins]", ("admins",)),
        ("[]", ()),
        ("", ()),
        (None, ()),
        ("aws.cognito.signin.user.admin openid", ("aws.cognito.signin.user.admin", "openid")),  # scope
        ("  [ a   b ]  ", ("a", "b")),
        ("[a,b]", ("a", "b")),
        (["a", "b"], ("a", "b")),  # a real list (e.g. a decoded token)
        (("a",), ("a",)),
    ],
)
def test_claim_list_reads_list_claims_in_every_form_they_arrive(value: Any, expected: tuple[str, ...]) -> None:
    assert claim_list(value) == expected


def test_principal_from_the_claims_of_an_http_api_event() -> None:
    # Given the claims of a real-looking HTTP API event (strings only, groups as "[admins]")
    claims = load_event("batch_get.json")["requestContext"]["authorizer"]["jwt"]["claims"]
    # When the principal is built from them
    principal = Principal.from_claims(claims)
    # Then it carries the sub, username, client id, groups and scopes
    assert principal.sub == "5a1e0000-0000-4000-8000-000000000001"
    assert principal.username == "admin@sunrise.example"
    assert principal.client_id == "4ea1ut1s8dkvtqv8demoappcl"
    assert principal.groups == ("admins",)
    assert principal.scopes == ("aws.cognito.signin.user.admin",)


def test_principal_from_id_token_claims_uses_cognito_username_and_aud() -> None:
    # Given an ID token's claims: cognito:username and aud instead of username and client_id
    claims = {
        "sub": "abc",
        "cognito:username": "teacher@sunrise.example",
        "aud": "client-1",
        "cognito:groups": "[educators parents]",
    }
    principal = Principal.from_claims(claims)
    assert principal.username == "teacher@sunrise.example"
    assert principal.client_id == "client-1"
    assert principal.groups == ("educators", "parents")
    assert principal.scopes == ()


def test_principal_needs_only_a_sub() -> None:
    principal = Principal.from_claims({"sub": "abc"})
    assert principal == Principal(sub="abc")


def test_principal_is_immutable() -> None:
    principal = Principal.from_claims({"sub": "abc"})
    with pytest.raises(ValueError, match="frozen"):
        principal.sub = "other"  # type: ignore[misc]
