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


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a component's resources live and how they are labelled."""

    resource_group_name: pulumi.Input[str]
    """The resource group of every child."""
    location: str
    """Azure region of every child."""
    tags: Mapping[str, str]
    """Tags for every taggable child."""
    protect: bool = False
    """Protect the stateful children and lock them against deletion."""


@dataclass(frozen=True, kw_only=True)
class PlatformContext(Placement):
    """A placement inside a running platform: the subscription for role ids and the workspace for diagnostics."""

    subscription_id: pulumi.Input[str]
    """Subscription, for role definition ids."""
    workspace_id: pulumi.Input[str]
    """Log Analytics workspace that receives the component's diagnostics."""


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
