"""The local gateway's ``/docs`` page: Swagger UI on ``/openapi.json``, with its assets served by the gateway itself.

Swagger UI's files come from a pinned package (swagger-ui-bundle-v2, whose version is Swagger UI's; Apache-2.0, like
Swagger UI), so the page works offline: the HTML references ``/docs/assets/<name>`` and ``/openapi.json`` only. Only
the assets named in ``ASSETS`` are served, read from the package's asset folder: any other name (a path that climbs
out of it included) is not found.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

from starlette.responses import HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # the package ships no py.typed

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets/"
OPENAPI_URL = "/openapi.json"


@dataclass(frozen=True)
class Asset:
    media_type: str
    in_page: bool  # referenced by the page itself (the others are loaded by Swagger UI or by nothing)


# name -> what it is; the name is also the file's name in the package's asset folder.
ASSETS: dict[str, Asset] = {
    "swagger-ui-bundle.js": Asset("text/javascript; charset=utf-8", in_page=True),
    "swagger-ui.css": Asset("text/css; charset=utf-8", in_page=True),
    "favicon-32x32.png": Asset("image/png", in_page=True),
    "favicon-16x16.png": Asset("image/png", in_page=True),
}

# Swagger UI's options (what FastAPI's page sets, plus the local stack's): the Bearer token typed in "Authorize"
# survives a reload, each response shows its duration. validatorUrl None: no call to the online validator, ever.
SWAGGER_UI_PARAMETERS: dict[str, Any] = {
    "url": OPENAPI_URL,
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
    "persistAuthorization": True,
    "displayRequestDuration": True,
    "validatorUrl": None,
}


def asset_folder() -> Traversable:
    """The package's folder of Swagger UI's dist files."""
    folder: Traversable = swagger_ui_path
    return folder


def asset_url(name: str) -> str:
    return ASSETS_PATH + name


def html_safe_json(value: Any) -> str:
    """JSON that cannot close the <script> element it is written into."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(title: str) -> str:
    escaped = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{escaped}</title>
<link rel="stylesheet" type="text/css" href="{asset_url("swagger-ui.css")}">
<link rel="icon" type="image/png" href="{asset_url("favicon-32x32.png")}" sizes="32x32">
<link rel="icon" type="image/png" href="{asset_url("favicon-16x16.png")}" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{asset_url("swagger-ui-bundle.js")}" charset="utf-8"></script>
<script>
const options = {html_safe_json(SWAGGER_UI_PARAMETERS)};
options.presets = [SwaggerUIBundle.presets.apis];
window.ui = SwaggerUIBundle(options);
</script>
</body>
</html>
"""


@functools.cache
def asset_bytes(name: str) -> bytes:
    return asset_folder().joinpath(name).read_bytes()


def asset_response(name: str) -> Response | None:
    asset = ASSETS.get(name)
    if asset is None:
        return None
    return Response(
        asset_bytes(name),
        media_type=asset.media_type,
        headers={"x-content-type-options": "nosniff", "cache-control": "public, max-age=3600"},
    )


def docs_page(path: str, title: str) -> Response | None:
    """The answer to ``GET path`` when it is ``/docs`` or one of its assets (``title``: the document's); else None,
    for the caller's 404 (an unknown asset, a path that climbs out of the asset folder)."""
    if path == DOCS_PATH:
        return HTMLResponse(page_html(f"{title} (local)"))
    if path.startswith(ASSETS_PATH):
        return asset_response(path.removeprefix(ASSETS_PATH))
    return None
