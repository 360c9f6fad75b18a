"""Reading a planned resource's inputs: one path lookup for every check over the plan (policy, deployability)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def get(value: Any, *path: str) -> Any:
    """The value at `path` below `value`, or None where a step is missing or not an object."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
