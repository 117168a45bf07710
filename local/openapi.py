"""One OpenAPI document for the whole API: every function's FastAPI schema, restricted to the routes template.yaml
gives it, merged, with the bearer JWT scheme of the HttpApi's authorizer.

    python -m local.openapi --write openapi.json   # regenerate the committed document (make openapi)
    python -m local.openapi --check openapi.json   # exit 1 when it is stale (make lint)

The local gateway serves the same document at /openapi.json, with Swagger UI at /docs.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from local import cfn
from local.gateway.httpapi import route_authorizers

TITLE = "Activity Batch API"
DESCRIPTION = (
    "Batch endpoints of an early-learning platform: one call instead of N, with per-item results (partial "
    "success), field selection, strict limits and per-item authorization. Every route needs "
    "`Authorization: Bearer <JWT>` from the Cognito user pool (locally: `make token USER=teacher@sunrise.example`)."
)
SECURITY_SCHEME = "CognitoJwt"


class OpenApiError(Exception):
    """The functions and the template disagree (a template route the function's app does not serve...)."""


def build_document(specs: Mapping[str, cfn.FunctionSpec] | None = None) -> dict[str, Any]:
    """The merged document. Deterministic: paths and component names sorted, the rest in FastAPI's order."""
    specs = specs if specs is not None else cfn.functions()
    guarded = route_authorizers()
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    operation_ids: dict[str, str] = {}
    version = "1.0.0"
    openapi_version = "3.1.0"
    for spec in sorted(specs.values(), key=lambda s: s.name):
        if not spec.routes:
            continue  # a function with no HTTP route (an SQS consumer) has no app to document
        app = getattr(importlib.import_module(spec.module), "app", None)
        if app is None or not hasattr(app, "openapi"):
            raise OpenApiError(f"{spec.module} has no FastAPI `app`")
        document: dict[str, Any] = app.openapi()
        version = str(document.get("info", {}).get("version", version))
        openapi_version = str(document.get("openapi", openapi_version))
        for route in spec.routes:
            path = route.path.replace("+}", "}")
            operation = document.get("paths", {}).get(path, {}).get(route.method.lower())
            if operation is None:
                raise OpenApiError(f"{spec.name}: template route '{route.key}' is not served by {spec.module}.app")
            operation = dict(operation)
            if guarded.get(route.key) is None:
                operation["security"] = []
            owner = operation_ids.setdefault(str(operation.get("operationId")), spec.name)
            if owner != spec.name:
                raise OpenApiError(f"operationId {operation.get('operationId')} in both {owner} and {spec.name}")
            paths.setdefault(path, {})[route.method.lower()] = operation
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != schema:
                raise OpenApiError(f"schema {name} differs between functions; give one of the models another name")
            schemas[name] = schema
    return {
        "openapi": openapi_version,
        "info": {"title": TITLE, "description": DESCRIPTION, "version": version},
        "paths": {path: dict(sorted(paths[path].items())) for path in sorted(paths)},
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An access token from the Cognito user pool (an ID token is refused: 401)",
                }
            },
        },
        "security": [{SECURITY_SCHEME: []}],
    }


def render(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.openapi", description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="FILE", type=Path, help="write the document to FILE")
    mode.add_argument("--check", metavar="FILE", type=Path, help="exit 1 if FILE differs from the generated document")
    args = parser.parse_args(argv)
    try:
        text = render(build_document())
    except OpenApiError as exc:
        print(f"openapi: {exc}", file=sys.stderr)
        return 1
    if args.write:
        args.write.write_text(text)
        print(f"wrote {args.write}")
        return 0
    committed = args.check.read_text() if args.check.exists() else ""
    if committed == text:
        return 0
    diff = list(difflib.unified_diff(committed.splitlines(), text.splitlines(), str(args.check), "generated", n=2))
    print("\n".join(diff[:60]), file=sys.stderr)
    if len(diff) > 60:
        print(f"... {len(diff) - 60} more diff lines", file=sys.stderr)
    print(f"\n{args.check} is stale: run `make openapi` and commit it.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
