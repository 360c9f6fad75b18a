"""Managed DevOps Pools: the agents' subnet, region, concurrency and agent lifetime."""

from __future__ import annotations

import re
from collections.abc import Iterator

from deployability.rule import (
    Finding,
    Rule,
    delegations,
    flex_sites,
    location_of,
    same_id,
    subnet_and_network,
    subnet_prefix,
)
from preview.view import PlanView, Registration, ResourceType, get, known_str
from stack.azure_limits import POOL_MAXIMUM_CONCURRENCY
from stack.evidence import Source

NETWORKING_PAGE = "https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-networking"
POOL_DELEGATION = "Microsoft.DevOpsInfrastructure/pools"
RESERVED_ADDRESSES = 5
MAX_LIFETIME_SECONDS = 7 * 24 * 3600


def _pool_subnets(view: PlanView) -> Iterator[tuple[Registration, str, Registration | None, Registration | None]]:
    for reg in view.of_type(ResourceType.AGENT_POOL):
        subnet_id = known_str(get(reg.inputs, "fabricProfile", "networkProfile", "subnetId"))
        if subnet_id:
            subnet, network = subnet_and_network(view, subnet_id)
            yield reg, subnet_id, subnet, network


def _region(view: PlanView) -> Iterator[Finding]:
    for reg, _subnet_id, _subnet, network in _pool_subnets(view):
        pool, vnet = location_of(reg), location_of(network)
        if pool and vnet and pool != vnet:
            yield (
                reg,
                (
                    f"Virtual network {network.name if network else ''} is in region {vnet}, but pool is in region "
                    f"{pool}. These must be in the same region."
                ),
            )


def _subnet(view: PlanView) -> Iterator[Finding]:
    pools = list(_pool_subnets(view))
    for index, (reg, subnet_id, subnet, _network) in enumerate(pools):
        if subnet is not None and POOL_DELEGATION not in delegations(subnet):
            shown = ", ".join(sorted(delegations(subnet))) or "none"
            yield reg, f"subnet '{subnet.name}' is delegated to {shown}, not {POOL_DELEGATION}"
        for other, other_id, _other_subnet, _other_network in pools[:index]:
            if same_id(other_id, subnet_id):
                yield reg, f"shares its subnet with the pool '{other.name}'; a pool's subnet is its own"
        for endpoint in view.of_type(ResourceType.PRIVATE_ENDPOINT):
            if same_id(get(endpoint.inputs, "subnet", "id"), subnet_id):
                yield reg, f"its subnet also holds the private endpoint '{endpoint.name}'"
        for site in flex_sites(view):
            if same_id(site.inputs.get("virtualNetworkSubnetId"), subnet_id):
                yield reg, f"its subnet is also the integration subnet of '{site.name}'"
        prefix = subnet_prefix(subnet)
        concurrency = reg.inputs.get("maximumConcurrency")
        if prefix is not None and isinstance(concurrency, int):
            usable = prefix.num_addresses - RESERVED_ADDRESSES
            if usable < concurrency:
                yield (
                    reg,
                    (
                        f"subnet {prefix} leaves {usable} addresses after Azure's {RESERVED_ADDRESSES}; "
                        f"maximumConcurrency is {concurrency}"
                    ),
                )


_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$")


def _seconds(value: str) -> int | None:
    match = _TIMESPAN.match(value)
    if match is None:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _concurrency(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.AGENT_POOL):
        concurrency = reg.inputs.get("maximumConcurrency")
        problem = POOL_MAXIMUM_CONCURRENCY.problem(concurrency)
        if problem:
            yield reg, problem
        for organization in get(reg.inputs, "organizationProfile", "organizations") or []:
            parallelism = get(organization, "parallelism")
            if isinstance(parallelism, int) and isinstance(concurrency, int) and not 1 <= parallelism <= concurrency:
                yield (
                    reg,
                    f"parallelism {parallelism} of {get(organization, 'url')} is outside 1-{concurrency} "
                    "(the pool's maximumConcurrency)",
                )
        profile = reg.inputs.get("agentProfile") or {}
        for key in ("maxAgentLifetime", "gracePeriodTimeSpan"):
            text = known_str(get(profile, key))
            seconds = _seconds(text) if text else None
            if text and (seconds is None or seconds > MAX_LIFETIME_SECONDS):
                yield reg, f"agentProfile.{key} {text!r} is not a timespan of at most one week (7.00:00:00)"


_TYPES_PAGE = "https://learn.microsoft.com/azure/templates/microsoft.devopsinfrastructure/2025-01-21/pools"

RULES: tuple[Rule, ...] = (
    Rule(
        name="devops-pool-vnet-region",
        types=(ResourceType.AGENT_POOL,),
        reason="A Managed DevOps Pool and the virtual network of its subnet are in the same region.",
        fix="Create the pool in the VNet's region (the stack's).",
        sources=(
            Source(
                NETWORKING_PAGE,
                "the pool and the VNet must be in the same region; otherwise: 'Virtual network MDPVN is in region "
                "eastus, but pool mdpnonprodsub is in region australiaeast. These must be in the same region.' "
                "(page dated 2024-11-13)",
            ),
        ),
        check=_region,
    ),
    Rule(
        name="devops-pool-subnet",
        types=(ResourceType.AGENT_POOL,),
        reason="A pool's subnet is delegated to Microsoft.DevOpsInfrastructure/pools, used by that pool alone (no "
        "other pool, private endpoint or app), and large enough for maximumConcurrency plus Azure's five addresses.",
        fix="Give the agents their own delegated subnet (network.subnets.agents) sized for "
        "network.agentPool.maximumConcurrency.",
        sources=(
            Source(
                NETWORKING_PAGE,
                "delegate the subnet to Microsoft.DevOpsInfrastructure/pools; it can't be used by other pools or "
                "resources; size it for the max pool size plus the 5 addresses Azure reserves",
            ),
        ),
        check=_subnet,
    ),
    Rule(
        name="devops-pool-concurrency",
        types=(ResourceType.AGENT_POOL,),
        reason="maximumConcurrency is 1 to 10000; an organization's parallelism is at most the pool's "
        "maximumConcurrency; a stateful agent lives at most one week.",
        fix="Set network.agentPool.maximumConcurrency within the bounds; parallelism follows it.",
        sources=(
            *POOL_MAXIMUM_CONCURRENCY.sources,
            Source(
                _TYPES_PAGE,
                "parallelism: how many machines can be created in this organization out of the pool's "
                "maximumConcurrency; maxAgentLifetime and gracePeriodTimeSpan: the maximum is one week",
            ),
        ),
        check=_concurrency,
    ),
)
