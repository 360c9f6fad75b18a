"""Monitoring: one workspace for every diagnostic setting, App Insights on it, and an action group."""

from __future__ import annotations

from preview.plan import Plan
from tests.conftest import one


def test_workspace_retention_follows_the_stack(plans: dict[str, Plan]) -> None:
    for stack, days in {"dev": 30, "test": 60, "prod": 90}.items():
        workspace = one(plans[stack], "azure-native:operationalinsights:Workspace").inputs
        assert workspace["retentionInDays"] == days


def test_app_insights_is_workspace_based_and_entra_only(dev: Plan) -> None:
    component = one(dev, "azure-native:applicationinsights:Component").inputs
    workspace = one(dev, "azure-native:operationalinsights:Workspace").inputs["workspaceName"]
    assert component["workspaceResourceId"].endswith(f"/workspaces/{workspace}")
    assert component["disableLocalAuth"] is True


def test_every_diagnostic_setting_targets_the_one_workspace(dev: Plan) -> None:
    settings = dev.by_type("azure-native:monitor:DiagnosticSetting")
    targets = {reg.inputs["workspaceId"] for reg in settings}
    assert len(targets) == 1
    watched = {reg.inputs["resourceUri"].split("/providers/")[1].split("/")[0:2][1] for reg in settings}
    assert {"factories", "storageAccounts", "vaults", "sites"} <= watched


def test_action_group_emails_the_configured_address(prod: Plan) -> None:
    group = one(prod, "azure-native:monitor:ActionGroup").inputs
    assert group["emailReceivers"] == [
        {"name": "platform-team", "emailAddress": "data-platform-oncall@example.com", "useCommonAlertSchema": True}
    ]
    assert len(group["groupShortName"]) <= 12
