"""One typed view of a plan's resources: what every check over the plan reads, built once per plan.

Registrations carry their inputs as sent to the provider (camelCase, with the `[secret]` and `[unknown]`
placeholders of `preview.inputs`). Resources relate to each other in three ways, and the view indexes each:

- ARM ids in inputs (`serverFarmId`, `scope`, `privateLinkServiceId`): every resource is indexed by the id
  the offline engine gives it (`preview.mocks.arm_id`), lowercased, and names by type and own name, since
  ARM compares names case-insensitively
  (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
- parents: the component tree the program builds.
- dependencies: the request's `dependencies`, which hold the explicit `depends_on` and the resources whose
  outputs feed an input (`propertyDependencies`); the Python SDK expands a component in either into its
  children (pulumi/pulumi#7732). The engine creates a resource after all of them, and a child only once its
  parent is registered, since the SDK waits for the parent's URN before it registers the child
  (pulumi/pulumi#7833; https://www.pulumi.com/docs/iac/concepts/resources/options/dependson/). That is the
  creation-order graph (`waits_for`, `creation_order`, `waves`, `prerequisites`).
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preview.inputs import SECRET, UNKNOWN, get, is_known, known_str
from preview.mocks import MOCK_DEPLOYER_OBJECT_ID, Registration, arm_id, identity_principal_id, own_name_input
from preview.plan import Plan
from preview.resource_types import ResourceType
from stack.config import PlatformConfig


class DependencyCycleError(Exception):
    """The plan's resources wait for each other in a circle, so no creation order exists."""

    def __init__(self, cycle: list[Registration]) -> None:
        self.cycle = cycle
        names = " -> ".join(reg.name for reg in cycle)
        super().__init__(f"the planned resources wait for each other in a cycle: {names}")


