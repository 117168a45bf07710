"""What each read function imports at its cold start: only the models and store modules its routes use.

A function builds every pydantic model (and every dataclass) of the modules it imports, at each cold start (README,
"Performance"): the request and response models are split by routes (``api_models``, ``write_models``,
``recommendation_models``), and a table module declares its writes without the writing machinery
(``store.actions``). An import that pulls one of them back into a function that has no use for it fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])  # the way Lambda imports a handler: nothing imported before
print(json.dumps(sorted(name for name in sys.modules if name.startswith("early_learning"))))
"""

WRITES = {"early_learning.write_models", "early_learning.store.writes", "early_learning.drafts"}
RECOMMENDATIONS = {"early_learning.recommendation_models", "early_learning.scoring"}


def imported_by(module: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)])}
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("module", "not_imported"),
    [
        ("functions.batch_get.app", WRITES | RECOMMENDATIONS),
        ("functions.activities.app", WRITES | RECOMMENDATIONS),
        ("functions.batch_recommendations.app", WRITES),
        ("functions.children.app", WRITES),
    ],
)
def test_a_read_function_imports_no_write_machinery_and_only_the_models_it_routes(
    module: str, not_imported: set[str]
) -> None:
    found = imported_by(module)
    assert "early_learning.api_models" in found  # the probe saw the function's imports
    assert found & not_imported == set()


def test_the_write_and_recommendation_functions_still_import_their_models() -> None:
    assert "early_learning.write_models" in imported_by("functions.batch_write.app")
    assert "early_learning.recommendation_models" in imported_by("functions.batch_recommendations.app")
