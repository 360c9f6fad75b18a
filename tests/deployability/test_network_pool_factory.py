"""Private endpoints and DNS, Managed DevOps Pools, and the factory's integration runtime."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from deployability.catalogue.network import GROUP_IDS
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import UNKNOWN
from tests.support.catalogue import details, edited, fired, one_of, replaced
from tests.support.registrations import reg

ENDPOINT = "platform-pe-lake-blob-endpoint"
ZONE_GROUP = "platform-pe-lake-blob-dns"
LINK = "platform-network-zone-blob-link"
VNET = "platform-network-vnet"
MANAGED = "platform-adf-network-mpe-lake-blob"
SITE_ENDPOINT = "platform-pe-function-sites-endpoint"
POOL = "platform-agents-pool"
AGENTS = "platform-network-agents"
RUNTIME = "platform-adf-network-runtime"


STORAGE_GROUP_IDS = (
    *("blob", "blob_secondary", "dfs", "dfs_secondary", "file", "file_secondary", "queue", "queue_secondary"),
    *("table", "table_secondary", "web", "web_secondary"),
)
"""A storage account's private-link sub-resources (https://learn.microsoft.com/azure/private-link/private-endpoint-dns),
written out here."""
DOCUMENTED_GROUP_IDS = {
    "microsoft.storage/storageaccounts": set(STORAGE_GROUP_IDS),
    "microsoft.keyvault/vaults": {"vault"},
    "microsoft.sql/servers": {"sqlServer"},
    "microsoft.web/sites": {"sites"},
    "microsoft.datafactory/factories": {"dataFactory", "portal"},
}
"""Each target type's sub-resources, from the same page: what the rule must know, no more and no less."""
DATA_FLOW_CORE_COUNTS = (8, 16, 32, 48, 80, 144, 272)
"""The core counts a data flow runtime takes (Data Factory REST API, IntegrationRuntimeDataFlowProperties.coreCount)."""


def groups_of(plan: Plan, name: str, group: str) -> list[Any]:
    def change(inputs: dict[str, Any]) -> None:
        if "properties" in inputs:
            inputs["properties"]["groupId"] = group
        else:
            inputs["privateLinkServiceConnections"][0]["groupIds"] = [group]

    return edited(plan, name, change)


@pytest.mark.parametrize("group", STORAGE_GROUP_IDS)
def test_group_id_is_quiet_for_every_storage_sub_resource(prod: Plan, group: str) -> None:
    assert fired(groups_of(prod, ENDPOINT, group), "private-endpoint-group-id") == []


def test_group_id_fires_for_a_sub_resource_the_target_lacks_and_ignores_case(prod: Plan) -> None:
    assert fired(groups_of(prod, ENDPOINT, "vault"), "private-endpoint-group-id") == [
        "group id 'vault' is not a sub-resource of microsoft.storage/storageaccounts; it has blob, blob_secondary, "
        "dfs, dfs_secondary, file, file_secondary, queue, queue_secondary, table, table_secondary, web, web_secondary"
    ]
    assert fired(groups_of(prod, ENDPOINT, "Blob"), "private-endpoint-group-id") == []


@pytest.mark.parametrize("groups", [[], ["blob", "file"]])
def test_group_id_fires_for_a_connection_without_exactly_one_group(prod: Plan, groups: list[str]) -> None:
    regs = edited(prod, ENDPOINT, lambda inputs: inputs["privateLinkServiceConnections"][0].update(groupIds=groups))
    found = fired(regs, "private-endpoint-group-id")
    assert found[0] == (
        f"connection to microsoft.storage/storageaccounts has {len(groups)} group ids; a first-party target takes "
        "exactly one"
    )


def test_group_id_judges_the_factorys_managed_endpoints_too(prod: Plan) -> None:
    assert fired(groups_of(prod, MANAGED, "sites"), "private-endpoint-group-id") == [
        "group id 'sites' is not a sub-resource of microsoft.storage/storageaccounts; it has blob, blob_secondary, "
        "dfs, dfs_secondary, file, file_secondary, queue, queue_secondary, table, table_secondary, web, web_secondary"
    ]
    assert fired(groups_of(prod, MANAGED, "dfs"), "private-endpoint-group-id") == []


def test_site_plan_fires_for_endpoints_to_a_consumption_site_and_is_quiet_on_flex(prod: Plan) -> None:
    """The site's own private endpoint, and a managed private endpoint of the factory made to point at the site (the
    program has none: the generator is on Flex Consumption, which ADF's list of targets does not name)."""
    site_id = one_of(prod, SITE_ENDPOINT).inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"]

    def to_the_site(inputs: dict[str, Any]) -> None:
        inputs["properties"].update(privateLinkResourceId=site_id, groupId="sites")

    with_managed = edited(prod, MANAGED, to_the_site)
    regs = replaced(with_managed, "platform-generator-plan", sku={"name": "Y1", "tier": "Dynamic"})
    found = details(regs, "private-endpoint-site-plan")
    assert sorted(name for name, _ in found) == [MANAGED, SITE_ENDPOINT]
    assert all("whose plan is Dynamic (Consumption)" in detail for _, detail in found)
    assert fired(with_managed, "private-endpoint-site-plan") == []


