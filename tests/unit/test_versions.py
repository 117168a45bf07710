"""ETag and If-Match (web.versions, DESIGN 3.3): a version is answered as a strong entity tag, and If-Match names
one (or ``*``); anything else is refused without echoing it."""

from __future__ import annotations

import pytest

from early_learning.web.versions import etag, if_match_version
from early_learning.write_errors import InvalidPrecondition


def test_an_etag_is_the_quoted_version_and_if_match_reads_it_back() -> None:
    assert etag(3) == '"3"'
    assert if_match_version([etag(3)]) == 3
    assert if_match_version([f"  {etag(12)} "]) == 12  # spaces around a field value are not part of it


@pytest.mark.parametrize("values", [[], ["*"], [" * "]])
def test_no_if_match_or_a_star_names_no_version(values: list[str]) -> None:
    assert if_match_version(values) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('W/"3"', "strong"),
        ('"3", "4"', "one ETag"),
        ("3", "quoted version"),
        ('"abc"', "quoted version"),
        ('"0"', "quoted version"),  # versions start at 1
        ('"03"', "quoted version"),  # not an ETag this API answers (a strong comparison would never match it)
        ('"' + "9" * 19 + '"', "quoted version"),
        ("", "quoted version"),
    ],
)
def test_anything_else_is_refused_without_echoing_it(value: str, reason: str) -> None:
    with pytest.raises(InvalidPrecondition) as refused:
        if_match_version([value])
    assert reason in refused.value.detail
    assert len(value) < 4 or value not in refused.value.detail  # ("3" is in the example the message gives)


def test_two_if_match_headers_are_refused() -> None:
    with pytest.raises(InvalidPrecondition):
        if_match_version(['"1"', '"1"'])
