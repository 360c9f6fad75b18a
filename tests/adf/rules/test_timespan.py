from __future__ import annotations

import pytest

from adf.rules.timespan import has_one_digit_hour, seconds, timespan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:10:00", 600),
        ("0.00:10:00", 600),
        ("7.00:00:00", 7 * 86_400),
        ("12.23:59:59", 12 * 86_400 + 86_399),
        ("00:60:60", 3660),  # the REST pattern admits 60
        ("1:00:00", None),
        ("00:10", None),
        ("-00:10:00", None),
        (" 00:10:00", None),
    ],
)
def test_seconds(text: str, expected: int | None) -> None:
    assert seconds(text) == expected


def test_a_sign_only_where_signed() -> None:
    assert seconds("-1.00:00:00", signed=True) == -86_400
    assert seconds("+01:00:00", signed=True) is None


def test_timespan() -> None:
    assert timespan(600) == "0.00:10:00"
    assert timespan(7 * 86_400 + 1) == "7.00:00:01"


@pytest.mark.parametrize(
    ("text", "expected"), [("1:00:00", 3600), ("2.0:01:00", 2 * 86_400 + 60), ("01:00:00", 3600), ("1:0:00", None)]
)
def test_an_hour_of_one_digit_only_where_asked(text: str, expected: int | None) -> None:
    assert seconds(text, one_digit_hour=True) == expected


def test_has_one_digit_hour() -> None:
    assert has_one_digit_hour("1:00:00")
    assert has_one_digit_hour("2.0:01:00")
    assert not has_one_digit_hour("01:00:00")
    assert not has_one_digit_hour("ten minutes")
