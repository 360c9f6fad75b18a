"""The deploy agents: a Managed DevOps Pool in the stack's agents subnet, and the Dev Center project it needs.

Why a pool of our own: with private data planes, two deploy steps must run inside the VNet
(docs/networking.md, "The deploy path"): `ops sql apply` talks TDS to the SQL server's private
endpoint, and the code publish posts to the site's SCM host through its private endpoint.
Microsoft-hosted agents are outside every customer network. A Managed DevOps Pool's agents are
injected into a subnet of ours, delegated to `Microsoft.DevOpsInfrastructure/pools`
(https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-networking).

What the pool needs, from `pulumi_azure_native.devopsinfrastructure.PoolArgs` (3.29.0): required
`dev_center_project_resource_id`, `agent_profile`, `fabric_profile`, `maximum_concurrency`,
`organization_profile`. A pool belongs to a Dev Center project
(https://learn.microsoft.com/azure/devops/managed-devops-pools/prerequisites#create-a-dev-center-and-dev-center-project),
so this component creates a Dev Center and a project too; both are free containers.

The pool joins its subnet only once the tenant's DevOpsInfrastructure service principal holds Reader and
Network Contributor on the VNet ("Grant Reader and Network Contributor access to DevOpsInfrastructure service
principal", https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-networking; otherwise the pool
fails validation with UnauthorizedAccessToVirtualNetwork,
https://learn.microsoft.com/azure/devops/managed-devops-pools/troubleshooting). This component grants both, scoped
to the VNet alone, and creates the pool after them.

A pipeline cannot run on the pool before the pool exists, so this component belongs to the foundation
(`foundation/`), which a Microsoft-hosted agent deploys before the platform (README, "Deploying").
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import devcenter, devopsinfrastructure

from components.roles import assign_role
from components.shared import Placement
from stack.network_config import AgentPoolConfig

VNET_ROLES = ("Reader", "Network Contributor")
"""What the DevOpsInfrastructure service principal needs on the VNet (configure-networking)."""


@dataclass(frozen=True)
class AgentPoolArgs:
    """Inputs of the deploy agents' pool."""

    placement: Placement
    """Resource group, region and tags of the pool, its Dev Center and project; the region must be the VNet's
    (configure-networking, "same region")."""
    pool: AgentPoolConfig
    """Organization, projects, concurrency, VM size and image from the stack config (`network.agentPool`)."""
    pool_name: str
    """The pool's name; it is also the agent pool name pipelines use (`pool: name:`)."""
    dev_center_name: str
    """Name of the Dev Center."""
    project_name: str
    """Name of the Dev Center project."""
    subnet_id: pulumi.Input[str]
    """The agents' subnet (Network.agents_subnet_id)."""
    vnet_id: pulumi.Input[str]
    """The VNet the subnet is in: the scope of the service principal's roles (Network.vnet_id)."""
    devops_infrastructure_principal_id: str
    """Object id of the tenant's DevOpsInfrastructure service principal (network.agentPool config)."""
    subscription_id: pulumi.Input[str]
    """Subscription, for the role definition ids."""


class AgentPool(pulumi.ComponentResource):
    """Stateless agents (a fresh machine per job) in the agents subnet, serving one Azure DevOps organization."""

    pool_name: pulumi.Output[str]
    """Name of the pool, for the environment's variable group."""
    pool_id: pulumi.Output[str]
    """ARM id of the pool."""
    project_id: pulumi.Output[str]
    """ARM id of the Dev Center project."""

    def __init__(self, name: str, args: AgentPoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:deploy:AgentPool", name, {}, opts)
        placement, config = args.placement, args.pool
        tags = dict(placement.tags)

        center = devcenter.DevCenter(
            f"{name}-dev-center",
            dev_center_name=args.dev_center_name,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        project = devcenter.Project(
            f"{name}-project",
            project_name=args.project_name,
            dev_center_id=center.id,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            description="Holds the Managed DevOps Pool of the platform's deploy agents.",
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        grants: list[pulumi.Resource] = [
            assign_role(
                f"{name}-vnet-{role.lower().replace(' ', '-')}",
                role=role,
                scope=args.vnet_id,
                principal_id=args.devops_infrastructure_principal_id,
                principal_type="ServicePrincipal",
                subscription_id=args.subscription_id,
                parent=self,
            )
            for role in VNET_ROLES
        ]
        organization: devopsinfrastructure.OrganizationArgsDict = {
            "url": config.organization_url,
            "parallelism": config.maximum_concurrency,
        }
        if config.projects:
            organization["projects"] = list(config.projects)
        pool = devopsinfrastructure.Pool(
            f"{name}-pool",
            pool_name=args.pool_name,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            dev_center_project_resource_id=project.id,
            maximum_concurrency=config.maximum_concurrency,
            # Stateless: every job gets a fresh agent, so no credential or state outlives a job
            # (https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-scaling).
            agent_profile={"kind": "Stateless"},
            organization_profile={"kind": "AzureDevOps", "organizations": [organization]},
            fabric_profile={
                "kind": "Vmss",
                "sku": {"name": config.vm_size},
                "images": [{"well_known_image_name": config.image}],
                "network_profile": {"subnet_id": args.subnet_id},
            },
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
        )

        self.pool_name = pool.name
        self.pool_id = pool.id
        self.project_id = project.id
        self.register_outputs({"pool_name": self.pool_name, "pool_id": self.pool_id, "project_id": self.project_id})
