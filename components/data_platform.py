"""The root component: composes the whole platform of one environment from its validated config."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_random as random
from pulumi_azure_native import authorization

from adf.model import AdfContent
from adf.stack_values import StackValues
from components.data_factory import DataFactory, DataFactoryArgs
from components.data_lake import DataLake, DataLakeArgs
from components.factory_network import ManagedEndpointTargets
from components.first_deployment import FirstDeploymentHour
from components.foundation_reference import Foundation, read_foundation
from components.function_app import FunctionApp, FunctionAppArgs
from components.key_vault import KeyVault, KeyVaultArgs
from components.monitoring import Monitoring, MonitoringArgs
from components.resource_group import ResourceGroup, ResourceGroupArgs
from components.shared import DiagnosticSettings, Lock, Placement, PlatformContext, PrivateEndpoints
from components.sql_database import SqlDatabase, SqlDatabaseArgs
from stack.config import PlatformConfig
from stack.naming import SUFFIX_LENGTH, Names
from stack.tags import base_tags


@dataclass(frozen=True)
class DataPlatformArgs:
    """Inputs of the whole platform: each is read and checked once, before any resource exists."""

    config: PlatformConfig
    """The validated stack configuration."""
    names: Names
    """The checked Azure names (globally unique ones as templates for the random suffix)."""
    content: AdfContent
    """The ADF Studio content from pipelines_json/."""


OUTPUTS = (
    "subscription_id",
    "resource_group_name",
    "storage_account_name",
    "key_vault_uri",
    "function_app_name",
    "factory_name",
    "sql_server_fqdn",
    "sql_database_name",
)
"""The root's outputs, which __main__.py exports."""


