"""The Data Factory's integration runtime, and in private stacks its managed VNet and managed private endpoints.

One runtime name in every stack, `ir-managed`, so the ADF JSON's linked services say
`connectVia: {referenceName: "ir-managed"}` everywhere:
- private stacks (test, prod): a managed Azure IR inside the factory's managed virtual network,
  reaching each data plane through a managed private endpoint;
- public stacks (dev): a plain Azure IR of the same name (type Managed, no managed VNet).

What azure-native 3.29.0 has in `pulumi_azure_native.datafactory`, read from the installed SDK:
`IntegrationRuntime` (whose `ManagedIntegrationRuntime` properties take a
`managed_virtual_network` reference) and `ManagedPrivateEndpoint` (which names its
`managed_virtual_network_name`). It has no resource for the managed virtual network itself
(`factories/managedVirtualNetworks`, pulumi/pulumi-azure-native#896, open). That one is created
by an ARM deployment of a minimal template through `resources.Deployment`: no extra SDK in the
deploy environment, ARM's own idempotent PUT, and a dependency the runtime and endpoints can
wait on. The template sends `properties: {}`; an empty body is refused with "Invalid payload"
(MicrosoftDocs/azure-docs#76925). ADF supports one managed VNet per factory, named `default`
(https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint). Deleting
the deployment record leaves the VNet in place; it goes with the factory.

Every managed private endpoint is then approved on its target by `ManagedEndpointApproval`
(components/endpoint_approval.py), so nothing waits for a click in the portal.

Managed endpoints don't use the stack's private DNS zones: ADF resolves the target's FQDN to the
managed endpoint inside its managed VNet (see the page above, "Managed private endpoints").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_azure_native import datafactory, resources

from components.endpoint_approval import ManagedEndpointApproval
from stack.naming import INTEGRATION_RUNTIME_NAME
from stack.private_dns import ENDPOINT_GROUPS, DataPlane, GroupId

RUNTIME_NAME = INTEGRATION_RUNTIME_NAME
"""The integration runtime every linked service connects via, in every stack."""
MANAGED_VNET_NAME = "default"

MANAGED_VNET_TEMPLATE: dict[str, Any] = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"factoryName": {"type": "string"}},
    "resources": [
        {
            # https://learn.microsoft.com/azure/templates/microsoft.datafactory/factories/managedvirtualnetworks
            "type": "Microsoft.DataFactory/factories/managedVirtualNetworks",
            "apiVersion": "2018-06-01",
            "name": f"[concat(parameters('factoryName'), '/{MANAGED_VNET_NAME}')]",
            "properties": {},
        }
    ],
}


@dataclass(frozen=True, kw_only=True)
class ManagedEndpointTargets:
    """The data planes the factory's runtime calls from its managed VNet, each by its ARM id.

    Not the generator Function app: ADF lists "Azure Functions (Premium plan)" among the targets of a managed
    private endpoint (https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint,
    "Supported data sources and services"), and the app runs on Flex Consumption, which that list does not name
    and no Microsoft page shows working. No pipeline calls the generator either, so the factory has no linked
    service to it and no managed private endpoint to its site.
    """

    lake_id: pulumi.Input[str]
    """The lake's storage account."""
    sql_server_id: pulumi.Input[str]
    """The SQL server."""
    vault_id: pulumi.Input[str]
    """The Key Vault."""

    def by_data_plane(self) -> dict[DataPlane, pulumi.Input[str]]:
        return {
            DataPlane.LAKE: self.lake_id,
            DataPlane.SQL: self.sql_server_id,
            DataPlane.VAULT: self.vault_id,
        }


@dataclass(frozen=True)
class ManagedEndpoint:
    """One managed private endpoint: its key, the target's ARM id and the group id."""

    key: str
    """Part of the endpoint's name, e.g. `lake-dfs`."""
    target_resource_id: pulumi.Input[str]
    """The data plane's ARM id."""
    group_id: GroupId
    """The private-link sub-resource."""


