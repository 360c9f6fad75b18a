"""Judging hand-made or edited plans with one deployability rule at a time."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from deployability import RULES, evaluate
from preview.mocks import Registration
from preview.plan import Plan
from preview.view import PlanView

_BY_NAME = {rule.name: rule for rule in RULES}


def details(regs: Iterable[Registration], rule: str) -> list[tuple[str, str]]:
    """(resource name, detail) of every violation of one rule (the rule must exist)."""
    found = evaluate(PlanView.of_registrations(regs), [_BY_NAME[rule]])
    return [(violation.resource.name, violation.detail) for violation in found]


def fired(regs: Iterable[Registration], rule: str) -> list[str]:
    """The details of one rule's violations."""
    return [detail for _name, detail in details(regs, rule)]


def edited(plan: Plan, name: str, change: Callable[[dict[str, Any]], None]) -> list[Registration]:
    """The plan's registrations with a copy of the one named `name`, whose inputs `change` edited."""
    (target,) = [reg for reg in plan.all_resources if reg.name == name]
    inputs = copy.deepcopy(target.inputs)
    change(inputs)
    return [dataclasses.replace(target, inputs=inputs) if reg is target else reg for reg in plan.all_resources]


def replaced(regs: Iterable[Registration], name: str, **inputs: Any) -> list[Registration]:
    """The registrations with the one named `name` given these inputs on top of its own."""
    return [
        dataclasses.replace(reg, inputs={**copy.deepcopy(reg.inputs), **inputs}) if reg.name == name else reg
        for reg in regs
    ]


def one_of(plan: Plan, name: str) -> Registration:
    (found,) = [reg for reg in plan.all_resources if reg.name == name]
    return found
