"""The exceptions of the clients: ``ApiError`` for a request the server refused as a whole (its problem details
attached), ``ProtocolError`` for an answer that breaks the contract."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
from pydantic import ValidationError

from activity_batch_client.models import GatewayError, Problem


class ClientError(Exception):
    """Any error of this package."""


class ApiError(ClientError):
    """The server refused a whole request (400, 401, 403, 404, 409, 413, 422, 500...), or kept answering 429/503
    to a request that has no items to answer (a job's submission, a page of results).

    ``status_code``; ``problem``: the RFC 9457 problem details of the functions, when the answer is one;
    ``message``: API Gateway's own ``{"message": ...}`` otherwise; ``headers``: the answer's headers."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.problem: Problem | None = None
        self.message: str | None = None
        body: Any = None
        with contextlib.suppress(ValueError):
            body = response.json()
        if isinstance(body, dict) and "status" in body and "title" in body:
            try:
                self.problem = Problem.model_validate(body)
            except ValidationError:
                self.problem = None
        elif isinstance(body, dict) and "message" in body:
            try:
                self.message = GatewayError.model_validate(body).message
            except ValidationError:
                self.message = None
        detail = (self.problem.detail or self.problem.title) if self.problem else self.message
        text = detail or response.text[:200] or response.reason_phrase
        super().__init__(f"{response.request.method} {response.request.url.path}: {self.status_code} {text}")


class ProtocolError(ClientError):
    """An answer that does not keep the contract (a batch whose results do not answer its items one for one)."""
