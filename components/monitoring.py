"""Monitoring: the Log Analytics workspace, workspace-based Application Insights and the alert action group."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import applicationinsights, monitor, operationalinsights

from components.shared import Placement
from stack.config import MonitoringConfig


@dataclass(frozen=True)
class MonitoringArgs:
    """Inputs of the monitoring component."""

    placement: Placement
    """Resource group, region and tags."""
    monitoring: MonitoringConfig
    """Log retention and the alert address, from the stack config."""
    workspace_name: str
    """Log Analytics workspace name."""
    app_insights_name: str
    """Application Insights component name."""
    action_group_name: str
    """Action group name."""
    action_group_short_name: str
    """Action group short name (at most 12 characters, shown in alert emails and SMS)."""


class Monitoring(pulumi.ComponentResource):
    """Where every component sends diagnostics, and where alerts go."""

    workspace_id: pulumi.Output[str]
    """ARM id of the Log Analytics workspace, for diagnostic settings."""
    app_insights_id: pulumi.Output[str]
    """ARM id of Application Insights, for the publisher grant."""
    app_insights_connection_string: pulumi.Output[str]
    """Connection string of Application Insights, a Pulumi secret, stored in Key Vault."""
    action_group_id: pulumi.Output[str]
    """ARM id of the action group that alerts notify."""

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:monitoring:Monitoring", name, {}, opts)
        placement = args.placement

        workspace = operationalinsights.Workspace(
            f"{name}-workspace",
            workspace_name=args.workspace_name,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            sku={"name": "PerGB2018"},
            retention_in_days=args.monitoring.log_retention_days,
            features={"enable_log_access_using_only_resource_permissions": True},
            tags=placement.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        app_insights = applicationinsights.Component(
            f"{name}-app-insights",
            resource_name_=args.app_insights_name,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            kind="web",
            application_type="web",
            ingestion_mode="LogAnalytics",
            workspace_resource_id=workspace.id,
            # Telemetry is accepted only with an Entra ID token (Monitoring Metrics Publisher).
            disable_local_auth=True,
            tags=placement.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        action_group = monitor.ActionGroup(
            f"{name}-action-group",
            action_group_name=args.action_group_name,
            resource_group_name=placement.resource_group_name,
            location="global",
            group_short_name=args.action_group_short_name,
            enabled=True,
            email_receivers=[
                {"name": "platform-team", "email_address": args.monitoring.alert_email, "use_common_alert_schema": True}
            ],
            tags=placement.tags,
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
