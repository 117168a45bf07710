"""The opt-in edge of template.yaml (DESIGN 9): CloudFront with an AWS WAF web ACL in front of the HTTP API, so that
a flood without tokens is refused at the edge instead of using up API Gateway's route throttling before the JWT
authorizer runs. Off by default, and then not one of its resources exists; on, the execute-api endpoint is disabled
and CloudFront, through the API's regional custom domain, is the only way in. `make validate` checks the syntax; these
tests check the design. The template is read as the local stack reads it (local.cfn)."""

from __future__ import annotations

from typing import Any

import pytest

from local import cfn

TEMPLATE = cfn.load_template()
RESOURCES: dict[str, dict[str, Any]] = TEMPLATE["Resources"]
CONDITIONS: dict[str, Any] = TEMPLATE["Conditions"]
PARAMETERS: dict[str, dict[str, Any]] = TEMPLATE["Parameters"]
EDGE_TYPES = {
    "AWS::CloudFront::Distribution",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::ApiGatewayV2::DomainName",
    "AWS::ApiGatewayV2::ApiMapping",
    "AWS::Route53::RecordSet",
}
EDGE = {name: res for name, res in RESOURCES.items() if res["Type"] in EDGE_TYPES or name.startswith("Edge")}
(WEB_ACL,) = cfn.resources("AWS::WAFv2::WebACL").values()
(DISTRIBUTION,) = cfn.resources("AWS::CloudFront::Distribution").values()
(ORIGIN_DOMAIN_NAME, ORIGIN_DOMAIN), *_ = cfn.resources("AWS::ApiGatewayV2::DomainName").items()
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AWS managed origin request policy
EDGE_PARAMETERS = {
    "EnableEdge": "true",
    "EdgeDomainName": "api.example.org",
    "EdgeCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/public",
    "EdgeOriginDomainName": "origin-7f3k.api.example.org",
    "EdgeOriginCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/origin",
}


def evaluate(condition: Any, parameters: dict[str, str]) -> Any:
    """A template condition (or a value inside one) evaluated with these parameter values (others: defaults)."""
    if isinstance(condition, dict) and len(condition) == 1:
        (key, argument), *_ = condition.items()
        if key == "Ref":
            return parameters.get(argument, str(PARAMETERS[argument].get("Default", "")))
        if key == "Condition":
            return evaluate(CONDITIONS[argument], parameters)
        if key == "Fn::Equals":
            left, right = (evaluate(item, parameters) for item in argument)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not evaluate(argument[0], parameters)
        if key == "Fn::And":
            return all(evaluate(item, parameters) for item in argument)
        if key == "Fn::Or":
            return any(evaluate(item, parameters) for item in argument)
        raise AssertionError(f"not a condition function: {key}")
    return condition


def created(parameters: dict[str, str]) -> set[str]:
    """The logical ids of the resources a deploy with these parameters creates."""
    return {
        name
        for name, res in RESOURCES.items()
        if "Condition" not in res or evaluate(CONDITIONS[res["Condition"]], parameters)
    }


def web_acl_rule(name: str) -> dict[str, Any]:
    rules: list[dict[str, Any]] = WEB_ACL["Properties"]["Rules"]
    (rule,) = [rule for rule in rules if rule["Name"] == name]
    return rule


def managed_groups() -> dict[str, dict[str, Any]]:
    return {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule
        for rule in WEB_ACL["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }


# --- on only when asked -----------------------------------------------------------------------------------------


def test_the_edge_is_off_by_default() -> None:
    assert PARAMETERS["EnableEdge"]["Default"] == "false"
    assert not evaluate({"Condition": "EdgeOn"}, {})


@pytest.mark.parametrize("name", sorted(EDGE))
def test_every_edge_resource_exists_only_with_the_edge_on(name: str) -> None:
    condition = EDGE[name].get("Condition")
    assert condition is not None, f"{name} would be created by every deploy"
    assert not evaluate(CONDITIONS[condition], {}), name
    # Its condition implies EdgeOn: never an edge resource without the edge
    assert not evaluate(CONDITIONS[condition], {**EDGE_PARAMETERS, "EnableEdge": "false"}), name


def test_a_default_deploy_creates_no_edge_resource_and_an_edge_deploy_creates_them_all() -> None:
    default = created({})
    assert not default & set(EDGE)
    assert created(EDGE_PARAMETERS) - default == {name for name in EDGE if "Record" not in name}
    # The DNS records only when the hosted zone is given
    assert created({**EDGE_PARAMETERS, "EdgeHostedZoneId": "Z123"}) - default == set(EDGE)


def test_the_edge_cannot_be_turned_on_without_its_names_and_certificates() -> None:
    for missing in set(EDGE_PARAMETERS) - {"EnableEdge"}:
        assert not evaluate({"Condition": "EdgeOn"}, {**EDGE_PARAMETERS, missing: ""}), missing
    # and CloudFormation refuses such a deploy before creating anything (rather than deploying without an edge)
    rule = TEMPLATE["Rules"]["EdgeHasItsNamesAndCertificates"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "EnableEdge"}, "true"]}
    asserted = str(rule["Assertions"])
    assert all(name in asserted for name in set(EDGE_PARAMETERS) - {"EnableEdge"})


