"""Static checks of template.yaml beyond cfn-lint and checkov (`make validate`): least privilege on the tables, the
children's data encrypted with the stack's own key, logs kept for a bounded time, and every skipped checkov check
justified. The template is read as the local stack reads it (local.cfn)."""

from __future__ import annotations

from typing import Any

import pytest

from local import cfn

TEMPLATE = cfn.load_template()
RESOURCES: dict[str, dict[str, Any]] = TEMPLATE["Resources"]
TABLES = cfn.resources("AWS::DynamoDB::Table")
FUNCTIONS = cfn.resources("AWS::Serverless::Function")
READ_ACTIONS = {"dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in function["Properties"].get("Policies", []):
        assert isinstance(policy, dict), f"only inline statements are reviewed, not {policy}"
        assert "Statement" in policy, f"only inline statements are reviewed, not {policy}"
        found.extend(policy["Statement"])
    return found


def table_of(resource: Any) -> str | None:
    """The table a policy resource points at: !GetAtt Table.Arn, or !Sub "${Table.Arn}/index/name"."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        name, attribute = resource["Fn::GetAtt"]
        return str(name) if attribute == "Arn" else None
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        text = str(resource["Fn::Sub"])
        if text.startswith("${") and text.count("${") == 1:
            name, _, rest = text[2:].partition(".Arn}")
            return name if rest.startswith("/index/") and "*" not in rest else None
    return None


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functions_may_only_read_the_tables_with_no_wildcard(name: str) -> None:
    for statement in statements(FUNCTIONS[name]):
        assert statement["Effect"] == "Allow"
        actions = as_list(statement["Action"])
        # No wildcard action, and nothing but reads: the API does not write yet
        assert all("*" not in action for action in actions), actions
        assert set(actions) <= READ_ACTIONS, actions
        # Every resource is one of the template's tables (or one of its indexes), named: never "*"
        for resource in as_list(statement["Resource"]):
            assert resource != "*"
            assert table_of(resource) in TABLES, resource


def test_the_checks_above_can_fail() -> None:
    assert table_of("*") is None
    assert table_of({"Fn::Sub": "${ActivitiesTable.Arn}/index/*"}) is None
    assert table_of({"Fn::Sub": "arn:aws:dynamodb:*:*:table/*"}) is None
    assert table_of({"Fn::GetAtt": ["ActivitiesTable", "Arn"]}) == "ActivitiesTable"


@pytest.mark.parametrize("name", TABLES)
def test_tables_are_encrypted_with_the_stacks_key_backed_up_and_retained(name: str) -> None:
    table = TABLES[name]
    sse = table["Properties"]["SSESpecification"]
    assert (sse["SSEEnabled"], sse["SSEType"]) == (True, "KMS")
    key = sse["KMSMasterKeyId"]
    assert RESOURCES[key["Ref"]]["Type"] == "AWS::KMS::Key"
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_the_key_rotates_and_outlives_the_stack_like_the_tables() -> None:
    (key,) = cfn.resources("AWS::KMS::Key").values()
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    for statement in key["Properties"]["KeyPolicy"]["Statement"]:
        assert statement["Principal"] != "*"
        assert "*" not in as_list(statement["Principal"].get("AWS", []))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_logs_are_kept_for_a_bounded_time_and_encrypted(name: str) -> None:
    group = RESOURCES[FUNCTIONS[name]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert RESOURCES[group["Properties"]["KmsKeyId"]["Fn::GetAtt"][0]]["Type"] == "AWS::KMS::Key"


def test_access_logs_carry_no_ip_address_path_or_body() -> None:
    settings = cfn.resources("AWS::Serverless::HttpApi")["HttpApi"]["Properties"]["AccessLogSettings"]
    log_format = settings["Format"]
    assert "$context.requestId" in log_format
    for personal in ("sourceIp", "$context.path", "userAgent", "requestBody"):
        assert personal not in log_format


def test_every_skipped_checkov_check_says_why() -> None:
    skipped = [
        (name, skip)
        for name, resource in RESOURCES.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skipped
    for name, skip in skipped:
        assert str(skip["id"]).startswith("CKV_"), name
        assert len(str(skip.get("comment", ""))) > 30, f"{name}: {skip['id']} has no reason"
