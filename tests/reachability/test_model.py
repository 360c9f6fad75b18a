"""The reachability model: each kind of path opens its conversation, and removing it makes the rule fire."""

from __future__ import annotations

from typing import Any

import pytest

from preview.mocks import Registration
from preview.plan import Plan
from reachability.model import check, edges

RG = "/subscriptions/s/resourceGroups/rg/providers"
LAKE = f"{RG}/Microsoft.Storage/storageAccounts/stlake"
VAULT = f"{RG}/Microsoft.KeyVault/vaults/kv-x"
SQL = f"{RG}/Microsoft.Sql/servers/sql-x"


def reg(type_: str, logical: str, depends_on: list[str] | None = None, **inputs: Any) -> Registration:
    return Registration(
        urn=f"urn:pulumi:t::p::{type_}::{logical}",
        type=type_,
        name=logical,
        custom=True,
        parent=None,
        depends_on=depends_on or [],
        protect=False,
        inputs=inputs,
    )


def lake(default_action: str = "Deny", bypass: str = "AzureServices", public: str = "Enabled") -> Registration:
    return reg(
        "azure-native:storage:StorageAccount",
        "lake",
        accountName="stlake",
        isHnsEnabled=True,
        publicNetworkAccess=public,
        networkRuleSet={"defaultAction": default_action, "bypass": bypass, "ipRules": []},
    )


def function(subnet: str | None = None) -> Registration:
    inputs: dict[str, Any] = {"name": "func-x", "kind": "functionapp,linux"}
    if subnet:
        inputs["virtualNetworkSubnetId"] = f"{RG}/Microsoft.Network/virtualNetworks/vnet-x/subnets/{subnet}"
    return reg("azure-native:web:WebApp", "app", **inputs)


def private_endpoint_to(
    target: str, group: str, zone: str, link: bool = True, zone_group: bool = True
) -> list[Registration]:
    regs = [
        reg("azure-native:network:Subnet", "fn-subnet", subnetName="snet-function-app", virtualNetworkName="vnet-x"),
        reg(
            "azure-native:network:PrivateEndpoint",
            f"pe-{group}",
            privateEndpointName=f"pe-{group}",
            privateLinkServiceConnections=[{"privateLinkServiceId": target, "groupIds": [group]}],
        ),
    ]
    if zone_group:
        regs.append(
            reg(
                "azure-native:network:PrivateDnsZoneGroup",
                f"pe-{group}-dns",
                privateEndpointName=f"pe-{group}",
                privateDnsZoneConfigs=[{"privateDnsZoneId": f"{RG}/Microsoft.Network/privateDnsZones/{zone}"}],
            )
        )
    if link:
        regs.append(
            reg(
                "azure-native:privatedns:VirtualNetworkLink",
                f"{zone}-link",
                privateZoneName=zone,
                virtualNetwork={"id": f"{RG}/Microsoft.Network/virtualNetworks/vnet-x"},
            )
        )
    return regs


def _lake_edges(regs: list[Registration], caller: str) -> list[str]:
    return [str(v) for v in check(regs) if v.edge.caller.kind == caller and v.edge.target.kind == "lake"]


# --- public and allowed by a rule


def test_a_public_lake_that_allows_all_gives_the_function_a_path() -> None:
    assert _lake_edges([function(), lake(default_action="Allow")], "function") == []


def test_a_lake_that_denies_by_default_cuts_the_function_off_naming_both_ends_and_the_fix() -> None:
    (message,) = _lake_edges([function(), lake()], "function")
    assert message.startswith("function func-x -> lake stlake (blob, writes bronze): no allowed network path")
    assert "VNet-integrate the Function app" in message


def test_sql_is_reachable_only_while_the_azure_services_rule_exists() -> None:
    server = reg("azure-native:sql:Server", "sql", serverName="sql-x", publicNetworkAccess="Enabled")
    rule = reg(
        "azure-native:sql:FirewallRule", "rule", serverName="sql-x", startIpAddress="0.0.0.0", endIpAddress="0.0.0.0"
    )
    factory = reg("azure-native:datafactory:Factory", "adf", factoryName="adf-x")
    assert check([factory, server, rule]) == []
    fired = [str(v) for v in check([factory, server])]
    assert any(m.startswith("factory adf-x -> sql sql-x (sqlServer") for m in fired)
    assert any(m.startswith("agent deploy agent -> sql sql-x (sqlServer, ops sql apply)") for m in fired)


# --- trusted-service bypass


def test_the_factory_passes_a_denying_lake_as_a_trusted_service() -> None:
    factory = reg("azure-native:datafactory:Factory", "adf", factoryName="adf-x")
    assert _lake_edges([factory, lake()], "factory") == []


def test_without_the_bypass_the_factory_is_cut_off_too() -> None:
    factory = reg("azure-native:datafactory:Factory", "adf", factoryName="adf-x")
    (message,) = _lake_edges([factory, lake(bypass="None")], "factory")
    assert "managed private endpoint (dfs)" in message


