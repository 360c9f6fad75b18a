"""`--param NAME=VALUE` of `ops run`: JSON when it parses, text otherwise, and never broken JSON sent as text."""

from __future__ import annotations

import json

import pytest

from ops import runs


def test_param_values_are_json_when_they_parse() -> None:
    assert runs.parse_parameter("n=3") == ("n", 3)
    assert runs.parse_parameter('obj={"a": [1, null]}') == ("obj", {"a": [1, None]})
    assert runs.parse_parameter("text=a=b") == ("text", "a=b")
    assert runs.parse_parameter('quoted="3"') == ("quoted", "3")
    assert runs.parse_parameter('bracket="[not a list"') == ("bracket", "[not a list")
    assert runs.parse_parameter("inf=Infinity") == ("inf", "Infinity")
    assert runs.parse_parameter("trailing=3abc") == ("trailing", "3abc")
    assert runs.parse_parameter(" spaced =x") == ("spaced", "x")


@pytest.mark.parametrize("value", ["{", "[1, 2", ' {"a": 1} x', '"open', "[1]]"])
def test_a_value_that_opens_like_json_must_be_json(value: str) -> None:
    with pytest.raises(runs.ParameterError) as info:
        runs.parse_parameter(f"p={value}")
    message = str(info.value)
    assert message.startswith("--param p: the value opens like JSON but is not JSON (")
    assert f"p={json.dumps(value)}" in message, "says how to send it as text instead"
