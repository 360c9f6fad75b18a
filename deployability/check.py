"""The catalogue over a plan's view: every violation fails the plan; what locks keep from deletion is a warning."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deployability.locks import LockedChildren, locked_children
from deployability.rules import RULES, Rule
from preview.view import PlanView, Registration
from stack.errors import ViolationsError


@dataclass(frozen=True)
class Violation:
    """One resource that one rule says Azure refuses (or that breaks once deployed)."""

    rule: Rule
    resource: Registration
    detail: str

    def __str__(self) -> str:
        what = self.resource.type.removeprefix("azure-native:")
        return (
            f"{self.rule.name}: {self.resource.name} ({what}): {self.detail}. "
            f"Why: {self.rule.reason} Fix: {self.rule.fix}"
        )


Finding = Violation | LockedChildren
"""What the check reports: a violation fails the plan, locked children are a warning."""


class DeployabilityError(ViolationsError):
    """The plan holds resources Azure would refuse; lists every violation."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        super().__init__(
            violations,
            "deployability violation(s): Azure would refuse these (rules and sources: deployability/README.md)",
        )


def evaluate(view: PlanView, rules: Iterable[Rule] = RULES) -> list[Violation]:
    """Every violation, in catalogue order, then by resource name."""
    found: list[Violation] = []
    for rule in rules:
        found += sorted(
            (Violation(rule, reg, detail) for reg, detail in rule.check(view)), key=lambda v: v.resource.name
        )
    return found


def check(view: PlanView) -> list[Finding]:
    """What locks keep from deletion (warnings), then every violation of the catalogue."""
    return [*locked_children(view), *evaluate(view)]


def warning(finding: Finding) -> str | None:
    """The warning line for locked children; None for a violation, which fails the plan."""
    return f"warning: deployability: {finding}" if isinstance(finding, LockedChildren) else None