def managed_endpoints(targets: ManagedEndpointTargets) -> list[ManagedEndpoint]:
    """One managed endpoint per group id each target offers (ENDPOINT_GROUPS), keyed `<data plane>[-<group id>]`.

    The group id joins the key only where a data plane offers several: `lake-blob`, `lake-dfs`, `sql`, `vault`,
    the names the factories already have.
    """
    endpoints = []
    for plane, target in targets.by_data_plane().items():
        groups = ENDPOINT_GROUPS[plane]
        for group in groups:
            key = plane.value if len(groups) == 1 else f"{plane.value}-{group}"
            endpoints.append(ManagedEndpoint(key, target, group))
    return endpoints


@dataclass(frozen=True)
class FactoryNetworkArgs:
    """Inputs of the factory's runtime and managed network."""

    resource_group_name: pulumi.Input[str]
    """The factory's resource group."""
    factory_name: pulumi.Input[str]
    """The factory."""
    managed_endpoint_targets: ManagedEndpointTargets | None = None
    """In a private stack, the data planes the runtime reaches from the factory's managed VNet through managed
    private endpoints; None: a public stack's plain Azure runtime, with no managed VNet."""
    time_to_live_minutes: int = 10
    """How long the runtime's compute stays warm after an activity; billed while warm."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the taggable children (the managed VNet's deployment record)."""


class FactoryNetwork(pulumi.ComponentResource):
    """The `ir-managed` runtime, plus in private stacks the managed VNet, endpoints and approvals."""

    runtime_name: pulumi.Output[str]
    """Name of the integration runtime (always RUNTIME_NAME)."""
    endpoint_names: dict[str, pulumi.Output[str]]
    """Managed private endpoint name by key (empty in public stacks)."""

    def __init__(self, name: str, args: FactoryNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:integration:FactoryNetwork", name, {}, opts)

        runtime_after: list[pulumi.Resource] = []
        properties: datafactory.ManagedIntegrationRuntimeArgsDict = {
            "type": "Managed",
            "description": "Runs every linked service; the same name in every stack.",
            # Data flows run on this runtime: General purpose, 8 cores (the smallest general-purpose
            # cluster) and a time-to-live that keeps the cluster warm between activities
            # (https://learn.microsoft.com/azure/data-factory/concepts-integration-runtime-performance).
            "compute_properties": {
                "location": "AutoResolve",
                "data_flow_properties": {
                    "compute_type": "General",
                    "core_count": 8,
                    "time_to_live": args.time_to_live_minutes,
                },
            },
        }
        self.endpoint_names = {}
        if args.managed_endpoint_targets is not None:
            managed_vnet = resources.Deployment(
                f"{name}-managed-vnet",
                resource_group_name=args.resource_group_name,
                properties={
                    "mode": resources.DeploymentMode.INCREMENTAL,
                    "template": MANAGED_VNET_TEMPLATE,
                    "parameters": {"factoryName": {"value": args.factory_name}},
                },
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
            runtime_after.append(managed_vnet)
            properties["managed_virtual_network"] = {
                "reference_name": MANAGED_VNET_NAME,
                "type": "ManagedVirtualNetworkReference",
            }
            for endpoint in managed_endpoints(args.managed_endpoint_targets):
                self.endpoint_names[endpoint.key] = self._endpoint(name, args, endpoint, managed_vnet)

        runtime = datafactory.IntegrationRuntime(
            f"{name}-runtime",
            integration_runtime_name=RUNTIME_NAME,
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            properties=properties,
            opts=pulumi.ResourceOptions(parent=self, depends_on=runtime_after),
        )

        self.runtime_name = runtime.name
        self.register_outputs({"runtime_name": self.runtime_name, "endpoint_names": self.endpoint_names})

    def _endpoint(
        self, name: str, args: FactoryNetworkArgs, endpoint: ManagedEndpoint, managed_vnet: pulumi.Resource
    ) -> pulumi.Output[str]:
        managed = datafactory.ManagedPrivateEndpoint(
            f"{name}-mpe-{endpoint.key}",
            managed_private_endpoint_name=f"mpe-{endpoint.key}",
            managed_virtual_network_name=MANAGED_VNET_NAME,
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            properties={"private_link_resource_id": endpoint.target_resource_id, "group_id": endpoint.group_id},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[managed_vnet]),
        )
        ManagedEndpointApproval(
            f"{name}-mpe-{endpoint.key}-approval",
            target_resource_id=endpoint.target_resource_id,
            endpoint_name=pulumi.Output.concat(args.factory_name, ".", managed.name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[managed]),
        )
        return managed.name
