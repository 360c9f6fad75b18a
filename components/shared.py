"""Argument types that every component shares, declared once.

The stateful data planes take the same interface shapes as Azure Verified Modules' resource modules
(`lock`, `roleAssignments`, `diagnosticSettings`, `privateEndpoints`:
https://azure.github.io/Azure-Verified-Modules/specs/bcp/res/interfaces/), reduced to what the
platform varies: the caller fills them once and passes the same values to every component.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from stack.errors import InputError
from stack.roles import ROLE_IDS

PRINCIPAL_TYPES: tuple[str, ...] = tuple(kind.value for kind in authorization.PrincipalType)
"""What ARM takes as a role assignment's principalType, as the installed SDK lists it."""


class RoleAssignmentError(InputError):
    """A role assignment naming a role the platform has no id for, or a principal type ARM does not take."""


@dataclass(frozen=True, kw_only=True)
class Lock:
    """AVM's `lock`: a management lock on a component's stateful resource, against deletion by mistake."""

    kind: authorization.LockLevel = authorization.LockLevel.CAN_NOT_DELETE
    """CanNotDelete (read and modify, no delete) or ReadOnly."""
    name: str = "do-not-delete"
    """The lock's name on the resource."""


@dataclass(frozen=True, kw_only=True)
class RoleAssignment:
    """AVM's `roleAssignments` item: a built-in role for one principal on the component's own resource."""

    key: str
    """Ends the assignment's logical name, `<component>-<key>`."""
    role: str
    """A built-in role's name, a key of stack.roles.ROLE_IDS."""
    principal_id: pulumi.Input[str]
    """Object id of the user, group or service principal."""
    principal_type: str
    """One of PRINCIPAL_TYPES; always explicit, since the SDK sends "User" when it is unset."""

    def __post_init__(self) -> None:
        if self.role not in ROLE_IDS:
            raise RoleAssignmentError(
                f"role assignment {self.key}: role '{self.role}' is not a built-in role the platform knows; "
                f"allowed: {', '.join(ROLE_IDS)}"
            )
        if self.principal_type not in PRINCIPAL_TYPES:
            raise RoleAssignmentError(
                f"role assignment {self.key}: principal_type '{self.principal_type}' is not one ARM takes; "
                f"allowed: {', '.join(PRINCIPAL_TYPES)}"
            )


@dataclass(frozen=True, kw_only=True)
class DiagnosticSettings:
    """AVM's `diagnosticSettings`: where a component's logs and metrics go; each component names the categories
    its resource has."""

    workspace_id: pulumi.Input[str]
    """The Log Analytics workspace."""
    log_analytics_destination_type: str = "Dedicated"
    """Dedicated: resource-specific tables, as AVM defaults to; AzureDiagnostics: the one legacy table."""


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a component's resources live, how they are labelled and protected: the caller's defaults for each."""

    resource_group_name: pulumi.Input[str]
    """The resource group of every child."""
    location: str
    """Azure region of every child."""
    tags: Mapping[str, str]
    """Tags for every taggable child."""
    protect: bool = False
    """Pulumi-protect the stateful children (a delete in the plan fails)."""
    lock: Lock | None = None
    """The lock on each stateful child (the lake's account, the vault, the SQL database); None: unlocked."""


@dataclass(frozen=True, kw_only=True)
class PlatformContext(Placement):
    """A placement inside a running platform: the subscription for role ids and where diagnostics go."""

    subscription_id: pulumi.Input[str]
    """Subscription, for role definition ids."""
    diagnostic_settings: DiagnosticSettings
    """Where every component sends its logs and metrics."""


@dataclass(frozen=True, kw_only=True)
class PrivateEndpoints:
    """Where a data plane's private endpoints go: AVM's `privateEndpoints`, as the platform uses it.

    A data plane given one creates a private endpoint, with its DNS zone group, for each group id it
    offers (`stack.private_dns.ENDPOINT_GROUPS`); a data plane given none creates none.
    """

    subnet_id: pulumi.Input[str]
    """The private endpoints' subnet."""
    zone_ids: Mapping[str, pulumi.Input[str]]
    """Private DNS zone id by zone name (`Network.zone_ids`); each endpoint's zone must be among them."""
    name_prefix: str
    """Start of each endpoint's logical name: `<name_prefix>-<data plane>-<group id>`."""
    aliases: Sequence[pulumi.Alias] = ()
    """Where the endpoints were registered before, so that the engine moves them instead of replacing them."""
