"""The function side of the path (DESIGN 3.3, issue: "paths are percent-decoded twice on the way to the function"):
API Gateway hands over ``requestContext.http.path`` decoded once; the routes must see it as it is."""

from __future__ import annotations

from typing import Any

import pytest
from mangum.handlers import HTTPGateway

from early_learning.web.http_api import HttpApiDecodedOnce
from tests.events import load_event

CONTEXT: Any = None
CONFIG: Any = {"api_gateway_base_path": "/", "text_mime_types": [], "exclude_headers": []}


def scope_path(handler: type[Any], path: str) -> str:
    event = load_event("get_activity.json", path=path)
    return str(handler(event, None, CONFIG).scope["path"])


@pytest.mark.parametrize(
    "path", ["/api/v1/activities/%25", "/api/v1/activities/a%2Fb", "/api/v1/activities/%2531", "/api/v1/activities/é"]
)
def test_the_routes_see_the_path_exactly_as_api_gateway_decoded_it(path: str) -> None:
    assert scope_path(HttpApiDecodedOnce, path) == path


def test_mangum_itself_still_decodes_the_path_a_second_time() -> None:
    # When this fails, Mangum stopped unquoting an already decoded path: web.http_api can go.
    assert scope_path(HTTPGateway, "/api/v1/activities/%25") == "/api/v1/activities/%"


def test_only_http_api_v2_events_are_taken() -> None:
    assert HttpApiDecodedOnce.infer(load_event("get_activity.json"), CONTEXT, CONFIG)
    assert not HttpApiDecodedOnce.infer({"httpMethod": "GET", "path": "/", "requestContext": {}}, CONTEXT, CONFIG)


def test_a_base_path_is_still_stripped() -> None:
    config: Any = {**CONFIG, "api_gateway_base_path": "/prod"}
    event = load_event("get_activity.json", path="/prod/api/v1/activities/%25")
    assert HttpApiDecodedOnce(event, CONTEXT, config).scope["path"] == "/api/v1/activities/%25"
