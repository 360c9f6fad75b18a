"""The root component: composes the whole platform of one environment from its validated config."""

from __future__ import annotations

import pulumi
import pulumi_random as random
from pulumi_azure_native import authorization

from adf.content import AdfContent
from components.data_factory import DataFactory, DataFactoryArgs
from components.data_lake import DataLake, DataLakeArgs
from components.function_app import FunctionApp, FunctionAppArgs
from components.key_vault import KeyVault, KeyVaultArgs
from components.monitoring import Monitoring, MonitoringArgs
from components.resource_group import ResourceGroup, ResourceGroupArgs
from components.sql_database import SqlDatabase, SqlDatabaseArgs
from stack.config import PlatformConfig
from stack.naming import SUFFIX_LENGTH, Names
from stack.tags import base_tags

SQL_CONNECTION_SECRET = "sql-connection-string"


class DataPlatform(pulumi.ComponentResource):
    """Resource group, monitoring, lake, SQL, Key Vault, generator Function app and Data Factory."""

    subscription_id: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]
    storage_account_name: pulumi.Output[str]
    key_vault_uri: pulumi.Output[str]
    function_app_name: pulumi.Output[str]
    factory_name: pulumi.Output[str]
    sql_server_fqdn: pulumi.Output[str]
    sql_database_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        cfg: PlatformConfig,
        names: Names,
        content: AdfContent,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("data-platform:index:DataPlatform", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = base_tags(cfg)
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))

        # One suffix for every globally unique name; the state keeps it, so names never churn.
        suffix = random.RandomString(
            f"{name}-name-suffix",
            length=SUFFIX_LENGTH,
            upper=False,
            special=False,
            numeric=True,
            lower=True,
            opts=child,
        ).result

        group = ResourceGroup(f"{name}-rg", ResourceGroupArgs(names.resource_group, cfg.location, tags), opts=child)
        rg = group.resource_group_name

        monitoring = Monitoring(
            f"{name}-monitoring",
            MonitoringArgs(
                resource_group_name=rg,
                location=cfg.location,
                workspace_name=names.log_analytics,
                app_insights_name=names.app_insights,
                action_group_name=names.action_group,
                action_group_short_name=names.action_group_short,
                alert_email=cfg.monitoring.alert_email,
                retention_days=cfg.monitoring.log_retention_days,
                tags=tags,
            ),
            opts=child,
        )

        lake = DataLake(
            f"{name}-lake",
            DataLakeArgs(
                resource_group_name=rg,
                location=cfg.location,
                account_name=names.with_suffix(names.storage_account, suffix),
                sku=cfg.storage.sku,
                soft_delete_days=cfg.storage.soft_delete_days,
                archive_cool_after_days=cfg.storage.archive_cool_after_days,
                archive_tier_after_days=cfg.storage.archive_tier_after_days,
                archive_delete_after_days=cfg.storage.archive_delete_after_days,
                archive_tier=cfg.storage.archive_tier,
                network_default_action=cfg.storage.network_default_action,
                allowed_ip_ranges=cfg.storage.allowed_ip_ranges,
                workspace_id=monitoring.workspace_id,
                tags=tags,
                protect=cfg.protect,
            ),
            opts=child,
        )

        sql_cfg = cfg.sql
        database = SqlDatabase(
            f"{name}-sql",
            SqlDatabaseArgs(
                create=sql_cfg.create,
                resource_group_name=rg if sql_cfg.create else (sql_cfg.server_resource_group or ""),
                location=cfg.location,
                server_name=names.with_suffix(names.sql_server, suffix)
                if sql_cfg.create
                else (sql_cfg.server_name or ""),
                database_name=sql_cfg.database_name or names.sql_database,
                tenant_id=client.tenant_id,
                admin_login=sql_cfg.admin_login or "",
                admin_object_id=sql_cfg.admin_object_id or "",
                sku_name=sql_cfg.sku_name,
                auto_pause_delay_minutes=sql_cfg.auto_pause_delay_minutes,
                min_capacity=sql_cfg.min_capacity,
                max_size_gb=sql_cfg.max_size_gb,
                tags=tags,
                protect=cfg.protect,
            ),
            opts=child,
        )

        secrets: dict[str, pulumi.Input[str]] = {
            SQL_CONNECTION_SECRET: database.connection_string,
        }
        secrets.update({key: pulumi.Output.secret(value.get_secret_value()) for key, value in cfg.secrets.items()})
        vault = KeyVault(
            f"{name}-key-vault",
            KeyVaultArgs(
                resource_group_name=rg,
                location=cfg.location,
                vault_name=names.with_suffix(names.key_vault, suffix),
                tenant_id=client.tenant_id,
                subscription_id=client.subscription_id,
                deployer_object_id=client.object_id,
                sku=cfg.key_vault.sku,
                soft_delete_days=cfg.key_vault.soft_delete_days,
                purge_protection=cfg.key_vault.purge_protection,
                network_default_action=cfg.key_vault.network_default_action,
                allowed_ip_ranges=cfg.key_vault.allowed_ip_ranges,
                workspace_id=monitoring.workspace_id,
                tags=tags,
                protect=cfg.protect,
                secrets=secrets,
                deployer_principal_type=cfg.deployer_principal_type,
            ),
            opts=child,
        )

        function_app = FunctionApp(
            f"{name}-generator",
            FunctionAppArgs(
                resource_group_name=rg,
                location=cfg.location,
                app_name=names.with_suffix(names.function_app, suffix),
                plan_name=names.app_service_plan,
                host_storage_account_name=names.with_suffix(names.function_storage_account, suffix),
                subscription_id=client.subscription_id,
                lake_blob_endpoint=lake.blob_endpoint,
                bronze_container_id=lake.container_ids["bronze"],
                vault_id=vault.vault_id,
                vault_name=vault.vault_name,
                vault_uri=vault.vault_uri,
                vault_write_gate=vault.write_gate,
                app_insights_id=monitoring.app_insights_id,
                app_insights_connection_string=monitoring.app_insights_connection_string,
                workspace_id=monitoring.workspace_id,
                maximum_instance_count=cfg.function_app.maximum_instance_count,
                instance_memory_mb=cfg.function_app.instance_memory_mb,
                generator_schedule=cfg.function_app.generator_schedule,
                dirty_share=cfg.function_app.dirty_share,
                package_path=cfg.function_app.package_path,
                tags=tags,
            ),
            opts=child,
        )

        factory = DataFactory(
            f"{name}-adf",
            DataFactoryArgs(
                resource_group_name=rg,
                location=cfg.location,
                factory_name=names.with_suffix(names.data_factory, suffix),
                environment=cfg.environment,
                public_network_access=cfg.data_factory.public_network_access,
                subscription_id=client.subscription_id,
                lake_account_id=lake.account_id,
                vault_id=vault.vault_id,
                content=content,
                stack_values={
                    "lake.dfsUrl": lake.dfs_endpoint,
                    "lake.blobUrl": lake.blob_endpoint,
                    "lake.accountId": lake.account_id,
                    "keyVault.uri": vault.vault_uri,
                    "sql.server": database.server_fqdn,
                    "sql.database": database.database_name,
                    "functionApp.url": pulumi.Output.concat("https://", function_app.default_host_name),
                    "timeZone": cfg.time_zone,
                    "environment": cfg.environment,
                },
                workspace_id=monitoring.workspace_id,
                action_group_id=monitoring.action_group_id,
                alert_name=names.failed_runs_alert,
                tags=tags,
            ),
            opts=child,
        )

        self.subscription_id = client.subscription_id
        self.resource_group_name = rg
        self.storage_account_name = lake.account_name
        self.key_vault_uri = vault.vault_uri
        self.function_app_name = function_app.app_name
        self.factory_name = factory.factory_name
        self.sql_server_fqdn = database.server_fqdn
        self.sql_database_name = database.database_name
        self.register_outputs(
            {
                "subscription_id": self.subscription_id,
                "resource_group_name": self.resource_group_name,
                "storage_account_name": self.storage_account_name,
                "key_vault_uri": self.key_vault_uri,
                "function_app_name": self.function_app_name,
                "factory_name": self.factory_name,
                "sql_server_fqdn": self.sql_server_fqdn,
                "sql_database_name": self.sql_database_name,
            }
        )
