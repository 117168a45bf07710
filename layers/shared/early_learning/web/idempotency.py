"""Idempotent writes (DESIGN 3.8): the ``Idempotency-Key`` header, and a write route's one service call run at most
once per key, its first answer replayed.

A write route stays thin: it takes ``idempotent: Idempotent`` and hands it the service call as an ``Answer``::

    @app.post("/api/v1/activities", status_code=201, response_model=Activity,
              responses={**PROBLEM_RESPONSES, **idempotency_responses(201)})
    async def create_activity_route(body: NewActivity, caller: CurrentCaller, idempotent: Idempotent) -> Response:
        def apply() -> Answer:
            activity = create_activity(body, caller)
            return Answer.of(activity, 201, {"Location": f"/api/v1/activities/{activity.id}",
                                             "ETag": f'"{activity.version}"'})
        return idempotent(apply)

    # a batch: return idempotent(lambda: Answer.of(batch_update(body, caller, deadline)))

Without the header, ``apply`` simply runs. With it, powertools Idempotency (``idempotent_function``, on the
idempotency table through ``store.idempotency``) runs it once per key, caller and route for ``idempotency_ttl_s``:
- the same key and body again: the first answer (status, headers, body: failed items included), with
  ``Idempotent-Replayed: true``, and ``apply`` does not run;
- the same key with another body: ``IdempotencyKeyReused`` (422); while the first still runs: ``IdempotencyInProgress``
  (409 with ``Retry-After``);
- ``apply`` raises (a whole-request domain error, or anything unexpected): powertools deletes the record, so the key
  is free and a retry runs ``apply`` again. Idempotency wraps the service call, not the HTTP response, for this.

The scope of a key is the caller's ``sub``, the method and the path as requested (``PATCH /api/v1/activities/a`` and
``.../b`` are two routes: the same key on both runs both). The record is keyed by powertools' sha256 of the three;
"the same body" is the sha256 of the route and the body's canonical JSON (key order and spacing do not count).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel

from early_learning.domain import DomainError, Unauthenticated
from early_learning.idempotency_errors import (
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    IdempotentAnswerNotKept,
)
from early_learning.observability import logger
from early_learning.powertools_idempotency import (
    BaseIdempotencySerializer,
    DataRecord,
    IdempotencyAlreadyInProgressError,
    IdempotencyConfig,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
    idempotent_function,
)
from early_learning.settings import get_settings
from early_learning.store.idempotency import StorePersistenceLayer
from early_learning.web.app import PROBLEM_RESPONSES, _error_response

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_PREFIX = "v1"
"""The record ids' prefix (powertools' ``key_prefix``): the version of how keys are scoped, so that a change of
scheme can never match a record of the previous one. Not the function's name: a route keeps its keys when it moves
to another function."""
IN_PROGRESS_RETRY_AFTER_S = 1
"""``Retry-After`` of a 409: most writes take well under a second; the longest, a few seconds."""


# --- the header ------------------------------------------------------------------------------------------------


def valid_key(values: list[str]) -> str | None:
    """The ``Idempotency-Key`` of a request (``values``: every header of that name), None without one.

    1..255 printable ASCII characters (0x20-0x7E; HTTP has already trimmed the spaces around it); anything else,
    or the header twice, raises ``IdempotencyKeyInvalid``, whose message never echoes the key."""
    if not values:
        return None
    if len(values) > 1:
        raise IdempotencyKeyInvalid(f"Send one {IDEMPOTENCY_KEY_HEADER} header, not {len(values)}")
    (key,) = values
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise IdempotencyKeyInvalid(
            f"{IDEMPOTENCY_KEY_HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters (a UUID is a good key)"
        )
    return key


def fingerprint(route: str, body: Any) -> str:
    """What "the same request" means: the route and the body's canonical JSON (sorted keys, no spaces), hashed.
    ``body`` is the parsed JSON, or ``bytes`` for a body that is not JSON (compared as sent)."""
    if isinstance(body, bytes):
        canonical = json.dumps({"route": route, "raw": hashlib.sha256(body).hexdigest()})
    else:
        canonical = json.dumps(
            {"route": route, "body": body}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class KeyScope:
    """One request's key in its scope, and its body's fingerprint: the data powertools hashes."""

    caller: str
    route: str
    key: str
    fingerprint: str

    def payload(self) -> dict[str, str]:
        return {"caller": self.caller, "route": self.route, "key": self.key, "fingerprint": self.fingerprint}


# --- the answer ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A write route's answer as it is sent, kept and replayed: status, headers (Content-Type, Location, ETag...)
    and the body as sent. Headers the middleware adds (Cache-Control, compression) are not part of it."""

    status_code: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    replayed: bool = False

    @classmethod
    def of(cls, model: BaseModel | None, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Answer:
        """A JSON answer, the model serialized as FastAPI serializes a response model; ``None``: no content."""
        extra = tuple((name, value) for name, value in (headers or {}).items())
        if model is None:
            return cls(status_code, extra)
        return cls(status_code, (("content-type", "application/json"), *extra), model.model_dump_json(by_alias=True))

    def response(self) -> Response:
        headers = dict(self.headers)
        if self.replayed:
            headers[REPLAYED_HEADER] = "true"
        return Response(content=self.body.encode(), status_code=self.status_code, headers=headers)


class AnswerSerializer(BaseIdempotencySerializer):
    """``Answer`` <-> the dict powertools keeps as the record's response."""

    def to_dict(self, data: Any) -> dict[str, Any]:
        assert isinstance(data, Answer)
        return {"status_code": data.status_code, "headers": [list(pair) for pair in data.headers], "body": data.body}

    def from_dict(self, data: dict[str, Any]) -> Answer:
        headers = tuple((str(name), str(value)) for name, value in data["headers"])
        return Answer(int(data["status_code"]), headers, str(data["body"]))


# --- running a service call once per key -----------------------------------------------------------------------


@dataclass(frozen=True)
class _RemainingTime:
    """Stands in for the Lambda context outside Lambda (in-process tests): a run may last the integration timeout."""

    remaining_ms: int

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def _replayed(response: Answer | None, idempotent_data: DataRecord) -> Answer:
    """powertools' response hook: called with the kept answer when a request repeats a completed one."""
    if response is None:
        raise IdempotentAnswerNotKept(
            "A request with this Idempotency-Key was applied, but its answer was too large to keep and cannot be "
            "given again; nothing was applied twice. Read the resources to see the outcome"
        )
    return replace(response, replayed=True)


def run_once(scope: KeyScope, run: Callable[[], Answer], lambda_context: Any) -> Answer:
    """``run()``'s answer, run at most once per ``scope`` (see the module's docstring); ``lambda_context`` gives the
    time the run may last, after which a run that never finished (its Lambda stopped) stops holding the key."""
    settings = get_settings()
    config = IdempotencyConfig(
        event_key_jmespath="[caller, route, key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=settings.idempotency_ttl_s,
        hash_function="sha256",
        lambda_context=cast("LambdaContext", lambda_context or _RemainingTime(settings.integration_timeout_ms)),
        response_hook=_replayed,
    )

    def call(request: dict[str, str]) -> Answer:
        return run()

    once: Callable[..., Answer] = idempotent_function(
        call,
        data_keyword_argument="request",
        persistence_store=StorePersistenceLayer(),
        config=config,
        output_serializer=AnswerSerializer(),
        key_prefix=KEY_PREFIX,
    )
    try:
        answer: Answer = once(request=scope.payload())
    except IdempotencyValidationError:
        raise IdempotencyKeyReused(
            f"This {IDEMPOTENCY_KEY_HEADER} was used for a request with another body: use a new key for a new request"
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise IdempotencyInProgress(
            f"A request with this {IDEMPOTENCY_KEY_HEADER} is still being processed: retry shortly",
            IN_PROGRESS_RETRY_AFTER_S,
        ) from None
    except IdempotencyPersistenceLayerError as exc:
        # A store failure the persistence layer already classified (StoreUnavailable: 503); anything else is a 500.
        if isinstance(exc.__cause__, DomainError):
            raise exc.__cause__ from None
        raise
    if answer.replayed:
        logger.info("Idempotent replay", extra={"route": scope.route, "status_code": answer.status_code})
    return answer


@dataclass(frozen=True)
class IdempotentCall:
    """What a write route calls with its service call (see the module's docstring)."""

    scope: KeyScope | None
    """None: the request has no ``Idempotency-Key``, and nothing is recorded."""
    lambda_context: Any = None

    def __call__(self, run: Callable[[], Answer]) -> Response:
        if self.scope is None:
            return run().response()
        return run_once(self.scope, run, self.lambda_context).response()


def _caller_sub(request: Request) -> str:
    event = request.scope.get("aws.event")
    claims = (event or {}).get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims") or {}
    sub = claims.get("sub")
    if not sub:
        raise Unauthenticated("No verified identity on the request")
    return str(sub)


async def idempotent_call(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_KEY_HEADER,
            description="Makes a retry safe: the same key and body within 24 hours get the first answer again "
            f"(`{REPLAYED_HEADER}: true`) and nothing is applied twice; 1 to 255 printable ASCII characters "
            "(a new UUID per request is a good key).",
        ),
    ] = None,
) -> IdempotentCall:
    """The route's ``Idempotent``: the key from the header (validated: 400), scoped to the verified caller and the
    route, with the body's fingerprint (the body FastAPI parsed, read again from the request's cache).

    ``idempotency_key`` documents the header in the OpenAPI document; the key is read from every header of that name
    (FastAPI would take the first of two, and would answer its own 422 for a constraint it checks)."""
    key = valid_key(request.headers.getlist(IDEMPOTENCY_KEY_HEADER))
    if key is None:
        return IdempotentCall(None)
    route = f"{request.method} {request.scope['path']}"
    raw = await request.body()
    body: Any = None
    if raw:
        try:
            body = await request.json()  # FastAPI has parsed it already: Starlette's request caches the result
        except ValueError:
            body = raw
    return IdempotentCall(
        KeyScope(_caller_sub(request), route, key, fingerprint(route, body)), request.scope.get("aws.context")
    )


