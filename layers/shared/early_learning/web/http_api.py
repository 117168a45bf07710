"""Mangum's handler of API Gateway HTTP API (payload 2.0) events, with the path decoded once, as API Gateway sent it.

Why: API Gateway hands the function ``requestContext.http.path`` already percent-decoded, and Mangum 0.22 decodes it
again (``strip_api_gateway_path`` unquotes it): an id sent as ``%2525`` reached the routes as ``%`` instead of
``%25``, and ``%252F`` became a ``/`` that FastAPI redirected. This handler takes Mangum's scope and puts the path
back as API Gateway decoded it. It goes first in ``Mangum(custom_handlers=...)`` (Mangum's documented extension
point); a unit test fails when Mangum stops decoding twice, so that this can go.
"""

from __future__ import annotations

from typing import Any

from mangum.handlers import HTTPGateway
from mangum.types import LambdaConfig, LambdaContext, LambdaEvent, Scope


class HttpApiDecodedOnce(HTTPGateway):
    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        return event.get("version") == "2.0" and "requestContext" in event

    @property
    def scope(self) -> Scope:
        scope: dict[str, Any] = dict(super().scope)
        path = str(self.event["requestContext"]["http"]["path"]) or "/"
        base = self.config["api_gateway_base_path"]
        if base and base != "/":
            base = base if base.startswith("/") else f"/{base}"
            path = path.removeprefix(base) or "/"
        scope["path"] = path
        return scope


MANGUM_HANDLERS: list[type[Any]] = [HttpApiDecodedOnce]
"""``Mangum(app, lifespan="off", custom_handlers=MANGUM_HANDLERS)`` in every function."""
