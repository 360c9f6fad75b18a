"""The reachability model's details: every conversation it knows with its sub-resource and purpose, which planned
resources are which end, and the trusted-service and public rules per data plane."""

from __future__ import annotations

from typing import Any

import pytest

from preview.mocks import Registration
from preview.resource_types import ResourceType
from reachability.model import Edge, NodeKind, edges, nodes, public_path, trusted_path
from stack.private_dns import GroupId
from tests.support.registrations import PROVIDERS, reg, view_of

VNET = f"{PROVIDERS}/Microsoft.Network/virtualNetworks/vnet-x"


def lake(**inputs: Any) -> Registration:
    return reg(ResourceType.STORAGE_ACCOUNT, "lake", **{"accountName": "stlake", "isHnsEnabled": True, **inputs})


def host_storage(**inputs: Any) -> Registration:
    return reg(ResourceType.STORAGE_ACCOUNT, "host", **{"accountName": "sthost", **inputs})


def vault(**properties: Any) -> Registration:
    return reg(ResourceType.VAULT, "vault", vaultName="kv-x", properties=properties)


def every_end() -> list[Registration]:
    return [
        reg(ResourceType.WEB_APP, "app", name="func-x", kind="functionapp,linux"),
        lake(),
        host_storage(),
        vault(),
        reg(ResourceType.SQL_SERVER, "sql", serverName="sql-x"),
        reg(ResourceType.AGENT_POOL, "pool", poolName="pool-x"),
    ]


def test_with_every_end_planned_the_fixed_conversations_are_exactly_these() -> None:
    """The Function's runtime needs (docs: identity-based host storage uses blob, queue and table; Key Vault
    references), the deploy's calls (SQL scripts, the code publish to the SCM host, the vault probe)."""
    found = sorted((e.caller.kind, e.target.kind, e.group_id, e.purpose) for e in edges(view_of(*every_end())))
    assert found == sorted(
        [
            ("function", "lake", "blob", "writes bronze"),
            ("function", "host-storage", "blob", "Functions host storage"),
            ("function", "host-storage", "queue", "Functions host storage"),
            ("function", "host-storage", "table", "Functions host storage"),
            ("function", "vault", "vault", "Key Vault references"),
            ("agent", "sql", "sqlServer", "ops sql apply"),
            ("agent", "function", "sites", "code publish to the SCM host"),
            ("agent", "vault", "vault", "secrets-officer access probe"),
        ]
    )


@pytest.mark.parametrize("hns", [False, None, "true", 1])
def test_only_a_hierarchical_namespace_of_exactly_true_makes_the_lake(hns: Any) -> None:
    account = lake(isHnsEnabled=hns) if hns is not None else host_storage()
    assert set(nodes(view_of(account))) == {NodeKind.HOST_STORAGE, NodeKind.AGENT}


@pytest.mark.parametrize("kind", ["functionapp", "functionapp,linux", "functionapp,linux,container"])
def test_every_function_app_kind_is_the_function(kind: str) -> None:
    app = reg(ResourceType.WEB_APP, "app", name="func-x", kind=kind)
    assert nodes(view_of(app))[NodeKind.FUNCTION].name == "func-x"


def test_the_first_planned_resource_of_a_kind_is_that_end_and_the_agent_is_the_pool_or_none() -> None:
    first, second = (
        lake(accountName="stfirst"),
        reg(ResourceType.STORAGE_ACCOUNT, "lake-2", accountName="stsecond", isHnsEnabled=True),
    )
    found = nodes(view_of(first, second))
    assert found[NodeKind.LAKE].name == "stfirst"
    assert found[NodeKind.AGENT].reg is None and found[NodeKind.AGENT].name == "deploy agent"
    pool = reg(ResourceType.AGENT_POOL, "pool", poolName="pool-x")
    assert nodes(view_of(pool))[NodeKind.AGENT].reg is pool


def _factory_edge_to(target: Registration) -> Edge:
    ends = nodes(view_of(reg(ResourceType.FACTORY, "adf", factoryName="adf-x"), target))
    kind = next(kind for kind, node in ends.items() if node.reg is target)
    return Edge(ends[NodeKind.FACTORY], ends[kind], GroupId.BLOB, "a linked service")


@pytest.mark.parametrize("target", ["lake", "host", "vault"])
@pytest.mark.parametrize(
    ("bypass", "trusted"),
    [("AzureServices", True), ("Logging, Metrics, AzureServices", True), ("Logging, Metrics", False), ("None", False)],
)
def test_the_factory_is_trusted_by_each_storage_account_and_the_vault_whose_bypass_names_azure_services(
    target: str, bypass: str, trusted: bool
) -> None:
    acl = {"defaultAction": "Deny", "bypass": bypass}
    planned = {
        "lake": lake(networkRuleSet=acl),
        "host": host_storage(networkRuleSet=acl),
        "vault": vault(networkAcls=acl),
    }[target]
    assert trusted_path(_factory_edge_to(planned)) is trusted


def test_the_sql_server_trusts_no_service() -> None:
    sql = reg(ResourceType.SQL_SERVER, "sql", serverName="sql-x", networkRuleSet={"bypass": "AzureServices"})
    assert trusted_path(_factory_edge_to(sql)) is False


def test_a_vaults_firewall_is_read_under_properties_and_a_storage_accounts_at_the_top() -> None:
    denying = {"defaultAction": "Deny", "bypass": "None"}
    view = view_of(vault(networkAcls=denying))
    assert public_path(nodes(view)[NodeKind.VAULT], view)[0] is False
    top_level_only = reg(
        ResourceType.VAULT, "vault", vaultName="kv-x", networkAcls=denying, networkRuleSet=denying, properties={}
    )
    view = view_of(top_level_only)
    assert public_path(nodes(view)[NodeKind.VAULT], view) == (True, "")
    account = lake(properties={"networkRuleSet": denying, "networkAcls": denying})
    view = view_of(account)
    assert public_path(nodes(view)[NodeKind.LAKE], view) == (True, ""), "a storage account's ACL sits at the top"


def test_a_firewall_without_a_default_action_allows_as_azure_does() -> None:
    view = view_of(lake(networkRuleSet={"bypass": "None"}))
    assert public_path(nodes(view)[NodeKind.LAKE], view) == (True, "")


@pytest.mark.parametrize(
    ("planned", "kind"),
    [
        (lambda: vault(publicNetworkAccess="Disabled", networkAcls={"defaultAction": "Allow"}), NodeKind.VAULT),
        (lambda: lake(publicNetworkAccess="Disabled"), NodeKind.LAKE),
        (lambda: host_storage(publicNetworkAccess="Disabled"), NodeKind.HOST_STORAGE),
        (lambda: reg(ResourceType.SQL_SERVER, "sql", serverName="sql-x", publicNetworkAccess="Disabled"), "sql"),
    ],
    ids=["vault", "lake", "host-storage", "sql"],
)
def test_public_access_disabled_closes_each_data_planes_public_endpoint(planned: Any, kind: str) -> None:
    view = view_of(planned())
    assert public_path(nodes(view)[NodeKind(kind)], view) == (False, "public network access is Disabled")
