"""The reachability model: each kind of path opens its conversation, and removing any part of it makes the rule fire."""

from __future__ import annotations

from typing import Any

import pytest

from preview.mocks import Registration
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import PlanView
from reachability import check
from reachability.model import NodeKind, edges, factory_edges
from stack.private_dns import DataPlane
from tests.support.registrations import PROVIDERS, reg, view_of

LAKE = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake"
SQL = f"{PROVIDERS}/Microsoft.Sql/servers/sql-x"
VNET = f"{PROVIDERS}/Microsoft.Network/virtualNetworks/vnet-x"
BLOB_ZONE = "privatelink.blob.core.windows.net"
SQL_ZONE = "privatelink.database.windows.net"


def lake(default_action: str = "Deny", bypass: str = "AzureServices", public: str = "Enabled") -> Registration:
    return reg(
        ResourceType.STORAGE_ACCOUNT,
        "lake",
        accountName="stlake",
        isHnsEnabled=True,
        publicNetworkAccess=public,
        networkRuleSet={"defaultAction": default_action, "bypass": bypass, "ipRules": []},
    )


def function(subnet: str | None = None) -> Registration:
    inputs: dict[str, Any] = {"name": "func-x", "kind": "functionapp,linux"}
    if subnet:
        inputs["virtualNetworkSubnetId"] = f"{VNET}/subnets/{subnet}"
    return reg(ResourceType.WEB_APP, "app", **inputs)


def factory() -> Registration:
    return reg(ResourceType.FACTORY, "adf", factoryName="adf-x")


def linked_service(name: str, via: str | None = None, **properties: Any) -> Registration:
    """A linked service of factory adf-x; `via` its `connectVia` runtime (None: AutoResolve)."""
    if via is not None:
        properties["connectVia"] = {"referenceName": via, "type": "IntegrationRuntimeReference"}
    return reg(ResourceType.LINKED_SERVICE, name, factoryName="adf-x", linkedServiceName=name, properties=properties)


def factory_calling(*targets: str, via: str | None = None) -> list[Registration]:
    """The factory with one linked service per target: `lake` (dfs), `sql`, `vault`."""
    services = {
        "lake": linked_service("LS_Lake", via, type="AzureBlobFS", url="https://stlake.dfs.core.windows.net/"),
        "sql": linked_service("LS_Sql", via, type="AzureSqlDatabase", server="sql-x.database.windows.net"),
        "vault": linked_service("LS_Vault", via, type="AzureKeyVault", baseUrl="https://kv-x.vault.azure.net/"),
    }
    return [factory(), *(services[target] for target in targets)]


def network(*subnets: str, vnet: str = "vnet-x") -> list[Registration]:
    """A VNet whose logical name (`platform-<name>`) is not its Azure name, as in the program: messages name the
    Azure one."""
    return [
        reg(ResourceType.VIRTUAL_NETWORK, f"platform-{vnet}", virtualNetworkName=vnet),
        *(reg(ResourceType.SUBNET, f"{vnet}-{s}", subnetName=s, virtualNetworkName=vnet) for s in subnets),
    ]


def private_endpoint_to(
    target: str,
    group: str,
    zone: str,
    *,
    link: bool = True,
    zone_group: bool = True,
    link_vnet: str = "vnet-x",
    group_zone: str | None = None,
    link_zone: str | None = None,
) -> list[Registration]:
    """A private endpoint with its zone group (in `group_zone`, default `zone`) and `link_zone` (default `zone`)
    linked to `link_vnet`."""
    regs = [
        reg(ResourceType.PRIVATE_DNS_ZONE, zone, privateZoneName=zone),
        reg(
            ResourceType.PRIVATE_ENDPOINT,
            f"pe-{group}",
            privateEndpointName=f"pe-{group}",
            privateLinkServiceConnections=[{"privateLinkServiceId": target, "groupIds": [group]}],
        ),
    ]
    for other in {group_zone, link_zone} - {None, zone}:
        regs.append(reg(ResourceType.PRIVATE_DNS_ZONE, str(other), privateZoneName=other))
    if zone_group:
        regs.append(
            reg(
                ResourceType.PRIVATE_DNS_ZONE_GROUP,
                f"pe-{group}-dns",
                privateEndpointName=f"pe-{group}",
                privateDnsZoneGroupName="default",
                privateDnsZoneConfigs=[
                    {"privateDnsZoneId": f"{PROVIDERS}/Microsoft.Network/privateDnsZones/{group_zone or zone}"}
                ],
            )
        )
    if link:
        regs.append(
            reg(
                ResourceType.VIRTUAL_NETWORK_LINK,
                f"{zone}-link",
                privateZoneName=link_zone or zone,
                virtualNetworkLinkName=f"{link_vnet}-link",
                virtualNetwork={"id": f"{PROVIDERS}/Microsoft.Network/virtualNetworks/{link_vnet}"},
            )
        )
    return regs


