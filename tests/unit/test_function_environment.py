"""The local stack gives each function its own environment (local/lambda_/environment.py): the template's variables
of that function, and the settings the stack itself was started with, never another function's variables."""

from __future__ import annotations

import pytest

from local import cfn
from local.aws.environment import layer_environment
from local.lambda_.environment import function_environment, stack_overrides

AWS = "http://127.0.0.1:5000"
REGION = "us-east-1"


def test_the_stacks_own_copy_of_the_functions_variables_does_not_reach_every_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the stack process after it gave itself every function's variables (prepare_process, to seed the demo data)
    merged, _ = layer_environment(AWS, REGION)
    assert merged["RESPONSE_LIMIT_BYTES"] == "3000000"  # the job worker's own, in template.yaml
    for key, value in merged.items():
        monkeypatch.setenv(key, value)
    # When the functions' environments are made / Then each holds its own variables only
    specs = cfn.functions()
    overrides = stack_overrides()
    assert "RESPONSE_LIMIT_BYTES" not in overrides
    assert "RESPONSE_LIMIT_BYTES" not in function_environment(specs["LimitsFunction"], AWS, REGION, overrides)
    assert "RESPONSE_LIMIT_BYTES" not in function_environment(specs["BatchGetFunction"], AWS, REGION, overrides)
    assert function_environment(specs["JobWorkerFunction"], AWS, REGION, overrides)["RESPONSE_LIMIT_BYTES"] == "3000000"


def test_a_setting_given_to_the_stack_reaches_every_function() -> None:
    overrides = stack_overrides({"CATALOG_CACHE_TTL_S": "3600", "HOME": "/root", "RESPONSE_LIMIT_BYTES": "1000"})
    assert overrides == {"CATALOG_CACHE_TTL_S": "3600", "RESPONSE_LIMIT_BYTES": "1000"}
    for spec in cfn.functions().values():
        assert function_environment(spec, AWS, REGION, overrides)["RESPONSE_LIMIT_BYTES"] == "1000"
