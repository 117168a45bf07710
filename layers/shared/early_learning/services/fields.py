"""Field selection (``fields=id,name``): parsed once per request, validated against a resource's fields."""

from __future__ import annotations

from early_learning.domain import UnknownFields


def parse_fields(raw: str | None, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    """The requested fields with ``id`` first, or None for all (``raw`` omitted); unknown names, or a value that
    names no field at all (``""``, ``" , "``), raise ``UnknownFields`` (400)."""
    if raw is None:
        return None
    names = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not names:
        raise UnknownFields(f"'fields' names no field; omit it for every field, or name some of: {', '.join(allowed)}")
    unknown = [name for name in names if name not in allowed]
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        raise UnknownFields(f"Unknown field(s): {shown}. Allowed fields: {', '.join(allowed)}")
    return ("id", *(name for name in names if name != "id"))
