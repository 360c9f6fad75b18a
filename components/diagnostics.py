"""Diagnostic settings: every component sends its logs and metrics to the stack's workspace."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import monitor

from components.shared import DiagnosticSettings


def send_diagnostics(
    name: str,
    settings: DiagnosticSettings,
    *,
    resource_uri: pulumi.Input[str],
    log_categories: Sequence[str],
    metric_categories: Sequence[str] = ("AllMetrics",),
    parent: pulumi.Resource,
) -> monitor.DiagnosticSetting:
    """Route the named log categories and metrics where the caller's settings say."""
    return monitor.DiagnosticSetting(
        name,
        name=name,
        resource_uri=resource_uri,
        workspace_id=settings.workspace_id,
        log_analytics_destination_type=settings.log_analytics_destination_type,
        logs=[{"category": category, "enabled": True} for category in log_categories],
        metrics=[{"category": category, "enabled": True} for category in metric_categories],
        opts=pulumi.ResourceOptions(parent=parent),
    )