def test_endpoint_region_fires_when_the_endpoint_is_elsewhere_than_its_vnet(prod: Plan) -> None:
    assert fired(replaced(prod.all_resources, ENDPOINT, location="northeurope"), "private-endpoint-vnet-region") == [
        f"endpoint is in northeurope, its VNet '{VNET}' in westeurope"
    ]
    assert fired(replaced(prod.all_resources, ENDPOINT, location="westeurope"), "private-endpoint-vnet-region") == []


def test_zone_group_limits_fire_for_six_zones_and_a_second_group(prod: Plan) -> None:
    config = one_of(prod, ZONE_GROUP).inputs["privateDnsZoneConfigs"][0]
    assert (
        fired(
            replaced(prod.all_resources, ZONE_GROUP, privateDnsZoneConfigs=[config] * 5),
            "private-endpoint-zone-group-limits",
        )
        == []
    )
    assert fired(
        replaced(prod.all_resources, ZONE_GROUP, privateDnsZoneConfigs=[config] * 6),
        "private-endpoint-zone-group-limits",
    ) == ["6 DNS zones in one zone group; Azure allows 5"]
    group = one_of(prod, ZONE_GROUP)
    second = dataclasses.replace(
        group, urn=group.urn + "-2", name="second", inputs={**group.inputs, "privateDnsZoneGroupName": "other"}
    )
    assert details([*prod.all_resources, second], "private-endpoint-zone-group-limits") == [
        ("second", f"a second DNS zone group on one private endpoint (with '{ZONE_GROUP}'); Azure allows one")
    ]


def test_auto_registration_fires_for_a_second_registration_zone_on_one_vnet(prod: Plan) -> None:
    regs = replaced(prod.all_resources, LINK, registrationEnabled=True)
    assert fired(regs, "private-dns-auto-registration") == []
    regs = replaced(regs, "platform-network-zone-dfs-link", registrationEnabled=True)
    (detail,) = fired(regs, "private-dns-auto-registration")
    assert "A virtual network can only be linked to 1 Private DNS zone(s) with auto-registration enabled" in detail


def test_link_limits_fire_for_a_second_link_of_one_zone_and_vnet(prod: Plan) -> None:
    link = one_of(prod, LINK)
    twin = dataclasses.replace(
        link, urn=link.urn + "-2", name="twin", inputs={**link.inputs, "virtualNetworkLinkName": "link-2"}
    )
    assert details([*prod.all_resources, twin], "private-dns-link-limits") == [
        ("twin", f"links the same zone and VNet as '{LINK}'; a VNet is linked to a zone once")
    ]
    other_vnet = dataclasses.replace(
        twin, inputs={**twin.inputs, "virtualNetwork": {"id": link.inputs["virtualNetwork"]["id"] + "-2"}}
    )
    assert fired([*prod.all_resources, other_vnet], "private-dns-link-limits") == []


# ------------------------------------------------------------------ Managed DevOps Pools


def test_pool_region_fires_with_the_text_arm_returns(prod: Plan) -> None:
    assert fired(replaced(prod.all_resources, POOL, location="australiaeast"), "devops-pool-vnet-region") == [
        f"Virtual network {VNET} is in region westeurope, but pool is in region australiaeast. These must be in the "
        "same region."
    ]
    assert fired(prod.all_resources, "devops-pool-vnet-region") == []


def test_pool_subnet_fires_without_the_delegation_and_when_shared(prod: Plan) -> None:
    regs = replaced(prod.all_resources, AGENTS, delegations=[])
    assert fired(regs, "devops-pool-subnet") == [
        f"subnet '{AGENTS}' is delegated to none, not Microsoft.DevOpsInfrastructure/pools"
    ]
    subnet_id = one_of(prod, POOL).inputs["fabricProfile"]["networkProfile"]["subnetId"]
    regs = edited(prod, ENDPOINT, lambda inputs: inputs.update(subnet={"id": subnet_id}))
    assert fired(regs, "devops-pool-subnet") == [f"its subnet also holds the private endpoint '{ENDPOINT}'"]
    pool = one_of(prod, POOL)
    second = dataclasses.replace(pool, urn=pool.urn + "-2", name="second", inputs={**pool.inputs, "poolName": "mdp-2"})
    assert details([*prod.all_resources, second], "devops-pool-subnet") == [
        ("second", f"shares its subnet with the pool '{POOL}'; a pool's subnet is its own")
    ]


