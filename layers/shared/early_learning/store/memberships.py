"""The memberships table: who a Cognito ``sub`` is in the platform, cached briefly in the warm function."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cachetools import TLRUCache
from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model

from early_learning.domain import Membership, Role
from early_learning.settings import get_settings
from early_learning.store.base import configure, instrument
from early_learning.store.errors import unavailable_when_transient


class MembershipRecord(Model):
    class Meta:
        table_name = "memberships"

    sub = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    role = UnicodeAttribute()
    classroom_ids = UnicodeSetAttribute(null=True)
    child_ids = UnicodeSetAttribute(null=True)


configure(MembershipRecord, get_settings().memberships_table)


def _expiry(_sub: str, membership: Membership | None, now: float) -> float:
    settings = get_settings()
    return now + (settings.membership_cache_ttl_s if membership is not None else settings.membership_negative_ttl_s)


_cache: TLRUCache[str, Membership | None] = TLRUCache(maxsize=get_settings().membership_cache_size, ttu=_expiry)
"""Answers by ``sub``: a membership for ``membership_cache_ttl_s``, "no membership" only for the short
``membership_negative_ttl_s`` (a user invited a moment ago gets in at once); at most ``membership_cache_size``
entries, the least recently used dropped first, so a stream of unknown tokens cannot grow it."""


_ABSENT = object()


def get(sub: str) -> Membership | None:
    """The membership of ``sub``, or None (cached, see ``_cache``). A transient store failure raises
    ``StoreUnavailable`` (a 503 problem); anything else propagates."""
    cached = _cache.get(sub, _ABSENT)
    if cached is not _ABSENT:
        return cached  # type: ignore[return-value]
    membership = read_fresh(sub)
    _cache[sub] = membership
    return membership


def read_fresh(sub: str) -> Membership | None:
    """The membership of ``sub`` as stored now, bypassing the cache (writes need it fresh: DESIGN 4)."""
    instrument(MembershipRecord)
    with unavailable_when_transient("Your membership"):
        try:
            record = MembershipRecord.get(sub)
        except MembershipRecord.DoesNotExist:
            return None
    return from_values(record.attribute_values)


def from_values(values: Mapping[str, Any]) -> Membership:
    """A membership from its record's attribute values (also for a read that takes it with other tables' items)."""
    return Membership(
        sub=values["sub"],
        org_id=values["org_id"],
        role=Role(values["role"]),
        classroom_ids=frozenset(values.get("classroom_ids") or ()),
        child_ids=frozenset(values.get("child_ids") or ()),
    )


def clear_cache() -> None:
    _cache.clear()


def save(memberships: Iterable[Membership]) -> None:
    with MembershipRecord.batch_write() as batch:
        for m in memberships:
            batch.save(_record(m))


def _record(m: Membership) -> MembershipRecord:
    return MembershipRecord(
        sub=m.sub,
        org_id=m.org_id,
        role=m.role.value,
        classroom_ids=set(m.classroom_ids) or None,
        child_ids=set(m.child_ids) or None,
    )


def unchanged(membership: Membership) -> dict[str, Any]:
    """A TransactWriteItems ``ConditionCheck`` that holds while ``membership`` is what its sub's record says, every
    attribute of the record compared (one absent where it would be saved absent): a write made with these
    permissions commits only if they are still the user's."""
    stored = _record(membership).serialize()
    hash_key = MembershipRecord.sub.attr_name
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    conditions: list[str] = []
    for number, attribute in enumerate(MembershipRecord.get_attributes().values()):
        name = attribute.attr_name
        if name == hash_key:
            continue
        names[f"#a{number}"] = name
        if name in stored:
            values[f":a{number}"] = stored[name]
            conditions.append(f"#a{number} = :a{number}")
        else:
            conditions.append(f"attribute_not_exists(#a{number})")
    return {
        "TableName": MembershipRecord.Meta.table_name,
        "Key": {hash_key: stored[hash_key]},
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