def violations(*regs: Registration) -> list[str]:
    return [str(v) for v in check(view_of(*regs))]


def _lake_edges(regs: list[Registration], caller: NodeKind) -> list[str]:
    return [
        str(v) for v in check(view_of(*regs)) if v.edge.caller.kind == caller and v.edge.target.kind == NodeKind.LAKE
    ]


def test_node_kinds_are_the_data_planes_and_the_callers() -> None:
    assert {str(kind) for kind in NodeKind} == {str(plane) for plane in DataPlane} | {"factory", "agent"}


# --- public and allowed by a rule


def test_a_public_lake_that_allows_all_gives_the_function_a_path() -> None:
    assert _lake_edges([function(), lake(default_action="Allow")], NodeKind.FUNCTION) == []


def test_a_lake_that_denies_by_default_cuts_the_function_off_naming_both_ends_and_the_fix() -> None:
    (message,) = _lake_edges([function(), lake()], NodeKind.FUNCTION)
    assert message == (
        "function func-x -> lake stlake (blob, writes bronze): no allowed network path: the firewall denies by "
        "default and no IP rule can admit a caller without a fixed address; no private endpoint for blob. To open "
        f"one: a private endpoint to stlake (blob) registered in {BLOB_ZONE}, that zone linked to the VNet, and "
        "VNet-integrate the Function app in that VNet"
    )


def test_a_lake_with_public_access_disabled_is_closed_whatever_its_firewall_says() -> None:
    (message,) = _lake_edges([function(), lake(default_action="Allow", public="Disabled")], NodeKind.FUNCTION)
    assert "public network access is Disabled" in message


def server(public: str = "Enabled") -> Registration:
    return reg(ResourceType.SQL_SERVER, "sql", serverName="sql-x", publicNetworkAccess=public)


def azure_services_rule(server_name: str = "sql-x", start: str = "0.0.0.0", end: str = "0.0.0.0") -> Registration:
    return reg(
        ResourceType.SQL_FIREWALL_RULE,
        "rule",
        serverName=server_name,
        firewallRuleName="AllowAllWindowsAzureIps",
        startIpAddress=start,
        endIpAddress=end,
    )


def test_sql_is_reachable_only_while_the_azure_services_rule_exists() -> None:
    assert violations(*factory_calling("sql"), server(), azure_services_rule()) == []
    fired = violations(*factory_calling("sql"), server())
    (factory_message,) = [
        m
        for m in fired
        if m.startswith(
            "factory adf-x -> sql sql-x (sqlServer, linked service LS_Sql, on AutoResolveIntegrationRuntime)"
        )
    ]
    assert factory_message.endswith("from the factory's managed-VNet runtime, approved on sql-x")
    assert any(m.startswith("agent deploy agent -> sql sql-x (sqlServer, ops sql apply)") for m in fired)
    assert all("public, but no firewall rule admits Azure-hosted callers" in m for m in fired)


def test_the_azure_services_rule_counts_on_its_own_server_named_in_any_case() -> None:
    assert violations(*factory_calling("sql"), server(), azure_services_rule(server_name="SQL-X")) == []
    other = reg(ResourceType.SQL_SERVER, "other", serverName="sql-other")
    assert len(violations(*factory_calling("sql"), server(), other, azure_services_rule(server_name="sql-other"))) == 2


@pytest.mark.parametrize(("start", "end"), [("10.0.0.1", "0.0.0.0"), ("0.0.0.0", "10.0.0.1")])
def test_a_firewall_rule_other_than_azure_services_opens_nothing(start: str, end: str) -> None:
    assert len(violations(*factory_calling("sql"), server(), azure_services_rule(start=start, end=end))) == 2


# --- trusted-service bypass


def test_the_factory_passes_a_denying_lake_as_a_trusted_service() -> None:
    assert _lake_edges([*factory_calling("lake"), lake()], NodeKind.FACTORY) == []


