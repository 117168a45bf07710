"""The DynamoDB-only botocore data loader (early_learning.store.botocore_data): the same clients, less data read."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore  # type: ignore[import-untyped]  # botocore ships no type hints
import botocore.loaders  # type: ignore[import-untyped]
import botocore.session  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]

from early_learning.store.botocore_data import ENDPOINTS_FILE, DynamoDBDataLoader, dynamodb_endpoints

BUILTIN_ENDPOINTS = Path(botocore.__file__).parent / "data" / "endpoints.json"
FULL_ENDPOINTS: dict[str, Any] = json.loads(BUILTIN_ENDPOINTS.read_text())


def test_the_committed_endpoint_data_is_the_installed_botocores_dynamodb_part() -> None:
    committed = json.loads(ENDPOINTS_FILE.read_text())
    assert committed == dynamodb_endpoints(FULL_ENDPOINTS), (
        f"botocore {botocore.__version__} has other endpoint data: run `python -m local.botocore_endpoints`"
    )
    for partition in committed["partitions"]:
        assert set(partition["services"]) <= {"dynamodb"}
    assert any("dynamodb" in p["services"] for p in committed["partitions"])


def test_trimming_keeps_everything_but_the_other_services() -> None:
    trimmed = dynamodb_endpoints(FULL_ENDPOINTS)
    assert len(trimmed["partitions"]) == len(FULL_ENDPOINTS["partitions"])
    for full, kept in zip(FULL_ENDPOINTS["partitions"], trimmed["partitions"], strict=True):
        assert {k: v for k, v in kept.items() if k != "services"} == {k: v for k, v in full.items() if k != "services"}
        assert kept["services"].get("dynamodb") == full["services"].get("dynamodb")
    assert len(json.dumps(trimmed)) < len(json.dumps(FULL_ENDPOINTS)) / 50


class _Body:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b"{}"


def _client(loader: botocore.loaders.Loader | None, region: str, **config: Any) -> Any:
    session = botocore.session.get_session()
    if loader is not None:
        session.register_component("data_loader", loader)
    # With an account id, botocore's rules pick DynamoDB's account-based endpoint: what it does only for built-in
    # endpoint data (for other data, it would treat the endpoint as a custom URL and skip its rules).
    session.set_credentials("AKIDEXAMPLE", "secret", account_id="123456789012")
    return session.create_client("dynamodb", region_name=region, config=Config(**config))


def _sent(client: Any) -> dict[str, Any]:
    """What a GetItem would be sent as: the URL the endpoint rules give, and the signature's scope."""
    seen: dict[str, Any] = {}

    def capture(request: Any, **_: Any) -> AWSResponse:
        seen["url"] = request.url
        seen["authorization"] = request.headers["Authorization"].decode().split("Credential=")[1].split(",")[0]
        return AWSResponse(request.url, 200, {}, _Body())

    client.meta.events.register("before-send.dynamodb.GetItem", capture)
    client.get_item(TableName="t", Key={"id": {"S": "x"}})
    credential = seen.pop("authorization").split("/")  # AKID/date/region/service/aws4_request
    return {**seen, "signing_region": credential[2], "signing_name": credential[3]}


def _one_region_per_partition() -> list[str]:
    return [next(iter(p["regions"])) for p in FULL_ENDPOINTS["partitions"] if p["regions"]]


@pytest.mark.parametrize("region", [*_one_region_per_partition(), "eu-west-1", "ap-southeast-2"])
@pytest.mark.parametrize(
    "config",
    [{}, {"use_fips_endpoint": True}, {"use_dualstack_endpoint": True}],
    ids=["default", "fips", "dualstack"],
)
def test_a_client_resolves_and_signs_exactly_as_with_botocores_own_loader(region: str, config: dict[str, Any]) -> None:
    try:
        stock = _client(None, region, **config)
        expected = _sent(stock)
    except Exception as exc:  # a combination the partition does not offer: ours must refuse it alike
        with pytest.raises(type(exc)):
            _sent(_client(DynamoDBDataLoader(), region, **config))
        return
    ours = _client(DynamoDBDataLoader(), region, **config)
    assert _sent(ours) == expected
    assert ours.meta.endpoint_url == stock.meta.endpoint_url
    assert ours.meta.partition == stock.meta.partition
    assert ours.meta.region_name == stock.meta.region_name


def test_a_custom_endpoint_url_is_used_as_given() -> None:
    session = botocore.session.get_session()
    session.register_component("data_loader", DynamoDBDataLoader())
    session.set_credentials("AKIDEXAMPLE", "secret")
    client = session.create_client("dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:5000")
    assert _sent(client)["url"] == "http://127.0.0.1:5000/"


def test_the_client_never_reads_the_full_endpoint_data_nor_lists_every_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded: list[str] = []
    listed: list[str] = []
    load_file = botocore.loaders.JSONFileLoader.load_file
    listdir = os.listdir

    def recording_load(self: Any, file_path: str) -> Any:
        loaded.append(file_path)
        return load_file(self, file_path)

    def recording_listdir(path: Any = ".") -> list[str]:
        listed.append(str(path))
        return listdir(path)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", recording_load)
    monkeypatch.setattr(botocore.loaders.os, "listdir", recording_listdir)
    _sent(_client(DynamoDBDataLoader(), "us-east-1"))

    assert str(BUILTIN_ENDPOINTS.with_suffix("")) not in loaded
    assert str(ENDPOINTS_FILE.with_suffix("")) in loaded
    data_dir = str(BUILTIN_ENDPOINTS.parent)
    assert data_dir not in listed  # the ~445 service directories are never listed
    assert any(path.endswith("/dynamodb/2012-08-10/service-2") for path in loaded)
