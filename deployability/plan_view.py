"""What the deployability rules read: the plan's registrations, indexed the way Azure relates them.

Registrations carry their inputs as sent to the provider (camelCase, "[secret]" and
"[unknown]" placeholders). Relations between resources are ARM ids in those inputs
(`serverFarmId`, `scope`, `resourceUri`), so resources are indexed by the ARM id the
offline engine gives them (`preview.mocks.arm_id`), compared case-insensitively as ARM does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from preview.inputs import get
from preview.mocks import MOCK_DEPLOYER_OBJECT_ID, UNKNOWN, arm_id, identity_principal_id, own_name_input


class Registered(Protocol):
    """What the rules read from a `preview.mocks.Registration`."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    depends_on: list[str]
    protect: bool
    inputs: dict[str, Any]


def known_str(value: Any) -> str | None:
    """A string that is known at plan time, else None."""
    return value if isinstance(value, str) and value and value != UNKNOWN else None


def stack_of(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::...` -> `<stack>`."""
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


def own_arm_id(reg: Registered) -> str | None:
    """The ARM id Azure gives this resource, lowercased; None where its name is not known offline."""
    if not reg.custom or not reg.type.startswith("azure-native:"):
        return None
    own = own_name_input(reg.type)
    name = known_str(reg.inputs.get(own)) if own else None
    if name is None:
        return None
    _, module, type_name = reg.type.split(":")
    return arm_id(module, type_name, name, reg.inputs).lower()


def app_settings(reg: Registered) -> dict[str, Any]:
    """A site's app settings, name -> value."""
    entries = get(reg.inputs, "siteConfig", "appSettings")
    return {
        entry["name"]: entry.get("value")
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str)
    }


@dataclass
class PlanView:
    """The registrations with the lookups the rules share."""

    resources: list[Registered]
    deployer_principal_type: str | None = None
    """The configured `deployerPrincipalType`, when the stack sets one."""
    by_id: dict[str, Registered] = field(default_factory=dict)
    workload_principals: dict[str, Registered] = field(default_factory=dict)
    """Principal id -> the resource whose system-assigned managed identity it is."""

    @classmethod
    def of(cls, resources: Iterable[Registered], deployer_principal_type: str | None = None) -> PlanView:
        regs = list(resources)
        view = cls(regs, deployer_principal_type)
        for reg in regs:
            resource_id = own_arm_id(reg)
            if resource_id:
                view.by_id[resource_id] = reg
            if "SystemAssigned" in str(get(reg.inputs, "identity", "type") or ""):
                view.workload_principals[identity_principal_id(stack_of(reg.urn), reg.type, reg.name)] = reg
        return view

    @property
    def deployer_object_id(self) -> str:
        """The object id `authorization.get_client_config` answers offline: the identity running the deploy."""
        return MOCK_DEPLOYER_OBJECT_ID

    def of_type(self, short_type: str) -> Iterator[Registered]:
        """Registrations of `module:Type` (e.g. `web:WebApp`)."""
        token = f"azure-native:{short_type}"
        return (reg for reg in self.resources if reg.type == token)

    def resource(self, resource_id: Any) -> Registered | None:
        """The registration an ARM id in some input points at, if it is in the plan."""
        text = known_str(resource_id)
        return self.by_id.get(text.rstrip("/").lower()) if text else None

    def storage_account(self, account_name: Any) -> Registered | None:
        name = known_str(account_name)
        return next((r for r in self.of_type("storage:StorageAccount") if r.inputs.get("accountName") == name), None)
