"""The local stack's Cognito is the template's (DESIGN 4 and 7): an invite-only pool and the template's app client,
with one difference, said in local/aws/cognito.py: the local client alone also allows USER_PASSWORD_AUTH, so that
`make token` and the tests sign in with InitiateAuth; the template's client keeps SRP for real apps."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from local import cfn
from local.aws.cognito import LOCAL_AUTH_FLOW
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

TEACHER = "teacher@sunrise.example"
(TEMPLATE_POOL,) = cfn.resources("AWS::Cognito::UserPool").values()
(TEMPLATE_CLIENT,) = cfn.resources("AWS::Cognito::UserPoolClient").values()


def cognito(stack: Stack) -> Any:
    import boto3

    return boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint_url, region_name=stack.info["region"])


def test_the_local_client_is_the_templates_plus_password_auth(stack: Stack) -> None:
    client = cognito(stack).describe_user_pool_client(
        UserPoolId=stack.info["user_pool_id"], ClientId=stack.info["user_pool_client_id"]
    )["UserPoolClient"]
    template_flows = TEMPLATE_CLIENT["Properties"]["ExplicitAuthFlows"]
    assert LOCAL_AUTH_FLOW not in template_flows
    assert sorted(client["ExplicitAuthFlows"]) == sorted([*template_flows, LOCAL_AUTH_FLOW])
    assert client["AccessTokenValidity"] == TEMPLATE_CLIENT["Properties"]["AccessTokenValidity"]
    assert (
        client["TokenValidityUnits"]["AccessToken"]
        == TEMPLATE_CLIENT["Properties"]["TokenValidityUnits"]["AccessToken"]
    )


def test_the_local_pool_is_invite_only_like_the_templates(stack: Stack) -> None:
    pool = cognito(stack).describe_user_pool(UserPoolId=stack.info["user_pool_id"])["UserPool"]
    assert TEMPLATE_POOL["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_a_demo_user_signs_in_with_the_password_and_gets_an_access_token(stack: Stack) -> None:
    # InitiateAuth with USER_PASSWORD_AUTH, as `make token` does
    result = stack.auth(TEACHER)
    claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert claims["token_use"] == "access"
    assert claims["client_id"] == stack.info["user_pool_client_id"]
