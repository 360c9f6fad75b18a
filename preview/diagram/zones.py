"""Which network zone each drawn resource sits in: the architecture view's clusters.

A zone is where a resource's traffic starts or ends, as the plan configures it:

- a subnet of the stack's VNet: a private endpoint's `subnet.id`; the Function app's outbound
  regional VNet integration, `virtualNetworkSubnetId`
  (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations); the agent
  pool's `fabricProfile.networkProfile.subnetId`, "the subnet id on which to put all machines created in
  the pool" (https://learn.microsoft.com/dotnet/api/azure.resourcemanager.devopsinfrastructure.models.devopsnetworkprofile);
- the factory's managed VNet: an integration runtime with `managedVirtualNetwork` and the factory's managed
  private endpoints (https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint);
- Microsoft-hosted, in no VNet: an integration runtime without one, an agent pool without a subnet;
- Azure services whose public network access is `Disabled` (reached through private endpoints only), or
  whose public endpoint is on. A child resource (a container, a database) is in its account's or server's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from preview.diagram.index import PlanIndex
from preview.diagram.model import as_node_id, azure_type, nonempty_str
from preview.mocks import Registration

HOSTED = "hosted"
MANAGED_VNET = "factory_managed_vnet"
PRIVATE_SERVICES = "azure_private_access"
PUBLIC_SERVICES = "azure_public_endpoints"

FIXED_ZONES = {
    HOSTED: "Internet / Microsoft-hosted, no VNet",
    MANAGED_VNET: "Data Factory managed VNet",
    PRIVATE_SERVICES: "Azure services, public network access disabled (private endpoints only)",
    PUBLIC_SERVICES: "Azure public endpoints",
}
PUBLIC_ACCESS_INPUTS = ("publicNetworkAccess", "publicNetworkAccessForIngestion")
"""Where a resource says whether its public endpoint is on (at the top, or under `properties`)."""


@dataclass(frozen=True)
class Zone:
    key: str
    label: str
    parent: str | None = None
    """Key of the zone it nests in: a subnet's VNet."""


def _public_access(reg: Registration) -> str | None:
    properties = reg.inputs.get("properties")
    for holder in (reg.inputs, properties if isinstance(properties, dict) else {}):
        for key in PUBLIC_ACCESS_INPUTS:
            if nonempty_str(holder.get(key)):
                return str(holder[key])
    return None


class ZoneIndex(PlanIndex):
    """The plan's zones: the fixed ones, and a VNet and its subnets for every VNet the plan declares."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zones: dict[str, Zone] = {key: Zone(key, label) for key, label in FIXED_ZONES.items()}
        self._subnet_zones: dict[str, str] = {}  # lower-case subnet ARM id -> zone key
        for reg in self.of_type("network:VirtualNetwork"):
            name = str(reg.inputs.get("virtualNetworkName", reg.name))
            prefixes = ", ".join((reg.inputs.get("addressSpace") or {}).get("addressPrefixes") or [])
            key = as_node_id(f"vnet_{name}")
            self.zones[key] = Zone(key, f"VNet {name} {prefixes}".strip())
        for reg in self.of_type("network:Subnet"):
            name = str(reg.inputs.get("subnetName", reg.name))
            delegations: list[dict[str, str]] = reg.inputs.get("delegations") or []
            delegated = [d.get("serviceName") for d in delegations if d.get("serviceName")]
            detail = f"\ndelegated to {', '.join(map(str, delegated))}" if delegated else ""
            key = as_node_id(f"subnet_{name}")
            vnet = as_node_id(f"vnet_{reg.inputs.get('virtualNetworkName')}")
            label = f"subnet {name} {reg.inputs.get('addressPrefix', '')}".strip() + detail
            self.zones[key] = Zone(key, label, vnet if vnet in self.zones else None)
            if reg.urn in self.arm_of:
                self._subnet_zones[self.arm_of[reg.urn]] = key

    def _subnet_zone(self, subnet_id: Any) -> str | None:
        return self._subnet_zones.get(subnet_id.lower()) if isinstance(subnet_id, str) else None

    def _arm_owner(self, reg: Registration) -> Registration:
        """The resource itself if it says whether its public endpoint is on, else its nearest ARM parent that does."""
        resource_id = self.arm_of.get(reg.urn, "")
        while _public_access(reg) is None and resource_id.count("/") > 8:
            resource_id = resource_id.rsplit("/", 2)[0]
            owner = self.arm_ids.get(resource_id)
            if owner is not None:
                reg = self.by_urn[owner]
        return reg

    def zone_of(self, reg: Registration) -> str:
        kind = azure_type(reg.type)
        subnet = None
        if kind == "network:PrivateEndpoint":
            subnet = self._subnet_zone((reg.inputs.get("subnet") or {}).get("id"))
        elif kind == "web:WebApp":
            subnet = self._subnet_zone(reg.inputs.get("virtualNetworkSubnetId"))
        elif kind == "devopsinfrastructure:Pool":
            network = ((reg.inputs.get("fabricProfile") or {}).get("networkProfile")) or {}
            subnet = self._subnet_zone(network.get("subnetId"))
            if subnet is None:
                return HOSTED
        if subnet is not None:
            return subnet
        if kind == "datafactory:IntegrationRuntime":
            managed = (reg.inputs.get("properties") or {}).get("managedVirtualNetwork")
            return MANAGED_VNET if managed else HOSTED
        if kind == "datafactory:ManagedPrivateEndpoint":
            return MANAGED_VNET
        return PRIVATE_SERVICES if _public_access(self._arm_owner(reg)) == "Disabled" else PUBLIC_SERVICES
