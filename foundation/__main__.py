"""Entry point of the foundation: the resource group, the VNet with its zones, and the deploy agents' pool.

A private platform stack deploys from its own Managed DevOps Pool inside its VNet, so these cannot come from that
deploy (stack/foundation.py). This program runs first, on a Microsoft-hosted agent, and calls ARM only. It reads the
platform's stack file (`Pulumi.<stack>.yaml` at the repository root), checks the pools' quota across the committed
stacks, and exports what the platform reads through its stack reference.

The three components keep the logical names they had inside the platform (`platform-rg`, `platform-network`,
`platform-agents`) and sit at the root of the stack: `pulumi state move` of those three URNs from a platform stack
to its foundation gives exactly the URNs declared here (README, "Moving the network into the foundation").
"""

import sys
from pathlib import Path

# Pulumi runs this file with this folder on sys.path; the packages live one level up.
REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

import pulumi  # noqa: E402
from pulumi.runtime import config as runtime_config  # noqa: E402
from pulumi_azure_native import authorization  # noqa: E402

from components.agent_pool import AgentPool, AgentPoolArgs  # noqa: E402
from components.network import Network, NetworkArgs  # noqa: E402
from components.resource_group import ResourceGroup, ResourceGroupArgs  # noqa: E402
from components.shared import Placement  # noqa: E402
from stack.foundation import FoundationOutput, foundation_config  # noqa: E402
from stack.naming import build_names  # noqa: E402
from stack.pool_quota import check_pool_quota  # noqa: E402
from stack.tags import base_tags  # noqa: E402

stack = pulumi.get_stack()
config = foundation_config(stack, REPOSITORY, {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()})
check_pool_quota(stack, REPOSITORY)
names = build_names(config, stack)
pool = config.network.agent_pool
assert pool is not None and pool.dev_ops_infrastructure_principal_id is not None, "foundation_config checks both"
tags = base_tags(config)
client = authorization.get_client_config_output()

group = ResourceGroup(
    "platform-rg",
    # The platform deploys into this group: removing it from the foundation must never delete the environment.
    ResourceGroupArgs(names.resource_group, config.location, tags, retain_on_delete=True),
)
network = Network(
    "platform-network",
    NetworkArgs(
        resource_group_name=group.resource_group_name,
        location=config.location,
        vnet_name=names.virtual_network,
        address_space=config.network.address_space,
        private_endpoints_prefix=config.network.subnets.private_endpoints,
        function_app_prefix=config.network.subnets.function_app,
        agents_prefix=config.network.subnets.agents,
        tags=dict(tags),
    ),
)
agents = AgentPool(
    "platform-agents",
    AgentPoolArgs(
        placement=Placement(resource_group_name=group.resource_group_name, location=config.location, tags=tags),
        pool=pool,
        pool_name=names.agent_pool,
        dev_center_name=names.dev_center,
        project_name=names.dev_center_project,
        subnet_id=network.agents_subnet_id,
        vnet_id=network.vnet_id,
        devops_infrastructure_principal_id=str(pool.dev_ops_infrastructure_principal_id),
        subscription_id=client.subscription_id,
    ),
)

pulumi.export(FoundationOutput.RESOURCE_GROUP_NAME, group.resource_group_name)
pulumi.export(FoundationOutput.VNET_ID, network.vnet_id)
pulumi.export(FoundationOutput.PRIVATE_ENDPOINTS_SUBNET_ID, network.private_endpoints_subnet_id)
pulumi.export(FoundationOutput.FUNCTION_APP_SUBNET_ID, network.function_app_subnet_id)
pulumi.export(FoundationOutput.AGENTS_SUBNET_ID, network.agents_subnet_id)
pulumi.export(FoundationOutput.ZONE_IDS, network.zone_ids)
pulumi.export(FoundationOutput.AGENT_POOL_NAME, agents.pool_name)
