"""powertools' Idempotency utility imported without boto3 (early_learning.powertools_idempotency).

The workaround exists because the utility's package ``__init__`` imports its DynamoDB persistence layer, which
imports boto3, and the layer does not ship boto3. These tests fail when powertools changes under it: when the
package stops needing boto3 (then the workaround can go), or when the names the layer uses move.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from early_learning import powertools_idempotency

ROOT = Path(__file__).resolve().parents[2]


def run_probe(probe: str) -> dict[str, object]:
    """``probe`` in a fresh interpreter (nothing imported before, as in Lambda); its last line of output as JSON."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)]),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


NO_BOTO3 = """
import json, sys
sys.modules["boto3"] = None  # as in the layer: any import of boto3 fails
import early_learning.web.idempotency
import early_learning.store.idempotency
package = sys.modules["aws_lambda_powertools.utilities.idempotency"]
probed = hasattr(package, "__wrapped__")  # an introspection probe must not run the package's __init__
try:
    package.DynamoDBPersistenceLayer
    needs_boto3 = False
except ImportError:
    needs_boto3 = True
print(json.dumps({"probe_answered": probed is False, "dynamodb_layer_needs_boto3": needs_boto3}))
"""


def test_the_idempotency_modules_import_where_boto3_is_not_installed() -> None:
    assert run_probe(NO_BOTO3) == {"probe_answered": True, "dynamodb_layer_needs_boto3": True}


WITH_BOTO3 = """
import json, sys
from early_learning import powertools_idempotency as ours
assert "boto3" not in sys.modules
from aws_lambda_powertools.utilities.idempotency import (  # the package's own names, its __init__ run on demand
    BasePersistenceLayer, DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function,
)
print(json.dumps({
    "same_objects": BasePersistenceLayer is ours.BasePersistenceLayer
    and IdempotencyConfig is ours.IdempotencyConfig
    and idempotent_function is ours.idempotent_function,
    "dynamodb_layer": issubclass(DynamoDBPersistenceLayer, ours.BasePersistenceLayer),
    "boto3_imported_on_demand": "boto3" in sys.modules,
}))
"""


def test_the_package_still_gives_its_own_names_on_demand() -> None:
    assert run_probe(WITH_BOTO3) == {"same_objects": True, "dynamodb_layer": True, "boto3_imported_on_demand": True}


def _imports(path: Path) -> set[str]:
    """The modules a file imports at its top level (absolute names; ``from .x`` resolved against the package)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = f"{powertools_idempotency.PACKAGE}.{base}" if base else powertools_idempotency.PACKAGE
            names.add(base)
    return names


def test_the_workaround_is_still_needed() -> None:
    # When this fails, powertools' package no longer imports boto3 with itself: drop
    # early_learning/powertools_idempotency.py's deferred package and import the utility as powertools documents.
    spec = importlib.util.find_spec(powertools_idempotency.PACKAGE)
    assert spec is not None
    assert spec.origin is not None
    package_dir = Path(spec.origin).parent
    dynamodb_module = f"{powertools_idempotency.PACKAGE}.persistence.dynamodb"
    assert dynamodb_module in _imports(package_dir / "__init__.py")
    assert "boto3" in _imports(package_dir / "persistence" / "dynamodb.py")
