"""`make token USER=teacher@sunrise.example`: a token from the running local stack, taken the way a mobile app
takes one (Cognito InitiateAuth with USER_PASSWORD_AUTH against the emulator).

    python -m local.token teacher@sunrise.example          # prints the access token
    python -m local.token admin@maple.example --id-token   # the ID token: it passes the gateway, the functions say 401
"""

from __future__ import annotations

import argparse
import sys

from local import demo


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


def main(argv: list[str] | None = None) -> int:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    from local.stack import StackError, read_stack_file

    parser = argparse.ArgumentParser(prog="python -m local.token", description=__doc__.split("\n\n")[0])
    parser.add_argument("user", nargs="?", default="teacher@sunrise.example", help="username (an email)")
    parser.add_argument("--password", help=f"default: the demo users' password, {demo.DEMO_PASSWORD}")
    parser.add_argument("--id-token", action="store_true", help="print the id token instead of the access token")
    args = parser.parse_args(argv)
    try:
        stack = read_stack_file()
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    known = {user["username"]: user["password"] for user in stack.get("users", [])}
    password = args.password or known.get(args.user, demo.DEMO_PASSWORD)
    try:
        result = initiate_auth(
            stack["aws_endpoint_url"], stack["region"], stack["user_pool_client_id"], args.user, password
        )
    except ClientError as exc:
        users = ", ".join(known) or "none"
        print(f"{exc.response['Error'].get('Message', exc)} (demo users: {users})", file=sys.stderr)
        return 1
    print(result["IdToken"] if args.id_token else result["AccessToken"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