def test_without_the_bypass_the_factory_is_cut_off_too() -> None:
    (message,) = _lake_edges([*factory_calling("lake"), lake(bypass="None")], NodeKind.FACTORY)
    assert "managed private endpoint (dfs)" in message
    assert message.endswith("approved on stlake, or bypass AzureServices on its firewall")


def test_a_lake_with_public_access_disabled_admits_no_trusted_service() -> None:
    (message,) = _lake_edges([*factory_calling("lake"), lake(public="Disabled")], NodeKind.FACTORY)
    assert "public network access is Disabled" in message


def test_a_vault_with_public_access_disabled_still_admits_the_trusted_factory() -> None:
    vault = reg(
        ResourceType.VAULT,
        "vault",
        vaultName="kv-x",
        properties={
            "publicNetworkAccess": "Disabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
        },
    )
    fired = violations(*factory_calling("vault"), vault)
    assert [m.split(":")[0] for m in fired] == [
        "agent deploy agent -> vault kv-x (vault, secrets-officer access probe)"
    ]


def test_the_function_is_not_a_trusted_service() -> None:
    assert len(_lake_edges([function(), lake(bypass="AzureServices")], NodeKind.FUNCTION)) == 1


# --- private endpoint with DNS from a VNet-integrated caller


def closed_lake_with_endpoint(**broken: Any) -> list[Registration]:
    subnet = broken.pop("subnet", "snet-function-app")
    target = broken.pop("target", LAKE)
    group = broken.pop("group", "blob")
    return [
        function(subnet),
        lake(public="Disabled"),
        *network("snet-function-app"),
        *private_endpoint_to(target, group, BLOB_ZONE, **broken),
    ]


def test_a_private_endpoint_with_dns_opens_the_lake_to_the_integrated_function() -> None:
    assert _lake_edges(closed_lake_with_endpoint(), NodeKind.FUNCTION) == []


def test_a_function_integrated_with_something_other_than_a_subnet_is_in_no_vnet() -> None:
    group = reg(ResourceType.RESOURCE_GROUP, "group", resourceGroupName="rg")
    regs = [group, *closed_lake_with_endpoint()]
    regs[1] = reg(ResourceType.WEB_APP, "app", name="func-x", kind="functionapp", virtualNetworkSubnetId=VNET)
    (message,) = _lake_edges(regs, NodeKind.FUNCTION)
    assert "the function is not in a VNet" in message


def test_ids_are_compared_without_regard_to_case() -> None:
    assert _lake_edges(closed_lake_with_endpoint(target=LAKE.upper()), NodeKind.FUNCTION) == []


def test_a_zone_named_in_capitals_is_the_same_zone() -> None:
    """DNS names ignore case: the zone `PrivateLink.Blob.Core.Windows.Net` is the blob zone."""
    capitals = BLOB_ZONE.title()
    regs = [
        *[r for r in closed_lake_with_endpoint() if r.type != ResourceType.PRIVATE_DNS_ZONE],
        reg(ResourceType.PRIVATE_DNS_ZONE, capitals, privateZoneName=capitals),
    ]
    assert _lake_edges(regs, NodeKind.FUNCTION) == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ({"subnet": None}, "the function is not in a VNet"),
        ({"subnet": "snet-unplanned"}, "the function is not in a VNet"),
        ({"link": False}, f"{BLOB_ZONE} is not linked to the function's VNet vnet-x"),
        ({"link_vnet": "vnet-other"}, f"{BLOB_ZONE} is not linked to the function's VNet vnet-x"),
        ({"link_zone": "privatelink.dfs.core.windows.net"}, f"{BLOB_ZONE} is not linked to the function's VNet"),
        ({"zone_group": False}, f"not registered in {BLOB_ZONE}"),
        ({"group_zone": "privatelink.dfs.core.windows.net"}, f"not registered in {BLOB_ZONE}"),
        ({"group": "dfs"}, "no private endpoint for blob"),
        ({"target": f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stother"}, "no private endpoint for blob"),
    ],
)
def test_removing_any_part_of_the_private_path_fires_the_rule(broken: dict[str, Any], expected: str) -> None:
    (message,) = _lake_edges(closed_lake_with_endpoint(**broken), NodeKind.FUNCTION)
    assert expected in message


