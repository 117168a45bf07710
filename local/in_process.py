"""Running the functions in this process under moto's in-process mock (tests, in-process benchmarks): the fake
AWS environment to set before anything imports botocore or the layer, and the current event loop Mangum needs."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from local import cfn

_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "DYNAMODB_ENDPOINT_URL", "AWS_PROFILE")


def use_fake_aws_environment(service_name: str, namespace: str, extra: Mapping[str, str] | None = None) -> None:
    """Fake credentials and region, no endpoint (so moto's in-process mock answers: never real AWS), and the
    functions' variables from template.yaml, the table names exactly as the template hands them over."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SECURITY_TOKEN": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_SERVICE_NAME": service_name,
            "POWERTOOLS_METRICS_NAMESPACE": namespace,
            **(extra or {}),
        }
    )
    for name in _ENDPOINT_VARIABLES:
        os.environ.pop(name, None)
    for key, value in next(iter(cfn.functions().values())).environment.items():
        if key.endswith("_TABLE"):
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)


@contextmanager
def current_event_loop() -> Iterator[None]:
    """A current event loop, as a Lambda process has one: Mangum runs the app with ``asyncio.get_event_loop()``
    on every call, and an earlier ``asyncio.run()`` in the same process leaves the main thread without one."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()
