"""The policy pack offline: the same validate functions, run against the plan of `python -m ops plan`.

Each plan registration becomes the argument object Pulumi would pass: a pulumi_policy
`ResourceValidationArgs` for resource rules, a `StackValidationArgs` of `PolicyResource`s
for stack rules. Props are the registered inputs (camelCase, secrets as "[secret]",
unknowns as "[unknown]"); `opts.protect`, parents and dependencies come from the plan.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.rules import RULE_NAMES, build_policies
from policy.settings import PolicyConfigError, PolicySettings, settings_from_config
from preview.plan import Plan
from stack.config import PlatformConfig
from stack.errors import InputError


class Registered(Protocol):
    """What the offline path reads from an `preview.mocks.Registration`."""

    urn: str
    type: str
    name: str
    parent: str | None
    depends_on: list[str]
    protect: bool
    inputs: dict[str, Any]


@dataclass(frozen=True)
class Violation:
    """One rule broken by one resource (or by the stack, when `urn` is None)."""

    policy: str
    enforcement: Literal["mandatory", "advisory"]
    urn: str | None
    message: str
    reason: str | None = None
    """Why the stack lowered the rule to advisory, when it did."""

    def __str__(self) -> str:
        where = self.urn or "(stack)"
        text = f"[{self.enforcement}] {self.policy}: {where}: {self.message}"
        return text + (f" (advisory for this stack: {self.reason})" if self.reason else "")


class PolicyError(InputError):
    """The plan breaks mandatory rules of the security baseline; lists every such violation."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = list(violations)
        lines = "\n".join(
            f"  - {v.policy}: {v.urn or '(stack)'} ({_name_of(v.urn)}): {v.message}" for v in self.violations
        )
        super().__init__(f"{len(self.violations)} mandatory policy violation(s) in the security baseline:\n{lines}")


def _name_of(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else "stack"


def _options(reg: Registered) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=reg.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=reg.parent,
    )


def resource_args(reg: Registered) -> ResourceValidationArgs:
    """The args Pulumi passes a resource policy for this registration."""
    return ResourceValidationArgs(reg.type, reg.inputs, reg.urn, reg.name, _options(reg), None, {}, {})


def stack_args(regs: Iterable[Registered]) -> StackValidationArgs:
    """The args Pulumi passes a stack policy: every resource, parents and dependencies linked."""
    regs = list(regs)
    resources = {
        reg.urn: PolicyResource(reg.type, reg.inputs, reg.urn, reg.name, _options(reg), None, None, [], {})
        for reg in regs
    }
    for reg in regs:
        resource = resources[reg.urn]
        resource.parent = resources.get(reg.parent) if reg.parent else None
        resource.dependencies = [resources[urn] for urn in reg.depends_on if urn in resources]
    return StackValidationArgs(list(resources.values()), {}, {})


def evaluate(
    plan_resources: Iterable[Registered],
    config: PlatformConfig | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[Violation]:
    """Every violation of the baseline in the plan, mandatory and advisory, sorted by rule then URN.

    `config`: the stack's parsed config (`Plan.config`), or None when no stack config is known.
    `overrides`: `{rule: {"enforcement": "advisory", "reason": "..."}}`, on top of the config's `policy` key.
    """
    settings = settings_from_config(config, overrides, secrets_masked=True)
    return evaluate_with(list(plan_resources), settings)


def evaluate_with(regs: list[Registered], settings: PolicySettings) -> list[Violation]:
    found: list[Violation] = []
    order = {name: index for index, name in enumerate(RULE_NAMES)}
    for policy in build_policies(settings):
        level = policy.enforcement_level.value if policy.enforcement_level else "mandatory"
        enforcement: Literal["mandatory", "advisory"] = "advisory" if level == "advisory" else "mandatory"
        reason = settings.reason(policy.name) if enforcement == "advisory" else None

        def collect(
            default_urn: str | None,
            name: str = policy.name,
            enforcement: Literal["mandatory", "advisory"] = enforcement,
            reason: str | None = reason,
        ) -> Callable[[str, str | None], None]:
            def report(message: str, urn: str | None = None) -> None:
                found.append(Violation(name, enforcement, urn or default_urn, message, reason))

            return report

        if isinstance(policy, ResourceValidationPolicy):
            for reg in regs:
                policy.validate(resource_args(reg), collect(reg.urn))
        elif isinstance(policy, StackValidationPolicy):
            policy.validate(stack_args(regs), collect(None))
    return sorted(found, key=lambda v: (order.get(v.policy, len(order)), v.urn or "", v.message))


def check(
    plan: Plan | Iterable[Registered],
    config: PlatformConfig | None = None,
    overrides: Mapping[str, Any] | None = None,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Raise `PolicyError` listing every mandatory violation; print advisory ones as warnings (stderr).

    `plan`: a `preview.plan.Plan` or an iterable of registrations.
    """
    resources = plan.resources if isinstance(plan, Plan) else plan
    violations = evaluate(resources, config, overrides)
    emit = warn or (lambda line: print(line, file=sys.stderr))
    for violation in violations:
        if violation.enforcement == "advisory":
            emit(f"warning: policy {violation}")
    mandatory = [v for v in violations if v.enforcement == "mandatory"]
    if mandatory:
        raise PolicyError(mandatory)


__all__ = [
    "PolicyConfigError",
    "PolicyError",
    "Violation",
    "check",
    "evaluate",
    "evaluate_with",
    "resource_args",
    "stack_args",
]