def test_a_zone_group_counts_only_on_its_own_endpoint() -> None:
    regs = closed_lake_with_endpoint()
    moved = [
        reg(ResourceType.PRIVATE_ENDPOINT, "pe-other", privateEndpointName="pe-other") if r.name == "pe-blob-dns" else r
        for r in regs
    ]
    zone_group = next(r for r in regs if r.name == "pe-blob-dns")
    moved.append(reg(zone_group.type, "moved-dns", **{**zone_group.inputs, "privateEndpointName": "pe-other"}))
    (message,) = _lake_edges(moved, NodeKind.FUNCTION)
    assert f"not registered in {BLOB_ZONE}" in message


# --- managed private endpoint from the managed runtime


def _managed(
    in_vnet: bool = True,
    approved: bool = True,
    group: str = "dfs",
    endpoint_factory: str = "adf-x",
    runtime_factory: str = "adf-x",
    approval_target: str = LAKE,
    approval_of_other: bool = False,
    approval_kind: str = "managed-private-endpoint-approval",
    via: str | None = "ir",
) -> list[Registration]:
    """The factory's lake linked service on runtime `via`, and the managed path from runtime `ir` to the lake."""
    endpoint = reg(
        ResourceType.MANAGED_PRIVATE_ENDPOINT,
        "mpe",
        factoryName=endpoint_factory,
        managedVirtualNetworkName="default",
        managedPrivateEndpointName="lake-dfs",
        properties={"privateLinkResourceId": LAKE, "groupId": group},
    )
    other = reg(
        ResourceType.MANAGED_PRIVATE_ENDPOINT,
        "mpe-other",
        factoryName="adf-x",
        managedVirtualNetworkName="default",
        managedPrivateEndpointName="other",
        properties={"privateLinkResourceId": SQL, "groupId": "sqlServer"},
    )
    runtime_properties: dict[str, Any] = {"type": "Managed"}
    if in_vnet:
        runtime_properties["managedVirtualNetwork"] = {"referenceName": "default"}
    regs = [
        *factory_calling("lake", via=via),
        reg(ResourceType.FACTORY, "adf-2", factoryName="adf-other"),
        reg(
            ResourceType.INTEGRATION_RUNTIME,
            "ir",
            factoryName=runtime_factory,
            integrationRuntimeName="ir",
            properties=runtime_properties,
        ),
        endpoint,
        other,
    ]
    if approved:
        regs.append(
            reg(
                ResourceType.DYNAMIC,
                "approval",
                depends_on=[other if approval_of_other else endpoint],
                kind=approval_kind,
                targetResourceId=approval_target,
            )
        )
    return regs


def test_an_approved_managed_endpoint_from_the_managed_runtime_opens_a_closed_lake() -> None:
    assert _lake_edges([*_managed(), lake(bypass="None", public="Disabled")], NodeKind.FACTORY) == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ({"approved": False}, "never approved"),
        ({"approval_of_other": True}, "never approved"),
        ({"approval_target": SQL}, "never approved"),
        ({"approval_kind": "function-host-keys"}, "never approved"),
        ({"in_vnet": False}, "runs on ir, which is in no managed virtual network of the factory"),
        ({"runtime_factory": "adf-other"}, "runs on ir, which is in no managed virtual network of the factory"),
        ({"endpoint_factory": "adf-other"}, "no managed private endpoint (dfs) from the managed virtual network"),
        ({"group": "blob"}, "no managed private endpoint (dfs) from the managed virtual network"),
        ({"via": None}, "runs on AutoResolveIntegrationRuntime, which is in no managed virtual network"),
        ({"via": "ir-elsewhere"}, "runs on ir-elsewhere, which is in no managed virtual network"),
    ],
)
def test_removing_any_part_of_the_managed_path_fires_the_rule(broken: dict[str, Any], expected: str) -> None:
    (message,) = _lake_edges([*_managed(**broken), lake(bypass="None", public="Disabled")], NodeKind.FACTORY)
    assert expected in message


def test_a_runtime_referenced_in_other_letter_case_is_the_planned_managed_runtime() -> None:
    assert _lake_edges([*_managed(via="IR"), lake(bypass="None", public="Disabled")], NodeKind.FACTORY) == []


def test_a_linked_service_without_connect_via_runs_on_auto_resolve_and_is_told_to_move() -> None:
    (message,) = _lake_edges([*_managed(via=None), lake(bypass="None", public="Disabled")], NodeKind.FACTORY)
    assert message.startswith(
        "factory adf-x -> lake stlake (dfs, linked service LS_Lake, on AutoResolveIntegrationRuntime)"
    )
    assert "run the connection on a runtime in the factory's managed virtual network instead of " in message
    assert "AutoResolveIntegrationRuntime (the linked service's `connectVia`" in message


