"""Transitions from the last release: every change between the previous release's plan and this one, classified.

Resources are matched by URN, or by an alias: a resource whose `aliases` hold an old URN is the resource that
URN named, moved or renamed (https://www.pulumi.com/docs/iac/concepts/options/aliases/), not a deletion and a
creation. For each matched resource every changed input is

- **in place**: the provider sends it to Azure as an update (informational);
- **replace**: the provider deletes and recreates the resource (`transitions.replacement`); a replacement of a
  resource that holds data fails unless the stack's `data-platform:intendedReplacements` names it with a reason,
  so nothing with data is replaced silently;
- **refused by Azure**: a transition the catalogue (`transitions.catalogue`) says Azure does not make on an
  existing resource; it fails, unless the resource is named as intended, which says it is recreated on purpose.

`transitions(previous, view, config)` builds the report; `TransitionReport.check()` raises `TransitionsError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from preview.mocks import Registration
from preview.view import PlanView, stack_of
from stack.config import PlatformConfig
from stack.config_sections import IntendedReplacement
from stack.errors import ConfigError, ViolationsError
from transitions.catalogue import Context, Refusal, refusals_for
from transitions.changes import PropertyChange, property_changes, value_at
from transitions.previous import PreviousPlan, PreviousPlanError, PreviousResource, parse_previous
from transitions.replacement import FORCE_NEW_TABLE, forces_replacement, is_provider_resource

INTENT_KEY = "data-platform:intendedReplacements"

STATEFUL_TYPES: Mapping[str, str] = {
    "azure-native:storage:StorageAccount": "a storage account holds the data in it",
    "azure-native:storage:BlobContainer": "a container holds its blobs",
    "azure-native:keyvault:Vault": "a vault holds its secrets, and its name stays taken while it is soft-deleted",
    "azure-native:sql:Server": "a SQL server holds its databases",
    "azure-native:sql:Database": "a database holds its data",
    "azure-native:datafactory:Factory": "a factory holds its run history and all its content",
    "azure-native:operationalinsights:Workspace": "a workspace holds the platform's logs",
    "azure-native:resources:ResourceGroup": "a resource group holds every resource in it",
}
"""The types whose replacement loses data, and what is lost; also stateful is anything `protect`ed or kept on
delete (`retain_on_delete`)."""


class TransitionsError(ViolationsError):
    """Transitions from the previous release that Azure refuses, or replacements of resources that hold data."""

    def __init__(self, violations: Sequence[str]) -> None:
        super().__init__(violations, "transition(s) from the previous release that Azure refuses or that replace data")


class IntendedReplacementError(ConfigError):
    """`data-platform:intendedReplacements` names a resource the plan does not have, or several."""


@dataclass(frozen=True)
class ResourceRef:
    """A resource as the report names it: logical name, type and Azure name."""

    urn: str
    type: str
    name: str
    azure_name: str | None = None

    def __str__(self) -> str:
        kind = self.type.rsplit(":", 1)[-1]
        return f"{self.name} ({kind} {self.azure_name})" if self.azure_name else f"{self.name} ({kind})"


@dataclass(frozen=True)
class RefusedTransition:
    """A change Azure does not make on the existing resource."""

    resource: ResourceRef
    change: PropertyChange
    refusal: Refusal
    intent: IntendedReplacement | None = None
    """The config entry that says the resource is recreated on purpose; then the transition does not fail."""

    def __str__(self) -> str:
        rule = self.refusal
        return (
            f"{self.resource}: {self.change} is refused by Azure: {rule.says} ({rule.source}, read "
            f"{rule.read_on.isoformat()}); allowed: {rule.allowed}"
        )


@dataclass(frozen=True)
class Replacement:
    """A resource the provider deletes and creates again."""

    resource: ResourceRef
    because: tuple[PropertyChange, ...]
    holds_data: str | None
    """Why its replacement loses data; None when it holds none."""
    intent: IntendedReplacement | None = None

    @property
    def fails(self) -> bool:
        return self.holds_data is not None and self.intent is None

    def __str__(self) -> str:
        reasons = "; ".join(str(change) for change in self.because)
        return f"{self.resource} would be replaced ({reasons})"


@dataclass(frozen=True)
class InPlaceChange:
    resource: ResourceRef
    change: PropertyChange

    def __str__(self) -> str:
        return f"{self.resource}: {self.change}"


@dataclass(frozen=True)
class Move:
    """A resource matched to the previous plan through an alias."""

    resource: ResourceRef
    old_urn: str


@dataclass(frozen=True)
class TransitionReport:
    """Every transition from the previous release's plan to this one."""

    source: str
    refused: tuple[RefusedTransition, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    in_place: tuple[InPlaceChange, ...] = ()
    created: tuple[ResourceRef, ...] = ()
    deleted: tuple[ResourceRef, ...] = ()
    moved: tuple[Move, ...] = ()
    unused_intents: tuple[IntendedReplacement, ...] = ()

    @property
    def failing_refusals(self) -> tuple[RefusedTransition, ...]:
        return tuple(refused for refused in self.refused if refused.intent is None)

    @property
    def failing_replacements(self) -> tuple[Replacement, ...]:
        return tuple(replacement for replacement in self.replacements if replacement.fails)

    def violations(self) -> list[str]:
        """One line per transition that fails the plan, saying what to do about it."""
        lines = [
            f"{refused}. To recreate it on purpose, name '{refused.resource.name}' in {INTENT_KEY} with a reason"
            for refused in self.failing_refusals
        ]
        lines += [
            f"{replacement}: {replacement.holds_data}, and a replacement leaves the old one's data behind or "
            f"deletes it. If that is intended, name '{replacement.resource.name}' in {INTENT_KEY} with a reason"
            for replacement in self.failing_replacements
        ]
        return lines

    def check(self) -> None:
        """Raise `TransitionsError` listing every refused transition and every unintended loss of data."""
        violations = self.violations()
        if violations:
            raise TransitionsError(violations)

    @property
    def has_changes(self) -> bool:
        return bool(self.refused or self.replacements or self.in_place or self.created or self.deleted)

    def lines(self, today: date | None = None) -> list[str]:
        """The informational summary `ops plan --from` prints: counts, each transition, and a warning when the
        force-new table the replacements were judged by is older than its stated age."""
        head = (
            f"transitions from {self.source}: {len(self.failing_refusals)} refused, "
            f"{len(self.replacements)} replaced ({len(self.failing_replacements)} holding data unannounced), "
            f"{len(self.in_place)} changed in place, {len(self.created)} created, {len(self.deleted)} deleted, "
            f"{len(self.moved)} matched by alias"
        )
        lines = [head]
        lines += [f"  refused: {refused}" for refused in self.failing_refusals]
        lines += [
            f"  recreated on purpose ({refused.intent.reason if refused.intent else ''}): {refused}"
            for refused in self.refused
            if refused.intent is not None
        ]
        for replacement in self.replacements:
            note = f"; intended: {replacement.intent.reason}" if replacement.intent else ""
            lines.append(f"  replace: {replacement}{note}")
        lines += [f"  in place: {change}" for change in self.in_place]
        lines += [f"  create: {resource}" for resource in self.created]
        lines += [f"  delete: {resource}" for resource in self.deleted]
        lines += [f"  moved: {move.old_urn} -> {move.resource.urn}" for move in self.moved]
        lines += [
            f"  note: {INTENT_KEY} names '{intent.resource}', which this release neither replaces nor recreates; "
            "remove it once the release that needed it is deployed"
            for intent in self.unused_intents
        ]
        day = today or date.today()
        if (stale := FORCE_NEW_TABLE.staleness_warning(day)) is not None:
            lines.append(f"  warning: {stale}")
        return lines


def _ref(view: PlanView, reg: Registration) -> ResourceRef:
    return ResourceRef(reg.urn, reg.type, reg.name, view.own_name(reg))


def _old_ref(resource: PreviousResource) -> ResourceRef:
    return ResourceRef(resource.urn, resource.type, resource.name)


def _holds_data(reg: Registration, old: PreviousResource) -> str | None:
    reason = STATEFUL_TYPES.get(reg.type)
    if reason is not None:
        return reason
    if reg.protect or old.protect:
        return "it is protected (protect), as the stack protects what holds data"
    if reg.retain_on_delete:
        return "it is kept on delete (retain_on_delete), as the program keeps what holds data"
    return None


def _intents(config: PlatformConfig | None, view: PlanView, stack: str) -> dict[str, IntendedReplacement]:
    """URN -> the config entry that names it; refuses an entry that names no resource of the plan, or several."""
    found: dict[str, IntendedReplacement] = {}
    problems = []
    custom = [reg for reg in view.registrations if reg.custom]
    for index, intent in enumerate(config.intended_replacements if config else ()):
        named = [reg for reg in custom if intent.resource in (reg.urn, reg.name)]
        place = f"Pulumi.{stack}.yaml: {INTENT_KEY}[{index}].resource"
        if not named:
            problems.append(
                f"{place}: '{intent.resource}' names no resource of this plan; give a logical name or URN that "
                f"`python -m ops plan --stack {stack} --json` lists"
            )
        elif len(named) > 1:
            urns = ", ".join(reg.urn for reg in named)
            problems.append(f"{place}: '{intent.resource}' names {len(named)} resources; give one URN of: {urns}")
        else:
            found[named[0].urn] = intent
    if problems:
        raise IntendedReplacementError("invalid stack configuration:\n  " + "\n  ".join(problems))
    return found


def _below(path: str, prefixes: set[str]) -> bool:
    return any(path == prefix or path.startswith(prefix + ".") for prefix in prefixes)


def _plan_stack(view: PlanView) -> str | None:
    if view.stack_urn:
        return stack_of(view.stack_urn)
    return stack_of(view.registrations[0].urn) if view.registrations else None


def _check_same_stack(previous: PreviousPlan, view: PlanView) -> str:
    stack = _plan_stack(view) or previous.stack
    if previous.stack != stack:
        raise PreviousPlanError(
            f"{previous.source}: is the plan of stack '{previous.stack}', not of '{stack}'; give the plan the "
            f"pipeline saved when it last deployed '{stack}'"
        )
    return stack


def _match(
    previous: PreviousPlan, view: PlanView
) -> tuple[list[tuple[Registration, PreviousResource, str | None]], list[Registration], list[PreviousResource]]:
    """(current, previous, the alias it matched through or None) pairs; then the created and the deleted."""
    old_by_urn = previous.by_urn()
    pairs: list[tuple[Registration, PreviousResource, str | None]] = []
    created = []
    used: set[str] = set()
    for reg in view.registrations:
        if not reg.custom:
            continue
        if reg.urn in old_by_urn and reg.urn not in used:
            pairs.append((reg, old_by_urn[reg.urn], None))
            used.add(reg.urn)
            continue
        alias = next((urn for urn in reg.aliases if urn in old_by_urn and urn not in used), None)
        if alias is not None:
            pairs.append((reg, old_by_urn[alias], alias))
            used.add(alias)
        else:
            created.append(reg)
    deleted = [old for old in previous.resources if old.urn not in used and is_provider_resource(old.type)]
    return pairs, created, deleted


def transitions(
    previous: PreviousPlan | Mapping[str, Any],
    view: PlanView,
    config: PlatformConfig | None = None,
) -> TransitionReport:
    """Classify every transition from the previous release's plan (a `PreviousPlan`, or the parsed
    `ops plan --json` document) to the plan in `view`; `config` (default: the view's) names intended
    replacements. Raises `PreviousPlanError` for a document of another stack or the wrong shape, and
    `IntendedReplacementError` for an intended replacement that names no resource of the plan."""
    old_plan = previous if isinstance(previous, PreviousPlan) else parse_previous(previous)
    stack = _check_same_stack(old_plan, view)
    intents = _intents(config if config is not None else view.config, view, stack)
    pairs, created, deleted = _match(old_plan, view)

    refused: list[RefusedTransition] = []
    replacements: list[Replacement] = []
    in_place: list[InPlaceChange] = []
    used_intents: set[str] = set()
    for reg, old, _alias in pairs:
        ref = _ref(view, reg)
        intent = intents.get(reg.urn)
        changes = property_changes(old.inputs, reg.inputs)
        if old.type != reg.type:
            replacing: tuple[PropertyChange, ...] = (PropertyChange("(type)", old.type, reg.type),)
        else:
            replacing = tuple(change for change in changes if forces_replacement(reg.type, change.path))
        context = Context(old_plan, old)
        refused_here = []
        for refusal in refusals_for(reg.type):
            if replacing and not refusal.also_when_replaced:
                continue  # Azure creates a new resource, which may have any value
            before, after = value_at(old.inputs, refusal.path), value_at(reg.inputs, refusal.path)
            if refusal.judge(before, after, context):
                refused_here.append(
                    RefusedTransition(ref, PropertyChange(refusal.path, before, after), refusal, intent)
                )
        refused += refused_here
        if replacing:
            replacements.append(Replacement(ref, replacing, _holds_data(reg, old), intent))
        else:
            covered = {item.refusal.path for item in refused_here}
            in_place += [InPlaceChange(ref, change) for change in changes if not _below(change.path, covered)]
        if intent is not None and (replacing or refused_here):
            used_intents.add(reg.urn)
    return TransitionReport(
        source=old_plan.source,
        refused=tuple(refused),
        replacements=tuple(replacements),
        in_place=tuple(in_place),
        created=tuple(_ref(view, reg) for reg in created),
        deleted=tuple(_old_ref(old) for old in deleted),
        moved=tuple(Move(_ref(view, reg), alias) for reg, _old, alias in pairs if alias is not None),
        unused_intents=tuple(intent for urn, intent in intents.items() if urn not in used_intents),
    )


__all__ = [
    "INTENT_KEY",
    "STATEFUL_TYPES",
    "InPlaceChange",
    "IntendedReplacementError",
    "Move",
    "RefusedTransition",
    "Replacement",
    "ResourceRef",
    "TransitionReport",
    "TransitionsError",
    "transitions",
]
