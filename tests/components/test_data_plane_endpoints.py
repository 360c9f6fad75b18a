"""Each data plane creates its own private endpoints from the one shared argument, and none without it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pulumi
import pytest

from components.data_lake import DataLake, DataLakeArgs
from components.function_app import FunctionApp, FunctionAppArgs
from components.key_vault import KeyVault, KeyVaultArgs
from components.private_endpoint import PrivateEndpoint
from components.shared import PrivateEndpoints
from components.sql_database import SqlDatabase, SqlDatabaseArgs
from preview.mocks import Registration
from stack.config import FunctionAppConfig, KeyVaultConfig, SqlConfig, StorageConfig
from stack.private_dns import ZONE_BY_GROUP_ID, GroupId
from tests.support.components import ComponentEngine, context

SUBNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe"
ZONES = {zone: f"/privateDnsZones/{zone}" for zone in ZONE_BY_GROUP_ID.values()}
ENDPOINTS = PrivateEndpoints(subnet_id=SUBNET, zone_ids=ZONES, name_prefix="unit-pe")
COMPONENT = "data-platform:network:PrivateEndpoint"
ENDPOINT = "azure-native:network:PrivateEndpoint"

Build = Callable[[PrivateEndpoints | None, str], dict[str, dict[GroupId, PrivateEndpoint]]]


def _lake(endpoints: PrivateEndpoints | None, _package: str) -> dict[str, dict[GroupId, PrivateEndpoint]]:
    lake = DataLake("lake", DataLakeArgs(context(), "stunit", StorageConfig(), private_endpoints=endpoints))
    return {"lake": lake.private_endpoints}


def _vault(endpoints: PrivateEndpoints | None, _package: str) -> dict[str, dict[GroupId, PrivateEndpoint]]:
    args = KeyVaultArgs(
        context=context(),
        key_vault=KeyVaultConfig(),
        vault_name="kv-unit",
        tenant_id="tenant",
        deployer_object_id="deployer",
        deployer_principal_type="User",
        private_endpoints=endpoints,
    )
    return {"kv": KeyVault("kv", args).private_endpoints}


def _sql(endpoints: PrivateEndpoints | None, _package: str) -> dict[str, dict[GroupId, PrivateEndpoint]]:
    args = SqlDatabaseArgs(
        placement=context(),
        sql=SqlConfig(admin_login="sql-admins", admin_object_id=UUID(int=1)),
        new_server_name="sql-unit",
        default_database_name="sqldb-unit",
        tenant_id="tenant",
        private_endpoints=endpoints,
    )
    return {"sql": SqlDatabase("sql", args).private_endpoints}


def _function(endpoints: PrivateEndpoints | None, package: str) -> dict[str, dict[GroupId, PrivateEndpoint]]:
    app = FunctionApp(
        "fn",
        FunctionAppArgs(
            context=context(),
            function_app=FunctionAppConfig(package_path=package),
            app_name="func-unit",
            plan_name="asp-unit",
            host_storage_account_name="stfnunit",
            lake_blob_endpoint="https://stunit.blob.core.windows.net/",
            bronze_container_id="/containers/bronze",
            vault_id="/vaults/kv-unit",
            vault_name="kv-unit",
            vault_uri="https://kv-unit.vault.azure.net/",
            vault_write_gate=pulumi.ComponentResource("test:index:Gate", "gate"),
            app_insights_id="/components/appi-unit",
            app_insights_connection_string="InstrumentationKey=00000000-0000-0000-0000-000000000000",
            private_endpoints=endpoints,
        ),
    )
    return {"host": app.host_storage_endpoints, "site": app.site_endpoints}


DATA_PLANES: dict[str, tuple[Build, str, dict[str, tuple[str, set[str]]]]] = {
    # data plane -> (build, its component's name, attribute -> (the target's name, the group ids it offers))
    "lake": (_lake, "lake", {"lake": ("stunit", {"blob", "dfs"})}),
    "vault": (_vault, "kv", {"kv": ("kv-unit", {"vault"})}),
    "sql": (_sql, "sql", {"sql": ("sql-unit", {"sqlServer"})}),
    "function": (
        _function,
        "fn",
        {"host": ("stfnunit", {"blob", "queue", "table"}), "site": ("func-unit", {"sites"})},
    ),
}


def _run(
    engine: ComponentEngine, build: Build, endpoints: PrivateEndpoints | None, package: Path
) -> tuple[list[Registration], dict[str, dict[str, str]]]:
    """What the data plane registered, and the URN of each endpoint it exposes, by attribute and group id."""
    package.write_bytes(b"PK\x05\x06" + bytes(18))
    exposed: dict[str, dict[str, str]] = {}

    def program() -> pulumi.Output[None]:
        found = build(endpoints, str(package))
        pairs = [
            (attribute, group, endpoint)
            for attribute, by_group in found.items()
            for group, endpoint in by_group.items()
        ]
        exposed.update({attribute: {} for attribute in found})

        def record(urns: list[str]) -> None:
            for (attribute, group, _), urn in zip(pairs, urns, strict=True):
                exposed[attribute][group] = urn

        return pulumi.Output.all(*(endpoint.urn for _, _, endpoint in pairs)).apply(record)

    return engine.run(program), exposed


@pytest.mark.parametrize("plane", DATA_PLANES)
def test_a_data_plane_creates_one_endpoint_per_group_id_it_offers_under_itself(
    engine: ComponentEngine, plane: str, tmp_path: Path
) -> None:
    build, owner, expected = DATA_PLANES[plane]
    regs, exposed = _run(engine, build, ENDPOINTS, tmp_path / "function.zip")
    by_urn = {reg.urn: reg for reg in regs}
    assert {attribute: set(urns) for attribute, urns in exposed.items()} == {
        attribute: groups for attribute, (_, groups) in expected.items()
    }
    for attribute, (target, _) in expected.items():
        for group_id, urn in exposed[attribute].items():
            component = by_urn[urn]
            assert component.type == COMPONENT
            assert by_urn[component.parent or ""].name == owner
            (endpoint,) = (reg for reg in regs if reg.type == ENDPOINT and reg.parent == urn)
            assert endpoint.inputs["privateEndpointName"] == f"pe-{target}-{group_id.lower()}"
            assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == [group_id]
            assert endpoint.inputs["subnet"] == {"id": SUBNET}
    assert len([reg for reg in regs if reg.type == ENDPOINT]) == sum(len(urns) for urns in exposed.values())


@pytest.mark.parametrize("plane", DATA_PLANES)
def test_a_data_plane_with_no_subnet_creates_no_endpoint(engine: ComponentEngine, plane: str, tmp_path: Path) -> None:
    build, _, expected = DATA_PLANES[plane]
    regs, exposed = _run(engine, build, None, tmp_path / "function.zip")
    assert [reg for reg in regs if reg.type in (COMPONENT, ENDPOINT)] == []
    assert exposed == {attribute: {} for attribute in expected}
