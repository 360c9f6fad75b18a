"""`data-platform:intendedReplacements` in the config model: each entry names one resource and says why."""

from __future__ import annotations

from typing import Any

import pytest

from stack.config import ConfigError
from tests.support.stack_config import stack_config

KEY = "data-platform:intendedReplacements"


def error_of(value: Any) -> str:
    with pytest.raises(ConfigError) as info:
        stack_config("dev", **{KEY: value})
    return str(info.value)


def test_entries_are_read_in_order() -> None:
    config = stack_config("dev", **{KEY: [{"resource": "a", "reason": "x"}, {"resource": "b", "reason": "y"}]})
    assert [(item.resource, item.reason) for item in config.intended_replacements] == [("a", "x"), ("b", "y")]


def test_a_stack_that_names_none_has_none() -> None:
    assert stack_config("dev").intended_replacements == ()


def test_an_entry_without_a_reason_is_refused_naming_the_key() -> None:
    assert f"Pulumi.dev.yaml: {KEY}[0].reason: required key is missing" in error_of([{"resource": "a"}])


def test_an_empty_reason_is_refused() -> None:
    assert f"{KEY}[0].reason: String should have at least 1 character" in error_of([{"resource": "a", "reason": ""}])


def test_an_unknown_key_in_an_entry_lists_the_allowed_ones() -> None:
    message = error_of([{"resource": "a", "reason": "x", "urn": "u"}])
    assert f"{KEY}[0].urn: unknown key; allowed keys here: reason, resource" in message


def test_a_resource_named_twice_is_refused() -> None:
    message = error_of([{"resource": "a", "reason": "x"}, {"resource": "a", "reason": "y"}])
    assert f"{KEY}: names a more than once; give each resource one entry" in message