Idempotent = Annotated[IdempotentCall, Depends(idempotent_call)]


# --- OpenAPI ---------------------------------------------------------------------------------------------------


def idempotency_responses(success_status: int) -> dict[int | str, dict[str, Any]]:
    """The responses a write route documents beside ``PROBLEM_RESPONSES``: ``{**PROBLEM_RESPONSES,
    **idempotency_responses(201)}`` (its 400 and 422 extend the common ones)."""
    return {
        success_status: {
            "headers": {
                REPLAYED_HEADER: {
                    "description": "`true` when this is the first answer to an earlier request with the same "
                    f"{IDEMPOTENCY_KEY_HEADER} and body, given again (nothing was applied twice)",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            }
        },
        400: _error_response(
            f"{PROBLEM_RESPONSES[400]['description']}, an {IDEMPOTENCY_KEY_HEADER} that is not 1 to 255 printable "
            "ASCII characters"
        ),
        409: _error_response(
            f"A request with this {IDEMPOTENCY_KEY_HEADER} is still being processed (retry after `Retry-After`), or "
            "was applied with an answer too large to keep for replay (no `Retry-After`)",
            headers={
                "Retry-After": {
                    "description": "Seconds to wait before retrying, while the first request runs",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        ),
        422: _error_response(
            f"{PROBLEM_RESPONSES[422]['description']}; or an {IDEMPOTENCY_KEY_HEADER} already used, by this caller "
            "on this route, for a request with another body"
        ),
    }
