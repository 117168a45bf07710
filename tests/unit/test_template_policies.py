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
WRITE_ACTIONS = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
}
WRITERS: dict[str, set[str]] = {
    "BatchWriteFunction": {"ActivitiesTable", "ChildrenTable", "HistoryTable", "CompletionsTable", "IdempotencyTable"},
    "ActivityWriteFunction": {"ActivitiesTable", "IdempotencyTable"},
    "ChildWriteFunction": {"ChildrenTable", "HistoryTable", "CompletionsTable", "IdempotencyTable"},
    "WebhooksFunction": {"WebhooksTable", "IdempotencyTable"},
    "WebhookSenderFunction": {"WebhooksTable"},
    "BatchJobsFunction": {"JobsTable", "IdempotencyTable"},
    # The job worker runs the synchronous routes' services (BatchWriteFunction's tables) and records their results.
    "JobWorkerFunction": {
        "ActivitiesTable",
        "ChildrenTable",
        "HistoryTable",
        "CompletionsTable",
        "IdempotencyTable",
        "JobsTable",
    },
    "JobDeadLettersFunction": {"JobsTable"},
}
"""The functions that write, and the only tables each may write (DESIGN 9: the read functions stay read-only; every
HTTP function also spends its caller's item quota, ``QUOTA_WRITE`` below, and nothing else of that table)."""
QUOTAS_TABLE = "QuotasTable"
QUOTA_WRITE = ["dynamodb:UpdateItem"]
"""What every HTTP function may do to the quotas table (DESIGN 3.11): one conditional ADD per request; no read."""
HTTP_FUNCTIONS = {
    name
    for name, function in FUNCTIONS.items()
    if any(event["Type"] == "HttpApi" for event in function["Properties"].get("Events", {}).values())
}
CHECKED: dict[str, set[str]] = {
    # A read chunk answered from its message is stored only if its creator's membership is unchanged (a condition
    # check in the results' transaction): the worker checks the memberships table, it never writes it.
    "JobWorkerFunction": {"MembershipsTable"},
}
"""Tables a function may only condition-check (``dynamodb:ConditionCheckItem`` alone, in a statement of its own)."""
QUEUES = cfn.resources("AWS::SQS::Queue")
QUEUE_ACTIONS = {"sqs:SendMessage", "sqs:ChangeMessageVisibility"}
"""What a function may do to a queue besides what its SQS event source needs (SAM grants that itself)."""


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
        assert all("*" not in action for action in actions), actions
        if any(action.startswith("sqs:") for action in actions):
            # Queues: sending and putting off only, each queue named (!GetAtt <queue>.Arn), never "*"
            assert set(actions) <= QUEUE_ACTIONS, actions
            for resource in as_list(statement["Resource"]):
                assert isinstance(resource, dict), resource
                assert resource.get("Fn::GetAtt", [None])[0] in QUEUES, resource
            continue
        # No wildcard action; reads anywhere, writes only by a writer and only on the tables it owns
        assert set(actions) <= READ_ACTIONS | WRITE_ACTIONS, actions
        touched = {table_of(resource) for resource in as_list(statement["Resource"])}
        if QUOTAS_TABLE in touched:
            # The quotas table: an HTTP function's one UpdateItem, in a statement of its own (and no read)
            assert name in HTTP_FUNCTIONS, f"{name} may not touch {QUOTAS_TABLE}"
            assert (actions, as_list(statement["Resource"])) == (QUOTA_WRITE, [{"Fn::GetAtt": [QUOTAS_TABLE, "Arn"]}])
            continue
        if set(actions) & WRITE_ACTIONS:
            written = {table_of(resource) for resource in as_list(statement["Resource"])}
            allowed = WRITERS.get(name, set())
            if set(actions) == {"dynamodb:ConditionCheckItem"}:
                allowed = allowed | CHECKED.get(name, set())
            assert written <= allowed, f"{name} may not write {written}"
        # Every resource is one of the template's tables (or one of its indexes), named: never "*"
        for resource in as_list(statement["Resource"]):
            assert resource != "*"
            assert table_of(resource) in TABLES, resource


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_http_function_spends_its_callers_quota_and_no_other_function_can(name: str) -> None:
    grants = [
        statement
        for statement in statements(FUNCTIONS[name])
        if any(table_of(resource) == QUOTAS_TABLE for resource in as_list(statement["Resource"]))
    ]
    if name in HTTP_FUNCTIONS:
        assert [as_list(statement["Action"]) for statement in grants] == [QUOTA_WRITE]
    else:
        assert grants == [], f"{name} has no HTTP route: no quota to spend"


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


