"""The deployability check: Azure rules the provider schema cannot see, evaluated over the plan's view.

Imports `stack` and `preview` only. The catalogue and its sources: deployability/README.md.
"""

from deployability.check import DeployabilityError, Finding, Violation, check, evaluate, warning
from deployability.locks import LockedChildren, locked_children
from deployability.rules import RULE_NAMES, RULES, Rule

__all__ = [
    "RULES",
    "RULE_NAMES",
    "DeployabilityError",
    "Finding",
    "LockedChildren",
    "Rule",
    "Violation",
    "check",
    "evaluate",
    "locked_children",
    "warning",
]
