"""The Data Factory: a managed identity, linked services that hold no secret, diagnostics and a failed-run alert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import datafactory, monitor

from components.diagnostics import send_diagnostics
from components.function_app import FUNCTION_KEY_SECRET
from components.roles import assign_role

KEY_VAULT_LINKED_SERVICE = "LS_KeyVault"
LAKE_LINKED_SERVICE = "LS_DataLake"
SQL_LINKED_SERVICE = "LS_AzureSql"
FUNCTION_LINKED_SERVICE = "LS_GeneratorFunction"


@dataclass(frozen=True)
class DataFactoryArgs:
    """Inputs of the Data Factory."""

    resource_group_name: pulumi.Input[str]
    """The resource group."""
    location: str
    """Azure region."""
    factory_name: pulumi.Input[str]
    """Globally unique factory name."""
    environment: str
    """Published to pipelines as the global parameter `environment`."""
    public_network_access: bool
    """Whether the factory's endpoints are reachable from the internet."""
    subscription_id: pulumi.Input[str]
    """Subscription, for role definition ids."""
    lake_account_id: pulumi.Input[str]
    """The lake; the factory gets Storage Blob Data Contributor on it."""
    lake_dfs_endpoint: pulumi.Input[str]
    """The lake's dfs endpoint."""
    vault_id: pulumi.Input[str]
    """Key Vault; the factory gets Key Vault Secrets User on it."""
    vault_uri: pulumi.Input[str]
    """Key Vault URI for the Key Vault linked service."""
    sql_server_fqdn: pulumi.Input[str]
    """Azure SQL server."""
    sql_database_name: pulumi.Input[str]
    """Azure SQL database."""
    function_host_name: pulumi.Input[str]
    """The generator Function app's host name."""
    workspace_id: pulumi.Input[str]
    """Log Analytics workspace for run history."""
    action_group_id: pulumi.Input[str]
    """Where the failed-run alert goes."""
    alert_name: str
    """Name of the failed-run alert."""
    tags: dict[str, str]
    """Tags for every taggable child."""


class DataFactory(pulumi.ComponentResource):
    """The factory and the connections its pipelines use; pipelines themselves come from pipelines_json/."""

    factory_name: pulumi.Output[str]
    factory_id: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    linked_services: dict[str, datafactory.LinkedService]

    def __init__(self, name: str, args: DataFactoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:integration:DataFactory", name, {}, opts)

        factory = datafactory.Factory(
            f"{name}-factory",
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            identity={"type": "SystemAssigned"},
            public_network_access="Enabled" if args.public_network_access else "Disabled",
            global_parameters={"environment": {"type": "String", "value": args.environment}},
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        principal_id = factory.identity.apply(lambda i: i.principal_id if i else "")
        grants = [
            ("lake-blob-contributor", "Storage Blob Data Contributor", args.lake_account_id),
            ("key-vault-secrets-user", "Key Vault Secrets User", args.vault_id),
        ]
        role_assignments = [
            assign_role(
                f"{name}-{grant}",
                role=role,
                scope=scope,
                principal_id=principal_id,
                principal_type="ServicePrincipal",
                subscription_id=args.subscription_id,
                parent=self,
            )
            for grant, role, scope in grants
        ]

        def linked_service(
            service_name: str, properties: dict[str, object], after: Sequence[pulumi.Resource]
        ) -> datafactory.LinkedService:
            return datafactory.LinkedService(
                f"{name}-{service_name}",
                linked_service_name=service_name,
                factory_name=factory.name,
                resource_group_name=args.resource_group_name,
                properties=properties,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(after)),
            )

        key_vault = linked_service(
            KEY_VAULT_LINKED_SERVICE,
            # Union-typed inputs are not key-translated by the SDK, so ADF properties use camelCase.
            {
                "type": "AzureKeyVault",
                "baseUrl": args.vault_uri,
                "description": "Secrets, read with the factory's identity",
            },
            role_assignments,
        )
        self.linked_services = {
            KEY_VAULT_LINKED_SERVICE: key_vault,
            LAKE_LINKED_SERVICE: linked_service(
                LAKE_LINKED_SERVICE,
                {
                    "type": "AzureBlobFS",
                    "url": args.lake_dfs_endpoint,
                    "description": "The lake, with the factory's identity",
                },
                role_assignments,
            ),
            SQL_LINKED_SERVICE: linked_service(
                SQL_LINKED_SERVICE,
                {
                    "type": "AzureSqlDatabase",
                    "version": "2.0",
                    "server": args.sql_server_fqdn,
                    "database": args.sql_database_name,
                    "encrypt": "mandatory",
                    "trustServerCertificate": False,
                    "authenticationType": "SystemAssignedManagedIdentity",
                    "description": "Azure SQL, with the factory's identity",
                },
                [],
            ),
            FUNCTION_LINKED_SERVICE: linked_service(
                FUNCTION_LINKED_SERVICE,
                {
                    "type": "AzureFunction",
                    "functionAppUrl": pulumi.Output.concat("https://", args.function_host_name),
                    "functionKey": {
                        "type": "AzureKeyVaultSecret",
                        "store": {"type": "LinkedServiceReference", "referenceName": KEY_VAULT_LINKED_SERVICE},
                        "secretName": FUNCTION_KEY_SECRET,
                    },
                    "description": "The data generator; its key comes from Key Vault",
                },
                [key_vault],
            ),
        }

        send_diagnostics(
            f"{name}-diagnostics",
            resource_uri=factory.id,
            workspace_id=args.workspace_id,
            log_categories=("PipelineRuns", "ActivityRuns", "TriggerRuns"),
            parent=self,
        )
        monitor.MetricAlert(
            f"{name}-failed-runs-alert",
            rule_name=args.alert_name,
            resource_group_name=args.resource_group_name,
            location="global",
            description="A Data Factory pipeline run failed",
            severity=2,
            enabled=True,
            scopes=[factory.id],
            evaluation_frequency="PT5M",
            window_size="PT15M",
            auto_mitigate=True,
            criteria={
                "odataType": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                "allOf": [
                    {
                        "criterionType": "StaticThresholdCriterion",
                        "name": "failed-pipeline-runs",
                        "metricNamespace": "Microsoft.DataFactory/factories",
                        "metricName": "PipelineFailedRuns",
                        "operator": "GreaterThan",
                        "threshold": 0,
                        "timeAggregation": "Total",
                    }
                ],
            },
            actions=[{"action_group_id": args.action_group_id}],
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.factory_name = factory.name
        self.factory_id = factory.id
        self.principal_id = principal_id
        self.register_outputs(
            {"factory_name": self.factory_name, "factory_id": self.factory_id, "principal_id": self.principal_id}
        )
