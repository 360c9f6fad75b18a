"""Helpers for the policy tests: stack config as the pack sees it, and violating copies of real registrations."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ops.plan import all_checks_but, run_plan
from policy.offline import Violation, check
from preview.mocks import Registration
from preview.plan import Plan
from preview.view import PlanView
from stack.config import PlatformConfig
from tests.support.checkout import PROJECT_DIR
from tests.support.stack_config import stack_config as stack_config
from tests.support.stack_config import stack_values as stack_values

# Logical names of registrations in the committed stacks that the rule tests break copies of.
LAKE = "platform-lake-account"
HOST_STORAGE = "platform-generator-host-storage"
VAULT = "platform-key-vault-vault"
APP = "platform-generator-app"
FACTORY = "platform-adf-factory"
LS_SQL = "platform-adf-content-linkedService-LS_AzureSql"
LS_LAKE = "platform-adf-content-linkedService-LS_DataLake"
ROLE = "platform-generator-bronze-blob-contributor"

LOWERED = {"storage-https-only": {"enforcement": "advisory", "reason": "Legacy client until PLAT-42 ships."}}
"""A stack's `data-platform:policy` that lowers one rule to advisory, with its reason."""


def plan_unchecked(stack: str, **overrides: Any) -> Plan:
    """Plan a stack with config overrides, without the plan's own policy check (to inspect what it would catch)."""
    return run_plan(stack, PROJECT_DIR, config_overrides=overrides, checks=all_checks_but("policy"))


def evaluate(
    regs: Iterable[Registration], config: PlatformConfig | None = None, overrides: Mapping[str, Any] | None = None
) -> list[Violation]:
    """Every violation of the baseline among these registrations, with the stack config `config`."""
    return check(PlanView.of_registrations(regs, config=config), overrides)


def set_input(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that sets the input at `path` (creating mappings on the way)."""

    def change(inputs: dict[str, Any]) -> None:
        target = inputs
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value

    return change


def drop_input(*path: str) -> Callable[[dict[str, Any]], None]:
    """An edit that removes the input at `path`."""

    def change(inputs: dict[str, Any]) -> None:
        target = inputs
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


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


def input_of(plan: Plan, reg_name: str, key: str) -> str:
    """One input of a registration, as text (the Azure names the messages quote)."""
    return str(reg_named(plan, reg_name).inputs[key])


def of_rule(violations: list[Violation], rule: str) -> list[Violation]:
    return [v for v in violations if v.policy == rule]


def only(violations: list[Violation]) -> Violation:
    assert len(violations) == 1, [str(v) for v in violations]
    return violations[0]


def violations_of(regs: list[Registration], stack: str, rule: str, **config: Any) -> list[Violation]:
    return of_rule(evaluate(regs, stack_config(stack, **config)), rule)