def test_pool_subnet_fires_when_too_small_for_the_concurrency(prod: Plan) -> None:
    regs = replaced(replaced(prod.all_resources, AGENTS, addressPrefix="10.20.0.128/29"), POOL, maximumConcurrency=3)
    assert fired(regs, "devops-pool-subnet") == []
    regs = replaced(regs, POOL, maximumConcurrency=4)
    assert fired(regs, "devops-pool-subnet") == [
        "subnet 10.20.0.128/29 leaves 3 addresses after Azure's 5; maximumConcurrency is 4"
    ]


@pytest.mark.parametrize(("concurrency", "fires"), [(0, True), (1, False), (10000, False), (10001, True)])
def test_pool_concurrency_is_1_to_10000(prod: Plan, concurrency: int, fires: bool) -> None:
    def change(inputs: dict[str, Any]) -> None:
        inputs["maximumConcurrency"] = concurrency
        inputs["organizationProfile"]["organizations"][0]["parallelism"] = max(concurrency, 1)

    found = [d for d in fired(edited(prod, POOL, change), "devops-pool-concurrency") if "maximumConcurrency is" in d]
    assert bool(found) is fires


def test_pool_parallelism_fires_above_the_concurrency(prod: Plan) -> None:
    def change(inputs: dict[str, Any]) -> None:
        inputs["organizationProfile"]["organizations"][0]["parallelism"] = 3

    assert fired(edited(prod, POOL, change), "devops-pool-concurrency") == [
        "parallelism 3 of https://dev.azure.com/contoso-data is outside 1-1 (the pool's maximumConcurrency)"
    ]


def test_pool_stateful_lifetime_fires_past_a_week(prod: Plan) -> None:
    def lifetime(value: str) -> list[str]:
        profile = {"kind": "Stateful", "maxAgentLifetime": value, "gracePeriodTimeSpan": "00:30:00"}
        return fired(replaced(prod.all_resources, POOL, agentProfile=profile), "devops-pool-concurrency")

    assert lifetime("7.00:00:00") == []
    assert lifetime("7.00:00:01") == [
        "agentProfile.maxAgentLifetime '7.00:00:01' is not a timespan of at most one week (7.00:00:00)"
    ]
    assert lifetime("a week")[0].startswith("agentProfile.maxAgentLifetime 'a week' is not a timespan")


def test_pool_grace_period_fires_past_a_week(prod: Plan) -> None:
    def grace(value: str) -> list[str]:
        profile = {"kind": "Stateful", "maxAgentLifetime": "1.00:00:00", "gracePeriodTimeSpan": value}
        return fired(replaced(prod.all_resources, POOL, agentProfile=profile), "devops-pool-concurrency")

    assert grace("7.00:00:00") == []
    assert grace("8.00:00:00") == [
        "agentProfile.gracePeriodTimeSpan '8.00:00:00' is not a timespan of at most one week (7.00:00:00)"
    ]


def test_pool_subnet_size_is_not_judged_when_the_plan_does_not_know_the_subnet(prod: Plan) -> None:
    """A subnet outside the plan (the id of one made elsewhere) has no known range: only its sharing is judged."""
    elsewhere = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"

    def outside(inputs: dict[str, Any]) -> None:
        inputs["fabricProfile"]["networkProfile"]["subnetId"] = elsewhere
        inputs["maximumConcurrency"] = 10000

    regs = edited(prod, POOL, outside)
    assert fired(regs, "devops-pool-subnet") == []


# ------------------------------------------------------------------ the factory's runtime


def runtime(plan: Plan, **flow: Any) -> list[str]:
    change = lambda inputs: inputs["properties"]["computeProperties"]["dataFlowProperties"].update(flow)  # noqa: E731
    return fired(edited(plan, RUNTIME, change), "adf-integration-runtime-compute")


@pytest.mark.parametrize("cores", DATA_FLOW_CORE_COUNTS)
def test_runtime_is_quiet_for_every_core_count(prod: Plan, cores: int) -> None:
    assert runtime(prod, coreCount=cores) == []


def test_runtime_fires_for_another_core_count_compute_type_or_time_to_live(prod: Plan) -> None:
    assert runtime(prod, coreCount=4) == ["dataFlowProperties.coreCount 4 is not one of 8, 16, 32, 48, 80, 144, 272"]
    assert runtime(prod, computeType="ComputeOptimized") == [
        "dataFlowProperties.computeType 'ComputeOptimized' is not one of General, MemoryOptimized"
    ]
    assert runtime(prod, computeType="MemoryOptimized") == []
    assert runtime(prod, timeToLive=240) == []
    assert runtime(prod, timeToLive=0) == []
    assert runtime(prod, timeToLive=-1) == ["dataFlowProperties.timeToLive -1 minutes is outside 0-240"]
    assert runtime(prod, timeToLive=241) == ["dataFlowProperties.timeToLive 241 minutes is outside 0-240"]


