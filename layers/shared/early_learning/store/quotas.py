"""The quotas table (DESIGN 3.11): the items each caller used per policy and quota window, spent with ONE conditional
UpdateItem per request.

A record per caller, policy and window: ``id`` = ``<sub>#<policy>#<window start, epoch seconds>`` (ids only, no
personal data), ``used`` (the items granted in that window: only ever ADDed to) and ``expiration`` (epoch seconds,
the table's TTL attribute: a window's record is useless once it has ended, and TTL deletes it some time after).

One call answers both outcomes: ``ADD used :cost`` under the condition ``attribute_not_exists(used) OR used <= :room``
(``:room`` = the quota less the cost) returns the new ``used`` when it fits; when it does not, DynamoDB refuses the
update, changes nothing, and returns the stored record with the refusal (``ReturnValuesOnConditionCheckFailure``), so
the caller learns what is left without a second read. DynamoDB applies the condition and the ADD atomically: requests
racing on one record never grant more than the quota.

A transient failure follows the one store policy (``store.errors``): ``StoreUnavailable``; what a caller does then
(fail open) is the web layer's decision (``web.quotas``).
"""

from __future__ import annotations

from typing import NamedTuple

from botocore.exceptions import ClientError  # type: ignore[import-untyped]  # botocore ships no type hints
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from early_learning.settings import get_settings
from early_learning.store.base import configure, instrument
from early_learning.store.errors import unavailable_when_transient

_WHAT = "Your quota"


class QuotaRecord(Model):
    class Meta:
        table_name = "quotas"

    id = UnicodeAttribute(hash_key=True)
    used = NumberAttribute()
    expiration = NumberAttribute()


configure(QuotaRecord, get_settings().quotas_table)


# A NamedTuple, not a frozen dataclass: a fourth of the cost to define at each cold start (README, "Performance").
class Spent(NamedTuple):
    """What one request's spending came to: ``granted`` or not, and the items used in the window since (granted:
    this request's included; refused: as stored, this request's not)."""

    granted: bool
    used: int


def record_id(sub: str, policy: str, window_start: int) -> str:
    return f"{sub}#{policy}#{window_start}"


def spend(sub: str, policy: str, window_start: int, cost: int, quota: int, expiration: int) -> Spent:
    """``cost`` items of ``sub``'s ``policy`` in the window starting at ``window_start``, granted if they fit
    ``quota`` (one conditional UpdateItem). ``expiration``: when the record may go (epoch seconds). A transient store
    failure raises ``StoreUnavailable``; anything else propagates."""
    instrument(QuotaRecord)
    client = QuotaRecord._get_connection().connection.client
    request = {
        "TableName": QuotaRecord.Meta.table_name,
        "Key": {"id": {"S": record_id(sub, policy, window_start)}},
        "UpdateExpression": "ADD #used :cost SET #expiration = :expiration",
        "ConditionExpression": "attribute_not_exists(#used) OR #used <= :room",
        "ExpressionAttributeNames": {"#used": "used", "#expiration": "expiration"},
        "ExpressionAttributeValues": {
            ":cost": {"N": str(cost)},
            ":room": {"N": str(quota - cost)},
            ":expiration": {"N": str(expiration)},
        },
        "ReturnValues": "UPDATED_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    with unavailable_when_transient(_WHAT):
        try:
            answer = client.update_item(**request)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            stored = exc.response.get("Item") or {}
            return Spent(False, _number(stored.get("used"), default=quota))
    return Spent(True, _number(answer.get("Attributes", {}).get("used"), default=cost))


def _number(value: dict[str, str] | None, default: int) -> int:
    """A stored ``N`` as an int (the refusal's record is ours: a number); ``default`` when it is missing."""
    return int(value["N"]) if value and "N" in value else default
