"""Helpers for the policy tests: stack config as the pack sees it, and violating copies of real registrations."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
from collections.abc import Callable
from typing import Any

from ops.plan import run_plan
from policy.offline import Violation, evaluate
from preview.mocks import Registration
from preview.plan import Plan
from stack.files import read_stack_config
from stack.paths import PROJECT_DIR


def stack_values(stack: str, **overrides: Any) -> dict[str, str]:
    """The raw `namespace:key` config of a stack, with overrides applied the way `run_plan` applies them."""
    values, _ = read_stack_config(PROJECT_DIR, stack)
    for key, value in overrides.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return values


def plan_unchecked(stack: str, **overrides: Any) -> Plan:
    """Plan a stack with config overrides, without the plan's own policy check (to inspect what it would catch)."""
    kwargs: dict[str, Any] = {"config_overrides": overrides}
    if "check_policy" in inspect.signature(run_plan).parameters:
        kwargs["check_policy"] = False
    return run_plan(stack, **kwargs)


def edited(plan: Plan, name: str, change: Callable[[dict[str, Any]], None], **fields: Any) -> list[Registration]:
    """The plan's registrations with the one named `name` replaced by a copy whose inputs `change` edited."""
    found = [reg for reg in plan.resources if reg.name == name]
    assert len(found) == 1, f"expected one registration named {name}, found {len(found)}"
    target = found[0]
    inputs = copy.deepcopy(target.inputs)
    change(inputs)
    replacement = dataclasses.replace(target, inputs=inputs, **fields)
    return [replacement if reg is target else reg for reg in plan.resources]


def without(plan: Plan, name: str) -> list[Registration]:
    regs = [reg for reg in plan.resources if reg.name != name]
    assert len(regs) == len(plan.resources) - 1, f"no registration named {name}"
    return regs


def added(plan: Plan, reg: Registration) -> list[Registration]:
    return [*plan.resources, reg]


def reg_named(plan: Plan, name: str) -> Registration:
    return next(reg for reg in plan.resources if reg.name == name)


def of_rule(violations: list[Violation], rule: str) -> list[Violation]:
    return [v for v in violations if v.policy == rule]


def violations_of(regs: list[Registration], stack: str, rule: str, **config: Any) -> list[Violation]:
    return of_rule(evaluate(regs, stack_values(stack, **config)), rule)
