"""`make run`: the whole API on this machine, in the foreground, without Docker or an AWS account (DESIGN 7).

1. an AWS emulator (moto server, a child process) on 127.0.0.1:$AWS_PORT (5000);
2. in it, the DynamoDB tables, the Cognito user pool and app client of template.yaml, the demo users and data;
3. the local HTTP API (``local.gateway``) on 127.0.0.1:$API_PORT (8000), with /docs and /openapi.json;
4. ``.local/stack.json`` ($STACK_FILE) for ``make token`` / ``make invoke`` / the e2e tests, and a ready-to-paste curl.

Ctrl-C (or SIGTERM) stops the gateway, then the emulator; the stack file is removed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from local import cfn, child_process, demo, lambda_runtime
from local.httpapi import cors_policy, jwt_authorizers, resolve, route_authorizers
from local.lambda_.environment import function_environment, stack_overrides
from local.lambda_.pool import DEFAULT_CONCURRENCY, FunctionPool

ROOT = cfn.ROOT
DEFAULT_STACK_FILE = ROOT / ".local" / "stack.json"
HOST = "127.0.0.1"
# moto answers unsigned requests (InitiateAuth, as apps send it) from its us-east-1 backend, so everything lives there.
REGION = "us-east-1"
READY_TIMEOUT_S = 30.0

log = logging.getLogger("local.stack")


class StackError(Exception):
    """The stack cannot start or is not running; the message says what to do."""


# --- the stack file --------------------------------------------------------------------------------------------


def stack_file() -> Path:
    return Path(os.environ.get("STACK_FILE") or DEFAULT_STACK_FILE)


def read_stack_file(path: Path | None = None) -> dict[str, Any]:
    """The running stack's description; StackError when no stack is running."""
    path = path or stack_file()
    if not path.exists():
        raise StackError(f"No local stack is running ({path} not found): start one with `make run`.")
    stack: dict[str, Any] = json.loads(path.read_text())
    if not _alive(stack.get("pid")):
        raise StackError(f"{path} is left from a stack that is no longer running: start one with `make run`.")
    endpoint = str(stack["aws_endpoint_url"]).removeprefix("http://")
    host, _, port = endpoint.partition(":")
    if not _listening(host, int(port or 80)):
        raise StackError(f"The local stack in {path} is not answering on {stack['aws_endpoint_url']}: `make run`.")
    return stack


def _alive(pid: Any) -> bool:
    """Whether the process that wrote a stack file still runs (a file without a pid: assumed so)."""
    if pid is None:
        return True
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True


def claim_stack_file(path: Path) -> None:
    """Refuse to start over a running stack's file; a stale one (its stack was killed) is replaced."""
    if not path.exists():
        return
    try:
        pid = json.loads(path.read_text()).get("pid")
    except (OSError, ValueError, AttributeError):
        pid = -1
    if pid is not None and _alive(pid) and pid != os.getpid():
        raise StackError(f"{path} belongs to a running stack (pid {pid}): stop it, or set STACK_FILE=")
    log.info("replacing the stale %s", path)
    path.unlink(missing_ok=True)


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# --- the emulator --------------------------------------------------------------------------------------------