def data_flow_pipeline(
    runtime: str | None, sources: list[dict[str, Any]] | None = None, sinks: list[dict[str, Any]] | None = None
) -> list[Registration]:
    """A pipeline whose one activity runs a data flow, on `runtime` (None: the activity names none), with the lake
    dataset DS_Lake; the flow reads DS_Lake unless `sources` says otherwise, and writes `sinks` (none by default)."""
    activity: dict[str, Any] = {
        "name": "Cleanse",
        "type": "ExecuteDataFlow",
        "dataFlow": {"referenceName": "DF_Cleanse", "type": "DataFlowReference"},
    }
    if runtime is not None:
        activity["integrationRuntime"] = {"referenceName": runtime, "type": "IntegrationRuntimeReference"}
    dataset = {"referenceName": "DS_Lake", "type": "DatasetReference"}
    return [
        reg(
            ResourceType.DATASET,
            "ds",
            factoryName="adf-x",
            datasetName="DS_Lake",
            properties={"type": "Parquet", "linkedServiceName": {"referenceName": "LS_Lake"}},
        ),
        reg(
            ResourceType.DATA_FLOW,
            "df",
            factoryName="adf-x",
            dataFlowName="DF_Cleanse",
            properties={
                "type": "MappingDataFlow",
                "sources": [{"name": "In", "dataset": dataset}] if sources is None else sources,
                "sinks": sinks or [],
            },
        ),
        reg(ResourceType.PIPELINE, "pl", factoryName="adf-x", pipelineName="PL_Cleanse", activities=[activity]),
    ]


def test_a_data_flow_runs_on_its_activitys_runtime_whatever_its_linked_service_connects_via() -> None:
    closed = [*_managed(), lake(bypass="None", public="Disabled")]
    assert _lake_edges([*closed, *data_flow_pipeline("ir")], NodeKind.FACTORY) == []
    (message,) = _lake_edges([*closed, *data_flow_pipeline(None)], NodeKind.FACTORY)
    assert message.startswith(
        "factory adf-x -> lake stlake (dfs, pipeline PL_Cleanse, activity Cleanse (data flow), "
        "on AutoResolveIntegrationRuntime)"
    )
    assert "a data flow activity's `integrationRuntime`" in message


def test_a_secret_a_linked_service_reads_from_the_vault_is_a_conversation_on_its_runtime() -> None:
    secret = {"type": "AzureKeyVaultSecret", "store": {"referenceName": "LS_Vault"}, "secretName": "key"}
    caller = linked_service("LS_Func", "ir", type="AzureFunction", functionKey=secret, functionAppUrl="https://x")
    vault = reg(ResourceType.VAULT, "vault", vaultName="kv-x", properties={"publicNetworkAccess": "Disabled"})
    runtime = reg(ResourceType.INTEGRATION_RUNTIME, "ir", factoryName="adf-x", integrationRuntimeName="ir")
    regs = [*factory_calling("vault"), caller, vault, runtime]
    found = {(e.target.kind, e.purpose) for e in edges(view_of(*regs)) if e.caller.kind == NodeKind.FACTORY}
    assert found == {
        (NodeKind.VAULT, "linked service LS_Vault, on AutoResolveIntegrationRuntime"),
        (NodeKind.VAULT, "linked service LS_Func via LS_Vault, on ir"),
    }


# --- the deploy agent


def pool(subnet: str = "snet-agents") -> Registration:
    return reg(
        ResourceType.AGENT_POOL,
        "pool",
        poolName="pool-x",
        fabricProfile={"networkProfile": {"subnetId": f"{VNET}/subnets/{subnet}"}},
    )


def test_the_agent_reaches_a_closed_sql_server_only_from_the_pool_in_the_vnet() -> None:
    path = [server("Disabled"), *network("snet-agents"), *private_endpoint_to(SQL, "sqlServer", SQL_ZONE)]
    assert violations(*path, pool()) == []
    (message,) = violations(*path)
    assert message.startswith("agent deploy agent -> sql sql-x (sqlServer, ops sql apply)")
    assert "a private endpoint exists, but the agent is not in a VNet" in message
    assert "run the step on the agent pool" in message
    (message,) = violations(*path, pool(subnet="snet-elsewhere"))
    assert "the agent is not in a VNet" in message


