"""A private endpoint for one sub-resource of a data plane, registered in its private DNS zone.

Each Azure service exposes its private-link sub-resources under a group id, and clients resolve
the endpoint through one private DNS zone per group id. `stack.private_dns.ZONE_BY_GROUP_ID` is the
one table of that mapping, from "Azure Private Endpoint private DNS zone values"
(https://learn.microsoft.com/azure/private-link/private-endpoint-dns):
- Storage: `blob`, `dfs`, `queue`, `table`, `file` -> `privatelink.<group>.core.windows.net`;
- Key Vault: `vault` -> `privatelink.vaultcore.azure.net`;
- Azure SQL Database: `sqlServer` -> `privatelink.database.windows.net`;
- App Service and Functions: `sites` -> `privatelink.azurewebsites.net` (the SCM host
  `<app>.scm.privatelink.azurewebsites.net` is in the same zone).

The zone group makes Azure write (and remove) the endpoint's A records in the zone, so no
record set is managed by hand ("Private DNS zone group",
https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration#private-dns-zone-group).

Each data-plane component creates its own endpoints with `data_plane_endpoints`, one per group id of
`stack.private_dns.ENDPOINT_GROUPS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

from components.shared import Placement, PrivateEndpoints
from stack.errors import InputError
from stack.private_dns import ENDPOINT_GROUPS, ZONE_BY_GROUP_ID, DataPlane, GroupId

NAME_WORDS: Mapping[DataPlane, str] = {
    DataPlane.LAKE: "lake",
    DataPlane.HOST_STORAGE: "host",
    DataPlane.VAULT: "vault",
    DataPlane.SQL: "sql",
    DataPlane.FUNCTION: "function",
}
"""Each data plane's word in its endpoints' logical names, `<prefix>-<word>-<group id>` (as in the stacks' state)."""


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
    """The target's private-link sub-resource: a GroupId, a key of ZONE_BY_GROUP_ID."""
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
            # A reference by id; not network.SubnetArgs, whose constructor fills in the subnet's network policies.
            subnet={"id": args.subnet_id},
            private_link_service_connections=[
                network.PrivateLinkServiceConnectionArgs(
                    name=args.endpoint_name,
                    private_link_service_id=args.target_resource_id,
                    group_ids=[args.group_id],
                )
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
                network.PrivateDnsZoneConfigArgs(
                    name=self.zone_name.replace(".", "-"), private_dns_zone_id=args.zone_ids[self.zone_name]
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.endpoint_id = endpoint.id
        self.endpoint_name = endpoint.name
        self.register_outputs({"endpoint_id": self.endpoint_id, "endpoint_name": self.endpoint_name})


def data_plane_endpoints(
    plane: DataPlane,
    *,
    target_id: pulumi.Input[str],
    target_name: pulumi.Input[str],
    endpoints: PrivateEndpoints | None,
    placement: Placement,
    parent: pulumi.Resource,
) -> dict[GroupId, PrivateEndpoint]:
    """The private endpoints of one data plane, one per group id it offers, named pe-<target>-<group id>; none without
    `endpoints`.

    Called by the component that owns the data plane, so whatever uses the data plane can wait for the
    endpoints that make it reachable.
    """
    if endpoints is None:
        return {}
    word = NAME_WORDS[plane]
    return {
        group_id: PrivateEndpoint(
            f"{endpoints.name_prefix}-{word}-{group_id.lower()}",
            PrivateEndpointArgs(
                resource_group_name=placement.resource_group_name,
                location=placement.location,
                endpoint_name=pulumi.Output.concat("pe-", target_name, "-", group_id.lower()),
                target_resource_id=target_id,
                group_id=group_id,
                subnet_id=endpoints.subnet_id,
                zone_ids=endpoints.zone_ids,
                tags=dict(placement.tags),
            ),
            opts=pulumi.ResourceOptions(parent=parent, aliases=list(endpoints.aliases)),
        )
        for group_id in ENDPOINT_GROUPS[plane]
    }
