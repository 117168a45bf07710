"""The local gateway's /docs (local.gateway.docs): Swagger UI's page references only the gateway's own URLs, and
each asset it references is served from the pinned package with its type; nothing else under /docs/assets/ is."""

from __future__ import annotations

import html.parser
import importlib.metadata
import json
import re
from urllib.parse import urlsplit

import pytest
from starlette.responses import Response

from local.gateway import docs

TITLE = "Activity Batch API"


class References(html.parser.HTMLParser):
    """The URLs a page makes the browser load (src, href) and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value is not None]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)


def page(title: str = TITLE) -> Response:
    response = docs.docs_page("/docs", title)
    assert response is not None
    return response


def references(title: str = TITLE) -> References:
    parser = References()
    parser.feed(bytes(page(title).body).decode())
    return parser


def options(parser: References) -> dict[str, object]:
    """The options object the page's inline script hands SwaggerUIBundle."""
    (script,) = parser.scripts
    match = re.search(r"const options = (\{.*?\});\n", script)
    assert match is not None, script
    loaded: dict[str, object] = json.loads(match.group(1))
    return loaded


def test_the_page_is_html_titled_with_the_document() -> None:
    response = page()
    assert response.status_code == 200
    assert response.media_type == "text/html"
    assert f"<title>{TITLE} (local)</title>" in bytes(response.body).decode()


def test_the_page_references_only_local_urls() -> None:
    text = bytes(page().body).decode()
    assert not re.search(r"(?i)(https?:)?//", text), "a URL to another host"
    parser = references()
    assert parser.urls
    for url in parser.urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        assert parts.path.startswith(docs.ASSETS_PATH), url


def test_every_asset_the_page_references_is_served_with_its_type() -> None:
    referenced = {url.removeprefix(docs.ASSETS_PATH) for url in references().urls}
    assert referenced == {name for name, asset in docs.ASSETS.items() if asset.in_page}
    expected_types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for name in referenced:
        response = docs.docs_page(docs.asset_url(name), TITLE)
        assert response is not None, name
        assert response.status_code == 200
        content_type = response.headers["content-type"]
        assert content_type.split(";")[0] == expected_types[name[name.rindex(".") :]], name
        assert response.headers["x-content-type-options"] == "nosniff"
        assert bytes(response.body) == docs.asset_folder().joinpath(name).read_bytes()


def test_the_assets_are_swagger_ui_5_of_the_pinned_package() -> None:
    version = importlib.metadata.version("swagger-ui-bundle-v2")  # its version is Swagger UI's
    assert version.startswith("5.")
    bundle = docs.docs_page(docs.asset_url("swagger-ui-bundle.js"), TITLE)
    assert bundle is not None
    assert f'PACKAGE_VERSION:"{version}"' in bytes(bundle.body).decode()
    png = docs.docs_page(docs.asset_url("favicon-32x32.png"), TITLE)
    assert png is not None
    assert bytes(png.body).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_page_keeps_swagger_uis_options() -> None:
    parser = references()
    assert options(parser) == {
        "url": "/openapi.json",
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "showExtensions": True,
        "showCommonExtensions": True,
        "persistAuthorization": True,  # the Bearer token typed in "Authorize" survives a reload
        "displayRequestDuration": True,
        "validatorUrl": None,  # no badge fetched from the online validator
    }
    assert "SwaggerUIBundle(options)" in parser.scripts[0]


def test_a_title_cannot_inject_markup() -> None:
    text = bytes(page("</title><script>alert(1)</script>").body).decode()
    assert "<script>alert(1)" not in text
    assert "&lt;/title&gt;&lt;script&gt;" in text


@pytest.mark.parametrize(
    "path",
    [
        "/docs/assets/",
        "/docs/assets/nothing.js",
        "/docs/assets/index.html",  # in the package's folder, but not an asset the page needs
        "/docs/assets/../__init__.py",
        "/docs/assets/../../swagger_ui_bundle/__init__.py",
        "/docs/assets/../../../../../../etc/passwd",
        "/docs/assets//etc/passwd",
        "/docs/assets/%2e%2e/__init__.py",
        "/docs/assets/swagger-ui.css/../../__init__.py",
        "/docs/assets/SWAGGER-UI.CSS",
        "/docs/assets/swagger-ui.css/",
        "/docs/assets/swagger-ui.css\x00.png",
    ],
)
def test_an_unknown_asset_or_a_climb_out_of_the_folder_is_not_served(path: str) -> None:
    assert docs.docs_page(path, TITLE) is None  # the gateway answers 404


@pytest.mark.parametrize("path", ["/", "/doc", "/docs/", "/docs/index.html", "/docsx", "/openapi.json", "/assets/x"])
def test_other_paths_are_not_the_pages(path: str) -> None:
    assert docs.docs_page(path, TITLE) is None