def start_emulator(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """moto server as a child process that dies with the stack, even on SIGKILL (``child_process``), its request
    log in ``log_path``. Started from the main thread, which lives as long as the stack."""
    server = Path(sys.executable).with_name("moto_server")
    command = [str(server)] if server.exists() else [sys.executable, "-m", "moto.server"]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as output:
        return child_process.start([*command, "-H", HOST, "-p", str(port)], stdout=output, stderr=output)


def wait_for_emulator(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not _listening(HOST, port):
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise StackError(f"moto server exited with code {process.returncode}:\n{tail}")
        if time.monotonic() > deadline:
            raise StackError(f"moto server did not listen on {HOST}:{port} within {READY_TIMEOUT_S:.0f} s")
        time.sleep(0.05)


def stop_emulator(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- Cognito: the template's user pool and app client, the demo users ------------------------------------------


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
    """Every AWS::Cognito::UserPool and UserPoolClient of the template; the demo users go to the first ones."""
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
        # InitiateAuth (USER_PASSWORD_AUTH, local.token) instead of implementing SRP. Nothing else is changed.
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


def create_demo_users(cognito: Any, pool_id: str) -> dict[str, str]:
    """The demo users, confirmed with their permanent password; returns their real ``sub`` by username."""
    subs = {}
    for user in demo.DEMO_USERS:
        created = cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=user.username,
            UserAttributes=[{"Name": "email", "Value": user.username}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )["User"]
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=user.username, Password=demo.DEMO_PASSWORD, Permanent=True
        )
        subs[user.username] = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    return subs


# --- the gateway ---------------------------------------------------------------------------------------------


def start_document_build(path: Path) -> subprocess.Popen[bytes]:
    """``python -m local.openapi --write``: the OpenAPI document of every function, built in a child process (it
    imports every function's app, which the stack itself never does), while the emulator boots."""
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)])}
    return child_process.start(
        [sys.executable, "-m", "local.openapi", "--write", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish_document_build(process: subprocess.Popen[bytes], path: Path) -> dict[str, Any] | None:
    _, errors = process.communicate(timeout=READY_TIMEOUT_S)
    if process.returncode != 0:
        log.warning("no /docs: %s", errors.decode(errors="replace").strip()[-500:])
        return None
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def build_pools(aws_endpoint_url: str) -> dict[str, FunctionPool]:
    """Every function's execution environments (none started yet: each starts on its first request), with the
    function's own environment and the settings given to the stack (``LAMBDA_CONCURRENCY`` per function)."""
    raw = os.environ.get("LAMBDA_CONCURRENCY") or str(DEFAULT_CONCURRENCY)
    if not raw.isdigit() or int(raw) < 1:
        raise StackError(f"LAMBDA_CONCURRENCY={raw!r} is not a positive number")
    overrides = stack_overrides()
    return {
        name: FunctionPool(spec, function_environment(spec, aws_endpoint_url, REGION, overrides), REGION, int(raw))
        for name, spec in cfn.functions().items()
    }


def build_gateway(
    pools: dict[str, FunctionPool], document: dict[str, Any] | None, pool: UserPool, aws_endpoint_url: str
) -> Any:
    """The gateway app for the template's routes, its JWT authorizers checking tokens of the emulator's pool."""
    from local.gateway import Gateway, GatewayConfig, JwtVerifier

    names = {**pool.names, "AWS::Region": REGION}
    verifiers = {
        name: JwtVerifier(authorizer, f"{aws_endpoint_url}/{pool.pool_id}/.well-known/jwks.json")
        for name, authorizer in jwt_authorizers(names).items()
    }
    for verifier in verifiers.values():
        verifier.prefetch()
    default_throttle, route_throttles = cfn.throttling()
    return Gateway(
        GatewayConfig(
            functions={name: function_pool.spec for name, function_pool in pools.items()},
            pools=pools,
            region=REGION,
            verifiers=verifiers,
            route_authorizers=route_authorizers(),
            default_throttle=default_throttle,
            route_throttles=route_throttles,
            cors=cors_policy(os.environ.get("CORS_ALLOW_ORIGINS")),
            openapi=document,
        )
    )


async def _serve(server: Any, on_ready: Callable[[], None]) -> None:
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
            raise StackError("the local HTTP API did not start")
        await asyncio.sleep(0.02)
    on_ready()
    await task


# --- main ----------------------------------------------------------------------------------------------------


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise StackError(f"{name}={raw!r} is not a port number")
    port = int(raw)
    with socket.socket() as probe:
        # As the servers themselves do: a port whose last connections are in TIME_WAIT is free to listen on.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise StackError(
                f"{HOST}:{port} is in use (another `make run`?): choose another one with {name}="
            ) from None
    return port


def _banner(api_url: str, aws_url: str, pool: UserPool, counts: dict[str, int], started: float, path: Path) -> str:
    from local.token import initiate_auth

    user = "teacher@sunrise.example"
    token = initiate_auth(aws_url, REGION, pool.client_id, user, demo.DEMO_PASSWORD)["AccessToken"]
    body = json.dumps(
        {
            "resource_type": "activities",
            "ids": [demo.PUBLIC_BLOCKS, demo.SUNRISE_PUPPETS, demo.MAPLE_LEAF_ART, demo.MISSING],
            "fields": "id,name,activity_type",
        },
        separators=(",", ":"),
    )
    users = "\n".join(f"    {u.username:<26} {u.role.value:<9} {u.org_id}" for u in demo.DEMO_USERS)
    data = ", ".join(f"{count} {name}" for name, count in counts.items())
    return f"""
Activity Batch API: local stack ready in {time.monotonic() - started:.1f} s
  API        {api_url}/api/v1/...   (routes of template.yaml)
  Docs       {api_url}/docs   (Swagger UI: "Authorize" with a token)
  Emulator   {aws_url}   (moto: DynamoDB, Cognito pool {pool.pool_id}, client {pool.client_id})
  Demo data  {data}
  Users      password {demo.DEMO_PASSWORD}
{users}
  Stack file {path}

A token of {user} (valid 60 min; another one: make token USER={user}):

curl -s {api_url}/api/v1/batch/get \\
  -H {shlex.quote("Authorization: Bearer " + token)} \\
  -H 'Content-Type: application/json' \\
  -d {shlex.quote(body)}

Ctrl-C stops everything.
"""


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    started = time.monotonic()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    for chatty in ("botocore", "pynamodb"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)  # a request that failed early
    # SIGTERM (and SIGHUP: the terminal closed) stop the stack like Ctrl-C does, through the `finally` below, so
    # the emulator never outlives it and no stale stack file is left.
    for stop in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if stop is not None:
            signal.signal(stop, _raise_interrupt)
    path = stack_file()
    emulator: subprocess.Popen[bytes] | None = None
    gateway: Any = None
    wrote_stack_file = False
    try:
        claim_stack_file(path)
        api_port, aws_port = _port("API_PORT", 8000), _port("AWS_PORT", 5000)
        aws_url, api_url = f"http://{HOST}:{aws_port}", f"http://{HOST}:{api_port}"
        # Before anything imports the layer (the demo data is written through its store): its tables and endpoint.
        lambda_runtime.prepare_process(aws_url, REGION)
        import boto3
        import uvicorn

        emulator = start_emulator(aws_port, path.parent / "moto.log")
        document_build = start_document_build(path.parent / "openapi.json")  # while the emulator boots
        wait_for_emulator(emulator, aws_port, path.parent / "moto.log")
        dynamodb = boto3.client("dynamodb", endpoint_url=aws_url, region_name=REGION)
        cognito = boto3.client("cognito-idp", endpoint_url=aws_url, region_name=REGION)
        with ThreadPoolExecutor(max_workers=2) as pool_of_two:  # two services of the emulator, set up side by side
            tables = pool_of_two.submit(cfn.create_tables, dynamodb)
            pool = create_user_pool(cognito, {"AWS::Region": REGION})
            subs = create_demo_users(cognito, pool.pool_id)
            tables.result()
        counts = demo.seed_demo(demo.SeedContext(subs=subs))
        gateway = build_gateway(
            build_pools(aws_url), finish_document_build(document_build, path.parent / "openapi.json"), pool, aws_url
        )
        server = uvicorn.Server(
            uvicorn.Config(gateway, host=HOST, port=api_port, lifespan="off", timeout_graceful_shutdown=5)
        )

        def ready() -> None:
            nonlocal wrote_stack_file
            stack = {
                "pid": os.getpid(),
                "api_url": api_url,
                "aws_endpoint_url": aws_url,
                "region": REGION,
                "user_pool_id": pool.pool_id,
                "user_pool_client_id": pool.client_id,
                "users": [
                    {"username": u.username, "password": demo.DEMO_PASSWORD, "role": u.role.value, "org_id": u.org_id}
                    for u in demo.DEMO_USERS
                ],
            }
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".tmp")
            partial.write_text(json.dumps(stack, indent=2) + "\n")
            partial.replace(path)  # atomic: whoever waits for the file never reads half of it
            wrote_stack_file = True
            print(_banner(api_url, aws_url, pool, counts, started, path), flush=True)

        asyncio.run(_serve(server, ready))
    except KeyboardInterrupt:
        pass
    except StackError as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 1
    finally:
        if wrote_stack_file:
            path.unlink(missing_ok=True)
        if gateway is not None:
            gateway.close()  # every function's workers
        if emulator is not None:
            stop_emulator(emulator)
    print("Local stack stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
