"""Each component built alone under the mock engine: what it does with its own arguments, known or unknown."""

from __future__ import annotations

import pulumi

from components.data_lake import DataLake, DataLakeArgs
from components.function_app import FunctionApp, FunctionAppArgs
from components.key_vault import KeyVault, KeyVaultArgs
from components.shared import Placement
from components.sql_database import SqlDatabase, SqlDatabaseArgs
from preview.mocks import SECRET, UNKNOWN
from stack.config import FunctionAppConfig, KeyVaultConfig, SqlConfig, StorageConfig
from tests.support.components import ComponentEngine, context, registered

ACCOUNT = "azure-native:storage:StorageAccount"


def test_lake_lifecycle_and_network_rules_come_from_its_storage_config(engine: ComponentEngine) -> None:
    storage = StorageConfig(
        archive_cool_after_days=10,
        archive_tier_after_days=20,
        archive_delete_after_days=30,
        network_default_action="Deny",
        allowed_ip_ranges=("203.0.113.7", "198.51.100.0/24"),
    )

    def build() -> None:
        DataLake("lake", DataLakeArgs(context(), "stunit", storage))

    regs = engine.run(build)
    rules = registered(regs, ACCOUNT, "lake-account").inputs["networkRuleSet"]
    assert rules["defaultAction"] == "Deny"
    assert rules["ipRules"] == [
        {"iPAddressOrRange": "203.0.113.7", "action": "Allow"},
        {"iPAddressOrRange": "198.51.100.0/24", "action": "Allow"},
    ]
    policy = registered(regs, "azure-native:storage:ManagementPolicy", "lake-archive-lifecycle").inputs["policy"]
    actions = policy["rules"][0]["definition"]["actions"]["baseBlob"]
    assert actions == {
        "tierToCool": {"daysAfterModificationGreaterThan": 10},
        "tierToArchive": {"daysAfterModificationGreaterThan": 20},
        "delete": {"daysAfterModificationGreaterThan": 30},
    }
    assert not [r for r in regs if r.type == "azure-native:authorization:ManagementLockByScope"]


def test_a_caller_who_protects_the_lake_protects_its_account_without_the_config_flag(engine: ComponentEngine) -> None:
    def build() -> None:
        args = DataLakeArgs(context(protect=False), "stunit", StorageConfig())
        DataLake("lake", args, pulumi.ResourceOptions(protect=True))

    regs = engine.run(build)
    assert registered(regs, "data-platform:storage:DataLake", "lake").protect
    assert registered(regs, ACCOUNT, "lake-account").protect


def test_key_vault_writes_exactly_the_secrets_it_is_given_after_the_gate(engine: ComponentEngine) -> None:
    def build() -> None:
        KeyVault(
            "kv",
            KeyVaultArgs(
                context=context(),
                key_vault=KeyVaultConfig(soft_delete_days=7),
                vault_name="kv-unit",
                tenant_id="tenant",
                deployer_object_id="deployer",
                secrets={"partner-token": "value"},
            ),
        )

    regs = engine.run(build)
    secrets = [r for r in regs if r.type == "azure-native:keyvault:Secret"]
    assert [s.inputs["secretName"] for s in secrets] == ["partner-token"]
    gate = registered(regs, "pulumi-python:dynamic:Resource", "kv-secrets-officer-effective")
    assert gate.urn in secrets[0].depends_on
    assert secrets[0].inputs["properties"]["value"] == SECRET
    properties = registered(regs, "azure-native:keyvault:Vault", "kv-vault").inputs["properties"]
    assert properties["softDeleteRetentionInDays"] == 7
    assert "enablePurgeProtection" not in properties


def test_an_existing_sql_database_registers_nothing_and_reports_its_names(engine: ComponentEngine) -> None:
    existing = SqlConfig(create=False, server_name="sql-shared", server_resource_group="rg-shared", database_name="db")

    def build() -> pulumi.Output[None]:
        database = SqlDatabase(
            "sql",
            SqlDatabaseArgs(
                placement=Placement(resource_group_name="rg-unit", location="westeurope", tags={}),
                sql=existing,
                new_server_name="sql-new",
                default_database_name="sqldb-unit",
                tenant_id="tenant",
            ),
        )

        def check(values: list[str]) -> None:
            assert values == ["sql-shared.database.windows.net", "db"]

        return pulumi.Output.all(database.server_fqdn, database.database_name).apply(check)

    regs = engine.run(build)
    assert [r.type for r in regs] == ["data-platform:sql:SqlDatabase"]


def test_in_a_preview_the_app_passes_an_unknown_lake_on_and_still_knows_its_window(engine: ComponentEngine) -> None:
    """The lake's endpoint is computed by Azure, so a preview does not know it; the window comes from config."""
    seen: dict[str, bool] = {}

    def build() -> object:
        lake = DataLake("lake", DataLakeArgs(context(), "stunit", StorageConfig()))
        app = FunctionApp(
            "fn",
            FunctionAppArgs(
                context=context(),
                function_app=FunctionAppConfig(generator_schedule="0 0 */2 * * *", package_path="missing.zip"),
                app_name="func-unit",
                plan_name="asp-unit",
                host_storage_account_name="stfnunit",
                lake_blob_endpoint=lake.blob_endpoint,
                bronze_container_id=lake.container_ids["bronze"],
                vault_id="/vaults/kv-unit",
                vault_name="kv-unit",
                vault_uri="https://kv-unit.vault.azure.net/",
                vault_write_gate=lake,
                app_insights_id="/components/appi-unit",
            ),
        )

        async def record() -> None:
            seen["lake endpoint"] = await lake.blob_endpoint.is_known()
            seen["host name"] = await app.default_host_name.is_known()
            seen["app name"] = await app.app_name.is_known()

        return record()

    regs = engine.run(build, preview=True)
    assert seen == {"lake endpoint": False, "host name": False, "app name": True}
    app_settings = registered(regs, "azure-native:web:WebApp", "fn-app").inputs["siteConfig"]["appSettings"]
    values = {setting["name"]: setting["value"] for setting in app_settings}
    assert values["LAKE_BLOB_ENDPOINT"] == UNKNOWN
    assert values["GENERATOR_SCHEDULE"] == "0 0 */2 * * *"
    assert values["GENERATOR_WINDOW_MINUTES"] == "120"
    assert not [r for r in regs if r.type == "pulumi-python:dynamic:Resource" and r.name == "fn-package"]
