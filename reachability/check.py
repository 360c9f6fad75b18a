"""Run the reachability model over a plan: a conversation without an allowed network path fails `ops plan`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reachability.model import Violation
from reachability.model import check as find_violations
from stack.errors import ViolationsError


class ReachabilityError(ViolationsError):
    """The plan leaves conversations without a network path; lists each with both ends and a fix."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        super().__init__(
            violations,
            "reachability violation(s): these callers could not reach their data planes once deployed "
            "(model and sources: reachability/model.py)",
        )


def check(plan: Any) -> None:
    """Raise `ReachabilityError` for every conversation of the plan (`preview.plan.Plan` or registrations).

    A plan is judged with the stacks it reads (its foundation: the VNet, zones and pool), as they run together.
    """
    resources = getattr(plan, "all_resources", None) or (plan.resources if hasattr(plan, "resources") else plan)
    violations = find_violations(resources)
    if violations:
        raise ReachabilityError(violations)
