"""A committed stack's config as the program reads it, with some keys replaced, without planning the stack."""

from __future__ import annotations

import json
from typing import Any

from stack.config import PlatformConfig, parse_config
from stack.files import read_stack_config
from tests.support.checkout import PROJECT_DIR


def stack_values(stack: str, **overrides: Any) -> dict[str, str]:
    """The raw `namespace:key` config of a stack, with overrides applied the way `run_plan` applies them."""
    values, _ = read_stack_config(PROJECT_DIR, stack)
    for key, value in overrides.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return values


def stack_config(stack: str, **overrides: Any) -> PlatformConfig:
    """A stack's config parsed with the program's model, as `Plan.config` holds it, with overrides applied."""
    values = stack_values(stack, **overrides)
    return parse_config(values, set(values), f"Pulumi.{stack}.yaml")
