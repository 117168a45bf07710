"""The idempotency table: powertools Idempotency's records (DESIGN 3.8), kept through the store's PynamoDB access.

``StorePersistenceLayer`` is a powertools ``BasePersistenceLayer`` (its documented extension point for custom
persistence layers), the same record and the same conditions as powertools' ``DynamoDBPersistenceLayer``, on the
store's shared botocore client, timeouts and error policy instead of a boto3 client of its own. Why not powertools'
DynamoDB layer: it needs boto3, which the layer does not ship (``early_learning.powertools_idempotency``).

A record: ``id`` (powertools' ``<prefix>#<sha256 of the caller, the route and the key>``: no personal data),
``status`` (INPROGRESS, COMPLETED), ``expiration`` (epoch seconds: the table's TTL attribute; an expired record is
overwritten even before DynamoDB deletes it), ``in_progress_expiration`` (epoch milliseconds: when a run that never
finished, its Lambda stopped, stops holding the key), ``validation`` (the hash of the request's body and route) and
``data`` (the first answer, zlib-compressed; the table is encrypted with the stack's key).
"""

from __future__ import annotations

import time
import zlib

from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from early_learning.observability import logger
from early_learning.powertools_idempotency import (
    STATUS_CONSTANTS,
    BasePersistenceLayer,
    DataRecord,
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from early_learning.settings import get_settings
from early_learning.store.base import configure, instrument
from early_learning.store.errors import STORE_ERRORS, error_code, unavailable_when_transient

MAX_ANSWER_BYTES = 350_000
"""The largest compressed answer kept for replay: DynamoDB's items hold 400 KB, names and the other attributes
included. A larger answer is not kept (see ``StorePersistenceLayer._update_record``)."""

_WHAT = "The Idempotency-Key's record"


class IdempotencyItem(Model):
    class Meta:
        table_name = "idempotency"

    id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()
    expiration = NumberAttribute()
    in_progress_expiration = NumberAttribute(null=True)
    validation = UnicodeAttribute(null=True)
    data = BinaryAttribute(null=True, legacy_encoding=False)


configure(IdempotencyItem, get_settings().idempotency_table)


def compress(response_data: str) -> bytes | None:
    """The answer as stored, or None when it is too large to keep."""
    packed = zlib.compress(response_data.encode(), 6)
    return packed if len(packed) <= MAX_ANSWER_BYTES else None


def decompress(data: bytes | None) -> str:
    return zlib.decompress(data).decode() if data else ""


class StorePersistenceLayer(BasePersistenceLayer):
    """powertools' persistence of idempotency records, in the idempotency table.

    A transient store failure is ``StoreUnavailable`` (powertools wraps it in ``IdempotencyPersistenceLayerError``;
    the web helper unwraps it into a 503 problem with ``Retry-After``), except when the answer is being saved:
    see ``_update_record``."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # powertools' __init__ has no annotations

    def _get_record(self, idempotency_key: str) -> DataRecord:
        instrument(IdempotencyItem)
        with unavailable_when_transient(_WHAT):
            try:
                item = IdempotencyItem.get(idempotency_key, consistent_read=True)
            except IdempotencyItem.DoesNotExist:
                raise IdempotencyItemNotFoundError from None
        return DataRecord(
            idempotency_key=item.id,
            status=item.status,
            expiry_timestamp=int(item.expiration),
            in_progress_expiry_timestamp=(
                int(item.in_progress_expiration) if item.in_progress_expiration is not None else None
            ),
            response_data=decompress(item.data),
            payload_hash=item.validation or "",
        )

    def _put_record(self, data_record: DataRecord) -> None:
        """The in-progress record, written only where no live record holds the key: none, an expired one, or one
        in progress whose run can no longer be going on (its Lambda's deadline passed). Otherwise powertools reads
        the record that holds the key and answers from it (a replay, 409 or 422)."""
        instrument(IdempotencyItem)
        now = time.time()
        item = IdempotencyItem(
            data_record.idempotency_key,
            status=data_record.status,
            expiration=data_record.expiry_timestamp,
            in_progress_expiration=data_record.in_progress_expiry_timestamp,
            validation=data_record.payload_hash or None,
        )
        free = (
            IdempotencyItem.id.does_not_exist()
            | (IdempotencyItem.expiration < int(now))
            | (
                (IdempotencyItem.status == STATUS_CONSTANTS["INPROGRESS"])
                & (IdempotencyItem.in_progress_expiration < int(now * 1000))
            )
        )
        with unavailable_when_transient(_WHAT):
            try:
                item.save(condition=free)
            except PutError as exc:
                if exc.cause_response_code != "ConditionalCheckFailedException":
                    raise
                raise IdempotencyItemAlreadyExistsError from None

    def _update_record(self, data_record: DataRecord) -> None:
        """The record completed, with the answer to replay.

        By now the service call has been applied and its answer is in hand: a failure to save the record is logged
        and the answer still goes out (an error would invite a retry of what was applied). The record then stays in
        progress until its run's deadline, after which the key is free again. An answer too large to keep is
        recorded without it: a repeat is then a problem (``IdempotentAnswerNotKept``), never a second run."""
        instrument(IdempotencyItem)
        data = compress(data_record.response_data) if data_record.response_data else None
        if data_record.response_data and data is None:
            logger.warning(
                "Idempotent answer too large to keep for replay", extra={"bytes": len(data_record.response_data)}
            )
        item = IdempotencyItem(
            data_record.idempotency_key,
            status=data_record.status,
            expiration=data_record.expiry_timestamp,
            validation=data_record.payload_hash or None,
            data=data,
        )
        try:
            item.save()
        except STORE_ERRORS as exc:
            logger.error("Idempotency record not completed; the answer is returned", extra={"error": error_code(exc)})

    def _delete_record(self, data_record: DataRecord) -> None:
        """The key released: the service call raised (a whole-request error, or an unexpected one), and a retry
        with the same key runs it again."""
        instrument(IdempotencyItem)
        with unavailable_when_transient(_WHAT):
            IdempotencyItem(data_record.idempotency_key).delete()
