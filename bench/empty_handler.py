"""The floor of the cold-start measurement: a handler that imports nothing (what any function costs at least)."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": ""}
