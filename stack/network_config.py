"""The network configuration: a VNet per stack, its three subnets, and whether data planes are private.

A stack that says nothing gets the closed posture (`privateNetworking: true`). A stack may
opt out (`privateNetworking: false`), and then every data plane keeps its public endpoint,
reachable with Entra ID only; the stack file should say why in a comment (dev does).

The address plan is checked here, before any resource is registered: every subnet must be an
IPv4 network inside the VNet's address space, no two subnets may overlap, and each must be
large enough for what Azure places in it. Sizes count the five addresses Azure reserves in
every subnet ("Are there any restrictions on using IP addresses within these subnets?",
https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets).
"""

from __future__ import annotations

import ipaddress
from typing import Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from stack.vm_sizes import DEFAULT_CORES_QUOTA, vm_size

AZURE_RESERVED_ADDRESSES = 5
"""Addresses Azure keeps in every subnet (network, gateway, two DNS, broadcast); see the module docstring."""

# Regional VNet integration (which Flex Consumption uses) needs at least a /28 and Microsoft
# recommends a /26 for maximum scale-out ("The subnet must be allocated an IPv4 /28 block (16
# addresses). We recommend that you have a minimum of 64 addresses (IPv4 /26 block)":
# https://learn.microsoft.com/azure/app-service/configure-vnet-integration-enable). No
# Flex-specific minimum is published on the Flex Consumption page
# (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations),
# so the App Service minimum is enforced and the recommendation is the default.
FUNCTION_SUBNET_MAX_PREFIX = 28

# Private endpoints take one address each (https://learn.microsoft.com/azure/private-link/private-endpoint-overview).
# The platform places at most PRIVATE_ENDPOINTS_PLANNED of them: lake blob+dfs, host storage
# blob+queue+table, vault, SQL server, the Function site; a /28 holds 11 after the reserved five.
PRIVATE_ENDPOINTS_PLANNED = 8

# A Managed DevOps Pool subnet "must have enough address space to accommodate the max pool size of
# the pool ... (include the 5 IP address Azure reserves in the subnet)", and is delegated to
# Microsoft.DevOpsInfrastructure/pools for that pool alone:
# https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-networking
# Azure's smallest subnet is a /29 (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#how-small-and-how-large-can-virtual-networks-and-subnets-be).
SMALLEST_SUBNET_PREFIX = 29


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


def _ipv4_network(value: str) -> ipaddress.IPv4Network:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not an IPv4 CIDR range with its host bits zero (e.g. 10.20.0.0/24)") from exc
    if not isinstance(network, ipaddress.IPv4Network):
        raise ValueError(f"'{value}' is IPv6; the platform's VNet is IPv4")
    return network


def usable_addresses(network: ipaddress.IPv4Network) -> int:
    """Addresses left for resources once Azure has taken its five."""
    return network.num_addresses - AZURE_RESERVED_ADDRESSES


class SubnetsConfig(_Model):
    """The three subnets, as CIDR ranges inside `addressSpace`."""

    private_endpoints: str = Field("10.20.0.0/27", description="Private endpoints of every data plane; at least a /28.")
    function_app: str = Field(
        "10.20.0.64/26",
        description="The Function app's VNet integration, delegated to Microsoft.App/environments; at least a /28.",
    )
    agents: str = Field(
        "10.20.0.128/27",
        description="The Managed DevOps Pool's agents, delegated to Microsoft.DevOpsInfrastructure/pools.",
    )

    @field_validator("private_endpoints", "function_app", "agents")
    @classmethod
    def _cidr(cls, value: str) -> str:
        _ipv4_network(value)
        return value

    def networks(self) -> dict[str, ipaddress.IPv4Network]:
        """Each subnet by its config key."""
        return {
            "privateEndpoints": _ipv4_network(self.private_endpoints),
            "functionApp": _ipv4_network(self.function_app),
            "agents": _ipv4_network(self.agents),
        }