class DataPlatform(pulumi.ComponentResource):
    """Resource group, monitoring, lake, SQL, Key Vault, generator Function app and Data Factory.

    With `network.privateNetworking` (the default) every data plane turns public access off and gets
    private endpoints in the stack's VNet, the Function app is VNet-integrated, the factory reaches the
    data planes through managed private endpoints, and the deploy agents run in the VNet
    (docs/networking.md). The VNet, its DNS zones, the agents' pool and the resource group itself then come
    from the stack's foundation (`foundation/`), deployed before it: this deploy runs on that pool.
    """

    subscription_id: pulumi.Output[str]
    """Subscription the stack deploys to."""
    resource_group_name: pulumi.Output[str]
    """The stack's resource group."""
    storage_account_name: pulumi.Output[str]
    """The lake's storage account."""
    key_vault_uri: pulumi.Output[str]
    """Data-plane URI of the Key Vault."""
    function_app_name: pulumi.Output[str]
    """The generator Function app."""
    factory_name: pulumi.Output[str]
    """The Data Factory."""
    sql_server_fqdn: pulumi.Output[str]
    """Fully qualified name of the SQL server."""
    sql_database_name: pulumi.Output[str]
    """The SQL database."""

    def __init__(self, name: str, args: DataPlatformArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:index:DataPlatform", name, {}, opts)
        cfg, names = args.config, args.names
        child = pulumi.ResourceOptions(parent=self)
        tags = base_tags(cfg)
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))

        suffix = self._name_suffix(name)

        private = cfg.network.private_networking
        foundation = read_foundation(self) if private else None
        if foundation is not None:
            resource_group_name = foundation.resource_group_name
        else:
            group = ResourceGroup(f"{name}-rg", ResourceGroupArgs(names.resource_group, cfg.location, tags), opts=child)
            resource_group_name = group.resource_group_name
        placement = Placement(
            resource_group_name=resource_group_name, location=cfg.location, tags=tags, protect=cfg.protect
        )
        monitoring = self._monitoring(name, args, placement)
        endpoints = self._private_endpoints(name, foundation)
        # The platform's defaults for every component: protected and locked where config says `protect`,
        # diagnostics to the one workspace.
        context = PlatformContext(
            resource_group_name=resource_group_name,
            location=cfg.location,
            tags=tags,
            protect=cfg.protect,
            lock=Lock() if cfg.protect else None,
            subscription_id=client.subscription_id,
            diagnostic_settings=DiagnosticSettings(workspace_id=monitoring.workspace_id),
        )
        lake = DataLake(
            f"{name}-lake",
            DataLakeArgs(
                context,
                names.with_suffix(names.storage_account, suffix),
                cfg.storage,
                private=private,
                private_endpoints=endpoints,
            ),
            opts=child,
        )
        database = self._database(name, args, context, suffix, client.tenant_id, endpoints)
        vault = self._vault(name, args, context, suffix, client, endpoints)
        function_app = self._function_app(name, args, context, suffix, lake, vault, monitoring, foundation, endpoints)
        # The factory's runtime reaches each data plane it calls through an approved managed private endpoint.
        targets = ManagedEndpointTargets(
            lake_id=lake.account_id,
            sql_server_id=database.server_id,
            vault_id=vault.vault_id,
        )

        factory = DataFactory(
            f"{name}-adf",
            DataFactoryArgs(
                context=context,
                data_factory=cfg.data_factory,
                factory_name=names.with_suffix(names.data_factory, suffix),
                environment=cfg.environment,
                lake_account_id=lake.account_id,
                vault_id=vault.vault_id,
                content=args.content,
                stack_values=StackValues(
                    lake_dfs_url=lake.dfs_endpoint,
                    lake_blob_url=lake.blob_endpoint,
                    lake_account_id=lake.account_id,
                    key_vault_uri=vault.vault_uri,
                    sql_server=database.server_fqdn,
                    sql_database=database.database_name,
                    function_app_url=pulumi.Output.concat("https://", function_app.default_host_name),
                    time_zone=cfg.time_zone,
                    environment=cfg.environment,
                    trigger_start_time=self._trigger_start_time(name, cfg),
                ),
                action_group_id=monitoring.action_group_id,
                alert_name=names.failed_runs_alert,
                managed_endpoint_targets=targets if private else None,
            ),
            opts=child,
        )

        self.subscription_id = client.subscription_id
        self.resource_group_name = pulumi.Output.from_input(resource_group_name)
        self.storage_account_name = lake.account_name
        self.key_vault_uri = vault.vault_uri
        self.function_app_name = function_app.app_name
        self.factory_name = factory.factory_name
        self.sql_server_fqdn = database.server_fqdn
        self.sql_database_name = database.database_name
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})

    def _name_suffix(self, name: str) -> pulumi.Output[str]:
        """One suffix for every globally unique name; the state keeps it, so names never churn."""
        return random.RandomString(
            f"{name}-name-suffix",
            length=SUFFIX_LENGTH,
            upper=False,
            special=False,
            numeric=True,
            lower=True,
            opts=pulumi.ResourceOptions(parent=self),
        ).result

    def _trigger_start_time(self, name: str, cfg: PlatformConfig) -> pulumi.Input[str]:
        """When the stack's tumbling windows begin: `dataFactory.triggerStartTime`, or else the hour of the stack's
        first deployment, kept in its state, so that a new stack's first trigger start backfills next to nothing."""
        if cfg.data_factory.trigger_start_time is not None:
            return cfg.data_factory.trigger_start_time
        return FirstDeploymentHour(f"{name}-first-deployment", opts=pulumi.ResourceOptions(parent=self)).hour

    def _monitoring(self, name: str, args: DataPlatformArgs, placement: Placement) -> Monitoring:
        names = args.names
        return Monitoring(
            f"{name}-monitoring",
            MonitoringArgs(
                placement=placement,
                monitoring=args.config.monitoring,
                workspace_name=names.log_analytics,
                app_insights_name=names.app_insights,
                action_group_name=names.action_group,
                action_group_short_name=names.action_group_short,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _database(
        self,
        name: str,
        args: DataPlatformArgs,
        context: PlatformContext,
        suffix: pulumi.Output[str],
        tenant_id: pulumi.Input[str],
        endpoints: PrivateEndpoints | None,
    ) -> SqlDatabase:
        names = args.names
        return SqlDatabase(
            f"{name}-sql",
            SqlDatabaseArgs(
                placement=context,
                sql=args.config.sql,
                new_server_name=names.with_suffix(names.sql_server, suffix),
                default_database_name=names.sql_database,
                tenant_id=tenant_id,
                subscription_id=context.subscription_id,
                private=args.config.network.private_networking,
                private_endpoints=endpoints,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _vault(
        self,
        name: str,
        args: DataPlatformArgs,
        context: PlatformContext,
        suffix: pulumi.Output[str],
        client: pulumi.Output[authorization.GetClientConfigResult],
        endpoints: PrivateEndpoints | None,
    ) -> KeyVault:
        """The vault, holding the stack's own secrets (and, later, the function key)."""
        secrets: dict[str, pulumi.Input[str]] = {
            key: pulumi.Output.secret(value.get_secret_value()) for key, value in args.config.secrets.items()
        }
        return KeyVault(
            f"{name}-key-vault",
            KeyVaultArgs(
                context=context,
                key_vault=args.config.key_vault,
                vault_name=args.names.with_suffix(args.names.key_vault, suffix),
                tenant_id=client.tenant_id,
                deployer_object_id=client.object_id,
                secrets=secrets,
                deployer_principal_type=args.config.deployer_principal_type,
                private=args.config.network.private_networking,
                private_endpoints=endpoints,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _function_app(
        self,
        name: str,
        args: DataPlatformArgs,
        context: PlatformContext,
        suffix: pulumi.Output[str],
        lake: DataLake,
        vault: KeyVault,
        monitoring: Monitoring,
        foundation: Foundation | None,
        endpoints: PrivateEndpoints | None,
    ) -> FunctionApp:
        names = args.names
        return FunctionApp(
            f"{name}-generator",
            FunctionAppArgs(
                context=context,
                function_app=args.config.function_app,
                app_name=names.with_suffix(names.function_app, suffix),
                plan_name=names.app_service_plan,
                host_storage_account_name=names.with_suffix(names.function_storage_account, suffix),
                lake_blob_endpoint=lake.blob_endpoint,
                bronze_container_id=lake.container_ids["bronze"],
                vault_id=vault.vault_id,
                vault_name=vault.vault_name,
                vault_uri=vault.vault_uri,
                vault_write_gate=vault.write_gate,
                app_insights_id=monitoring.app_insights_id,
                app_insights_connection_string=monitoring.app_insights_connection_string,
                subnet_id=foundation.function_app_subnet_id if foundation else None,
                private_endpoints=endpoints,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _private_endpoints(self, name: str, foundation: Foundation | None) -> PrivateEndpoints | None:
        """Where every data plane puts its private endpoints: the foundation's endpoints subnet and the VNet's zones.

        The platform created the endpoints itself, as its own children named `<name>-pe-<data plane>-<group id>`,
        until each data plane created its own. The names stay, and the alias to this component as their old
        parent lets the engine move the deployed endpoints (and, through their own aliases, their children)
        instead of replacing them (https://www.pulumi.com/docs/iac/concepts/options/aliases/).
        """
        if foundation is None:
            return None
        return PrivateEndpoints(
            subnet_id=foundation.private_endpoints_subnet_id,
            zone_ids=foundation.zone_ids,
            name_prefix=f"{name}-pe",
            aliases=[pulumi.Alias(parent=self)],
        )
