"""FastAPI imported without building the pydantic models of its OpenAPI document.

Why: at import, FastAPI defines the models of the OpenAPI document (``fastapi.openapi.models``: OpenAPI, Schema,
Operation and some forty more), and pydantic builds each one's validator and serializer right away. At a cold start
that is about 7% of all the CPU instructions (README, "Performance"), for models that only the OpenAPI document
uses, which API Gateway never routes to a function. pydantic's ``defer_build`` postpones a model's build to its
first use, but it is a setting of each model, and FastAPI's models do not set it; pydantic's config defaults are the
one place to set it for models one does not own. ``fastapi_imported`` sets it there for the duration of FastAPI's
import only. The service's own models and routes come afterwards and are built at init as usual (so, with
SnapStart, they are in the snapshot); FastAPI's are built if and when the OpenAPI document is made.

``config_defaults`` is internal to pydantic (pinned in the layer): where it is missing, FastAPI is imported as is.
A unit test checks that the models are deferred, the defaults restored and the document unchanged.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from pydantic._internal import _config


def fastapi_imported() -> ModuleType:
    """``fastapi``, imported (once per process) with pydantic's model builds deferred."""
    defaults = getattr(_config, "config_defaults", None)
    if not isinstance(defaults, dict) or defaults.get("defer_build") is not False:
        return importlib.import_module("fastapi")
    defaults["defer_build"] = True
    try:
        return importlib.import_module("fastapi")
    finally:
        defaults["defer_build"] = False
