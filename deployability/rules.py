"""The catalogue: what Azure refuses, or what breaks once deployed, that the provider schema cannot see.

The rules live by area in `deployability/catalogue/`; this module puts them in the order the check runs and
reports them. Each is a `deployability.rule.Rule`: its name, the resource types it judges, the reason, the fix,
and its sources (page or issue, the fact in our words, the day read). deployability/README.md lists them all.
"""

from __future__ import annotations

from deployability.catalogue import (
    access,
    data_factory,
    devops_pool,
    functions,
    key_vault,
    monitor,
    names,
    network,
    sql,
    storage,
)
from deployability.rule import Finding, Rule

RULES: tuple[Rule, ...] = (
    *access.RULES,
    *names.RULES,
    *functions.RULES,
    *storage.RULES,
    *key_vault.RULES,
    *sql.RULES,
    *monitor.RULES,
    *network.RULES,
    *devops_pool.RULES,
    *data_factory.RULES,
)

RULE_NAMES = tuple(rule.name for rule in RULES)

__all__ = ["RULES", "RULE_NAMES", "Finding", "Rule"]
