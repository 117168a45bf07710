"""Powertools' Idempotency utility, imported without boto3: the names the layer uses, from their own modules.

Why: the utility's package ``__init__`` imports its DynamoDB persistence layer, which imports boto3 at module
level, so ``import aws_lambda_powertools.utilities.idempotency.<anything>`` needs boto3. The layer does not ship boto3
(botocore comes with PynamoDB; README, "Cold starts"), and our persistence layer is powertools' documented extension
point, ``BasePersistenceLayer``, on the store's PynamoDB access (``store.idempotency``). ``idempotency_package``
puts the package in ``sys.modules`` as an unexecuted module (its ``__path__`` is the real one, so its submodules
import as usual); its ``__init__`` runs, boto3 and all, the first time someone asks the package itself for a name
(PEP 562 ``__getattr__``), so ``from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer``
still works where boto3 is installed.

Measured (``python -X importtime``, the sum of the modules' own times, median of 21 fresh interpreters, on top of
what a function imports already, bytecode precompiled as in the layer): the modules below cost 7.5 ms (15 modules;
with ours, store.idempotency and web.idempotency, 10 ms); the package as powertools ships it, boto3 and
DynamoDBPersistenceLayer included, 25.6 ms (79 modules: boto3, s3transfer, multiprocessing, concurrent.futures...),
before its layer makes a boto3 session (botocore's data parsed again, unless it is handed our client), and with
boto3 and s3transfer to pin in the layer in lockstep with botocore. A unit test fails when powertools' package stops
importing boto3 (then this module can go) or when the names below move.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

PACKAGE = "aws_lambda_powertools.utilities.idempotency"


def idempotency_package() -> ModuleType:
    """The utility's package module, in ``sys.modules``: the real one if it is already imported, otherwise the
    package with its ``__init__`` deferred to the first attribute someone asks it for."""
    loaded = sys.modules.get(PACKAGE)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"{PACKAGE} is not an importable package")
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # the import system's and introspection's probes (__all__, __wrapped__...)
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
        del package.__dict__["__getattr__"]  # run __init__ once, then normal lookups
        loader.exec_module(package)
        return getattr(package, name)

    package.__dict__["__getattr__"] = __getattr__
    sys.modules[PACKAGE] = package
    parent = sys.modules[PACKAGE.rpartition(".")[0]]
    setattr(parent, PACKAGE.rpartition(".")[2], package)
    return package


idempotency_package()  # before the imports below: why in the module's docstring
# ruff: noqa: E402
from aws_lambda_powertools.utilities.idempotency.config import IdempotencyConfig
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.idempotency import idempotent_function
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord
from aws_lambda_powertools.utilities.idempotency.serialization.base import BaseIdempotencySerializer

__all__ = [
    "PACKAGE",
    "STATUS_CONSTANTS",
    "BaseIdempotencySerializer",
    "BasePersistenceLayer",
    "DataRecord",
    "IdempotencyAlreadyInProgressError",
    "IdempotencyConfig",
    "IdempotencyItemAlreadyExistsError",
    "IdempotencyItemNotFoundError",
    "IdempotencyPersistenceLayerError",
    "IdempotencyValidationError",
    "idempotency_package",
    "idempotent_function",
]
