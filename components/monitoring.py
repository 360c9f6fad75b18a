"""Monitoring: the Log Analytics workspace, workspace-based Application Insights and the alert action group."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import applicationinsights, monitor, operationalinsights


@dataclass(frozen=True)
class MonitoringArgs:
    """Inputs of the monitoring component."""

    resource_group_name: pulumi.Input[str]
    """The resource group."""
    location: str
    """Azure region."""
    workspace_name: str
    """Log Analytics workspace name."""
    app_insights_name: str
    """Application Insights component name."""
    action_group_name: str
    """Action group name."""
    action_group_short_name: str
    """Action group short name (at most 12 characters, shown in alert emails and SMS)."""
    alert_email: str
    """Where alerts are emailed."""
    retention_days: int
    """Log retention in the workspace."""
    tags: dict[str, str]
    """Tags for every taggable child."""


class Monitoring(pulumi.ComponentResource):
    """Where every component sends diagnostics, and where alerts go."""

    workspace_id: pulumi.Output[str]
    app_insights_id: pulumi.Output[str]
    app_insights_connection_string: pulumi.Output[str]
    action_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:monitoring:Monitoring", name, {}, opts)

        workspace = operationalinsights.Workspace(
            f"{name}-workspace",
            workspace_name=args.workspace_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku={"name": "PerGB2018"},
            retention_in_days=args.retention_days,
            features={"enable_log_access_using_only_resource_permissions": True},
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        app_insights = applicationinsights.Component(
            f"{name}-app-insights",
            resource_name_=args.app_insights_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="web",
            application_type="web",
            ingestion_mode="LogAnalytics",
            workspace_resource_id=workspace.id,
            # Telemetry is accepted only with an Entra ID token (Monitoring Metrics Publisher).
            disable_local_auth=True,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        action_group = monitor.ActionGroup(
            f"{name}-action-group",
            action_group_name=args.action_group_name,
            resource_group_name=args.resource_group_name,
            location="global",
            group_short_name=args.action_group_short_name,
            enabled=True,
            email_receivers=[
                {"name": "platform-team", "email_address": args.alert_email, "use_common_alert_schema": True}
            ],
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.workspace_id = workspace.id
        self.app_insights_id = app_insights.id
        self.app_insights_connection_string = pulumi.Output.secret(app_insights.connection_string)
        self.action_group_id = action_group.id
        self.register_outputs(
            {
                "workspace_id": self.workspace_id,
                "app_insights_id": self.app_insights_id,
                "action_group_id": self.action_group_id,
            }
        )
