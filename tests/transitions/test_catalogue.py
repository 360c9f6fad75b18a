"""The catalogue of refused transitions: each entry fires on the change Azure refuses and stays quiet on the
changes Azure makes, judged through the whole check (`transitions`) on hand-made previous and current plans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from preview.mocks import MOCK_SUBSCRIPTION_ID, Registration
from tests.support.previous_plans import previous_of
from tests.support.registrations import reg, view_of
from transitions import REFUSALS, transitions

README = Path(__file__).resolve().parents[2] / "transitions" / "README.md"

IR = "azure-native:datafactory:IntegrationRuntime"
VAULT = "azure-native:keyvault:Vault"
ACCOUNT = "azure-native:storage:StorageAccount"
SUBNET = "azure-native:network:Subnet"
ENDPOINT = "azure-native:network:PrivateEndpoint"
SERVER = "azure-native:sql:Server"
PLAN = "azure-native:web:AppServicePlan"
POOL = "azure-native:devopsinfrastructure:Pool"

SUBNET_ID = (
    f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/"
    "subnets/snet"
)
"""The ARM id of the subnet below, written out as Azure forms it."""
LAKE_ID = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
OTHER_ID = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st2"

RUNTIME: dict[str, Any] = {"factoryName": "adf", "resourceGroupName": "rg", "integrationRuntimeName": "ir-managed"}
MANAGED_NETWORK: dict[str, Any] = {"type": "ManagedVirtualNetworkReference", "referenceName": "default"}
VAULT_NAMES: dict[str, Any] = {"vaultName": "kv", "resourceGroupName": "rg", "location": "westeurope"}
ACCOUNT_NAMES: dict[str, Any] = {
    "accountName": "st",
    "resourceGroupName": "rg",
    "location": "westeurope",
    "kind": "StorageV2",
}
SUBNET_NAMES: dict[str, Any] = {"subnetName": "snet", "virtualNetworkName": "vnet", "resourceGroupName": "rg"}
ENDPOINT_NAMES: dict[str, Any] = {"privateEndpointName": "pe", "resourceGroupName": "rg", "subnet": {"id": SUBNET_ID}}
SERVER_NAMES: dict[str, Any] = {"serverName": "sql", "resourceGroupName": "rg", "location": "westeurope"}
PLAN_NAMES: dict[str, Any] = {"name": "asp", "resourceGroupName": "rg", "location": "westeurope"}


def _connection(target: str, group: str, name: str = "connection") -> list[dict[str, Any]]:
    return [{"name": name, "privateLinkServiceId": target, "groupIds": [group]}]


@dataclass(frozen=True)
class Case:
    entry: str
    type_token: str
    before: dict[str, Any]
    after: dict[str, Any]
    fires: bool
    neighbours: tuple[Registration, ...] = field(default=())
    """Other resources the previous release deployed (what sits in a subnet)."""

    def __str__(self) -> str:
        return f"{self.entry}-{'fires' if self.fires else 'quiet'}"


ENDPOINT_IN_SUBNET = reg(ENDPOINT, "pe-in-subnet", **ENDPOINT_NAMES)
POOL_IN_SUBNET = reg(
    POOL,
    "pool",
    poolName="mdp",
    resourceGroupName="rg",
    fabricProfile={"networkProfile": {"subnetId": SUBNET_ID}},
)

CASES = (
    Case("adf-runtime-managed-network", IR, {**RUNTIME, "properties": {"type": "Managed"}},
         {**RUNTIME, "properties": {"type": "Managed", "managedVirtualNetwork": MANAGED_NETWORK}}, fires=True),
    Case("adf-runtime-managed-network", IR, {**RUNTIME, "properties": {"type": "Managed",
         "managedVirtualNetwork": MANAGED_NETWORK}}, {**RUNTIME, "properties": {"type": "Managed"}}, fires=True),
    Case("adf-runtime-managed-network", IR, {**RUNTIME, "properties": {"type": "Managed", "description": "a"}},
         {**RUNTIME, "properties": {"type": "Managed", "description": "b"}}, fires=False),
    Case("key-vault-purge-protection", VAULT, {**VAULT_NAMES, "properties": {"enablePurgeProtection": True}},
         {**VAULT_NAMES, "properties": {"enablePurgeProtection": False}}, fires=True),
    Case("key-vault-purge-protection", VAULT, {**VAULT_NAMES, "properties": {"enablePurgeProtection": True}},
         {**VAULT_NAMES, "properties": {}}, fires=True),
    Case("key-vault-purge-protection", VAULT, {**VAULT_NAMES, "properties": {"enablePurgeProtection": False}},
         {**VAULT_NAMES, "properties": {"enablePurgeProtection": True}}, fires=False),
    Case("key-vault-soft-delete", VAULT, {**VAULT_NAMES, "properties": {"enableSoftDelete": True}},
         {**VAULT_NAMES, "properties": {"enableSoftDelete": False}}, fires=True),
    Case("key-vault-soft-delete", VAULT, {**VAULT_NAMES, "properties": {}},
         {**VAULT_NAMES, "properties": {"enableSoftDelete": True}}, fires=False),
    Case("key-vault-retention-days", VAULT, {**VAULT_NAMES, "properties": {"softDeleteRetentionInDays": 90}},
         {**VAULT_NAMES, "properties": {"softDeleteRetentionInDays": 30}}, fires=True),
    Case("key-vault-retention-days", VAULT, {**VAULT_NAMES, "properties": {}},
         {**VAULT_NAMES, "properties": {"softDeleteRetentionInDays": 7}}, fires=True),
    Case("key-vault-retention-days", VAULT, {**VAULT_NAMES, "properties": {}},
         {**VAULT_NAMES, "properties": {"softDeleteRetentionInDays": 90}}, fires=False),
    Case("storage-hierarchical-namespace", ACCOUNT, {**ACCOUNT_NAMES, "isHnsEnabled": False},
         {**ACCOUNT_NAMES, "isHnsEnabled": True}, fires=True),
    Case("storage-hierarchical-namespace", ACCOUNT, {**ACCOUNT_NAMES, "isHnsEnabled": True},
         {**ACCOUNT_NAMES}, fires=True),
    Case("storage-hierarchical-namespace", ACCOUNT, {**ACCOUNT_NAMES, "isHnsEnabled": True, "accessTier": "Hot"},
         {**ACCOUNT_NAMES, "isHnsEnabled": True, "accessTier": "Cool"}, fires=False),
    Case("storage-zone-redundancy", ACCOUNT, {**ACCOUNT_NAMES, "sku": {"name": "Standard_LRS"}},
         {**ACCOUNT_NAMES, "sku": {"name": "Standard_ZRS"}}, fires=True),
    Case("storage-zone-redundancy", ACCOUNT, {**ACCOUNT_NAMES, "sku": {"name": "Standard_RAGZRS"}},
         {**ACCOUNT_NAMES, "sku": {"name": "Standard_GRS"}}, fires=True),
    Case("storage-zone-redundancy", ACCOUNT, {**ACCOUNT_NAMES, "sku": {"name": "Standard_LRS"}},
         {**ACCOUNT_NAMES, "sku": {"name": "Standard_RAGRS"}}, fires=False),
    Case("storage-zone-redundancy", ACCOUNT, {**ACCOUNT_NAMES, "sku": {"name": "Standard_ZRS"}},
         {**ACCOUNT_NAMES, "sku": {"name": "Standard_GZRS"}}, fires=False),
    Case("storage-account-kind", ACCOUNT, {**ACCOUNT_NAMES, "kind": "StorageV2"},
         {**ACCOUNT_NAMES, "kind": "Storage"}, fires=True),
    Case("storage-account-kind", ACCOUNT, {**ACCOUNT_NAMES, "kind": "Storage"},
         {**ACCOUNT_NAMES, "kind": "StorageV2"}, fires=False),
    Case("storage-infrastructure-encryption", ACCOUNT,
         {**ACCOUNT_NAMES, "encryption": {"keySource": "Microsoft.Storage"}},
         {**ACCOUNT_NAMES, "encryption": {"keySource": "Microsoft.Storage", "requireInfrastructureEncryption": True}},
         fires=True),
    Case("storage-infrastructure-encryption", ACCOUNT,
         {**ACCOUNT_NAMES, "encryption": {"requireInfrastructureEncryption": True, "services": {}}},
         {**ACCOUNT_NAMES, "encryption": {"requireInfrastructureEncryption": True, "services": {"blob": {}}}},
         fires=False),
    Case("subnet-prefix-in-use", SUBNET, {**SUBNET_NAMES, "addressPrefix": "10.20.0.0/27"},
         {**SUBNET_NAMES, "addressPrefix": "10.20.0.0/26"}, fires=True, neighbours=(ENDPOINT_IN_SUBNET,)),
    Case("subnet-prefix-in-use", SUBNET, {**SUBNET_NAMES, "addressPrefix": "10.20.0.0/27"},
         {**SUBNET_NAMES, "addressPrefix": "10.20.0.0/26"}, fires=False),
    Case("subnet-delegation-in-use", SUBNET,
         {**SUBNET_NAMES, "delegations": [{"name": "agents", "serviceName": "Microsoft.DevOpsInfrastructure/pools"}]},
         {**SUBNET_NAMES, "delegations": []}, fires=True, neighbours=(POOL_IN_SUBNET,)),
    Case("subnet-delegation-in-use", SUBNET,
         {**SUBNET_NAMES, "delegations": [{"name": "agents", "serviceName": "Microsoft.DevOpsInfrastructure/pools"}]},
         {**SUBNET_NAMES, "delegations": [{"name": "pool", "serviceName": "Microsoft.DevOpsInfrastructure/pools"}]},
         fires=False, neighbours=(POOL_IN_SUBNET,)),
    Case("private-endpoint-target", ENDPOINT,
         {**ENDPOINT_NAMES, "privateLinkServiceConnections": _connection(LAKE_ID, "blob")},
         {**ENDPOINT_NAMES, "privateLinkServiceConnections": _connection(OTHER_ID, "blob")}, fires=True),
    Case("private-endpoint-target", ENDPOINT,
         {**ENDPOINT_NAMES, "privateLinkServiceConnections": _connection(LAKE_ID, "blob")},
         {**ENDPOINT_NAMES, "privateLinkServiceConnections": _connection(LAKE_ID, "dfs")}, fires=True),
    Case("private-endpoint-target", ENDPOINT,
         {**ENDPOINT_NAMES, "privateLinkServiceConnections": _connection(LAKE_ID, "blob")},
         {**ENDPOINT_NAMES, "privateLinkServiceConnections": _connection(LAKE_ID.upper(), "blob", "renamed")},
         fires=False),
    Case("sql-administrator-login", SERVER, {**SERVER_NAMES, "administratorLogin": "admin1"},
         {**SERVER_NAMES, "administratorLogin": "admin2"}, fires=True),
    Case("sql-administrator-login", SERVER, {**SERVER_NAMES, "administratorLogin": "admin1", "version": "12.0"},
         {**SERVER_NAMES, "administratorLogin": "admin1", "version": "12.1"}, fires=False),
    Case("sql-entra-administrator", SERVER, {**SERVER_NAMES, "administrators": {"login": "sg-a", "sid": "1"}},
         {**SERVER_NAMES, "administrators": {"login": "sg-b", "sid": "2"}}, fires=True),
    Case("sql-entra-administrator", SERVER,
         {**SERVER_NAMES, "administrators": {"login": "sg-a"}, "publicNetworkAccess": "Enabled"},
         {**SERVER_NAMES, "administrators": {"login": "sg-a"}, "publicNetworkAccess": "Disabled"}, fires=False),
    Case("flex-consumption-plan", PLAN, {**PLAN_NAMES, "sku": {"name": "FC1", "tier": "FlexConsumption"}},
         {**PLAN_NAMES, "sku": {"name": "EP1", "tier": "ElasticPremium"}}, fires=True),
    Case("flex-consumption-plan", PLAN, {**PLAN_NAMES, "sku": {"name": "EP1", "tier": "ElasticPremium"}},
         {**PLAN_NAMES, "sku": {"name": "FC1", "tier": "FlexConsumption"}}, fires=True),
    Case("flex-consumption-plan", PLAN, {**PLAN_NAMES, "sku": {"name": "EP1", "tier": "ElasticPremium"}},
         {**PLAN_NAMES, "sku": {"name": "P1v3", "tier": "PremiumV3"}}, fires=False),
    Case("resource-location", VAULT, {**VAULT_NAMES, "location": "westeurope"},
         {**VAULT_NAMES, "location": "northeurope"}, fires=True),
    Case("resource-location", VAULT, {**VAULT_NAMES, "location": "West Europe"},
         {**VAULT_NAMES, "location": "westeurope"}, fires=False),
)  # fmt: skip


def refused_entries(case: Case) -> list[str]:
    before = reg(case.type_token, "subject", **case.before)
    after = reg(case.type_token, "subject", **case.after)
    report = transitions(previous_of(before, *case.neighbours), view_of(after, *case.neighbours))
    return [refused.refusal.name for refused in report.refused]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_entry_fires_on_what_azure_refuses_and_only_then(case: Case) -> None:
    found = refused_entries(case)
    if case.fires:
        assert found == [case.entry]
    else:
        assert case.entry not in found


def test_every_entry_is_tested_firing_and_quiet() -> None:
    names = {refusal.name for refusal in REFUSALS}
    assert {case.entry for case in CASES if case.fires} == names
    assert {case.entry for case in CASES if not case.fires} == names


def test_every_entry_cites_a_page_or_issue_and_the_day_it_was_read() -> None:
    for refusal in REFUSALS:
        assert refusal.source.startswith(("https://learn.microsoft.com/", "https://github.com/")), refusal.name
        assert refusal.read_on.year >= 2026, refusal.name
        assert refusal.says and refusal.allowed, refusal.name


def test_the_readme_lists_every_entry_with_its_source() -> None:
    text = README.read_text(encoding="utf-8")
    rows = {match[0]: match[1] for match in re.findall(r"^\| `([a-z-]+)` \|.*\| <?(https://[^ |>]+)>? \|", text, re.M)}
    assert rows == {refusal.name: refusal.source for refusal in REFUSALS}


def test_a_refused_transition_names_the_resource_the_property_both_values_and_the_source() -> None:
    case = CASES[0]
    before = reg(case.type_token, "platform-adf-network-runtime", **case.before)
    after = reg(case.type_token, "platform-adf-network-runtime", **case.after)
    [line] = transitions(previous_of(before), view_of(after)).violations()
    assert line.startswith("platform-adf-network-runtime (IntegrationRuntime ir-managed): ")
    assert "properties.managedVirtualNetwork: absent -> " in line
    assert '"referenceName": "default"' in line
    assert "https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint" in line
    assert "name 'platform-adf-network-runtime' in data-platform:intendedReplacements" in line


def test_values_not_known_offline_are_not_judged() -> None:
    before = reg(VAULT, "kv", **VAULT_NAMES, properties={"softDeleteRetentionInDays": "[unknown]"})
    after = reg(VAULT, "kv", **VAULT_NAMES, properties={"softDeleteRetentionInDays": 30})
    assert transitions(previous_of(before), view_of(after)).refused == ()
