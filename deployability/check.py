"""Run the catalogue over a plan: every violation fails it; locked children are a warning."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from deployability.locks import locked_children
from deployability.plan_view import PlanView, Registered
from deployability.rules import RULES, Rule
from stack.errors import ViolationsError


@dataclass(frozen=True)
class Violation:
    """One resource that one rule says Azure refuses (or that breaks once deployed)."""

    rule: Rule
    resource: Registered
    detail: str

    def __str__(self) -> str:
        what = self.resource.type.removeprefix("azure-native:")
        return (
            f"{self.rule.name}: {self.resource.name} ({what}): {self.detail}. "
            f"Why: {self.rule.reason} Fix: {self.rule.fix}"
        )


class DeployabilityError(ViolationsError):
    """The plan holds resources Azure would refuse; lists every violation."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        super().__init__(
            violations,
            "deployability violation(s): Azure would refuse these (rules and sources: deployability/README.md)",
        )


def view_of(plan: Any) -> PlanView:
    """A `preview.plan.Plan` (its config gives deployerPrincipalType; judged with the stacks it reads, as they run
    together) or an iterable of registrations."""
    resources = getattr(plan, "all_resources", None) or (plan.resources if hasattr(plan, "resources") else plan)
    config = getattr(plan, "config", None)
    return PlanView.of(resources, getattr(config, "deployer_principal_type", None))


def evaluate(plan: Any, rules: Iterable[Rule] = RULES) -> list[Violation]:
    """Every violation, in catalogue order, then by resource name."""
    view = view_of(plan)
    found: list[Violation] = []
    for rule in rules:
        found += sorted(
            (Violation(rule, reg, detail) for reg, detail in rule.check(view)), key=lambda v: v.resource.name
        )
    return found


def check(plan: Any, warn: Callable[[str], None] | None = None) -> None:
    """Raise `DeployabilityError` listing every violation; warn (stderr) about what locks keep from deletion."""
    emit = warn or (lambda line: print(line, file=sys.stderr))
    for locked in locked_children(view_of(plan)):
        emit(f"warning: deployability: {locked}")
    violations = evaluate(plan)
    if violations:
        raise DeployabilityError(violations)
