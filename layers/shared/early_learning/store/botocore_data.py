"""botocore's data loader for the one session that makes the service's DynamoDB client.

Why not botocore's own: before its first request, a new botocore session spends most of a cold start's first
invocation on data a DynamoDB client never uses. It parses ``endpoints.json``, 1.2 MB of endpoint data for every
AWS service (about 50 ms), and it lists its ~445 service directories, twice (service model, endpoint rules), only
to check that "dynamodb" is one of them (about 30 ms). botocore has no option for either; this loader, given to the
session before the client is made (``store.base``), reads the same files from botocore's data directory, except
that

- ``endpoints`` is botocore's own file with every service but DynamoDB left out (``dynamodb_endpoints.json`` beside
  this module, made by ``dynamodb_endpoints`` from the botocore the layer pins: a unit test checks the two agree,
  and ``python -m local.botocore_endpoints`` writes it again after a botocore upgrade). It counts as botocore's
  built-in data, as the full file would (botocore then resolves endpoints with its rules, not as a custom URL);
- the only service it lists is DynamoDB.

A client from this loader has the same endpoint, region and signing settings as one from botocore's own (tested
for every partition).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botocore.loaders import Loader  # type: ignore[import-untyped]  # botocore ships no type hints

SERVICE = "dynamodb"
ENDPOINTS_FILE = Path(__file__).with_name("dynamodb_endpoints.json")


def dynamodb_endpoints(endpoints: dict[str, Any]) -> dict[str, Any]:
    """botocore's endpoint data (``endpoints.json``) with the DynamoDB entries only; everything else (partitions,
    regions, defaults, variants) is kept as it is."""
    return {
        **endpoints,
        "partitions": [
            {**partition, "services": {k: v for k, v in partition["services"].items() if k == SERVICE}}
            for partition in endpoints["partitions"]
        ],
    }


class DynamoDBDataLoader(Loader):  # type: ignore[misc]  # Loader is untyped (Any)
    """A botocore ``Loader`` that knows one service, DynamoDB, and reads the trimmed endpoint data."""

    def load_data_with_path(self, name: str) -> tuple[Any, str]:
        if name == "endpoints":
            found = self.file_loader.load_file(str(ENDPOINTS_FILE.with_suffix("")))  # it adds the ".json"
            if found is not None:
                return found, str(ENDPOINTS_FILE)
        return super().load_data_with_path(name)  # type: ignore[no-any-return]

    def is_builtin_path(self, path: str) -> bool:
        return path == str(ENDPOINTS_FILE) or bool(super().is_builtin_path(path))

    def list_available_services(self, type_name: str) -> list[str]:
        return [SERVICE]
