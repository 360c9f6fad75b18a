"""The deployability check: Azure rules the provider schema cannot see, evaluated over the offline plan.

Imports `stack` and `preview` only. The catalogue and its sources: deployability/README.md.
"""

from deployability.check import DeployabilityError, Violation, check, evaluate
from deployability.rules import RULE_NAMES, RULES, Rule

__all__ = ["RULES", "RULE_NAMES", "DeployabilityError", "Rule", "Violation", "check", "evaluate"]
