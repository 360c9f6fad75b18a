"""Key Vault (soft delete, purge protection, IP rules) and Azure SQL (serverless objectives, firewall, TLS)."""

from __future__ import annotations

from typing import Any

import pytest

from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import UNKNOWN, PlanView
from stack.azure_limits import SERVERLESS_OBJECTIVES
from tests.support.catalogue import edited, fired, replaced
from tests.support.registrations import reg

VAULT = "platform-key-vault-vault"
DATABASE = "platform-sql-database"
SERVER = "platform-sql-server"
FIREWALL = "platform-sql-allow-azure-services"
GIB = 1024**3


def vault(plan: Plan, **properties: Any) -> list[Any]:
    return edited(plan, VAULT, lambda inputs: inputs["properties"].update(properties))


@pytest.mark.parametrize(("days", "fires"), [(6, True), (7, False), (90, False), (91, True)])
def test_vault_retention_is_7_to_90_days(dev: Plan, days: int, fires: bool) -> None:
    found = fired(vault(dev, softDeleteRetentionInDays=days), "keyvault-soft-delete-retention")
    assert found == ([f"softDeleteRetentionInDays is {days}; Azure allows 7-90"] if fires else [])


def test_vault_switches_fire_for_soft_delete_off_and_purge_protection_false(dev: Plan) -> None:
    rule = "keyvault-soft-delete-purge-protection-switches"
    assert fired(vault(dev, enableSoftDelete=False), rule) == [
        "enableSoftDelete is false; soft delete can no longer be turned off"
    ]
    assert fired(vault(dev, enablePurgeProtection=False), rule) == [
        "enablePurgeProtection is false; the property accepts only true (leave it out for off)"
    ]
    assert fired(vault(dev, enablePurgeProtection=True), rule) == []


def test_vault_ip_rules_fire_for_private_ranges_and_past_1000_and_take_small_prefixes(dev: Plan) -> None:
    def rules(*values: str) -> list[str]:
        acls = {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [{"value": v} for v in values]}
        return fired(vault(dev, networkAcls=acls), "keyvault-ip-rules")

    assert rules("10.0.0.0/8") == [
        "networkAcls.ipRules: 10.0.0.0/8 is in a private RFC 1918 range; IP rules take public addresses only"
    ]
    assert rules("203.0.113.5/32", "203.0.113.4/31") == []
    many = [f"203.0.{i // 250}.{i % 250}" for i in range(1001)]
    assert rules(*many) == ["networkAcls.ipRules: 1001 IP rules; Azure allows 1000"]
    assert rules(*many[:1000]) == []


def test_vault_network_rules_fire_past_200_virtual_network_rules(dev: Plan) -> None:
    acls = {"defaultAction": "Deny", "virtualNetworkRules": [{"id": f"/subnets/s{i}"} for i in range(201)]}
    assert fired(vault(dev, networkAcls=acls), "keyvault-ip-rules") == [
        "networkAcls.virtualNetworkRules: 201 rules; Azure allows 200"
    ]
    acls["virtualNetworkRules"] = acls["virtualNetworkRules"][:200]
    assert fired(vault(dev, networkAcls=acls), "keyvault-ip-rules") == []


# ------------------------------------------------------------------ SQL


def database(plan: Plan, **inputs: Any) -> list[Any]:
    return replaced(plan.all_resources, DATABASE, **inputs)


@pytest.mark.parametrize("sku", sorted(SERVERLESS_OBJECTIVES))
def test_every_objective_accepts_its_floor_ceiling_and_max_size(dev: Plan, sku: str) -> None:
    objective = SERVERLESS_OBJECTIVES[sku]
    for capacity in (objective.min_vcores, objective.max_vcores):
        regs = database(
            dev,
            sku={"name": sku, "tier": "GeneralPurpose"},
            minCapacity=capacity,
            maxSizeBytes=objective.max_data_gb * GIB,
        )
        assert fired(regs, "sql-serverless-objective") == [], (sku, capacity)


@pytest.mark.parametrize("sku", sorted(SERVERLESS_OBJECTIVES))
def test_every_objective_refuses_below_its_floor_and_above_its_max_size(dev: Plan, sku: str) -> None:
    objective = SERVERLESS_OBJECTIVES[sku]
    below = database(dev, sku={"name": sku}, minCapacity=objective.min_vcores - 0.25)
    assert fired(below, "sql-serverless-objective") == [
        f"minCapacity {objective.min_vcores - 0.25:g} is outside {objective.min_vcores:g}-{objective.max_vcores} "
        f"vCores, what {sku} supports"
    ]
    bigger = database(
        dev, sku={"name": sku}, maxSizeBytes=(objective.max_data_gb + 1) * GIB, minCapacity=objective.min_vcores
    )
    assert fired(bigger, "sql-serverless-objective") == [
        f"max data size {objective.max_data_gb + 1} GB is above {objective.max_data_gb} GB, the most {sku} allows"
    ]


def test_objective_fires_for_one_that_does_not_exist_and_for_another_tier(dev: Plan) -> None:
    (detail,) = fired(database(dev, sku={"name": "GP_S_Gen5_3"}), "sql-serverless-objective")
    assert detail.startswith("service objective 'GP_S_Gen5_3' does not exist; serverless objectives: GP_S_Gen5_1")
    assert fired(
        database(dev, sku={"name": "GP_S_Gen5_1", "tier": "BusinessCritical"}), "sql-serverless-objective"
    ) == ["sku.tier is 'BusinessCritical'; GP_S_Gen5_1 is a GeneralPurpose objective"]
    assert fired(database(dev, sku={"name": "GP_Gen5_2"}, minCapacity=None), "sql-serverless-objective") == []