def test_conversations_exist_only_between_ends_in_the_plan_and_the_deploy_agent_always_exists() -> None:
    found = {(e.caller.kind, e.target.kind, e.group_id) for e in edges(view_of(function(), lake()))}
    assert found == {("function", "lake", "blob"), ("agent", "function", "sites")}


def test_a_storage_account_without_hierarchical_namespace_is_the_host_storage() -> None:
    host = reg(ResourceType.STORAGE_ACCOUNT, "host", accountName="sthost")
    found = {(e.caller.kind, e.target.kind, e.group_id) for e in edges(view_of(function(), host))}
    assert found == {
        ("function", "host-storage", "blob"),
        ("function", "host-storage", "queue"),
        ("function", "host-storage", "table"),
        ("agent", "function", "sites"),
    }


def test_a_web_app_that_is_not_a_function_app_is_no_end() -> None:
    site = reg(ResourceType.WEB_APP, "site", name="web-x", kind="app,linux")
    assert edges(view_of(site, lake())) == []


# --- the committed stacks


def test_test_and_prod_give_every_conversation_a_private_path_and_dev_a_public_one(plans: dict[str, Plan]) -> None:
    """Issue 11's finding (Deny with no private path) is gone: every edge of every stack has a path."""
    for stack in ("dev", "test", "prod"):
        view = PlanView.of_environment(plans[stack])
        assert check(view) == [], stack
        found = {(e.caller.kind, e.target.kind, e.group_id) for e in edges(view)}
        assert ("function", "lake", "blob") in found and ("factory", "lake", "dfs") in found, stack


def test_one_runtime_named_in_two_letter_cases_is_one_conversation_with_a_target() -> None:
    """ADF names ignore case: LS_Lake via `ir` and LS_Lake2 via `IR` are one conversation, named by the first."""
    second = linked_service("LS_Lake2", "IR", type="AzureBlobFS", url="https://stlake.dfs.core.windows.net/")
    regs = [*factory_calling("lake", via="ir"), second, lake()]
    purposes = [e.purpose for e in factory_edges(view_of(*regs)) if e.target.kind == NodeKind.LAKE]
    assert purposes == ["linked service LS_Lake, on ir"]


def test_a_data_flow_talks_to_its_sinks_stores_as_to_its_sources() -> None:
    """A data flow reads its sources and writes its sinks on the activity's runtime: both are conversations."""
    written = {"name": "Out", "dataset": {"referenceName": "DS_Sql", "type": "DatasetReference"}}
    sql_dataset = reg(
        ResourceType.DATASET,
        "ds-sql",
        factoryName="adf-x",
        datasetName="DS_Sql",
        properties={"type": "AzureSqlTable", "linkedServiceName": {"referenceName": "LS_Sql"}},
    )
    server = reg(ResourceType.SQL_SERVER, "sql", serverName="sql-x")
    world = [*factory_calling("sql"), server, sql_dataset, *data_flow_pipeline("ir", sources=[], sinks=[written])]
    purposes = {e.purpose for e in factory_edges(view_of(*world)) if e.target.kind == NodeKind.SQL}
    assert "pipeline PL_Cleanse, activity Cleanse (data flow), on ir" in purposes


def test_a_secret_from_a_vault_the_plan_does_not_hold_is_no_conversation() -> None:
    secret = {"type": "AzureKeyVaultSecret", "store": {"referenceName": "LS_Vault"}, "secretName": "key"}
    caller = linked_service("LS_Func", "ir", type="AzureFunction", functionKey=secret, functionAppUrl="https://x")
    elsewhere = linked_service("LS_Vault", type="AzureKeyVault", baseUrl="https://kv-elsewhere.vault.azure.net/")
    regs = [factory(), caller, elsewhere, reg(ResourceType.VAULT, "vault", vaultName="kv-x")]
    assert [e for e in edges(view_of(*regs)) if e.caller.kind == NodeKind.FACTORY] == []


def test_a_data_flow_source_inline_on_a_linked_service_is_a_conversation_with_its_store() -> None:
    """An inline source names its linked service directly, without a dataset."""
    inline = {"name": "In", "linkedService": {"referenceName": "LS_Lake", "type": "LinkedServiceReference"}}
    world = [*factory_calling("lake"), lake(), *data_flow_pipeline("ir", sources=[inline])]
    purposes = {e.purpose for e in factory_edges(view_of(*world)) if e.target.kind == NodeKind.LAKE}
    assert "pipeline PL_Cleanse, activity Cleanse (data flow), on ir" in purposes