def stack_of(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::...` -> `<stack>`."""
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


def _own_name(reg: Registration) -> str | None:
    if not reg.type.startswith("azure-native:"):  # components have types of their own
        return None
    own = own_name_input(reg.type)
    return known_str(reg.inputs.get(own)) if own else None


def _arm_id(reg: Registration, name: str | None) -> str | None:
    if name is None:
        return None
    _, module, type_name = reg.type.split(":")
    try:
        return arm_id(module, type_name, name, reg.inputs).rstrip("/").lower()
    except KeyError:  # a parent's name the id needs is not among the inputs
        return None


def _sorted(regs: Iterable[Registration]) -> tuple[Registration, ...]:
    return tuple(sorted(regs, key=lambda reg: reg.urn))


@dataclass(frozen=True, eq=False)
class PlanView:
    """The planned resources, indexed the ways the checks look them up. Build it with `of` or `of_registrations`."""

    registrations: tuple[Registration, ...]
    """Every resource the program registered, in registration order (the stack itself is not one)."""
    stack_urn: str | None = None
    config: PlatformConfig | None = None
    """The stack's config, parsed once from its stack file; None for hand-made registrations."""
    project_dir: Path | None = None
    """The project the plan's program ran in; None for hand-made registrations."""

    _by_urn: dict[str, Registration] = field(default_factory=dict, repr=False)
    _by_type: dict[str, list[Registration]] = field(default_factory=dict, repr=False)
    _by_arm_id: dict[str, Registration] = field(default_factory=dict, repr=False)
    _own_names: dict[str, str] = field(default_factory=dict, repr=False)
    _arm_ids: dict[str, str] = field(default_factory=dict, repr=False)
    _by_name: dict[tuple[str, str], list[Registration]] = field(default_factory=dict, repr=False)
    _children: dict[str, list[Registration]] = field(default_factory=dict, repr=False)
    _dependents: dict[str, list[Registration]] = field(default_factory=dict, repr=False)
    _principals: dict[str, Registration] = field(default_factory=dict, repr=False)
    _waits: dict[str, tuple[Registration, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, plan: Plan) -> PlanView:
        """The view of a plan: its registrations, its stack URN and its parsed config."""
        return cls.of_registrations(
            plan.resources, stack_urn=plan.stack_urn, config=plan.config, project_dir=plan.project_dir
        )

    @classmethod
    def of_environment(cls, plan: Plan) -> PlanView:
        """The view of the environment as it runs: the plan with the stacks it reads (its foundation), which are
        deployed before it (`Plan.all_resources`)."""
        return cls.of_registrations(
            plan.all_resources, stack_urn=plan.stack_urn, config=plan.config, project_dir=plan.project_dir
        )

    @classmethod
    def of_registrations(
        cls,
        registrations: Iterable[Registration],
        stack_urn: str | None = None,
        config: PlatformConfig | None = None,
        project_dir: Path | None = None,
    ) -> PlanView:
        """The view of some registrations (tests build small ones by hand)."""
        view = cls(tuple(registrations), stack_urn, config, project_dir)
        view._index()
        return view

    def _index(self) -> None:
        for reg in self.registrations:
            self._by_urn[reg.urn] = reg
            self._by_type.setdefault(reg.type, []).append(reg)
            name = _own_name(reg)
            if name is not None:
                self._own_names[reg.urn] = name
                self._by_name.setdefault((reg.type, name.lower()), []).append(reg)
            resource_id = _arm_id(reg, name)
            if resource_id is not None:
                self._arm_ids[reg.urn] = resource_id
                self._by_arm_id[resource_id] = reg
            if reg.parent is not None:
                self._children.setdefault(reg.parent, []).append(reg)
            if "SystemAssigned" in str(get(reg.inputs, "identity", "type") or ""):
                self._principals[identity_principal_id(stack_of(reg.urn), reg.type, reg.name)] = reg
        for reg in self.registrations:
            for dependency in self.dependencies(reg):
                self._dependents.setdefault(dependency.urn, []).append(reg)

    # ------------------------------------------------------------------ indexes

    @property
    def by_urn(self) -> Mapping[str, Registration]:
        return self._by_urn

    def of_type(self, *type_tokens: str) -> tuple[Registration, ...]:
        """The registrations of these types, in registration order."""
        if len(type_tokens) == 1:
            return tuple(self._by_type.get(type_tokens[0], ()))
        wanted = set(type_tokens)
        return tuple(reg for reg in self.registrations if reg.type in wanted)

    def own_name(self, reg: Registration) -> str | None:
        """The Azure name of a custom azure-native resource (its own `*Name` input), where known at plan time."""
        return self._own_names.get(reg.urn)

    def arm_id(self, reg: Registration) -> str | None:
        """The ARM id Azure gives the resource, lowercased; None where its name is not known at plan time."""
        return self._arm_ids.get(reg.urn)

    def resource(self, resource_id: Any) -> Registration | None:
        """The registration an ARM id in some input points at (compared case-insensitively), if it is planned."""
        text = known_str(resource_id)
        return self._by_arm_id.get(text.rstrip("/").lower()) if text else None

    def named(self, type_token: str, name: Any) -> tuple[Registration, ...]:
        """The registrations of a type with this Azure name (compared case-insensitively)."""
        text = known_str(name)
        return tuple(self._by_name.get((type_token, text.lower()), ())) if text else ()

    def arm_parent(self, reg: Registration) -> Registration | None:
        """The planned resource this one lies below in ARM: a firewall rule's server, a zone group's endpoint,
        a role assignment's scope, a storage account's resource group."""
        resource_id = self._arm_ids.get(reg.urn)
        segments = resource_id.split("/") if resource_id else []
        while len(segments) > 3:
            segments = segments[:-2]
            found = self._by_arm_id.get("/".join(segments))
            if found is not None:
                return found
        return None

    # ------------------------------------------------------------------ the component tree

    def parent(self, reg: Registration) -> Registration | None:
        """The component (or resource) this one was registered under; None below the stack."""
        return self._by_urn.get(reg.parent) if reg.parent else None

    def children(self, reg: Registration) -> tuple[Registration, ...]:
        return tuple(self._children.get(reg.urn, ()))

    def descendants(self, reg: Registration) -> tuple[Registration, ...]:
        """Children, their children and so on, depth first."""
        found: list[Registration] = []
        pending = list(reversed(self.children(reg)))
        while pending:
            child = pending.pop()
            found.append(child)
            pending.extend(reversed(self.children(child)))
        return tuple(found)

    # ------------------------------------------------------------------ dependencies

    def dependencies(self, reg: Registration) -> tuple[Registration, ...]:
        """The planned resources the registration lists in its `dependencies`, explicit and input-feeding."""
        return tuple(self._by_urn[urn] for urn in reg.depends_on if urn in self._by_urn)

    def input_dependencies(self, reg: Registration, input_name: str | None = None) -> tuple[Registration, ...]:
        """The planned resources whose outputs feed the registration's inputs (or one input)."""
        keys = [input_name] if input_name is not None else list(reg.property_dependencies)
        urns = {urn for key in keys for urn in reg.property_dependencies.get(key, ())}
        return _sorted(self._by_urn[urn] for urn in urns if urn in self._by_urn)

    def explicit_dependencies(self, reg: Registration) -> tuple[Registration, ...]:
        """The planned resources in the registration's `depends_on` that feed none of its inputs."""
        feeding = {urn for urns in reg.property_dependencies.values() for urn in urns}
        return tuple(dep for dep in self.dependencies(reg) if dep.urn not in feeding)

    def dependents(self, reg: Registration) -> tuple[Registration, ...]:
        """The planned resources that list this one in their `dependencies`."""
        return tuple(self._dependents.get(reg.urn, ()))

    # ------------------------------------------------------------------ creation order

    def _expanded(self, reg: Registration) -> Iterator[Registration]:
        """A dependency as the SDK sends it: a component stands for its children, custom ones as themselves."""
        if reg.custom:
            yield reg
            return
        for child in self.children(reg):
            yield from self._expanded(child)

    def waits_for(self, reg: Registration) -> tuple[Registration, ...]:
        """What the engine creates before this resource: its parent, and its dependencies (a component
        dependency standing for its children)."""
        cached = self._waits.get(reg.urn)
        if cached is None:
            found = {dep.urn: dep for dependency in self.dependencies(reg) for dep in self._expanded(dependency)}
            parent = self.parent(reg)
            if parent is not None:
                found[parent.urn] = parent
            found.pop(reg.urn, None)
            cached = self._waits[reg.urn] = _sorted(found.values())
        return cached

    def _sorter(self) -> graphlib.TopologicalSorter[str]:
        sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
        for reg in self.registrations:
            sorter.add(reg.urn, *(dep.urn for dep in self.waits_for(reg)))
        return sorter

    def waves(self) -> tuple[tuple[Registration, ...], ...]:
        """The creation order as generations: each wave waits only for earlier ones, so what a wave holds
        can be created in parallel. Raises `DependencyCycleError` when resources wait for each other."""
        sorter = self._sorter()
        try:
            sorter.prepare()
        except graphlib.CycleError as error:
            raise DependencyCycleError([self._by_urn[urn] for urn in error.args[1]]) from None
        found = []
        while sorter.is_active():
            wave = _sorted(self._by_urn[urn] for urn in sorter.get_ready())
            sorter.done(*(reg.urn for reg in wave))
            found.append(wave)
        return tuple(found)

    def creation_order(self) -> tuple[Registration, ...]:
        """Every resource after everything it waits for: the waves, one after the other."""
        return tuple(reg for wave in self.waves() for reg in wave)

    def prerequisites(self, reg: Registration) -> tuple[Registration, ...]:
        """Everything that must exist before this resource is created: what it waits for, transitively."""
        found: dict[str, Registration] = {}
        pending = list(self.waits_for(reg))
        while pending:
            dep = pending.pop()
            if dep.urn not in found:
                found[dep.urn] = dep
                pending.extend(self.waits_for(dep))
        found.pop(reg.urn, None)
        return _sorted(found.values())

    # ------------------------------------------------------------------ lookups the rules share

    def app_settings(self, reg: Registration) -> dict[str, Any]:
        """A site's app settings, name -> value."""
        entries = get(reg.inputs, "siteConfig", "appSettings")
        return {
            entry["name"]: entry.get("value")
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, Mapping) and isinstance(entry.get("name"), str)
        }

    def workload_principal(self, principal_id: Any) -> Registration | None:
        """The resource whose system-assigned managed identity has this principal id, if it is planned."""
        text = known_str(principal_id)
        return self._principals.get(text.lower()) if text else None

    @property
    def deployer_object_id(self) -> str:
        """The object id `authorization.get_client_config` answers offline: the identity running the deploy."""
        return MOCK_DEPLOYER_OBJECT_ID

    @property
    def deployer_principal_type(self) -> str | None:
        """The configured `deployerPrincipalType`; None when the stack leaves it to detection (or no config)."""
        return self.config.deployer_principal_type if self.config is not None else None

    def storage_account(self, account_name: Any) -> Registration | None:
        """The planned storage account of this name (compared case-insensitively)."""
        return next(iter(self.named(ResourceType.STORAGE_ACCOUNT, account_name)), None)


__all__ = [
    "SECRET",
    "UNKNOWN",
    "DependencyCycleError",
    "PlanView",
    "Registration",
    "ResourceType",
    "get",
    "is_known",
    "known_str",
    "stack_of",
]