def test_objective_quotes_what_arm_answers_for_a_min_capacity_above_the_max(dev: Plan) -> None:
    assert fired(database(dev, sku={"name": "GP_S_Gen5_2"}, minCapacity=2.5), "sql-serverless-objective") == [
        "minCapacity 2.5 is outside 0.5-2 vCores, what GP_S_Gen5_2 supports"
    ]


@pytest.mark.parametrize("size", [100 * 1024**2, 250 * 1024**2, 500 * 1024**2, GIB, 32 * GIB])
def test_max_size_is_quiet_for_whole_gigabytes_and_the_small_sizes(dev: Plan, size: int) -> None:
    assert fired(database(dev, maxSizeBytes=size), "sql-max-size") == []


def test_max_size_fires_for_a_partial_gigabyte(dev: Plan) -> None:
    assert fired(database(dev, maxSizeBytes=int(1.5 * GIB)), "sql-max-size") == [
        "maxSizeBytes 1610612736 is neither a whole number of GB nor 100, 250 or 500 MB"
    ]


@pytest.mark.parametrize(
    ("delay", "fires"), [(-1, False), (15, False), (10080, False), (14, True), (0, True), (10081, True)]
)
def test_auto_pause_is_never_or_15_to_10080_minutes(dev: Plan, delay: int, fires: bool) -> None:
    assert bool(fired(database(dev, autoPauseDelay=delay), "sql-auto-pause-delay")) is fires


def test_firewall_fires_on_a_server_without_public_access_and_is_quiet_with_it(dev: Plan) -> None:
    regs = replaced(dev.all_resources, SERVER, publicNetworkAccess="Disabled")
    assert fired(regs, "sql-firewall-public-access-disabled") == [
        f"server '{SERVER}' has publicNetworkAccess Disabled, which refuses every firewall rule"
    ]
    assert fired(dev.all_resources, "sql-firewall-public-access-disabled") == []


def firewall_rules(count: int, servers: tuple[str, ...] = ("sql-a",)) -> list[Any]:
    """`count` one-address firewall rules, on the servers named in turn."""
    return [
        reg(
            ResourceType.SQL_FIREWALL_RULE,
            f"r{i}",
            firewallRuleName=f"r{i}",
            serverName=servers[i % len(servers)],
            startIpAddress="203.0.113.1",
            endIpAddress="203.0.113.1",
        )
        for i in range(count)
    ]


def test_firewall_rules_fire_for_a_bad_address_a_reversed_range_and_past_128(dev: Plan) -> None:
    assert fired(replaced(dev.all_resources, FIREWALL, startIpAddress="300.0.0.1"), "sql-firewall-rules") == [
        "startIpAddress '300.0.0.1' is not an IPv4 address"
    ]
    regs = replaced(dev.all_resources, FIREWALL, startIpAddress="203.0.113.9", endIpAddress="203.0.113.1")
    assert fired(regs, "sql-firewall-rules") == ["endIpAddress 203.0.113.1 is below startIpAddress 203.0.113.9"]
    rules = firewall_rules(129)
    assert fired(rules[:128], "sql-firewall-rules") == []
    assert fired(rules, "sql-firewall-rules") == ["129 firewall rules on one server; Azure allows 128"]


@pytest.mark.parametrize(("version", "fires"), [("1.0", True), ("1.1", True), ("1.2", False), ("1.3", False)])
def test_minimal_tls_refuses_the_retired_versions(dev: Plan, version: str, fires: bool) -> None:
    found = fired(replaced(dev.all_resources, SERVER, minimalTlsVersion=version), "sql-server-minimal-tls")
    assert found == ([f"minimalTlsVersion {version} is retired; the lowest is 1.2"] if fires else [])


@pytest.mark.parametrize("size", [0, -GIB])
def test_max_size_fires_for_a_size_that_is_not_positive(dev: Plan, size: int) -> None:
    assert fired(database(dev, maxSizeBytes=size), "sql-max-size") == [f"maxSizeBytes {size} is not positive"]


def test_a_serverless_objective_is_found_in_any_letter_case(dev: Plan) -> None:
    regs = database(dev, sku={"name": "gp_s_gen5_2", "tier": "GeneralPurpose"}, autoPauseDelay=14)
    assert fired(regs, "sql-auto-pause-delay") == ["autoPauseDelay is 14; Azure allows 15-10080, or -1 to never pause"]


def test_a_firewall_rule_finds_its_server_by_name_when_its_own_id_is_unknown() -> None:
    """A rule whose resource group is not known yet has no ARM id, so no ARM parent: its serverName finds it."""
    server = reg(ResourceType.SQL_SERVER, "server", serverName="sql-a", publicNetworkAccess="Disabled")
    rule = reg(
        ResourceType.SQL_FIREWALL_RULE, "rule", firewallRuleName="r", serverName="SQL-A", resourceGroupName=UNKNOWN
    )
    assert PlanView.of_registrations([server, rule]).arm_parent(rule) is None
    assert fired([server, rule], "sql-firewall-public-access-disabled") == [
        "server 'server' has publicNetworkAccess Disabled, which refuses every firewall rule"
    ]


def test_firewall_rules_are_counted_per_server_without_regard_to_case() -> None:
    rules = firewall_rules(129, servers=("sql-a", "SQL-A"))
    assert fired(rules, "sql-firewall-rules") == ["129 firewall rules on one server; Azure allows 128"]
