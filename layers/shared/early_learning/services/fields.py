"""Field selection (``fields=id,name``): parsed once per request, validated against a resource's fields."""

from __future__ import annotations

from early_learning.domain import UnknownFields


def parse_fields(raw: str | None, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    """The requested fields with ``id`` first, or None for all; unknown names raise ``UnknownFields`` (400)."""
    if raw is None or not raw.strip():
        return None
    names = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [name for name in names if name not in allowed]
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        raise UnknownFields(f"Unknown field(s): {shown}. Allowed fields: {', '.join(allowed)}")
    return ("id", *(name for name in names if name != "id"))
