"""The factory's runtime: one name everywhere; a managed VNet, managed endpoints and their approvals where private."""

from __future__ import annotations

from components.endpoint_approval import KIND
from components.factory_network import RUNTIME_NAME, FactoryNetwork, FactoryNetworkArgs, ManagedEndpointTargets
from preview.mocks import Registration
from tests.support.component_plan import build, of_type, only, schema_violations

LAKE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlake"
SQL = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-x"
VAULT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-x"
TARGETS = ManagedEndpointTargets(lake_id=LAKE, sql_server_id=SQL, vault_id=VAULT)


def _build(managed: bool) -> list[Registration]:
    return build(
        lambda: FactoryNetwork(
            "adf-net",
            FactoryNetworkArgs(
                resource_group_name="rg",
                factory_name="adf-x",
                managed_endpoint_targets=TARGETS if managed else None,
            ),
        )
    )


def _approvals(regs: list[Registration]) -> list[Registration]:
    return [reg for reg in regs if reg.inputs.get("kind") == KIND]


def test_runtime_has_the_same_name_in_public_and_private_stacks() -> None:
    for managed in (False, True):
        runtime = only(_build(managed), "azure-native:datafactory:IntegrationRuntime").inputs
        assert runtime["integrationRuntimeName"] == RUNTIME_NAME == "ir-managed"
        assert runtime["properties"]["type"] == "Managed"


def test_public_stack_gets_a_plain_azure_runtime_and_nothing_else() -> None:
    regs = _build(False)
    runtime = only(regs, "azure-native:datafactory:IntegrationRuntime").inputs
    assert "managedVirtualNetwork" not in runtime["properties"]
    assert of_type(regs, "azure-native:resources:Deployment") == []
    assert of_type(regs, "azure-native:datafactory:ManagedPrivateEndpoint") == []
    assert _approvals(regs) == []


def test_private_stack_deploys_the_managed_vnet_named_default_by_template() -> None:
    deployment = only(_build(True), "azure-native:resources:Deployment").inputs
    (resource,) = deployment["properties"]["template"]["resources"]
    assert resource["type"] == "Microsoft.DataFactory/factories/managedVirtualNetworks"
    assert resource["name"].endswith("'/default')]")
    assert resource["properties"] == {}
    assert deployment["properties"]["parameters"] == {"factoryName": {"value": "adf-x"}}


def test_private_runtime_sits_in_the_managed_vnet_after_it_exists() -> None:
    regs = _build(True)
    runtime = only(regs, "azure-native:datafactory:IntegrationRuntime")
    assert runtime.inputs["properties"]["managedVirtualNetwork"] == {
        "referenceName": "default",
        "type": "ManagedVirtualNetworkReference",
    }
    assert only(regs, "azure-native:resources:Deployment").urn in runtime.depends_on


def test_the_factory_declares_one_managed_endpoint_per_group_id_each_target_offers_and_none_to_the_site() -> None:
    regs = _build(True)
    endpoints = {
        reg.inputs["managedPrivateEndpointName"]: reg
        for reg in of_type(regs, "azure-native:datafactory:ManagedPrivateEndpoint")
    }
    assert {
        name: (reg.inputs["properties"]["privateLinkResourceId"], reg.inputs["properties"]["groupId"])
        for name, reg in endpoints.items()
    } == {
        "mpe-lake-dfs": (LAKE, "dfs"),
        "mpe-lake-blob": (LAKE, "blob"),
        "mpe-sql": (SQL, "sqlServer"),
        "mpe-vault": (VAULT, "vault"),
    }
    assert all(reg.inputs["managedVirtualNetworkName"] == "default" for reg in endpoints.values())
    approvals = {reg.inputs["endpointName"]: reg for reg in _approvals(regs)}
    assert set(approvals) == {f"adf-x.{name}" for name in endpoints}
    for name, endpoint in endpoints.items():
        approval = approvals[f"adf-x.{name}"]
        assert approval.inputs["targetResourceId"] == endpoint.inputs["properties"]["privateLinkResourceId"]
        assert endpoint.urn in approval.depends_on


def test_every_child_is_parented_to_the_component() -> None:
    regs = _build(True)
    component = only(regs, "data-platform:integration:FactoryNetwork")
    assert all(reg.parent == component.urn for reg in regs if reg is not component)


def test_every_input_is_known_to_the_installed_sdk() -> None:
    assert schema_violations(_build(True)) == []
