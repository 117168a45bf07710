"""Cognito in the emulator: the template's user pool and app client, the stack's users, and signing in the way a
mobile app does (InitiateAuth with USER_PASSWORD_AUTH)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from local import cfn
from local.demo.users import DEMO_PASSWORD
from local.intrinsics import resolve
from local.stack_file import StackError

log = logging.getLogger("local.stack")

LOCAL_AUTH_FLOW = "ALLOW_USER_PASSWORD_AUTH"
"""The one auth flow the local stack adds to the template's app client (see ``create_user_pool``)."""
# What Cognito enables on a client created without ExplicitAuthFlows.
_COGNITO_DEFAULT_AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH")


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    client_id: str
    names: dict[str, str]
    """Logical id -> physical id of every Cognito resource created (to resolve the authorizer's !Sub)."""


def _api_parameters(client: Any, operation: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation properties the API operation accepts (they share names, except the pool's name)."""
    members = client.meta.service_model.operation_model(operation).input_shape.members
    ignored = sorted(set(properties) - set(members))
    if ignored:
        log.info("%s: not applied locally: %s", operation, ", ".join(ignored))
    return {key: value for key, value in properties.items() if key in members}


def create_user_pool(cognito: Any, names: dict[str, str]) -> UserPool:
    """Every AWS::Cognito::UserPool and UserPoolClient of the template; the users go to the first ones."""
    created = dict(names)
    pools: list[str] = []
    for logical_id, res in cfn.resources("AWS::Cognito::UserPool").items():
        props = resolve(res.get("Properties", {}), created)
        props["PoolName"] = props.pop("UserPoolName", logical_id)
        pool = cognito.create_user_pool(**_api_parameters(cognito, "CreateUserPool", props))["UserPool"]
        created[logical_id] = pool["Id"]
        pools.append(pool["Id"])
    clients: list[str] = []
    for logical_id, res in cfn.resources("AWS::Cognito::UserPoolClient").items():
        props = resolve(res.get("Properties", {}), created)
        props.setdefault("ClientName", logical_id)
        # The template's client keeps SRP for real apps (the password never leaves the device). The local stack
        # alone enables password auth, on its own client, so that `make token` and the tests sign in with
        # InitiateAuth (USER_PASSWORD_AUTH, ``initiate_auth``) instead of implementing SRP. Nothing else is changed.
        flows = list(props.get("ExplicitAuthFlows") or _COGNITO_DEFAULT_AUTH_FLOWS)
        if LOCAL_AUTH_FLOW not in flows:
            flows.append(LOCAL_AUTH_FLOW)
        props["ExplicitAuthFlows"] = flows
        client = cognito.create_user_pool_client(**_api_parameters(cognito, "CreateUserPoolClient", props))
        created[logical_id] = client["UserPoolClient"]["ClientId"]
        clients.append(created[logical_id])
    if not pools or not clients:
        raise StackError("template.yaml has no AWS::Cognito::UserPool with a UserPoolClient")
    return UserPool(pools[0], clients[0], created)


def create_users(cognito: Any, pool_id: str, usernames: Iterable[str], password: str) -> dict[str, str]:
    """Users (an email each), confirmed with their permanent password; returns their real ``sub`` by username."""
    subs = {}
    for username in usernames:
        created = cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )["User"]
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
        subs[username] = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    return subs


def initiate_auth(aws_endpoint_url: str, region: str, client_id: str, username: str, password: str) -> dict[str, str]:
    """Cognito's AuthenticationResult (AccessToken, IdToken, RefreshToken, ExpiresIn...) for the user."""
    import boto3
    from botocore import UNSIGNED  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    # InitiateAuth is an unauthenticated call: apps send it without AWS credentials, and so does this.
    cognito = boto3.client(
        "cognito-idp", endpoint_url=aws_endpoint_url, region_name=region, config=Config(signature_version=UNSIGNED)
    )
    response = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    if "AuthenticationResult" not in response:
        raise RuntimeError(f"Cognito asked for a challenge instead of tokens: {response.get('ChallengeName')}")
    result: dict[str, str] = response["AuthenticationResult"]
    return result


def stack_passwords(stack: dict[str, Any]) -> dict[str, str]:
    """The users the running stack's file lists (``.local/stack.json``), with their passwords."""
    return {entry["username"]: entry["password"] for entry in stack.get("users", [])}


def sign_in(stack: dict[str, Any], username: str, password: str | None = None) -> dict[str, str]:
    """``initiate_auth`` against the running stack's pool client, with ``password`` or else the one its file lists for
    ``username`` (the demo users' password for anyone else)."""
    password = password or stack_passwords(stack).get(username, DEMO_PASSWORD)
    return initiate_auth(stack["aws_endpoint_url"], stack["region"], stack["user_pool_client_id"], username, password)