# --- Cognito: only access tokens call the API (DESIGN 4) -------------------------------------------------------

MINUTES_PER_UNIT = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 24 * 60}
(USER_POOL,) = cfn.resources("AWS::Cognito::UserPool").values()
(APP_CLIENT,) = cfn.resources("AWS::Cognito::UserPoolClient").values()


def token_minutes(client: dict[str, Any], token: str) -> float:
    """How long the client's ``token`` ("AccessToken", "IdToken") lives, in minutes (Cognito's unit default: hours)."""
    props = client["Properties"]
    unit = props.get("TokenValidityUnits", {}).get(token, "hours")
    return float(props[f"{token}Validity"]) * MINUTES_PER_UNIT[unit]


def test_the_user_pool_is_invite_only() -> None:
    # Accounts are made by an administrator (AdminCreateUser): nobody signs themselves up
    assert USER_POOL["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_access_and_id_tokens_live_15_minutes() -> None:
    assert token_minutes(APP_CLIENT, "AccessToken") == 15
    assert token_minutes(APP_CLIENT, "IdToken") <= 15


def test_the_app_client_signs_in_with_srp_never_with_the_password() -> None:
    flows = APP_CLIENT["Properties"]["ExplicitAuthFlows"]
    assert "ALLOW_USER_SRP_AUTH" in flows
    # The password is never sent to Cognito by a real app (the local stack adds password auth to its own client)
    assert not {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"} & set(flows)


def test_refresh_tokens_rotate_and_can_be_revoked() -> None:
    props = APP_CLIENT["Properties"]
    assert props["RefreshTokenRotation"]["Feature"] == "ENABLED"
    assert 0 <= props["RefreshTokenRotation"].get("RetryGracePeriodSeconds", 0) <= 60
    # Cognito refuses REFRESH_TOKEN_AUTH on a rotating client: sessions are renewed with GetTokensFromRefreshToken
    assert "ALLOW_REFRESH_TOKEN_AUTH" not in props["ExplicitAuthFlows"]
    assert props["EnableTokenRevocation"] is True
    # Rotation needs the Essentials (or Plus) feature plan
    assert USER_POOL["Properties"]["UserPoolTier"] in ("ESSENTIALS", "PLUS")


def test_the_token_checks_above_can_fail() -> None:
    hour = {"Properties": {"AccessTokenValidity": 1}}
    assert token_minutes(hour, "AccessToken") == 60  # no unit given: hours, as Cognito reads it
    days = {"Properties": {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "days"}}}
    assert token_minutes(days, "AccessToken") == 24 * 60


# --- CORS (DESIGN 3.5) -------------------------------------------------------------------------------------------


def test_cors_allows_the_contracts_request_headers_and_every_routes_method() -> None:
    config = cfn.cors()
    assert set(config["AllowHeaders"]) == {"Authorization", "Content-Type", "Idempotency-Key", "If-Match"}
    methods = set(config["AllowMethods"])
    assert {"GET", "POST", "PATCH", "DELETE", "OPTIONS"} <= methods
    assert {route.method for route in cfn.routes()} <= methods


def test_cors_exposes_the_headers_browser_code_needs_to_read() -> None:
    exposed = cfn.cors()["ExposeHeaders"]
    assert set(exposed) == {"Retry-After", "ETag", "Location", "RateLimit", "RateLimit-Policy", "Idempotent-Replayed"}
    assert len(exposed) == len(set(exposed))


def test_cors_origins_come_from_the_deploy_not_a_wildcard() -> None:
    assert cfn.cors()["AllowOrigins"] == {"Ref": "CorsAllowOrigins"}
    assert "*" not in str(cfn.parameter_default("CorsAllowOrigins"))


def test_the_localhost_origin_is_refused_outside_dev() -> None:
    # DESIGN 3.5: the template's default origin (a local web app) is for dev only; any other stage must name its own
    rule = cfn.load_template()["Rules"]["CorsOriginsOutsideDevAreNamed"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "Stage"}, "dev"]}]}
    (assertion,) = rule["Assertions"]
    default = str(cfn.parameter_default("CorsAllowOrigins"))
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Contains": [{"Ref": "CorsAllowOrigins"}, default]}]}
    assert "localhost" in default
