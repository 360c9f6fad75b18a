"""The policy pack offline: the same rules, run over the plan's view in `python -m ops plan`.

Each planned resource becomes the rules' `Resource` view once: props are the registered inputs
(camelCase, secrets as "[secret]", unknowns as "[unknown]"), with `protect`, the dependencies and
the input-feeding dependencies the engine would pass a real pack. Resource rules see one resource,
stack rules all of them, at the enforcement level the stack's settings give each rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from policy.rules import RULE_NAMES, RULES, Resource, check_overrides
from policy.settings import PolicyConfigError, PolicySettings, settings_from_config
from policy.values import normalize_type, plain
from preview.view import PlanView, Registration
from stack.errors import ViolationsError


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


class PolicyError(ViolationsError):
    """The plan breaks mandatory rules of the security baseline; lists every such violation."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        violations = list(violations)
        super().__init__(
            violations,
            "mandatory policy violation(s) in the security baseline",
            [f"{v.policy}: {v.urn or '(stack)'} ({_name_of(v.urn)}): {v.message}" for v in violations],
        )


def _name_of(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else "stack"


def resource_of(reg: Registration) -> Resource:
    """The rules' view of one planned resource, as a real pack would build it from the engine's request."""
    return Resource(
        type=normalize_type(reg.type),
        name=reg.name,
        urn=reg.urn,
        props=plain(reg.inputs),
        protect=reg.protect,
        dependencies=list(reg.depends_on),
        property_dependencies={key: list(urns) for key, urns in reg.property_dependencies.items()},
    )


def evaluate_with(view: PlanView, settings: PolicySettings) -> list[Violation]:
    """Every violation of the baseline under these settings, sorted by rule then URN."""
    check_overrides(settings)
    resources = [resource_of(reg) for reg in view.registrations]
    found: list[Violation] = []
    order = {name: index for index, name in enumerate(RULE_NAMES)}
    for rule in RULES:
        enforcement: Literal["mandatory", "advisory"] = (
            "advisory" if settings.enforcement(rule.name) == "advisory" else "mandatory"
        )
        reason = settings.reason(rule.name) if enforcement == "advisory" else None

        def collect(
            default_urn: str | None,
            name: str = rule.name,
            enforcement: Literal["mandatory", "advisory"] = enforcement,
            reason: str | None = reason,
        ) -> Callable[..., None]:
            def report(message: str, urn: str | None = None) -> None:
                found.append(Violation(name, enforcement, urn or default_urn, message, reason))

            return report

        if rule.kind == "resource":
            for resource in resources:
                rule.check(resource, collect(resource.urn), settings)
        else:
            rule.check(resources, collect(None), settings)
    return sorted(found, key=lambda v: (order.get(v.policy, len(order)), v.urn or "", v.message))


def check(view: PlanView, overrides: Mapping[str, Any] | None = None) -> list[Violation]:
    """Every violation of the baseline in the plan, mandatory and advisory, sorted by rule then URN.

    The levels come from the stack's config (`view.config`; none known: every rule mandatory);
    `overrides` (`{rule: {"enforcement": "advisory", "reason": "..."}}`) win over the config's `policy` key.
    """
    return evaluate_with(view, settings_from_config(view.config, overrides, secrets_masked=True))


def warning(violation: Violation) -> str | None:
    """The warning line for an advisory violation; None for a mandatory one, which fails the plan."""
    return f"warning: policy {violation}" if violation.enforcement == "advisory" else None


__all__ = [
    "PolicyConfigError",
    "PolicyError",
    "Violation",
    "check",
    "evaluate_with",
    "resource_of",
    "warning",
]
