"""The network rules fire on violating copies of the real test and prod data planes, and stay quiet in dev."""

from __future__ import annotations

import pytest

from preview.plan import Plan
from tests.policy.fixtures import (
    APP,
    HOST_STORAGE,
    LAKE,
    VAULT,
    edited,
    input_of,
    only,
    reg_named,
    set_input,
    violations_of,
)

SQL_SERVER = "platform-sql-server"
SQL_RULE = "platform-sql-allow-azure-services"


@pytest.mark.parametrize(
    ("name", "path", "kind", "own_name"),
    [
        (LAKE, ("publicNetworkAccess",), "storage account", "accountName"),
        (HOST_STORAGE, ("publicNetworkAccess",), "storage account", "accountName"),
        (VAULT, ("properties", "publicNetworkAccess"), "key vault", "vaultName"),
        (SQL_SERVER, ("publicNetworkAccess",), "SQL server", "serverName"),
        (APP, ("publicNetworkAccess",), "function app", "name"),
    ],
)
def test_a_public_data_plane_fires_in_test_and_prod(
    plans: dict[str, Plan], name: str, path: tuple[str, ...], kind: str, own_name: str
) -> None:
    for stack in ("test", "prod"):
        regs = edited(plans[stack], name, set_input(*path, value="Enabled"))
        found = only(violations_of(regs, stack, "network-private-data-planes"))
        assert found.message.startswith(
            f"{kind} '{input_of(plans[stack], name, own_name)}': {'.'.join(path)} is 'Enabled'; in test and prod"
        )


def test_dev_may_keep_public_data_planes(dev: Plan) -> None:
    assert reg_named(dev, LAKE).inputs["publicNetworkAccess"] == "Enabled"
    assert violations_of(dev.resources, "dev", "network-private-data-planes") == []


def test_the_azure_services_sql_rule_fires_outside_dev(dev: Plan, prod: Plan) -> None:
    rule = reg_named(dev, SQL_RULE)
    found = only(violations_of([*prod.resources, rule], "prod", "network-no-wide-firewall-openings"))
    assert "is the 0.0.0.0 'Allow Azure services' rule" in found.message
    assert violations_of(dev.resources, "dev", "network-no-wide-firewall-openings") == []


def test_a_sql_rule_for_the_whole_internet_fires_even_in_dev(dev: Plan) -> None:
    regs = edited(dev, SQL_RULE, set_input("endIpAddress", value="255.255.255.255"))
    found = only(violations_of(regs, "dev", "network-no-wide-firewall-openings"))
    assert found.message.endswith("admits every IPv4 address; admit named ranges only")


def test_an_ip_rule_for_every_address_fires_on_the_lake_and_the_vault(dev: Plan) -> None:
    lake = edited(dev, LAKE, set_input("networkRuleSet", "ipRules", value=[{"iPAddressOrRange": "0.0.0.0/0"}]))
    assert (
        "ip rule 0.0.0.0/0 admits every IPv4 address"
        in only(violations_of(lake, "dev", "network-no-wide-firewall-openings")).message
    )
    vault = edited(dev, VAULT, set_input("properties", "networkAcls", "ipRules", value=[{"value": "0.0.0.0/0"}]))
    assert only(violations_of(vault, "dev", "network-no-wide-firewall-openings")).message.startswith("key vault")
    named = edited(dev, LAKE, set_input("networkRuleSet", "ipRules", value=[{"iPAddressOrRange": "203.0.113.0/24"}]))
    assert violations_of(named, "dev", "network-no-wide-firewall-openings") == []
