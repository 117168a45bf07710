"""The HTTP side of the webhook routes (DESIGN 3.10): a registration's answer (201, ``Location``) and the responses
the routes document."""

from __future__ import annotations

from typing import Any

from early_learning.web.app import NOT_FOUND_RESPONSE, PROBLEM_RESPONSES, _error_response
from early_learning.web.idempotency import IDEMPOTENCY_KEY_HEADER, Answer, idempotency_responses
from early_learning.web.single_writes import LOCATION_HEADER
from early_learning.webhooks.api_models import WebhookEndpointWithSecret


def created(endpoint: WebhookEndpointWithSecret, collection: str) -> Answer:
    """201 with the endpoint (and its secret) and where it lives (``Location``)."""
    return Answer.of(endpoint, 201, {"Location": f"{collection}/{endpoint.id}"})


_FORBIDDEN = _error_response("Not a member of any organization, or not one of its admins")

ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {**PROBLEM_RESPONSES, 403: _FORBIDDEN}
"""The listing's responses."""

ENDPOINT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ADMIN_RESPONSES,
    **NOT_FOUND_RESPONSE,
    422: _error_response("An id over 128 characters"),
}
"""The responses of a route of one endpoint (``/api/v1/webhooks/{id}...``): 404 for an id the organization does not
have (another organization's included)."""

_registration = idempotency_responses(201)
REGISTER_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    **_registration,
    201: {**_registration[201], "headers": {**LOCATION_HEADER, **_registration[201]["headers"]}},
    400: _error_response(
        "Malformed JSON, a body that is not JSON, a URL that may not receive webhooks (not https, a user name or "
        "password in it, a host that does not resolve or resolves to a non-public address), an "
        f"{IDEMPOTENCY_KEY_HEADER} that is not 1 to 255 printable ASCII characters"
    ),
    403: _FORBIDDEN,
    409: _error_response(
        "The organization has as many endpoints as it may (delete one first); or a request with this "
        f"{IDEMPOTENCY_KEY_HEADER} still being processed (retry after `Retry-After`)",
        headers={
            "Retry-After": {
                "description": "Seconds to wait before retrying, while the first request runs",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    ),
}
