"""Azure's limits on config values: refused before anything is registered, naming the key and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from stack.azure_limits import (
    FLEX_LOW_SCALE_REGIONS,
    FLEX_LOW_SCALE_TABLE,
    FLEX_REGIONS,
    FLEX_REGIONS_TABLE,
    FLEX_RUNTIMES_TABLE,
    HNS_FEATURES_TABLE,
    SERVERLESS_OBJECTIVES,
    SERVERLESS_OBJECTIVES_TABLE,
    flex_lowest_maximum,
    ip_rule_problems,
)
from stack.config import ConfigError
from stack.facts import registered
from stack.regions import REGION_CODES
from tests.support.stack_config import stack_config

SQL = {"create": True, "adminLogin": "a", "adminObjectId": "6a1c3e52-8d4b-4f0e-9a77-2b5c1d9e0f31"}


def refused(overrides: dict[str, Any], stack: str = "dev") -> str:
    with pytest.raises(ConfigError) as info:
        stack_config(stack, **overrides)
    return str(info.value)


def test_the_dated_tables_are_registered_with_their_refresh_commands() -> None:
    tables = set(registered())
    for table in (
        FLEX_REGIONS_TABLE,
        FLEX_LOW_SCALE_TABLE,
        FLEX_RUNTIMES_TABLE,
        HNS_FEATURES_TABLE,
        SERVERLESS_OBJECTIVES_TABLE,
    ):
        assert table in tables
        assert table.refresh_command and table.max_age_days > 0
    assert FLEX_REGIONS_TABLE.refresh_command.startswith("az functionapp list-flexconsumption-locations")


def test_ip_rules_refuse_each_private_block_at_its_edges_and_accept_its_neighbours() -> None:
    for private in ("10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255"):
        assert ip_rule_problems([private], max_rules=10, refuse_small_prefixes=False), private
    for public in ("9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0"):
        assert ip_rule_problems([public], max_rules=10, refuse_small_prefixes=False) == [], public


def test_ip_rules_refuse_small_prefixes_only_where_the_service_does() -> None:
    assert ip_rule_problems(["203.0.113.0/31"], max_rules=10, refuse_small_prefixes=True)
    assert ip_rule_problems(["203.0.113.0/30", "203.0.113.9"], max_rules=10, refuse_small_prefixes=True) == []
    assert ip_rule_problems(["203.0.113.0/31"], max_rules=10, refuse_small_prefixes=False) == []


def test_storage_config_refuses_private_ranges_and_a_31() -> None:
    message = refused({"data-platform:storage": {"allowedIpRanges": ["10.1.0.0/16"]}})
    assert (
        "Pulumi.dev.yaml: data-platform:storage.allowedIpRanges: 10.1.0.0/16 is in a private RFC 1918 range" in message
    )
    assert "storage-network-security-ip-address-range" in message
    assert "is a /31" in refused({"data-platform:storage": {"allowedIpRanges": ["203.0.113.0/31"]}})
    stack_config("dev", **{"data-platform:storage": {"allowedIpRanges": ["203.0.113.7/32", "198.51.100.0/24"]}})


def test_storage_config_refuses_more_than_400_ranges() -> None:
    ranges = [f"203.0.{i // 250}.{i % 250}" for i in range(401)]
    assert "401 IP rules; Azure allows 400" in refused({"data-platform:storage": {"allowedIpRanges": ranges}})


def test_key_vault_config_refuses_private_ranges_and_takes_a_31() -> None:
    message = refused({"data-platform:keyVault": {"allowedIpRanges": ["172.20.0.1"]}})
    assert "data-platform:keyVault.allowedIpRanges: 172.20.0.1 is in a private RFC 1918 range" in message
    stack_config("dev", **{"data-platform:keyVault": {"allowedIpRanges": ["203.0.113.0/31"]}})


@pytest.mark.parametrize("sku", sorted(SERVERLESS_OBJECTIVES))
def test_sql_config_takes_each_objective_at_its_floor_and_max_size(sku: str) -> None:
    objective = SERVERLESS_OBJECTIVES[sku]
    sql = {**SQL, "skuName": sku, "minCapacity": objective.min_vcores, "maxSizeGb": objective.max_data_gb}
    assert stack_config("dev", **{"data-platform:sql": sql}).sql.sku_name == sku


def test_sql_config_refuses_a_min_capacity_below_the_floor_and_a_size_above_the_max() -> None:
    sql = {**SQL, "skuName": "GP_S_Gen5_40", "minCapacity": 4, "maxSizeGb": 4096}
    message = refused({"data-platform:sql": sql})
    assert "data-platform:sql: skuName GP_S_Gen5_40: minCapacity 4 is outside 5-40 vCores" in message
    sql = {**SQL, "skuName": "GP_S_Gen5_1", "maxSizeGb": 513}
    assert "maxSizeGb 513 GB is above 512 GB, the most GP_S_Gen5_1 allows" in refused({"data-platform:sql": sql})


def test_sql_config_refuses_an_objective_that_does_not_exist() -> None:
    assert "skuName" in refused({"data-platform:sql": {**SQL, "skuName": "GP_S_Gen5_3"}})


@pytest.mark.parametrize(("delay", "ok"), [(-1, True), (15, True), (10080, True), (14, False), (0, False)])
def test_sql_config_auto_pause_is_never_or_15_to_10080(delay: int, ok: bool) -> None:
    overrides = {"data-platform:sql": {**SQL, "autoPauseDelayMinutes": delay}}
    if ok:
        stack_config("dev", **overrides)
    else:
        assert "autoPauseDelayMinutes must be -1 (never) or between 15 and 10080" in refused(overrides)


def test_sql_config_refuses_more_than_128_firewall_rules_counting_the_azure_rule() -> None:
    ranges = [f"203.0.113.{i}" for i in range(127)]
    sql = {**SQL, "allowAzureServices": True, "allowedIpRanges": ranges}
    stack_config("dev", **{"data-platform:sql": sql})
    sql["allowedIpRanges"] = [*ranges, "198.51.100.1"]
    assert "make 129 server firewall rules; Azure allows 128" in refused({"data-platform:sql": sql})


def test_function_app_config_refuses_a_region_without_flex_consumption() -> None:
    missing = sorted(set(REGION_CODES) - FLEX_REGIONS)
    assert missing, "every configured region offers Flex Consumption; pick another region for this test"
    message = refused({"azure-native:location": missing[0]})
    assert f"data-platform:functionApp: azure-native:location: no Flex Consumption in {missing[0]}" in message


def test_function_app_config_refuses_fewer_than_40_instances_outside_the_low_scale_regions() -> None:
    region = sorted(FLEX_REGIONS & set(REGION_CODES) - FLEX_LOW_SCALE_REGIONS)[0]
    message = refused({"azure-native:location": region, "data-platform:functionApp": {"maximumInstanceCount": 39}})
    assert f"maximumInstanceCount 39 is outside 40-1000, what Flex Consumption allows in {region}" in message
    stack_config("dev", **{"azure-native:location": region, "data-platform:functionApp": {"maximumInstanceCount": 40}})


@pytest.mark.parametrize("region", sorted(FLEX_LOW_SCALE_REGIONS))
def test_the_low_scale_regions_take_one_instance(region: str) -> None:
    assert flex_lowest_maximum(region) == 1
    assert flex_lowest_maximum(region.upper()) == 1
    assert flex_lowest_maximum("northeurope") == 40


def test_sql_config_refuses_firewall_ranges_in_a_private_stack() -> None:
    sql = {**SQL, "allowedIpRanges": ["203.0.113.5"]}
    message = refused({"data-platform:sql": sql}, stack="test")
    assert "sql.allowedIpRanges makes server firewall rules, which a server without public network access refuses" in (
        message
    )
    stack_config("dev", **{"data-platform:sql": sql})


DOCUMENTED_SERVERLESS = {
    "GP_S_Gen5_1": (1, 0.5, 512),
    "GP_S_Gen5_2": (2, 0.5, 1024),
    "GP_S_Gen5_4": (4, 0.5, 1024),
    "GP_S_Gen5_6": (6, 0.75, 1024),
    "GP_S_Gen5_8": (8, 1.0, 2048),
    "GP_S_Gen5_10": (10, 1.25, 2048),
    "GP_S_Gen5_12": (12, 1.5, 3072),
    "GP_S_Gen5_14": (14, 1.75, 3072),
    "GP_S_Gen5_16": (16, 2.0, 3072),
    "GP_S_Gen5_18": (18, 2.25, 3072),
    "GP_S_Gen5_20": (20, 2.5, 3072),
    "GP_S_Gen5_24": (24, 3.0, 4096),
    "GP_S_Gen5_32": (32, 4.0, 4096),
    "GP_S_Gen5_40": (40, 5.0, 4096),
    "GP_S_Gen5_80": (80, 10.0, 4096),
}
"""Each General Purpose serverless objective: (max vCores, min vCores, max data GB), as the vCore resource limits of
single databases list them (https://learn.microsoft.com/azure/azure-sql/database/resource-limits-vcore-single-
databases#general-purpose---serverless-compute---standard-series-gen5), written out here: an objective the table
loses or a figure it changes fails."""


def test_the_serverless_objectives_are_the_documented_ones() -> None:
    table = {sku: (o.max_vcores, o.min_vcores, o.max_data_gb) for sku, o in SERVERLESS_OBJECTIVES.items()}
    assert table == DOCUMENTED_SERVERLESS


def test_the_low_scale_regions_are_the_documented_ones() -> None:
    assert sorted(FLEX_LOW_SCALE_REGIONS) == ["australiaeast", "westeurope", "westus2"]
