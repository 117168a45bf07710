"""Point this process at the emulator: the functions' environment for a process that imports the shared layer itself,
the local stack (it writes the demo data through the layer's store) and the benchmarks. The functions themselves run
in worker processes with their own environment each (``local.lambda_.environment``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from local import cfn

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
}


def layer_environment(
    aws_endpoint_url: str, region: str, specs: Mapping[str, cfn.FunctionSpec] | None = None
) -> tuple[dict[str, str], list[str]]:
    """The environment every function gets locally, merged, and the variables two functions disagree on.

    For a process that imports the layer for every function at once, the variables are merged (the first function
    in the template wins a conflict). Every AWS SDK call goes to the emulator with fake credentials.
    """
    env: dict[str, str] = {}
    conflicts: list[str] = []
    for spec in (specs if specs is not None else cfn.functions()).values():
        for key, value in spec.environment.items():
            if key in env and env[key] != value:
                conflicts.append(f"{key} ({spec.name})")
            env.setdefault(key, value)
    env.update(FAKE_CREDENTIALS)
    env.update(
        {
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "DYNAMODB_ENDPOINT_URL": aws_endpoint_url,
            "AWS_ENDPOINT_URL": aws_endpoint_url,
        }
    )
    return env, conflicts


def prepare_process(aws_endpoint_url: str, region: str) -> list[str]:
    """Give this process the functions' environment. Must run before anything imports the shared layer: its
    settings are read once per cold start and its table models are bound to the endpoint at import time."""
    settings = sys.modules.get("early_learning.settings")
    if settings is not None and settings.get_settings().dynamodb_endpoint_url != aws_endpoint_url:
        raise RuntimeError("early_learning was imported before the local environment was set")
    env, conflicts = layer_environment(aws_endpoint_url, region)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(name, None)
    os.environ.update(env)
    # Loopback only: never route the emulator or the gateway through a proxy configured for the internet.
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, (os.environ.get(name), "127.0.0.1", "localhost")))
    return conflicts
