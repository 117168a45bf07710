"""`make token USER=teacher@sunrise.example`: a token from the running local stack, taken the way a mobile app
takes one (Cognito InitiateAuth with USER_PASSWORD_AUTH against the emulator).

    python -m local.token teacher@sunrise.example          # prints the access token
    python -m local.token admin@maple.example --id-token   # the ID token: it passes the gateway, the functions say 401
"""

from __future__ import annotations

import argparse
import sys

from local.aws.cognito import sign_in, stack_passwords
from local.demo.users import DEMO_PASSWORD
from local.stack_file import StackError, read_stack_file


def main(argv: list[str] | None = None) -> int:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(prog="python -m local.token", description=__doc__.split("\n\n")[0])
    parser.add_argument("user", nargs="?", default="teacher@sunrise.example", help="username (an email)")
    parser.add_argument("--password", help=f"default: the demo users' password, {DEMO_PASSWORD}")
    parser.add_argument("--id-token", action="store_true", help="print the id token instead of the access token")
    args = parser.parse_args(argv)
    try:
        stack = read_stack_file()
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    known = stack_passwords(stack)
    try:
        result = sign_in(stack, args.user, args.password)
    except ClientError as exc:
        users = ", ".join(known) or "none"
        print(f"{exc.response['Error'].get('Message', exc)} (demo users: {users})", file=sys.stderr)
        return 1
    print(result["IdToken"] if args.id_token else result["AccessToken"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
