"""The stack's virtual network: three subnets and the private DNS zones its endpoints register in.

- `private-endpoints`: every data plane's private endpoint. Network policies are enabled, so
  network security groups and route tables apply to the endpoints as to everything else
  ("Manage network policies for private endpoints": they are off by default,
  https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy).
- `function-app`: the Function app's outbound VNet integration, delegated to
  `Microsoft.App/environments` as Flex Consumption requires
  (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations).
- `agents`: the Managed DevOps Pool's agents, delegated to `Microsoft.DevOpsInfrastructure/pools`
  (https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-networking).

Subnets are separate `network.Subnet` resources and the VNet lists none: azure-native then keeps
the VNet's subnets on a VNet update instead of replacing them (pulumi/pulumi-azure-native#611).

Each zone is linked to the VNet without auto-registration, so names in the zone resolve for
every caller inside the VNet: the integrated Function app and the pool's agents
("Virtual network links", https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links).
Private DNS zones are global resources (location "global").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network, privatedns

from stack.private_dns import ZONE_BY_GROUP_ID

FUNCTION_DELEGATION = "Microsoft.App/environments"
AGENTS_DELEGATION = "Microsoft.DevOpsInfrastructure/pools"

DEFAULT_ZONES: tuple[str, ...] = tuple(dict.fromkeys(ZONE_BY_GROUP_ID.values()))
"""Every zone the platform's endpoints may use."""


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of the network."""

    resource_group_name: pulumi.Input[str]
    """The resource group of the VNet and the zones."""
    location: str
    """Azure region of the VNet (zones are global)."""
    vnet_name: str
    """Name of the virtual network."""
    address_space: str
    """The VNet's IPv4 address space (validated in stack/network_config.py)."""
    private_endpoints_prefix: str
    """CIDR of the private endpoints' subnet."""
    function_app_prefix: str
    """CIDR of the Function app's integration subnet."""
    agents_prefix: str
    """CIDR of the deploy agents' subnet."""
    tags: dict[str, str]
    """Tags for every taggable child."""
    zones: Sequence[str] = DEFAULT_ZONES
    """Private DNS zones to create and link."""


class Network(pulumi.ComponentResource):
    """One VNet per stack, its subnets and the private DNS zones linked to it."""

    vnet_id: pulumi.Output[str]
    """ARM id of the virtual network."""
    private_endpoints_subnet_id: pulumi.Output[str]
    """Subnet for private endpoints."""
    function_app_subnet_id: pulumi.Output[str]
    """Subnet for the Function app's `virtual_network_subnet_id`."""
    agents_subnet_id: pulumi.Output[str]
    """Subnet for the Managed DevOps Pool's fabric profile."""
    zone_ids: dict[str, pulumi.Output[str]]
    """Private DNS zone id by zone name, for private endpoints' zone groups; each resolves once the zone is linked
    to the VNet."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:network:Network", name, {}, opts)

        vnet = network.VirtualNetwork(
            f"{name}-vnet",
            virtual_network_name=args.vnet_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            address_space={"address_prefixes": [args.address_space]},
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        def subnet(key: str, prefix: str, delegation: str | None, depends_on: list[pulumi.Resource]) -> network.Subnet:
            return network.Subnet(
                f"{name}-{key}",
                subnet_name=f"snet-{key}",
                virtual_network_name=vnet.name,
                resource_group_name=args.resource_group_name,
                address_prefix=prefix,
                private_endpoint_network_policies="Enabled",
                delegations=[{"name": key, "service_name": delegation}] if delegation else [],
                # One subnet at a time, as templates do with @batchSize(1) (Azure/bicep-types-az#1687):
                # subnets are written through their parent VNet.
                opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
            )

        endpoints = subnet("private-endpoints", args.private_endpoints_prefix, None, [])
        function_app = subnet("function-app", args.function_app_prefix, FUNCTION_DELEGATION, [endpoints])
        agents = subnet("agents", args.agents_prefix, AGENTS_DELEGATION, [function_app])

        self.zone_ids = {}
        for zone in args.zones:
            key = zone.removeprefix("privatelink.").split(".")[0]
            private_zone = privatedns.PrivateZone(
                f"{name}-zone-{key}",
                private_zone_name=zone,
                resource_group_name=args.resource_group_name,
                location="global",
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            link = privatedns.VirtualNetworkLink(
                f"{name}-zone-{key}-link",
                virtual_network_link_name=f"link-{args.vnet_name}",
                private_zone_name=private_zone.name,
                resource_group_name=args.resource_group_name,
                location="global",
                virtual_network={"id": vnet.id},
                registration_enabled=False,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            # Handed out once the zone is linked: a zone id anyone reads means a zone the VNet resolves, so an
            # endpoint's name registered in it resolves from inside the VNet as soon as the endpoint is there
            # (without the link, callers in the VNet resolve the public address). The foundation exports these ids;
            # the platform reads them only after the foundation's deploy, from the stage after it.
            self.zone_ids[zone] = pulumi.Output.all(private_zone.id, link.id).apply(lambda ids: str(ids[0]))

        self.vnet_id = vnet.id
        self.private_endpoints_subnet_id = endpoints.id
        self.function_app_subnet_id = function_app.id
        self.agents_subnet_id = agents.id
        self.register_outputs(
            {
                "vnet_id": self.vnet_id,
                "private_endpoints_subnet_id": self.private_endpoints_subnet_id,
                "function_app_subnet_id": self.function_app_subnet_id,
                "agents_subnet_id": self.agents_subnet_id,
                "zone_ids": self.zone_ids,
            }
        )