class AgentPoolConfig(_Model):
    """The Managed DevOps Pool the test and prod deploy stages run on."""

    organization_url: str = Field(
        pattern=r"^https://dev\.azure\.com/[A-Za-z0-9][A-Za-z0-9-]{0,49}$",
        description="The Azure DevOps organization the pool serves, e.g. https://dev.azure.com/contoso.",
    )
    projects: tuple[str, ...] = Field((), description="Azure DevOps projects allowed to use the pool; empty = all.")
    maximum_concurrency: int = Field(2, ge=1, le=10000, description="Agents running at once.")
    vm_size: str = Field("Standard_D2ads_v5", min_length=1, description="Azure VM size of each agent.")
    image: str = Field(
        "ubuntu-24.04/latest",
        min_length=1,
        description="Well-known image name, e.g. ubuntu-24.04/latest (managed-devops-pools/configure-images).",
    )
    dev_ops_infrastructure_principal_id: UUID | None = Field(
        None,
        description=(
            "Object id of the tenant's DevOpsInfrastructure service principal, which needs Reader and Network "
            "Contributor on the VNet before the pool can join its subnet (managed-devops-pools/configure-networking). "
            "Find it with `az ad sp list --display-name DevOpsInfrastructure --query [].id --output tsv`. Required "
            "by the foundation (foundation/), which grants the roles."
        ),
    )
    subscription: str = Field(
        "default",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        description=(
            "A name for the subscription the pool is created in (its id, or a label such as contoso-nonprod). "
            "Pools of stacks with the same value, region and VM family draw on one quota; stacks that leave it "
            "unset are counted as sharing one subscription."
        ),
    )
    cores_quota: int = Field(
        DEFAULT_CORES_QUOTA,
        ge=0,
        description=(
            "The subscription's Managed DevOps Pools quota, in cores, for the pool's VM family in the stack's region "
            "(default: the 5 cores granted without a request). Raise it in Azure (docs/networking.md) first."
        ),
    )

    @field_validator("vm_size")
    @classmethod
    def _quota_readable(cls, value: str) -> str:
        vm_size(value)
        return value

    @property
    def cores(self) -> int:
        """Cores the pool can hold at once: its maximum concurrency times the size's vCPUs."""
        return self.maximum_concurrency * vm_size(self.vm_size).cores


class NetworkConfig(_Model):
    """Private networking for the stack (config key `network`)."""

    private_networking: bool = Field(
        True,
        description=(
            "Data planes private (private endpoints, public access disabled). Set false only with a comment "
            "in the stack file saying why; the stack then relies on Entra ID alone."
        ),
    )
    address_space: str = Field("10.20.0.0/24", description="The VNet's IPv4 address space.")
    subnets: SubnetsConfig = SubnetsConfig()
    agent_pool: AgentPoolConfig | None = Field(
        None, description="The deploy agents' Managed DevOps Pool; required when privateNetworking is true."
    )

    @field_validator("address_space")
    @classmethod
    def _space(cls, value: str) -> str:
        _ipv4_network(value)
        return value

    @model_validator(mode="after")
    def _address_plan(self) -> Self:
        problems = address_plan_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def vnet_prefix(self) -> ipaddress.IPv4Network:
        return _ipv4_network(self.address_space)


def address_plan_problems(config: NetworkConfig) -> list[str]:
    """Every way the subnets break the address plan, each naming its key and what is allowed."""
    space = _ipv4_network(config.address_space)
    subnets = config.subnets.networks()
    problems = [
        f"subnets.{key} {net} is not inside addressSpace {space}"
        for key, net in subnets.items()
        if not net.subnet_of(space)
    ]
    keys = list(subnets)
    for i, first in enumerate(keys):
        for second in keys[i + 1 :]:
            if subnets[first].overlaps(subnets[second]):
                problems.append(
                    f"subnets.{first} {subnets[first]} overlaps subnets.{second} {subnets[second]}; "
                    "each subnet needs its own range"
                )
    problems += _size_problems(subnets, config.agent_pool)
    if config.private_networking and config.agent_pool is None:
        problems.append(
            "agentPool is required when privateNetworking is true: SQL scripts and the code publish must run "
            "inside the network; set agentPool.organizationUrl"
        )
    return problems


def _size_problems(subnets: dict[str, ipaddress.IPv4Network], pool: AgentPoolConfig | None) -> list[str]:
    problems = []
    pe = subnets["privateEndpoints"]
    if usable_addresses(pe) < PRIVATE_ENDPOINTS_PLANNED:
        problems.append(
            f"subnets.privateEndpoints {pe} leaves {max(usable_addresses(pe), 0)} addresses after Azure's "
            f"{AZURE_RESERVED_ADDRESSES}; the platform needs {PRIVATE_ENDPOINTS_PLANNED}: use a /28 or larger"
        )
    fn = subnets["functionApp"]
    if fn.prefixlen > FUNCTION_SUBNET_MAX_PREFIX:
        problems.append(
            f"subnets.functionApp {fn} is a /{fn.prefixlen}; VNet integration needs a /{FUNCTION_SUBNET_MAX_PREFIX} "
            "or larger (a /26 is recommended)"
        )
    agents = subnets["agents"]
    needed = pool.maximum_concurrency if pool else 1
    if agents.prefixlen > SMALLEST_SUBNET_PREFIX or usable_addresses(agents) < needed:
        problems.append(
            f"subnets.agents {agents} leaves {max(usable_addresses(agents), 0)} addresses after Azure's "
            f"{AZURE_RESERVED_ADDRESSES}; agentPool.maximumConcurrency is {needed}, and the smallest subnet is a "
            f"/{SMALLEST_SUBNET_PREFIX}"
        )
    return problems
