"""A private endpoint for one sub-resource of a data plane, registered in its private DNS zone.

Each Azure service exposes its private-link sub-resources under a group id, and clients resolve
the endpoint through one private DNS zone per group id. `ZONE_BY_GROUP_ID` is the one table of
that mapping, from "Azure Private Endpoint private DNS zone values"
(https://learn.microsoft.com/azure/private-link/private-endpoint-dns):
- Storage: `blob`, `dfs`, `queue`, `table`, `file` -> `privatelink.<group>.core.windows.net`;
- Key Vault: `vault` -> `privatelink.vaultcore.azure.net`;
- Azure SQL Database: `sqlServer` -> `privatelink.database.windows.net`;
- App Service and Functions: `sites` -> `privatelink.azurewebsites.net` (the SCM host
  `<app>.scm.privatelink.azurewebsites.net` is in the same zone).

The zone group makes Azure write (and remove) the endpoint's A records in the zone, so no
record set is managed by hand ("Private DNS zone group",
https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration#private-dns-zone-group).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

from stack.errors import InputError
from stack.private_dns import ZONE_BY_GROUP_ID


class UnknownGroupIdError(InputError):
    """A private endpoint's `group_id` that the platform has no DNS zone for."""


class MissingZoneError(InputError):
    """A private endpoint whose group id's DNS zone is not among the network's `zone_ids`."""


def zone_for(group_id: str) -> str:
    """The private DNS zone of a group id, or an error naming the ones that exist."""
    try:
        return ZONE_BY_GROUP_ID[group_id]
    except KeyError:
        raise UnknownGroupIdError(
            f"private endpoint group_id '{group_id}' has no private DNS zone; allowed: {', '.join(ZONE_BY_GROUP_ID)}"
        ) from None


@dataclass(frozen=True)
class PrivateEndpointArgs:
    """Inputs of one private endpoint."""

    resource_group_name: pulumi.Input[str]
    """The resource group of the endpoint (and its network interface)."""
    location: str
    """Azure region; the same as the VNet's."""
    endpoint_name: pulumi.Input[str]
    """Name of the private endpoint, e.g. pe-<resource>-<group>."""
    target_resource_id: pulumi.Input[str]
    """The data plane's ARM id (storage account, vault, SQL server, site)."""
    group_id: str
    """The target's private-link sub-resource; a key of ZONE_BY_GROUP_ID."""
    subnet_id: pulumi.Input[str]
    """The private endpoints' subnet."""
    zone_ids: Mapping[str, pulumi.Input[str]]
    """Private DNS zone id by zone name (Network.zone_ids)."""
    tags: dict[str, str]
    """Tags for the endpoint."""


class PrivateEndpoint(pulumi.ComponentResource):
    """A network.PrivateEndpoint to (target, group id) and the zone group that publishes it in DNS.

    The connection is automatically approved: the deployer creating it has rights on the target
    ("Manage a private endpoint connection": automatic approval when the requester has
    permission on the resource, https://learn.microsoft.com/azure/private-link/manage-private-endpoint).
    """

    endpoint_id: pulumi.Output[str]
    """ARM id of the private endpoint."""
    endpoint_name: pulumi.Output[str]
    """Name of the private endpoint."""
    zone_name: str
    """The private DNS zone the endpoint registers in."""

    def __init__(self, name: str, args: PrivateEndpointArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Checked before the component registers itself, so bad input leaves nothing half-built.
        zone_name = zone_for(args.group_id)
        if zone_name not in args.zone_ids:
            raise MissingZoneError(
                f"private endpoint {name}: zone_ids has no zone {zone_name} for group id '{args.group_id}'; "
                f"it has: {', '.join(sorted(args.zone_ids)) or 'none'}"
            )
        super().__init__("data-platform:network:PrivateEndpoint", name, {}, opts)
        self.zone_name = zone_name

        endpoint = network.PrivateEndpoint(
            f"{name}-endpoint",
            private_endpoint_name=args.endpoint_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet={"id": args.subnet_id},
            private_link_service_connections=[
                {
                    "name": args.endpoint_name,
                    "private_link_service_id": args.target_resource_id,
                    "group_ids": [args.group_id],
                }
            ],
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        network.PrivateDnsZoneGroup(
            f"{name}-dns",
            private_dns_zone_group_name="default",
            private_endpoint_name=endpoint.name,
            resource_group_name=args.resource_group_name,
            private_dns_zone_configs=[
                {"name": self.zone_name.replace(".", "-"), "private_dns_zone_id": args.zone_ids[self.zone_name]}
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.endpoint_id = endpoint.id
        self.endpoint_name = endpoint.name
        self.register_outputs({"endpoint_id": self.endpoint_id, "endpoint_name": self.endpoint_name})
