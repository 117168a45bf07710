"""Field selection (``fields=id,name``): parse_fields against a resource's allowed fields (DESIGN 3.1)."""

from __future__ import annotations

import pytest

from early_learning.domain import ACTIVITY_FIELDS, UnknownFields
from early_learning.services.fields import parse_fields
from early_learning.web.problems import domain_status


def test_no_fields_means_every_field() -> None:
    assert parse_fields(None, ACTIVITY_FIELDS) is None


@pytest.mark.parametrize("raw", ["", "   ", " , ", ",,,"])
def test_a_value_naming_no_field_is_a_400_naming_the_allowed_fields(raw: str) -> None:
    # Before, " , " answered only the id: a client that built its field list wrong got empty records, silently.
    with pytest.raises(UnknownFields) as raised:
        parse_fields(raw, ACTIVITY_FIELDS)
    assert "activity_type" in raised.value.detail


def test_selected_fields_come_back_with_id_first_in_request_order() -> None:
    assert parse_fields("name,description", ACTIVITY_FIELDS) == ("id", "name", "description")


def test_id_is_always_returned_once_wherever_it_was_asked_for() -> None:
    assert parse_fields("name,id,activity_type", ACTIVITY_FIELDS) == ("id", "name", "activity_type")
    assert parse_fields("id", ACTIVITY_FIELDS) == ("id",)


def test_spaces_and_repeated_names_are_ignored() -> None:
    assert parse_fields(" name , description,name ,, ", ACTIVITY_FIELDS) == ("id", "name", "description")


def test_unknown_fields_are_a_400_that_names_them_and_the_allowed_fields() -> None:
    # When a client asks for a field the resource does not have
    with pytest.raises(UnknownFields) as raised:
        parse_fields("name,colour", ACTIVITY_FIELDS)
    # Then the error is a 400 that names the unknown field and lists every allowed one
    assert domain_status(raised.value)[0] == 400
    assert "'colour'" in raised.value.detail
    for allowed in ACTIVITY_FIELDS:
        assert allowed in raised.value.detail


def test_field_names_are_case_sensitive() -> None:
    with pytest.raises(UnknownFields):
        parse_fields("Name", ACTIVITY_FIELDS)


def test_the_error_never_echoes_a_large_input_back() -> None:
    # Given a huge unknown field name and many unknown names
    huge = "x" * 900
    raw = ",".join([huge, *(f"f{i}" for i in range(50))])
    # When parsed
    with pytest.raises(UnknownFields) as raised:
        parse_fields(raw, ACTIVITY_FIELDS)
    # Then the message quotes a short prefix of a few of them, not the input
    detail = raised.value.detail
    assert huge not in detail
    assert "x" * 41 not in detail
    assert "f10" not in detail
    assert len(detail) < 500


def test_only_the_given_resources_fields_are_allowed() -> None:
    assert parse_fields("b", ("id", "a", "b")) == ("id", "b")
    with pytest.raises(UnknownFields):
        parse_fields("name", ("id", "a", "b"))
