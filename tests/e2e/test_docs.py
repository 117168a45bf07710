"""/docs over HTTP: Swagger UI's page and every asset it references come from the local gateway itself (nothing from
another host, so the page works offline), each with its type; nothing else is served under /docs/assets/."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import httpx
import pytest

from local.gateway import docs
from tests.e2e.conftest import Stack
from tests.unit.test_docs import References

pytestmark = pytest.mark.e2e

TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


def test_docs_and_every_asset_it_references_are_served_locally(api: httpx.Client) -> None:
    page = api.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "http://" not in page.text
    assert "https://" not in page.text
    parser = References()
    parser.feed(page.text)
    assert len(parser.urls) >= 3  # the script, the stylesheet, the icons
    for url in parser.urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        asset = api.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].split(";")[0] == TYPES[url[url.rindex(".") :]], url
        assert asset.content
    assert "SwaggerUIBundle" in api.get(docs.asset_url("swagger-ui-bundle.js")).text
    assert api.get("/openapi.json").status_code == 200  # what the page's Swagger UI loads


@pytest.mark.parametrize(
    "target",
    [
        "/docs/assets/nothing.js",
        "/docs/assets/index.html",
        "/docs/assets/../../../../etc/passwd",  # sent as is (a browser would have resolved the dots)
        "/docs/assets/..%2F__init__.py",
        "/docs/assets/%2e%2e/%2e%2e/swagger_ui_bundle/__init__.py",
        "/docs/assets/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_an_unknown_asset_or_a_climb_out_of_the_folder_is_404(stack: Stack, target: str) -> None:
    parts = urlsplit(stack.api_url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", target)  # http.client sends the target unchanged (httpx would remove the dots)
        response = connection.getresponse()
        assert response.status == 404
        assert response.read() == b'{"message":"Not Found"}'
    finally:
        connection.close()
