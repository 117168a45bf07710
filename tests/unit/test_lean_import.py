"""FastAPI imported with its OpenAPI models deferred (early_learning.web.lean_import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic._internal import _config

from early_learning.web import lean_import

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import pydantic
from pydantic._internal import _config
import functions.batch_get.app as function  # the way Lambda imports a handler: nothing imported before
import fastapi.openapi.models as openapi_models
from early_learning import api_models

class After(pydantic.BaseModel):
    a: int

found = {
    "fastapi_models_deferred": not openapi_models.OpenAPI.__pydantic_complete__,
    "own_models_built": api_models.BatchGetRequest.__pydantic_complete__ and api_models.Problem.__pydantic_complete__,
    "later_models_built": After.__pydantic_complete__,
    "default_restored": _config.config_defaults["defer_build"] is False,
}
document = function.app.openapi()
found["document_paths"] = sorted(document["paths"])
found["fastapi_models_built_on_use"] = openapi_models.OpenAPI.__pydantic_complete__
print(json.dumps(found))
"""


def test_a_handler_import_defers_only_fastapis_models_and_the_document_still_builds() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)]),
        "ACTIVITIES_TABLE": "activities",
        "MEMBERSHIPS_TABLE": "memberships",
        "CHILDREN_TABLE": "children",
        "HISTORY_TABLE": "history",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "fastapi_models_deferred": True,
        "own_models_built": True,
        "later_models_built": True,
        "default_restored": True,
        "document_paths": ["/api/v1/batch/get"],
        "fastapi_models_built_on_use": True,
    }


def test_pydantics_default_is_restored_even_when_the_import_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []

    def failing_import(name: str) -> None:
        seen.append(_config.config_defaults["defer_build"])
        raise ImportError(name)

    monkeypatch.setattr("early_learning.web.lean_import.importlib.import_module", failing_import)
    with pytest.raises(ImportError):
        lean_import.fastapi_imported()
    assert seen == [True]  # deferred during the import
    assert _config.config_defaults["defer_build"] is False


def test_a_default_set_by_someone_else_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_config.config_defaults, "defer_build", True)
    lean_import.fastapi_imported()
    assert _config.config_defaults["defer_build"] is True
