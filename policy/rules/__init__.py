"""The security baseline: every rule with what it requires and the reason it exists, one module per area.

Each rule is a plain function over a `Resource` view (resource rules) or the list of all
resources (stack rules), declared next to its `Rule` record in its area's module.
`build_policies(settings)` wraps each one in a pulumi_policy `ResourceValidationPolicy` /
`StackValidationPolicy` whose `validate` turns the args that Pulumi passes into that view;
`policy.offline` builds the same view from the plan's and calls the rules directly. Nothing here
constructs a `PolicyPack`.
"""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.rules import data_factory, function_app, key_vault, network, role_assignments, stack, storage
from policy.rules.view import Resource, Rule, lake_accounts
from policy.settings import PolicyConfigError, PolicySettings

PACK_NAME = "data-platform-security-baseline"

RULES: tuple[Rule, ...] = (
    *storage.RULES,
    *key_vault.RULES,
    *function_app.RULES,
    *data_factory.RULES,
    *network.RULES,
    *role_assignments.RULES,
    *stack.RULES,
)
"""Every rule, in the order the pack lists them and violations are sorted."""

RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)


def _resource_validate(
    rule: Rule, settings: PolicySettings
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        rule.check(Resource.from_args(args), lambda message: report_violation(message, None), settings)

    return validate


def _stack_validate(rule: Rule, settings: PolicySettings) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [Resource.from_policy_resource(r) for r in args.resources]
        rule.check(resources, report_violation, settings)

    return validate


def check_overrides(settings: PolicySettings) -> None:
    """Refuse overrides that name no rule (`PolicyConfigError`), so a typo never leaves a rule mandatory."""
    unknown = sorted(set(settings.overrides) - set(RULE_NAMES))
    if unknown:
        raise PolicyConfigError(
            f"policy overrides name unknown rule(s): {', '.join(unknown)}; rules: {', '.join(RULE_NAMES)}"
        )


def build_policies(settings: PolicySettings | None = None) -> list[Policy]:
    """One pulumi_policy policy per rule, at the enforcement level the stack's settings give it."""
    settings = settings or PolicySettings()
    check_overrides(settings)
    policies: list[Policy] = []
    for rule in RULES:
        level = EnforcementLevel(settings.enforcement(rule.name))
        if rule.kind == "resource":
            policies.append(
                ResourceValidationPolicy(
                    name=rule.name,
                    description=rule.description,
                    validate=_resource_validate(rule, settings),
                    enforcement_level=level,
                )
            )
        else:
            policies.append(
                StackValidationPolicy(
                    name=rule.name,
                    description=rule.description,
                    validate=_stack_validate(rule, settings),
                    enforcement_level=level,
                )
            )
    return policies


__all__ = ["PACK_NAME", "RULES", "RULE_NAMES", "Resource", "Rule", "build_policies", "check_overrides", "lake_accounts"]
