"""Write the DynamoDB-only endpoint data of the layer (``early_learning/store/dynamodb_endpoints.json``) from the
installed botocore's ``endpoints.json``; run it after upgrading botocore (a unit test says when it is due).

    python -m local.botocore_endpoints
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore  # type: ignore[import-untyped]  # botocore ships no type hints

from early_learning.store.botocore_data import ENDPOINTS_FILE, dynamodb_endpoints


def main() -> None:
    full = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    ENDPOINTS_FILE.write_text(json.dumps(dynamodb_endpoints(full), indent=1, sort_keys=True) + "\n")
    print(f"wrote {ENDPOINTS_FILE} (botocore {botocore.__version__})")


if __name__ == "__main__":
    main()
