"""The memberships table: who a Cognito ``sub`` is in the platform, cached briefly in the warm function."""

from __future__ import annotations

import time
from collections.abc import Iterable

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model

from early_learning.domain import Membership, Role, StoreUnavailable
from early_learning.observability import logger
from early_learning.settings import get_settings
from early_learning.store.base import _is_transient, configure, instrument


class MembershipRecord(Model):
    class Meta:
        table_name = "memberships"

    sub = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    role = UnicodeAttribute()
    classroom_ids = UnicodeSetAttribute(null=True)
    child_ids = UnicodeSetAttribute(null=True)


configure(MembershipRecord, get_settings().memberships_table)

_cache: dict[str, tuple[float, Membership | None]] = {}


def get(sub: str) -> Membership | None:
    """The membership of ``sub``, or None; answers (absent ones too) are kept for ``membership_cache_ttl_s``.
    Throttling or timeouts that botocore's retries could not absorb raise ``StoreUnavailable`` (a 503 problem)."""
    now = time.monotonic()
    cached = _cache.get(sub)
    if cached is not None and cached[0] > now:
        return cached[1]
    instrument(MembershipRecord)
    try:
        record = MembershipRecord.get(sub)
    except MembershipRecord.DoesNotExist:
        membership = None
    except Exception as exc:
        if not _is_transient(exc):
            raise
        logger.warning("Membership read throttled or timed out", extra={"error": type(exc).__name__})
        raise StoreUnavailable("Your membership could not be read in time; retry the request") from None
    else:
        membership = Membership(
            sub=record.sub,
            org_id=record.org_id,
            role=Role(record.role),
            classroom_ids=frozenset(record.classroom_ids or ()),
            child_ids=frozenset(record.child_ids or ()),
        )
    _cache[sub] = (now + get_settings().membership_cache_ttl_s, membership)
    return membership


def clear_cache() -> None:
    _cache.clear()


def save(memberships: Iterable[Membership]) -> None:
    with MembershipRecord.batch_write() as batch:
        for m in memberships:
            batch.save(
                MembershipRecord(
                    sub=m.sub,
                    org_id=m.org_id,
                    role=m.role.value,
                    classroom_ids=set(m.classroom_ids) or None,
                    child_ids=set(m.child_ids) or None,
                )
            )
