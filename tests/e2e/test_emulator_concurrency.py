"""The local stack's AWS emulator under concurrent writes (local/aws/moto_server.py): moto's backends are not
thread-safe, so the stack serves one DynamoDB request at a time, and transactions sent at once all succeed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config  # type: ignore[import-untyped]  # botocore ships no type hints
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from tests.e2e.conftest import Stack

PROBE_TABLE = "EmulatorConcurrencyProbe"
"""A table of this test's own, so that no other test sees its items."""
SEEDED, WRITES, THREADS = 400, 300, 16


def test_transactions_sent_at_once_all_succeed(stack: Stack) -> None:
    # Given a table holding a few hundred items, as the activities table does (moto copies a transaction's tables
    # whole), and a client that does not retry (a retry would hide a 500)
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_endpoint_url,
        region_name=stack.info["region"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=THREADS),
    )
    dynamodb.create_table(
        TableName=PROBE_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def item(key: str) -> dict[str, dict[str, object]]:
        return {"id": {"S": key}, "payload": {"S": "x" * 200}, "materials": {"L": [{"S": "paper"}] * 5}}

    def write(n: int) -> str | None:
        put = {"TableName": PROBE_TABLE, "Item": item(f"write-{n}"), "ConditionExpression": "attribute_not_exists(id)"}
        try:
            dynamodb.transact_write_items(TransactItems=[{"Put": put}])
        except ClientError as exc:
            return str(exc)
        return None

    try:
        for start in range(0, SEEDED, 25):
            puts = [{"PutRequest": {"Item": item(f"seed-{n}")}} for n in range(start, start + 25)]
            dynamodb.batch_write_item(RequestItems={PROBE_TABLE: puts})
        # When 16 threads send 300 conditional transactions at once (as a batch write's items, and several execution
        # environments' PATCHes, do)
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            errors = [error for error in pool.map(write, range(WRITES)) if error is not None]
        # Then every one succeeded (moto_server alone fails a few percent of them with 500s), and every item is there
        assert errors == []
        assert dynamodb.scan(TableName=PROBE_TABLE, Select="COUNT")["Count"] == SEEDED + WRITES
    finally:
        dynamodb.delete_table(TableName=PROBE_TABLE)
