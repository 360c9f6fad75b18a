"""The committed stacks' pools against the quota they share: per subscription, per region, per VM family."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stack.config import LOCATION_KEY
from stack.pool_quota import (
    PoolDemand,
    PoolQuotaError,
    check_pool_quota,
    committed_demands,
    demand_of,
    quota_problems,
)
from tests.support.checkout import PROJECT_DIR

ORGANIZATION = "https://dev.azure.com/contoso"


def values(location: str = "westeurope", **pool: Any) -> dict[str, str]:
    """A stack's config as Pulumi hands it over, with one agent pool."""
    network = {"agentPool": {"organizationUrl": ORGANIZATION, **pool}}
    return {LOCATION_KEY: location, "data-platform:network": json.dumps(network)}


def demand(stack: str, **pool: Any) -> PoolDemand:
    location = pool.pop("location", "westeurope")
    found = demand_of(stack, values(location, **pool))
    assert found is not None
    return found


def test_a_pool_demands_its_concurrency_times_its_vcpus() -> None:
    found = demand("test", maximumConcurrency=3, vmSize="Standard_D4ads_v5")
    assert (found.family, found.agents, found.cores_per_agent, found.cores) == ("standardDADSv5Family", 3, 4, 12)
    assert found.quota == 5
    assert found.subscription == "default"


def test_a_public_stack_demands_nothing() -> None:
    assert (
        demand_of("dev", {LOCATION_KEY: "westeurope", "data-platform:network": '{"privateNetworking": false}'}) is None
    )


def test_pools_sharing_subscription_region_and_family_add_up_against_one_quota() -> None:
    problems = quota_problems([demand("test", maximumConcurrency=2), demand("prod", maximumConcurrency=2)])
    assert len(problems) == 1
    assert "need 8 cores" in problems[0]
    assert "test: 2 agent(s) x 2 cores of Standard_D2ads_v5 = 4" in problems[0]
    assert "but the quota is 5 (coresQuota)" in problems[0]
    assert "Request adjustment" in problems[0] and "coresQuota" in problems[0]


def test_one_agent_each_fits_the_default_quota() -> None:
    assert quota_problems([demand("test", maximumConcurrency=1), demand("prod", maximumConcurrency=1)]) == []


def test_pools_in_different_subscriptions_each_have_their_own_quota() -> None:
    pools = [demand("test", maximumConcurrency=2, subscription="nonprod"), demand("prod", maximumConcurrency=2)]
    assert quota_problems(pools) == []


def test_pools_in_different_regions_each_have_their_own_quota() -> None:
    pools = [demand("test", maximumConcurrency=2), demand("prod", maximumConcurrency=2, location="northeurope")]
    assert quota_problems(pools) == []


def test_pools_of_different_families_each_have_their_own_quota() -> None:
    pools = [demand("test", maximumConcurrency=2), demand("prod", maximumConcurrency=2, vmSize="Standard_D2as_v5")]
    assert quota_problems(pools) == []


def test_a_raised_quota_admits_what_the_default_refuses() -> None:
    pools = [demand("test", maximumConcurrency=2, coresQuota=8), demand("prod", maximumConcurrency=2, coresQuota=8)]
    assert quota_problems(pools) == []


def test_one_pool_alone_can_overrun_its_quota() -> None:
    (problem,) = quota_problems([demand("test", maximumConcurrency=3)])
    assert "need 6 cores" in problem


def test_stacks_sharing_a_quota_must_declare_the_same_one() -> None:
    (problem,) = quota_problems([demand("test", coresQuota=5), demand("prod", coresQuota=10)])
    assert "declare different values (test: 5, prod: 10)" in problem


def test_the_committed_stacks_fit_and_share_one_subscription() -> None:
    demands = committed_demands(PROJECT_DIR)
    assert [d.stack for d in demands] == ["prod", "test"]
    assert len({d.group for d in demands}) == 1, "test and prod say they share a subscription"
    assert quota_problems(demands) == []


def write_stacks(root: Path, **stacks: dict[str, str]) -> None:
    (root / "Pulumi.yaml").write_text("name: data-platform\nruntime: python\n")
    for stack, config in stacks.items():
        body = "\n".join(f"  {key}: '{value}'" for key, value in config.items())
        (root / f"Pulumi.{stack}.yaml").write_text(f"config:\n{body}\n")


def test_check_refuses_a_stack_whose_quota_the_committed_stacks_overrun(tmp_path: Path) -> None:
    write_stacks(tmp_path, test=values(maximumConcurrency=2), prod=values(maximumConcurrency=2))
    with pytest.raises(PoolQuotaError, match=r"Pulumi.prod.yaml, Pulumi.test.yaml: network.agentPool: .* need 8 cores"):
        check_pool_quota("test", tmp_path)


def test_check_ignores_a_quota_the_stack_does_not_draw_on(tmp_path: Path) -> None:
    write_stacks(
        tmp_path,
        test=values(maximumConcurrency=1, subscription="nonprod"),
        prod=values(maximumConcurrency=3),
    )
    check_pool_quota("test", tmp_path)
    with pytest.raises(PoolQuotaError, match="need 6 cores"):
        check_pool_quota("prod", tmp_path)


def test_a_stack_file_without_a_region_is_named(tmp_path: Path) -> None:
    config = values()
    del config[LOCATION_KEY]
    write_stacks(tmp_path, test=config)
    with pytest.raises(PoolQuotaError, match=r"Pulumi.test.yaml: azure-native:location: required key is missing"):
        committed_demands(tmp_path)
