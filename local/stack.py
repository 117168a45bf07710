"""`make run`: the whole API on this machine, in the foreground, without Docker or an AWS account (DESIGN 7).

1. an AWS emulator (moto server, a child process) on 127.0.0.1:$AWS_PORT (5000);
2. in it, the DynamoDB tables, the SQS queues, the Cognito user pool and app client of template.yaml, the demo
   users and data;
3. the local HTTP API (``local.gateway``) on 127.0.0.1:$API_PORT (8000), with /docs and /openapi.json, and the
   pollers of the template's SQS event source mappings (``local.lambda_.event_sources``);
4. ``.local/stack.json`` ($STACK_FILE) for ``make token`` / ``make invoke`` / the e2e tests, and a ready-to-paste curl.

Ctrl-C (or SIGTERM) stops the gateway, the pollers, the functions, then the emulator; the stack file is removed.
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
from pathlib import Path
from types import FrameType
from typing import Any

from local import cfn, child_process
from local.aws.cognito import UserPool, create_user_pool, create_users, initiate_auth
from local.aws.emulator import READY_TIMEOUT_S, start_emulator, stop_emulator, wait_for_emulator
from local.aws.environment import prepare_process
from local.aws.queues import create_queues
from local.demo.ids import MAPLE_LEAF_ART, MISSING, PUBLIC_BLOCKS, SUNRISE_PUPPETS
from local.demo.seed import SeedContext, seed_demo
from local.demo.users import DEMO_PASSWORD, DEMO_USERS
from local.gateway import Gateway, GatewayConfig
from local.gateway.authorizer import JwtVerifier
from local.gateway.cors import cors_policy
from local.gateway.httpapi import jwt_authorizers, route_authorizers
from local.lambda_.environment import function_environment, stack_overrides
from local.lambda_.event_sources import EventSources, sqs_mappings
from local.lambda_.pool import DEFAULT_CONCURRENCY, FunctionPool
from local.ports import HOST
from local.stack_file import StackError, claim_stack_file, stack_file, write_stack_file

ROOT = cfn.ROOT
# moto answers unsigned requests (InitiateAuth, as apps send it) from its us-east-1 backend, so everything lives there.
REGION = "us-east-1"

log = logging.getLogger("local.stack")


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


def build_pools(aws_endpoint_url: str, queues: dict[str, str]) -> dict[str, FunctionPool]:
    """Every function's execution environments (none started yet: each starts on its first request), with the
    function's own environment (``queues``: the queues' URLs and ARNs it refers to, ``create_queues``) and the
    settings given to the stack (``LAMBDA_CONCURRENCY`` per function)."""
    raw = os.environ.get("LAMBDA_CONCURRENCY") or str(DEFAULT_CONCURRENCY)
    if not raw.isdigit() or int(raw) < 1:
        raise StackError(f"LAMBDA_CONCURRENCY={raw!r} is not a positive number")
    overrides = stack_overrides()
    return {
        name: FunctionPool(spec, function_environment(spec, aws_endpoint_url, REGION, overrides), REGION, int(raw))
        for name, spec in cfn.functions(names=queues).items()
    }


def build_gateway(
    pools: dict[str, FunctionPool], document: dict[str, Any] | None, pool: UserPool, aws_endpoint_url: str
) -> Gateway:
    """The gateway app for the template's routes, its JWT authorizers checking tokens of the emulator's pool."""
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
    user = "teacher@sunrise.example"
    token = initiate_auth(aws_url, REGION, pool.client_id, user, DEMO_PASSWORD)["AccessToken"]
    body = json.dumps(
        {
            "resource_type": "activities",
            "ids": [PUBLIC_BLOCKS, SUNRISE_PUPPETS, MAPLE_LEAF_ART, MISSING],
            "fields": "id,name,activity_type",
        },
        separators=(",", ":"),
    )
    users = "\n".join(f"    {u.username:<26} {u.role.value:<9} {u.org_id}" for u in DEMO_USERS)
    data = ", ".join(f"{count} {name}" for name, count in counts.items())
    return f"""
Activity Batch API: local stack ready in {time.monotonic() - started:.1f} s
  API        {api_url}/api/v1/...   (routes of template.yaml)
  Docs       {api_url}/docs   (Swagger UI: "Authorize" with a token)
  Emulator   {aws_url}   (moto: DynamoDB, SQS, Cognito pool {pool.pool_id}, client {pool.client_id})
  Demo data  {data}
  Users      password {DEMO_PASSWORD}
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
    gateway: Gateway | None = None
    event_sources: EventSources | None = None
    wrote_stack_file = False
    try:
        claim_stack_file(path)
        api_port, aws_port = _port("API_PORT", 8000), _port("AWS_PORT", 5000)
        aws_url, api_url = f"http://{HOST}:{aws_port}", f"http://{HOST}:{api_port}"
        # Before anything imports the layer (the demo data is written through its store): its tables and endpoint.
        prepare_process(aws_url, REGION)
        import boto3
        import uvicorn

        emulator = start_emulator(aws_port, path.parent / "moto.log")
        document_build = start_document_build(path.parent / "openapi.json")  # while the emulator boots
        wait_for_emulator(emulator, aws_port, path.parent / "moto.log")
        dynamodb = boto3.client("dynamodb", endpoint_url=aws_url, region_name=REGION)
        cognito = boto3.client("cognito-idp", endpoint_url=aws_url, region_name=REGION)
        sqs = boto3.client("sqs", endpoint_url=aws_url, region_name=REGION)
        with ThreadPoolExecutor(max_workers=2) as pool_of_two:  # services of the emulator, set up side by side
            tables = pool_of_two.submit(cfn.create_tables, dynamodb)
            queues = pool_of_two.submit(create_queues, sqs, {"AWS::Region": REGION})
            pool = create_user_pool(cognito, {"AWS::Region": REGION})
            subs = create_users(cognito, pool.pool_id, [user.username for user in DEMO_USERS], DEMO_PASSWORD)
            tables.result()
        counts = seed_demo(SeedContext(subs=subs))
        pools = build_pools(aws_url, queues.result())
        gateway = build_gateway(
            pools, finish_document_build(document_build, path.parent / "openapi.json"), pool, aws_url
        )
        event_sources = EventSources.start(sqs_mappings(queues.result()), pools, sqs, REGION)
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
                    {"username": u.username, "password": DEMO_PASSWORD, "role": u.role.value, "org_id": u.org_id}
                    for u in DEMO_USERS
                ],
            }
            write_stack_file(path, stack)
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
        if event_sources is not None:
            event_sources.stop()  # no poll after this; a batch in flight is not deleted
        if gateway is not None:
            gateway.close()  # every function's workers
        if emulator is not None:
            stop_emulator(emulator)
    print("Local stack stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