def test_an_edge_deploy_outside_us_east_1_is_refused_before_anything_is_created() -> None:
    # A web ACL of scope CLOUDFRONT can only be created in us-east-1
    rule = TEMPLATE["Rules"]["EdgeIsDeployedInUsEast1"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "EnableEdge"}, "true"]}
    assert {"Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}}.items() <= rule["Assertions"][0].items()


def test_the_execute_api_endpoint_is_disabled_exactly_when_the_edge_is_on() -> None:
    api = cfn.resources("AWS::Serverless::HttpApi")["HttpApi"]["Properties"]
    assert api["DisableExecuteApiEndpoint"] == {"Fn::If": ["EdgeOn", True, False]}


def test_the_api_url_is_the_edges_when_it_is_on() -> None:
    url = TEMPLATE["Outputs"]["ApiUrl"]["Value"]["Fn::If"]
    assert url[0] == "EdgeOn"
    assert url[1] == {"Fn::Sub": "https://${EdgeDomainName}"}
    assert "execute-api" in url[2]["Fn::Sub"]


# --- the web ACL ------------------------------------------------------------------------------------------------


def test_the_web_acl_is_cloudfronts_and_lets_through_what_no_rule_blocks() -> None:
    props = WEB_ACL["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    assert props["DefaultAction"] == {"Allow": {}}


def test_the_web_acl_limits_the_rate_of_every_ip_address_and_answers_429_like_api_gateway() -> None:
    rule = web_acl_rule("RateLimitPerIp")
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert "ScopeDownStatement" not in statement  # every request counts, with a token or without
    assert statement["Limit"] == {"Ref": "EdgeRateLimitPerIp"}
    assert PARAMETERS["EdgeRateLimitPerIp"]["MinValue"] >= 10  # WAF's minimum
    block = rule["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 429
    assert {"Name": "Retry-After", "Value": str(statement["EvaluationWindowSec"])} in block["ResponseHeaders"]
    body = WEB_ACL["Properties"]["CustomResponseBodies"][block["CustomResponseBodyKey"]]
    assert body["Content"] == '{"message":"Too Many Requests"}'


def test_the_web_acl_applies_the_three_aws_managed_rule_groups_in_block_mode() -> None:
    groups = managed_groups()
    assert set(groups) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    for name, rule in groups.items():
        assert rule["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
        # None keeps the group's own actions (block); Count would only watch
        assert rule["OverrideAction"] == {"None": {}}, name


def test_only_the_body_size_rule_is_relaxed_because_batches_are_larger_than_8_kb() -> None:
    overrides = [
        override
        for rule in managed_groups().values()
        for override in rule["Statement"]["ManagedRuleGroupStatement"].get("RuleActionOverrides", [])
    ]
    assert overrides == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]


def test_every_rule_is_measured_and_priorities_are_distinct() -> None:
    rules = WEB_ACL["Properties"]["Rules"]
    assert len({rule["Priority"] for rule in rules}) == len(rules)
    for config in [WEB_ACL["Properties"]["VisibilityConfig"], *(rule["VisibilityConfig"] for rule in rules)]:
        assert config["CloudWatchMetricsEnabled"] is True
        assert config["SampledRequestsEnabled"] is True
    metric_names = [str(rule["VisibilityConfig"]["MetricName"]) for rule in rules]
    assert len(set(metric_names)) == len(metric_names)


def test_the_web_acl_logs_what_it_refuses_without_tokens_or_childrens_ids() -> None:
    (logging,) = cfn.resources("AWS::WAFv2::LoggingConfiguration").values()
    props = logging["Properties"]
    assert props["ResourceArn"] == {"Fn::GetAtt": ["EdgeWebAcl", "Arn"]}
    assert {"SingleHeader": {"Name": "authorization"}} in props["RedactedFields"]
    assert {"UriPath": {}} in props["RedactedFields"]
    assert props["LoggingFilter"]["DefaultBehavior"] == "DROP"
    (destination,) = props["LogDestinationConfigs"]
    group = RESOURCES[destination["Fn::GetAtt"][0]]
    assert str(group["Properties"]["LogGroupName"]["Fn::Sub"]).startswith("aws-waf-logs-")
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


# --- the distribution and its origin ----------------------------------------------------------------------------


def test_the_distribution_is_guarded_by_the_web_acl() -> None:
    assert DISTRIBUTION["Properties"]["DistributionConfig"]["WebACLId"] == {"Fn::GetAtt": ["EdgeWebAcl", "Arn"]}


def test_the_distributions_only_origin_is_the_apis_custom_domain_over_tls_1_2() -> None:
    config = DISTRIBUTION["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Ref": ORIGIN_DOMAIN_NAME}
    custom = origin["CustomOriginConfig"]
    assert custom["OriginProtocolPolicy"] == "https-only"
    assert custom["OriginSSLProtocols"] == ["TLSv1.2"]
    assert custom.get("OriginReadTimeout", 30) > 30  # API Gateway's own timeout answers first
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == origin["Id"]
    assert "CacheBehaviors" not in config


def test_the_custom_domain_is_regional_tls_1_2_and_mapped_to_the_apis_default_stage() -> None:
    props = ORIGIN_DOMAIN["Properties"]
    assert props["DomainName"] == {"Ref": "EdgeOriginDomainName"}
    (configuration,) = props["DomainNameConfigurations"]
    assert configuration["EndpointType"] == "REGIONAL"
    assert configuration["SecurityPolicy"] == "TLS_1_2"
    assert configuration["CertificateArn"] == {"Ref": "EdgeOriginCertificateArn"}
    (mapping,) = cfn.resources("AWS::ApiGatewayV2::ApiMapping").values()
    assert mapping["Properties"]["ApiId"] == {"Ref": "HttpApi"}
    assert mapping["Properties"]["DomainName"] == {"Ref": ORIGIN_DOMAIN_NAME}
    assert mapping["Properties"]["Stage"] == {"Ref": "HttpApi.Stage"}  # the $default stage SAM creates
    assert "ApiMappingKey" not in mapping["Properties"]  # the same paths as without the edge


def test_the_distribution_caches_nothing_and_forwards_every_method_and_header_but_host() -> None:
    config = DISTRIBUTION["Properties"]["DistributionConfig"]
    behavior = config["DefaultCacheBehavior"]
    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert {route.method for route in cfn.routes()} <= set(behavior["AllowedMethods"])


def test_clients_reach_the_distribution_over_https_only_with_tls_1_2_or_later_http_2_and_3() -> None:
    config = DISTRIBUTION["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2_")
    assert config["ViewerCertificate"]["AcmCertificateArn"] == {"Ref": "EdgeCertificateArn"}
    assert config["Aliases"] == [{"Ref": "EdgeDomainName"}]
    assert config["HttpVersion"] == "http2and3"


def test_the_dns_records_point_at_the_edge_resources() -> None:
    records = cfn.resources("AWS::Route53::RecordSet")
    targets = {str(res["Properties"]["AliasTarget"]["DNSName"]["Fn::GetAtt"][0]) for res in records.values()}
    assert targets == {"EdgeDistribution", ORIGIN_DOMAIN_NAME}
    assert {str(res["Properties"]["Name"]["Ref"]) for res in records.values()} == {
        "EdgeDomainName",
        "EdgeOriginDomainName",
    }


def test_the_condition_evaluator_above_can_fail() -> None:
    assert evaluate({"Fn::Equals": [{"Ref": "EnableEdge"}, "false"]}, {})
    assert not evaluate({"Fn::Not": [{"Fn::Equals": ["a", "a"]}]}, {})
    assert evaluate({"Fn::And": [{"Condition": "EdgeOn"}, True]}, EDGE_PARAMETERS)
    with pytest.raises(AssertionError):
        evaluate({"Fn::If": ["EdgeOn", True, False]}, {})
