"""Unit tests of the settings model: environment variables by name or alias, any case, validated."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from early_learning.settings import Settings


def test_defaults_apply_when_nothing_is_set() -> None:
    # Given an empty environment / When the settings are read / Then every field has its default
    settings = Settings.from_environ({})
    assert settings == Settings()
    assert settings.region == "us-east-1"
    assert settings.dynamodb_endpoint_url is None


def test_a_field_is_read_from_its_name_in_any_case_and_converted() -> None:
    # Given variables named after fields, in upper and lower case, as strings
    environ = {"RETRY_MAX_ATTEMPTS": "3", "catalog_cache_ttl_s": "3600", "ACTIVITIES_TABLE": "prod-activities"}
    # When the settings are read
    settings = Settings.from_environ(environ)
    # Then each field has the value, converted to its type
    assert settings.retry_max_attempts == 3
    assert settings.catalog_cache_ttl_s == 3600.0
    assert settings.activities_table == "prod-activities"


def test_aliases_are_read_and_the_first_alias_set_wins() -> None:
    # Given Lambda's AWS_REGION next to AWS_DEFAULT_REGION, and two endpoint variables
    environ = {
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5001",
    }
    # When the settings are read / Then the earlier alias of each field wins, whatever the dict's order
    settings = Settings.from_environ(environ)
    assert settings.region == "eu-west-1"
    assert settings.dynamodb_endpoint_url == "http://127.0.0.1:5001"
    # And a field's own name is not one of its variables when it has aliases
    assert Settings.from_environ({"REGION": "ap-south-1"}).region == "us-east-1"


def test_a_value_that_does_not_parse_is_refused() -> None:
    # Given a number setting that is not a number / When read / Then validation fails (the cold start fails loudly)
    with pytest.raises(ValidationError):
        Settings.from_environ({"RETRY_MAX_ATTEMPTS": "many"})


def test_settings_are_frozen() -> None:
    settings = Settings.from_environ({})
    with pytest.raises(ValidationError):
        settings.retry_max_attempts = 2  # type: ignore[misc]
