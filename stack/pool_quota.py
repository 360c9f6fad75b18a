"""Whether the committed stacks' Managed DevOps Pools fit their quota, counted the way Azure counts it.

Quota is cores per VM family, per region and per subscription
(https://learn.microsoft.com/azure/devops/managed-devops-pools/prerequisites#review-managed-devops-pools-quotas),
so two stacks whose pools share a subscription (`network.agentPool.subscription`), a region and a family draw on one
quota: their pools' cores (maximumConcurrency × the size's vCPUs) add up. A pool that does not fit fails when Azure
creates it ("Cores needed to complete this request is 8, which exceeds the current limit of ..."); this check says
so before anything is deployed, with the numbers and how to raise the quota.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from stack.config import LOCATION_KEY, PROJECT, parse_value
from stack.errors import InputError
from stack.files import read_stack_config
from stack.network_config import NetworkConfig
from stack.vm_sizes import vm_size

QUOTA_DOCS = "https://learn.microsoft.com/azure/devops/managed-devops-pools/prerequisites#request-a-quota-adjustment"
NETWORK_KEY = f"{PROJECT}:network"


class PoolQuotaError(InputError):
    """The pools that share a quota need more cores than it holds, or a stack file does not say enough to count."""


@dataclass(frozen=True)
class PoolDemand:
    """One committed stack's pool, as quota sees it."""

    stack: str
    subscription: str
    location: str
    family: str
    vm_size: str
    agents: int
    cores_per_agent: int
    quota: int
    """The quota the stack's file declares for its family (`network.agentPool.coresQuota`)."""

    @property
    def cores(self) -> int:
        return self.agents * self.cores_per_agent

    @property
    def group(self) -> tuple[str, str, str]:
        """What Azure counts one quota for: subscription, region, family."""
        return (self.subscription, self.location, self.family)


def demand_of(stack: str, values: Mapping[str, str]) -> PoolDemand | None:
    """The pool a stack's config declares; None for a stack without private networking or a pool."""
    file = f"Pulumi.{stack}.yaml"
    try:
        network = NetworkConfig.model_validate(parse_value(values.get(NETWORK_KEY, "{}")))
    except ValidationError as exc:
        raise PoolQuotaError(
            f"{file}: {NETWORK_KEY}: cannot count its pool's cores: {exc.errors()[0]['msg']}"
        ) from None
    pool = network.agent_pool
    if not network.private_networking or pool is None:
        return None
    if LOCATION_KEY not in values:
        raise PoolQuotaError(f"{file}: {LOCATION_KEY}: required key is missing; the pool's quota is per region")
    size = vm_size(pool.vm_size)
    return PoolDemand(
        stack=stack,
        subscription=pool.subscription,
        location=str(values[LOCATION_KEY]),
        family=size.family,
        vm_size=size.name,
        agents=pool.maximum_concurrency,
        cores_per_agent=size.cores,
        quota=pool.cores_quota,
    )


def committed_demands(platform_dir: Path) -> list[PoolDemand]:
    """Every pool the stack files in `platform_dir` declare, sorted by stack."""
    found = []
    for path in sorted(platform_dir.glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi.") : -len(".yaml")]
        values, _secret_keys = read_stack_config(platform_dir, stack)
        demand = demand_of(stack, values)
        if demand is not None:
            found.append(demand)
    return found


def quota_problems(demands: Iterable[PoolDemand]) -> list[str]:
    """Each quota that its pools overrun, or that its stacks declare differently, with the numbers and the fix."""
    groups: dict[tuple[str, str, str], list[PoolDemand]] = {}
    for demand in demands:
        groups.setdefault(demand.group, []).append(demand)
    problems = []
    for (subscription, location, family), members in sorted(groups.items()):
        files = ", ".join(f"Pulumi.{d.stack}.yaml" for d in members)
        where = f"subscription '{subscription}', region {location}, VM family {family}"
        quotas = sorted({d.quota for d in members})
        if len(quotas) > 1:
            declared = ", ".join(f"{d.stack}: {d.quota}" for d in members)
            problems.append(
                f"{files}: network.agentPool.coresQuota: the stacks share one quota ({where}) but declare different "
                f"values ({declared}); set each to the quota Azure shows for that family"
            )
            continue
        needed = sum(d.cores for d in members)
        if needed > quotas[0]:
            parts = "; ".join(
                f"{d.stack}: {d.agents} agent(s) x {d.cores_per_agent} cores of {d.vm_size} = {d.cores}"
                for d in members
            )
            problems.append(
                f"{files}: network.agentPool: the Managed DevOps Pools of {where} need {needed} cores ({parts}), "
                f"but the quota is {quotas[0]} (coresQuota). Lower maximumConcurrency, or raise the quota: Azure "
                f"portal > Quotas > Managed DevOps Pools > the subscription and {location} > the {family} row > "
                f"Request adjustment ({QUOTA_DOCS}); then set network.agentPool.coresQuota to the granted number "
                f"in every stack file of that subscription"
            )
    return problems


def check_pool_quota(stack: str, platform_dir: Path) -> None:
    """Refuse `stack` when the quota its pool draws on is overrun by the committed stacks that share it."""
    demands = committed_demands(platform_dir)
    own = next((d for d in demands if d.stack == stack), None)
    if own is None:
        return
    problems = quota_problems(d for d in demands if d.group == own.group)
    if problems:
        raise PoolQuotaError("Managed DevOps Pools quota:\n  " + "\n  ".join(problems))


__all__ = [
    "PoolDemand",
    "PoolQuotaError",
    "check_pool_quota",
    "committed_demands",
    "demand_of",
    "quota_problems",
]
