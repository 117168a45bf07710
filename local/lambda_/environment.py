"""One execution environment of a function: a worker process running the Runtime Interface Client, as Lambda's
Python images run it (``python -m awslambdaric app.handler``), with its own Runtime API.

Like Lambda's, the worker has the function's own environment (from template.yaml, plus the local endpoints and
fake credentials) and nothing of the stack's, the function's folder as its working directory (``/var/task``,
``LAMBDA_TASK_ROOT``) and the shared layer on ``PYTHONPATH`` (``/opt/python``). One invocation at a time; an
invocation that overruns the function's ``Timeout`` is answered as failed, and the environment is stopped (a new
one starts for the next request, with a cold start of its own).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from local import cfn, child_process
from local.lambda_.runtime_api import Invocation, RuntimeApi

ACCOUNT_ID = "123456789012"
LAYER_PATH = cfn.ROOT / "layers" / "shared"
INIT_TIMEOUT_S = 10.0
"""Lambda's limit on an on-demand environment's init phase (the handler module's import)."""
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local"}
LOCAL_SETTINGS = {"WEBHOOK_ALLOW_LOCAL_HTTP": "true", "WEBHOOK_RETRY_SCHEDULE_S": "2,3,3,5,5,5,5"}
"""Settings whose local default is not AWS's (DESIGN 3.10): webhooks may go to ``http://127.0.0.1``, and a failed
delivery is retried within seconds (as many attempts as on AWS: the deliveries queue's maxReceiveCount). The stack's
own environment still wins (``WEBHOOK_ALLOW_LOCAL_HTTP=false make run``)."""
PASSED_THROUGH = ("POWERTOOLS_LOG_LEVEL", "POWERTOOLS_DEV", "POWERTOOLS_METRICS_DISABLED")
"""Variables of the stack's environment that reach every function, besides the settings' own (``settings_names``)."""


def settings_names() -> set[str]:
    """The environment variables the layer's settings read (``early_learning.settings.Settings``): given to the
    stack (``CATALOG_CACHE_TTL_S=3600 make run``), they reach every function, as a deploy's overrides would."""
    from pydantic import AliasChoices

    from early_learning.settings import Settings

    names: set[str] = set()
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [name]
        names.update(str(choice).upper() for choice in choices)
    return names


def function_environment(
    spec: cfn.FunctionSpec, aws_endpoint_url: str, region: str, overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The variables of one function's workers: Lambda's reserved ones, the template's for this function only, the
    local endpoints with fake credentials, and ``overrides`` (settings given to the stack). No variable of the
    stack's own environment gets in, except ``PATH``."""
    today = time.strftime("%Y/%m/%d", time.gmtime())
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONPATH": str(LAYER_PATH),
        "PYTHONUNBUFFERED": "1",
        "LAMBDA_TASK_ROOT": str(cfn.ROOT / spec.code_uri),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"{today}/[$LATEST]{uuid.uuid4().hex}",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        **FAKE_CREDENTIALS,
        **spec.environment,
        # moto copies a table for each action of a transaction: an atomic batch of 100 takes seconds there, and a
        # read timeout under that would have botocore send it again, which moto (ignoring ClientRequestToken)
        # answers as a failed condition. DynamoDB answers in milliseconds; the stack's overrides may still set it.
        "DYNAMODB_READ_TIMEOUT_S": "10",
        # Every AWS call goes to the emulator; loopback is never sent through a proxy set for the internet.
        "DYNAMODB_ENDPOINT_URL": aws_endpoint_url,
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        "NO_PROXY": "127.0.0.1,localhost",
        **LOCAL_SETTINGS,
        **(overrides or {}),
    }


GIVEN_ENVIRONMENT = dict(os.environ)
"""The environment this process was started with, taken when this module is imported: before the stack gives itself
the functions' variables (``local.aws.environment.prepare_process`` merges every function's into its own, to write the
demo data through the layer), which must not come back to every function as overrides (the job worker's
``RESPONSE_LIMIT_BYTES`` did)."""


def stack_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings (and ``PASSED_THROUGH`` variables) set in the environment the stack was given (by default
    ``GIVEN_ENVIRONMENT``), for every function."""
    environ = GIVEN_ENVIRONMENT if environ is None else environ
    wanted = settings_names() | set(PASSED_THROUGH)
    ignored = {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "DYNAMODB_ENDPOINT_URL",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "SQS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SQS",
    }  # the stack decides these
    return {key: value for key, value in environ.items() if key.upper() in wanted - ignored}


@dataclass(frozen=True)
class Outcome:
    """What an invocation came to, with the figures of its REPORT line."""

    request_id: str
    result: bytes | None
    """The handler's return value, as JSON (None when it failed)."""
    error: dict[str, Any] | None
    """``errorType``/``errorMessage`` when it failed: the handler raised, init failed, or it timed out."""
    duration_ms: float
    init_duration_ms: float | None
    """Set on the environment's first invocation (its cold start)."""
    max_memory_mb: int
    timed_out: bool = False


class ExecutionEnvironment:
    """A worker process and its Runtime API. Not thread-safe: the pool gives it one invocation at a time."""

    def __init__(
        self, spec: cfn.FunctionSpec, environment: Mapping[str, str], region: str, output: IO[Any] | None = None
    ) -> None:
        self.spec = spec
        self.region = region
        self.api = RuntimeApi()
        self.started_at = time.monotonic()
        self.cold = True
        self.stopped = False
        self._stop_lock = threading.Lock()
        self.process = child_process.spawn(
            [sys.executable, "-m", "awslambdaric", spec.handler],
            env={**environment, "AWS_LAMBDA_RUNTIME_API": self.api.address},
            cwd=cfn.ROOT / spec.code_uri,
            stdout=output,
            stderr=output,
        )

    @property
    def alive(self) -> bool:
        return not self.stopped and self.process.poll() is None

    def invoke(self, event: bytes, request_id: str | None = None) -> Outcome:
        request_id = request_id or str(uuid.uuid4())
        arn = f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.spec.name}"
        invocation = Invocation(request_id, event, float(self.spec.timeout_s), arn, f"Root=1-{uuid.uuid4().hex[:24]}")
        submitted = time.monotonic()
        init_ms: float | None = None
        if self.cold:
            failure = self._wait_for_init()
            init_ms = ((self.api.initialized_at or time.monotonic()) - self.started_at) * 1000
            self.cold = False
            if failure is not None:
                self.stop()
                return Outcome(request_id, None, failure, 0.0, init_ms, self._max_memory_mb())
        self.api.submit(invocation)
        timed_out = False
        while not invocation.done.wait(0.05):
            started = invocation.handed_at or submitted
            if time.monotonic() - started > invocation.timeout_s:
                timed_out = True
                break
            if self.process.poll() is not None:  # the worker died (a crash, out of memory)
                code = self.process.returncode
                invocation.finish(error={"errorType": "Runtime.ExitError", "errorMessage": f"exited with {code}"})
        ended = time.monotonic()
        memory = self._max_memory_mb()
        duration_ms = (ended - (invocation.handed_at or submitted)) * 1000
        if timed_out:
            self.stop()  # as Lambda does: the environment is shut down, the next request gets a new one
            message = f"Task timed out after {self.spec.timeout_s:.2f} seconds"
            return Outcome(
                request_id,
                None,
                {"errorType": "Sandbox.Timedout", "errorMessage": message},
                duration_ms,
                init_ms,
                memory,
                timed_out=True,
            )
        if self.process.poll() is not None:
            self.stop()
        return Outcome(request_id, invocation.result, invocation.error, duration_ms, init_ms, memory)

    def _wait_for_init(self) -> dict[str, Any] | None:
        deadline = self.started_at + INIT_TIMEOUT_S
        while not self.api.initialized.wait(0.02):
            if self.api.init_failed.is_set():
                return self.api.init_error
            if self.process.poll() is not None:
                return self.api.init_error or {
                    "errorType": "Runtime.ExitError",
                    "errorMessage": f"exited with {self.process.returncode} during init",
                }
            if time.monotonic() > deadline:
                return {"errorType": "Sandbox.Timedout", "errorMessage": f"init over {INIT_TIMEOUT_S:.0f} s"}
        return None

    def _max_memory_mb(self) -> int:
        """The worker's peak resident memory so far (``VmHWM``), as Lambda's "Max Memory Used"."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
        return 0

    def stop(self) -> None:
        """Thread-safe (the pool may stop an environment another thread is invoking); once."""
        with self._stop_lock:
            if self.stopped:
                return
            self.stopped = True
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.api.close()
