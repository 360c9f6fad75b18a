"""The Data Factory: a managed identity with least-privilege grants, its content, diagnostics and a failed-run alert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pulumi
from pulumi_azure_native import datafactory, monitor

from adf.model import AdfContent
from adf.stack_values import StackValues
from components.data_factory_content import DataFactoryContent, DataFactoryContentArgs
from components.diagnostics import send_diagnostics
from components.factory_network import FactoryNetwork, FactoryNetworkArgs, ManagedEndpointTargets
from components.roles import assign_role
from components.shared import PlatformContext
from stack.config import DataFactoryConfig


@dataclass(frozen=True)
class DataFactoryArgs:
    """Inputs of the Data Factory."""

    context: PlatformContext
    """Resource group, region, tags, subscription and the run-history workspace."""
    data_factory: DataFactoryConfig
    """Public network access, from the stack config."""
    factory_name: pulumi.Input[str]
    """Globally unique factory name."""
    environment: str
    """Published to pipelines as the global parameter `environment`."""
    lake_account_id: pulumi.Input[str]
    """The lake; the factory gets Storage Blob Data Contributor on it."""
    vault_id: pulumi.Input[str]
    """Key Vault; the factory gets Key Vault Secrets User on it."""
    content: AdfContent
    """Linked services, datasets, data flows, pipelines and triggers from pipelines_json/."""
    stack_values: StackValues
    """Per-stack values for pipelines_json/overrides.json."""
    action_group_id: pulumi.Input[str]
    """Where the failed-run alert goes."""
    alert_name: str
    """Name of the failed-run alert."""
    managed_endpoint_targets: ManagedEndpointTargets | None = None
    """Private stack: the data planes the runtime reaches from the factory's managed VNet, through managed private
    endpoints that the program approves on each; None: a public stack."""


class DataFactory(pulumi.ComponentResource):
    """The factory, its identity and grants, its content from pipelines_json/, run history and alerting."""

    factory_name: pulumi.Output[str]
    """Name of the factory."""
    factory_id: pulumi.Output[str]
    """ARM id of the factory."""
    principal_id: pulumi.Output[str]
    """Object id of the factory's system-assigned identity."""
    content: DataFactoryContent
    """The deployed linked services, datasets, data flows, pipelines and triggers."""

    def __init__(self, name: str, args: DataFactoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:integration:DataFactory", name, {}, opts)
        context = args.context

        # The content's global parameters are authoring JSON; the provider-schema check validates their shape.
        global_parameters = cast(
            dict[str, datafactory.GlobalParameterSpecificationArgsDict], dict(args.content.global_parameters)
        )
        global_parameters["environment"] = {"type": datafactory.GlobalParameterType.STRING, "value": args.environment}
        factory = datafactory.Factory(
            f"{name}-factory",
            factory_name=args.factory_name,
            resource_group_name=context.resource_group_name,
            location=context.location,
            identity={"type": "SystemAssigned"},
            public_network_access="Enabled" if args.data_factory.public_network_access else "Disabled",
            global_parameters=global_parameters,
            tags=context.tags,
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
                subscription_id=context.subscription_id,
                parent=self,
            )
            for grant, role, scope in grants
        ]

        # The integration runtime every linked service connects via (`ir-managed`, the same in every stack).
        runtime = FactoryNetwork(
            f"{name}-network",
            FactoryNetworkArgs(
                resource_group_name=context.resource_group_name,
                factory_name=factory.name,
                managed_endpoint_targets=args.managed_endpoint_targets,
                tags=context.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.content = DataFactoryContent(
            f"{name}-content",
            DataFactoryContentArgs(
                content=args.content,
                factory_name=factory.name,
                resource_group_name=context.resource_group_name,
                stack_values=args.stack_values,
                # The runtime, its managed endpoints and their approvals exist before a linked service uses them.
                linked_services_after=[*role_assignments, runtime],
                tags=context.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        send_diagnostics(
            f"{name}-diagnostics",
            context.diagnostic_settings,
            resource_uri=factory.id,
            log_categories=("PipelineRuns", "ActivityRuns", "TriggerRuns"),
            parent=self,
        )
        self._failed_runs_alert(name, args, factory)

        self.factory_name = factory.name
        self.factory_id = factory.id
        self.principal_id = principal_id
        self.register_outputs(
            {"factory_name": self.factory_name, "factory_id": self.factory_id, "principal_id": self.principal_id}
        )

    def _failed_runs_alert(self, name: str, args: DataFactoryArgs, factory: datafactory.Factory) -> monitor.MetricAlert:
        """Alert the action group when any pipeline run fails."""
        return monitor.MetricAlert(
            f"{name}-failed-runs-alert",
            rule_name=args.alert_name,
            resource_group_name=args.context.resource_group_name,
            location="global",
            description="A Data Factory pipeline run failed",
            severity=2,
            enabled=True,
            scopes=[factory.id],
            evaluation_frequency="PT5M",
            window_size="PT15M",
            auto_mitigate=True,
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[
                    monitor.MetricCriteriaArgs(
                        criterion_type="StaticThresholdCriterion",
                        name="failed-pipeline-runs",
                        metric_namespace="Microsoft.DataFactory/factories",
                        metric_name="PipelineFailedRuns",
                        operator=monitor.Operator.GREATER_THAN,
                        threshold=0,
                        time_aggregation=monitor.AggregationTypeEnum.TOTAL,
                    )
                ],
            ),
            actions=[monitor.MetricAlertActionArgs(action_group_id=args.action_group_id)],
            tags=args.context.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
