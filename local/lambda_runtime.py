"""Run a function's handler in this process the way Lambda would: its environment, a context, one event at a time.

Used by the local gateway (``local.gateway``) and by ``local.invoke`` (the docker-free ``sam local invoke``).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from local import cfn

ACCOUNT_ID = "123456789012"

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
}

Handler = Callable[[dict[str, Any], Any], Any]


def function_environment(
    aws_endpoint_url: str, region: str, specs: Mapping[str, cfn.FunctionSpec] | None = None
) -> tuple[dict[str, str], list[str]]:
    """The environment every function gets locally, and the variables two functions disagree on.

    In AWS each function has its own environment; here they share one process, so the variables are merged (the
    first function in the template wins a conflict). Every AWS SDK call goes to the emulator with fake credentials.
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
    env, conflicts = function_environment(aws_endpoint_url, region)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(name, None)
    os.environ.update(env)
    # Loopback only: never route the emulator or the gateway through a proxy configured for the internet.
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, (os.environ.get(name), "127.0.0.1", "localhost")))
    return conflicts


@dataclass
class LambdaContext:
    """What Lambda passes as ``context``: the remaining time counts down from the function's timeout."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_s: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    identity: Any = None
    client_context: Any = None
    started_at: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, spec: cfn.FunctionSpec, region: str) -> LambdaContext:
        today = time.strftime("%Y/%m/%d", time.gmtime())
        return cls(
            function_name=spec.name,
            memory_limit_in_mb=spec.memory_mb,
            invoked_function_arn=f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{spec.name}",
            timeout_s=spec.timeout_s,
            log_group_name=f"/aws/lambda/{spec.name}",
            log_stream_name=f"{today}/[$LATEST]{uuid.uuid4().hex}",
        )

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.started_at + self.timeout_s - time.monotonic()) * 1000))


_handlers: dict[str, Handler] = {}
_loading = threading.Lock()

# Lambda runs one event at a time per execution environment. In this process every function shares the layer's
# module-level state (powertools Logger and Metrics, caches), so invocations run one at a time: each one's logs,
# correlation id and metrics stay its own, as in a single warm environment.
_one_at_a_time = threading.Lock()


def load_handler(spec: cfn.FunctionSpec) -> Handler:
    """The function's handler, imported once (its cold start)."""
    with _loading:
        if spec.name not in _handlers:
            _handlers[spec.name] = spec.load_handler()
        return _handlers[spec.name]


_thread = threading.local()


def _ensure_event_loop() -> None:
    """Mangum runs the ASGI app on ``asyncio.get_event_loop()``, which only the main thread (Lambda's runtime
    thread) gets implicitly; a worker thread of the gateway needs one of its own."""
    if getattr(_thread, "loop", None) is None:
        _thread.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_thread.loop)


def invoke(spec: cfn.FunctionSpec, event: dict[str, Any], region: str) -> Any:
    """Run the handler with ``event`` and a fresh context, as a synchronous Lambda invocation."""
    handler = load_handler(spec)
    if threading.current_thread() is not threading.main_thread():
        _ensure_event_loop()
    with _one_at_a_time:
        return handler(event, LambdaContext.start(spec, region))