def test_the_function_is_not_a_trusted_service() -> None:
    assert len(_lake_edges([function(), lake(bypass="AzureServices")], "function")) == 1


# --- private endpoint with DNS from a VNet-integrated caller

ZONE = "privatelink.blob.core.windows.net"


def test_a_private_endpoint_with_dns_opens_the_lake_to_the_integrated_function() -> None:
    regs = [function("snet-function-app"), lake(public="Disabled"), *private_endpoint_to(LAKE, "blob", ZONE)]
    assert _lake_edges(regs, "function") == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ({"subnet": None}, "the function is not in a VNet"),
        ({"link": False}, f"{ZONE} is not linked to the function's VNet vnet-x"),
        ({"zone_group": False}, f"not registered in {ZONE}"),
        ({"group": "dfs"}, "no private endpoint for blob"),
    ],
)
def test_removing_any_part_of_the_private_path_fires_the_rule(broken: dict[str, Any], expected: str) -> None:
    subnet = broken.get("subnet", "snet-function-app")
    endpoint = private_endpoint_to(
        LAKE,
        broken.get("group", "blob"),
        ZONE,
        link=broken.get("link", True),
        zone_group=broken.get("zone_group", True),
    )
    (message,) = _lake_edges([function(subnet), lake(public="Disabled"), *endpoint], "function")
    assert expected in message


# --- managed private endpoint from the managed runtime


def _managed(in_vnet: bool = True, approved: bool = True, group: str = "dfs") -> list[Registration]:
    endpoint = reg(
        "azure-native:datafactory:ManagedPrivateEndpoint",
        "mpe",
        properties={"privateLinkResourceId": LAKE, "groupId": group},
    )
    runtime_properties: dict[str, Any] = {"type": "Managed"}
    if in_vnet:
        runtime_properties["managedVirtualNetwork"] = {"referenceName": "default"}
    regs = [
        reg("azure-native:datafactory:Factory", "adf", factoryName="adf-x"),
        reg("azure-native:datafactory:IntegrationRuntime", "ir", properties=runtime_properties),
        endpoint,
    ]
    if approved:
        regs.append(
            reg(
                "pulumi-python:dynamic:Resource",
                "approval",
                depends_on=[endpoint.urn],
                kind="managed-private-endpoint-approval",
                targetResourceId=LAKE,
            )
        )
    return regs


def test_an_approved_managed_endpoint_from_the_managed_runtime_opens_a_closed_lake() -> None:
    assert _lake_edges([*_managed(), lake(bypass="None", public="Disabled")], "factory") == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ({"approved": False}, "never approved"),
        ({"in_vnet": False}, "no managed private endpoint from a managed-VNet runtime"),
        ({"group": "blob"}, "no managed private endpoint from a managed-VNet runtime"),
    ],
)
def test_removing_any_part_of_the_managed_path_fires_the_rule(broken: dict[str, Any], expected: str) -> None:
    (message,) = _lake_edges([*_managed(**broken), lake(bypass="None", public="Disabled")], "factory")
    assert expected in message


# --- the deploy agent


def test_the_agent_reaches_a_closed_sql_server_only_from_the_pool_in_the_vnet() -> None:
    server = reg("azure-native:sql:Server", "sql", serverName="sql-x", publicNetworkAccess="Disabled")
    endpoint = private_endpoint_to(SQL, "sqlServer", "privatelink.database.windows.net")
    endpoint[0] = reg("azure-native:network:Subnet", "agents", subnetName="snet-agents", virtualNetworkName="vnet-x")
    pool = reg(
        "azure-native:devopsinfrastructure:Pool",
        "pool",
        fabricProfile={
            "networkProfile": {"subnetId": f"{RG}/Microsoft.Network/virtualNetworks/vnet-x/subnets/snet-agents"}
        },
    )
    assert [str(v) for v in check([server, *endpoint, pool])] == []
    (message,) = [str(v) for v in check([server, *endpoint])]
    assert message.startswith("agent deploy agent -> sql sql-x (sqlServer, ops sql apply)")
    assert "run the step on the agent pool" in message


def test_conversations_exist_only_between_ends_in_the_plan_and_the_deploy_agent_always_exists() -> None:
    found = {(e.caller.kind, e.target.kind, e.group_id) for e in edges([function(), lake()])}
    assert found == {("function", "lake", "blob"), ("agent", "function", "sites")}


# --- the committed stacks


def test_test_and_prod_give_every_conversation_a_private_path_and_dev_a_public_one(plans: dict[str, Plan]) -> None:
    """Issue 11's finding (Deny with no private path) is gone: every edge of every stack has a path."""
    for stack in ("dev", "test", "prod"):
        assert check(plans[stack].all_resources) == [], stack
        found = {(e.caller.kind, e.target.kind, e.group_id) for e in edges(plans[stack].all_resources)}
        assert ("function", "lake", "blob") in found and ("factory", "function", "sites") in found, stack
