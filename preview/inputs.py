"""Reading a planned resource's inputs: the placeholders the offline plan shows, and one path lookup, for the
engine and every check over the plan (schema, policy, deployability, reachability)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SECRET = "[secret]"
"""How the offline plan shows a Pulumi secret: its value (and real type) cannot be known offline."""

UNKNOWN = "[unknown]"
"""How the offline plan shows a value only known at deployment time."""


def get(value: Any, *path: str) -> Any:
    """The value at `path` below `value`, or None where a step is missing or not an object."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def is_known(value: Any) -> bool:
    """Whether a value is known at plan time: anything but the unknown placeholder (a secret is known, masked)."""
    return value != UNKNOWN


def known_str(value: Any) -> str | None:
    """A non-empty string that is known at plan time, else None."""
    return value if isinstance(value, str) and value and value != UNKNOWN else None