@pytest.mark.parametrize(("units", "fires"), [(2, True), (4, False), (6, True), (256, False), (260, True)])
def test_runtime_copy_units_are_multiples_of_4_from_4_to_256(prod: Plan, units: int, fires: bool) -> None:
    def change(inputs: dict[str, Any]) -> None:
        inputs["properties"]["computeProperties"]["copyComputeScaleProperties"] = {"dataIntegrationUnit": units}

    assert bool(fired(edited(prod, RUNTIME, change), "adf-integration-runtime-compute")) is fires


NETWORKS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks"


def links(count: int, registering: bool = False) -> list[Any]:
    """`count` links of one zone, each to a VNet of its own."""
    return [
        reg(
            ResourceType.VIRTUAL_NETWORK_LINK,
            f"link-{index}",
            virtualNetworkLinkName=f"link-{index}",
            privateZoneName="privatelink.blob.core.windows.net",
            resourceGroupName="rg-dns",
            virtualNetwork={
                "id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v{index}"
            },
            registrationEnabled=registering,
        )
        for index in range(count)
    ]


def test_a_zone_takes_1000_links_and_100_of_them_with_auto_registration() -> None:
    """Private DNS limits (https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-
    service-limits): each at its bound and one past it."""
    assert fired(links(1000), "private-dns-link-limits") == []
    assert fired(links(1001), "private-dns-link-limits") == ["1001 VNet links on one zone; Azure allows 1000"]
    assert fired(links(100, registering=True), "private-dns-link-limits") == []
    assert fired(links(101, registering=True), "private-dns-link-limits") == [
        "101 auto-registration links on one zone; Azure allows 100"
    ]


VAULT_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a"
SITE_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-a"


def endpoint_to(target: str, group: str, connections: str = "privateLinkServiceConnections") -> Any:
    """A hand-made private endpoint with one connection of kind `connections` to `target`'s `group`."""
    inputs: dict[str, Any] = {connections: [{"name": "c", "privateLinkServiceId": target, "groupIds": [group]}]}
    return reg(ResourceType.PRIVATE_ENDPOINT, "pe", privateEndpointName="pe", **inputs)


def test_group_id_judges_manual_connections_as_it_judges_automatic_ones() -> None:
    """A connection that waits for the owner's approval (manualPrivateLinkServiceConnections) names its group id
    the same way; a wrong one is refused the same way."""
    endpoint = endpoint_to(VAULT_ID, "blob", connections="manualPrivateLinkServiceConnections")
    assert fired([endpoint], "private-endpoint-group-id") == [
        "group id 'blob' is not a sub-resource of microsoft.keyvault/vaults; it has vault"
    ]


def test_the_rule_knows_exactly_the_documented_group_ids() -> None:
    assert {target: set(groups) for target, groups in GROUP_IDS.items()} == DOCUMENTED_GROUP_IDS


def test_links_are_grouped_by_zone_and_its_resource_group_and_judged_only_when_both_ends_are_known() -> None:
    """Two zones of one name in two resource groups are two zones: one VNet links to each once. A link whose zone
    or VNet the plan does not know yet is not judged."""
    (first,) = links(1)
    other_group = dataclasses.replace(first, urn=first.urn + "-2", inputs={**first.inputs, "resourceGroupName": "rg-b"})
    assert fired([first, other_group], "private-dns-link-limits") == []
    unknown_zone = dataclasses.replace(first, urn=first.urn + "-3", inputs={**first.inputs, "privateZoneName": UNKNOWN})
    assert fired([unknown_zone, unknown_zone], "private-dns-link-limits") == []


def test_one_vnet_linked_twice_to_a_zone_is_found_whatever_the_case_of_its_id() -> None:
    (first,) = links(1)
    vnet_id = first.inputs["virtualNetwork"]["id"]
    again = dataclasses.replace(
        first,
        urn=first.urn + "-again",
        name="again",
        inputs={**first.inputs, "virtualNetwork": {"id": vnet_id.upper()}},
    )
    assert details([first, again], "private-dns-link-limits") == [
        ("again", "links the same zone and VNet as 'link-0'; a VNet is linked to a zone once")
    ]


@pytest.mark.parametrize("group", ["sites-staging", "Sites-Staging"])
def test_a_slot_group_id_is_taken_by_a_site_and_only_by_a_site(group: str) -> None:
    """A site's deployment slot has its own sub-resource, `sites-<slot name>`."""
    assert fired([endpoint_to(SITE_ID, group)], "private-endpoint-group-id") == []
    assert fired([endpoint_to(VAULT_ID, group)], "private-endpoint-group-id") == [
        f"group id {group!r} is not a sub-resource of microsoft.keyvault/vaults; it has vault"
    ]
