"""Over HTTP: a path reaches the function percent-decoded exactly once, as through API Gateway (HTTP API).

The ids of the routes are UUIDs, and no answer echoes an id that is not one, so a path tells what the function saw
by its status: ``%2531...`` (the UUID's first character encoded twice) is the id ``%31...`` once decoded, not a UUID
(400 problem), but the UUID itself if decoded twice (200). Likewise ``a%252Fb`` is the id ``a%2Fb`` (400), but the
path ``.../a/b``, which no route of the function has (404), if decoded twice.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from local.demo import ids
from tests.e2e.conftest import Stack, unthrottled

pytestmark = pytest.mark.e2e

ADMIN = "admin@sunrise.example"
ROUTES = {
    "activity": ("/api/v1/activities/{}", ids.PUBLIC_BLOCKS),
    "child recommendations": ("/api/v1/children/{}/recommendations", ids.CHILD_AVA),
}


def encoded(text: str, times: int) -> str:
    """``text`` with its first character percent-encoded ``times`` times (the rest as it is)."""
    first = text[0]
    for _ in range(times):
        first = "".join(f"%{byte:02X}" for byte in first.encode())
    return first + text[1:]


def get(api: httpx.Client, path: str) -> httpx.Response:
    """GET as the admin; a 429 (another test may have used the route's burst) is sent again after a pause."""
    request = api.build_request("GET", path)
    assert request.url.raw_path == path.encode()  # sent as written: httpx keeps every valid %-escape as it is
    return unthrottled(lambda: api.send(request))


@pytest.fixture
def admin_api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, headers=stack.headers(ADMIN), timeout=30) as client:
        yield client


@pytest.mark.parametrize("route", ROUTES)
def test_an_id_encoded_once_reaches_the_function_as_the_id(admin_api: httpx.Client, stack: Stack, route: str) -> None:
    # The control: the id with its first character percent-encoded once is the id itself
    template, item_id = ROUTES[route]
    response = get(admin_api, template.format(encoded(item_id, 1)))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("route", ROUTES)
def test_an_id_encoded_twice_reaches_the_function_decoded_only_once(
    admin_api: httpx.Client, stack: Stack, route: str
) -> None:
    # Given a path whose id, decoded once, is "%31..." (what the client meant), not a UUID
    template, item_id = ROUTES[route]
    response = get(admin_api, template.format(encoded(item_id, 2)))
    # Then the function answers that the id is invalid: it did not decode the id a second time into the real one
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert stack.invoked(response.headers["apigw-requestid"])


@pytest.mark.parametrize("sent", ["a%252Fb", "%2525", "%252F"], ids=["a%2Fb", "%25", "%2F"])
def test_an_escaped_percent_or_slash_stays_in_the_id(admin_api: httpx.Client, stack: Stack, sent: str) -> None:
    # Given an id that holds "%2F" or "%25" itself (sent encoded once more, as a client must)
    response = get(admin_api, f"/api/v1/activities/{sent}")
    # Then it reaches the function's route as that id (an invalid one: 400), not as "/" or "%" (decoded twice)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert stack.invoked(response.headers["apigw-requestid"])


def test_an_encoded_slash_splits_the_path_before_routing(admin_api: httpx.Client, stack: Stack) -> None:
    # Given an id with %2F: API Gateway decodes the path before it routes, so the path has one segment more
    response = get(admin_api, "/api/v1/activities/a%2Fb")
    # Then no route matches: the gateway's own 404, and no function runs
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
    assert not stack.invoked(response.headers["apigw-requestid"])
