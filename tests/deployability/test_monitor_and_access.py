"""Azure Monitor (diagnostic settings, metric alerts, action group, workspace), role assignments and locks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from deployability.catalogue.monitor import LOG_CATEGORIES
from deployability.rule import arm_type as rule_arm_type
from preview.plan import Plan
from preview.resource_types import ResourceType
from tests.support.catalogue import details, edited, fired, one_of, replaced
from tests.support.registrations import reg

DOCUMENTED_LOG_CATEGORIES: dict[str, set[str]] = {
    "microsoft.datafactory/factories": {
        "ActivityRuns",
        "AirflowDagProcessingLogs",
        "AirflowSchedulerLogs",
        "AirflowTaskLogs",
        "AirflowWebLogs",
        "AirflowWorkerLogs",
        "PipelineRuns",
        "SSISIntegrationRuntimeLogs",
        "SSISPackageEventMessageContext",
        "SSISPackageEventMessages",
        "SSISPackageExecutableStatistics",
        "SSISPackageExecutionComponentPhases",
        "SSISPackageExecutionDataStatistics",
        "SandboxActivityRuns",
        "SandboxPipelineRuns",
        "TriggerRuns",
    },
    "microsoft.insights/components": {
        "AppAvailabilityResults",
        "AppBrowserTimings",
        "AppDependencies",
        "AppEvents",
        "AppExceptions",
        "AppMetrics",
        "AppPageViews",
        "AppPerformanceCounters",
        "AppRequests",
        "AppSystemEvents",
        "AppTraces",
    },
    "microsoft.keyvault/vaults": {
        "AuditEvent",
        "AzurePolicyEvaluationDetails",
    },
    "microsoft.operationalinsights/workspaces": {
        "Audit",
        "SummaryLogs",
    },
    "microsoft.sql/servers/databases": {
        "AutomaticTuning",
        "Blocks",
        "DatabaseWaitStatistics",
        "Deadlocks",
        "DevOpsOperationsAudit",
        "DmsWorkers",
        "Errors",
        "ExecRequests",
        "QueryStoreRuntimeStatistics",
        "QueryStoreWaitStatistics",
        "RequestSteps",
        "SQLInsights",
        "SQLSecurityAuditEvents",
        "SqlRequests",
        "Timeouts",
        "Waits",
    },
    "microsoft.storage/storageaccounts": set(),
    "microsoft.storage/storageaccounts/blobservices": {
        "StorageDelete",
        "StorageRead",
        "StorageWrite",
    },
    "microsoft.storage/storageaccounts/fileservices": {
        "StorageDelete",
        "StorageRead",
        "StorageWrite",
    },
    "microsoft.storage/storageaccounts/queueservices": {
        "StorageDelete",
        "StorageRead",
        "StorageWrite",
    },
    "microsoft.storage/storageaccounts/tableservices": {
        "StorageDelete",
        "StorageRead",
        "StorageWrite",
    },
    "microsoft.web/sites": {
        "AppServiceAntivirusScanAuditLogs",
        "AppServiceAppLogs",
        "AppServiceAuditLogs",
        "AppServiceAuthenticationLogs",
        "AppServiceConsoleLogs",
        "AppServiceFileAuditLogs",
        "AppServiceHTTPLogs",
        "AppServiceIPSecAuditLogs",
        "AppServicePlatformLogs",
        "FunctionAppLogs",
        "WorkflowRuntime",
    },
}
"""Each type's resource log categories as the Azure Monitor logs index lists them
(https://learn.microsoft.com/azure/azure-monitor/reference/logs-index), written out here rather than read from the
rule's table: a category the table loses fails its type's case, and one it gains fails the comparison."""
EVALUATION_FREQUENCIES = ("PT1M", "PT5M", "PT15M", "PT30M", "PT1H")
WINDOW_SIZES = ("PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "PT24H", "P1D")
"""What a metric alert takes, from the template reference of Microsoft.Insights/metricAlerts
(https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-metric-create-templates)."""

VAULT_DIAGNOSTICS = "platform-key-vault-diagnostics"
LAKE_DIAGNOSTICS = "platform-lake-diagnostics"
BLOB_DIAGNOSTICS = "platform-lake-blob-diagnostics"
ALERT = "platform-adf-failed-runs-alert"
ACTION_GROUP = "platform-monitoring-action-group"
WORKSPACE = "platform-monitoring-workspace"


def copies(plan: Plan, name: str, count: int, **inputs: Any) -> list[Any]:
    original = one_of(plan, name)
    return [
        dataclasses.replace(
            original,
            urn=f"{original.urn}-{i}",
            name=f"{name}-{i}",
            inputs={**original.inputs, "name": f"d{i}", **inputs},
        )
        for i in range(count)
    ]


def test_settings_per_resource_fire_past_five(dev: Plan) -> None:
    storage = {"workspaceId": None, "storageAccountId": "/subscriptions/s/resourceGroups/rg/providers/x/y"}
    four_more = copies(dev, VAULT_DIAGNOSTICS, 4, **storage)
    assert fired([*dev.all_resources, *four_more], "diagnostic-settings-per-resource") == []
    five_more = copies(dev, VAULT_DIAGNOSTICS, 5, **storage)
    (detail,) = fired([*dev.all_resources, *five_more], "diagnostic-settings-per-resource")
    assert detail.startswith("6 diagnostic settings on ") and detail.endswith("Azure allows 5")


def test_sink_once_fires_for_the_same_category_to_the_same_workspace_twice(dev: Plan) -> None:
    twin = copies(dev, VAULT_DIAGNOSTICS, 1, logs=[{"category": "AuditEvent", "enabled": True}], metrics=[])
    assert details([*dev.all_resources, *twin], "diagnostic-settings-sink-once") == [
        (f"{VAULT_DIAGNOSTICS}-0", f"sends AuditEvent to the workspace '{VAULT_DIAGNOSTICS}' already sends it to")
    ]


def test_sink_once_counts_all_logs_as_every_category(dev: Plan) -> None:
    twin = copies(dev, VAULT_DIAGNOSTICS, 1, logs=[{"categoryGroup": "allLogs", "enabled": True}], metrics=[])
    (detail,) = fired([*dev.all_resources, *twin], "diagnostic-settings-sink-once")
    assert "AuditEvent" in detail and "AzurePolicyEvaluationDetails" in detail


def test_sink_once_is_quiet_for_another_destination_disabled_entries_or_other_categories(dev: Plan) -> None:
    elsewhere = copies(dev, VAULT_DIAGNOSTICS, 1, workspaceId="/subscriptions/s/resourceGroups/rg/providers/w/other")
    assert fired([*dev.all_resources, *elsewhere], "diagnostic-settings-sink-once") == []
    disabled = copies(dev, VAULT_DIAGNOSTICS, 1, logs=[{"category": "AuditEvent", "enabled": False}], metrics=[])
    assert fired([*dev.all_resources, *disabled], "diagnostic-settings-sink-once") == []


def test_the_rule_knows_exactly_the_documented_categories() -> None:
    assert {arm: set(categories) for arm, categories in LOG_CATEGORIES.items()} == DOCUMENTED_LOG_CATEGORIES


@pytest.mark.parametrize(("arm_type", "categories"), sorted(DOCUMENTED_LOG_CATEGORIES.items()))
def test_categories_accept_every_listed_category_of_each_type(arm_type: str, categories: set[str]) -> None:
    uri = "/subscriptions/s/resourceGroups/rg/providers/" + "/".join(
        f"{part}/x" for part in arm_type.split("/", 1)[1].split("/")
    )
    uri = uri.replace("/providers/", f"/providers/{arm_type.split('/')[0]}/", 1)
    assert rule_arm_type(uri) == arm_type
    setting = reg(
        ResourceType.DIAGNOSTIC_SETTING,
        "d",
        name="d",
        resourceUri=uri,
        logs=[{"category": c, "enabled": True} for c in sorted(categories)],
        metrics=[{"category": "Transaction" if "storage" in arm_type else "AllMetrics", "enabled": True}],
    )
    assert fired([setting], "diagnostic-settings-categories") == []


def test_categories_fire_for_an_unknown_log_category_and_a_wrong_case(dev: Plan) -> None:
    regs = edited(dev, VAULT_DIAGNOSTICS, lambda i: i.update(logs=[{"category": "AuditEvents", "enabled": True}]))
    (detail,) = fired(regs, "diagnostic-settings-categories")
    assert detail.startswith("log category 'AuditEvents' does not exist for microsoft.keyvault/vaults")
    regs = edited(dev, "platform-adf-diagnostics", lambda i: i.update(logs=[{"category": "pipelineruns"}]))
    assert fired(regs, "diagnostic-settings-categories")[0].startswith("log category 'pipelineruns' does not exist")


def test_categories_fire_for_logs_on_the_storage_account_itself(dev: Plan) -> None:
    regs = edited(dev, LAKE_DIAGNOSTICS, lambda i: i.update(logs=[{"category": "StorageRead", "enabled": True}]))
    assert fired(regs, "diagnostic-settings-categories") == [
        "log category 'StorageRead' does not exist for microsoft.storage/storageaccounts; categories: none (this type "
        "has no resource logs)"
    ]
    assert fired(dev.all_resources, "diagnostic-settings-categories") == []


def test_categories_fire_for_allmetrics_on_storage_and_another_metric_elsewhere(dev: Plan) -> None:
    regs = edited(dev, BLOB_DIAGNOSTICS, lambda i: i.update(metrics=[{"category": "AllMetrics", "enabled": True}]))
    assert fired(regs, "diagnostic-settings-categories") == [
        "metric category 'AllMetrics' is not supported for microsoft.storage/storageaccounts/blobservices; use "
        "Capacity, Transaction"
    ]
    regs = edited(dev, VAULT_DIAGNOSTICS, lambda i: i.update(metrics=[{"category": "Transaction", "enabled": True}]))
    assert fired(regs, "diagnostic-settings-categories") == [
        "metric category 'Transaction' is not supported for microsoft.keyvault/vaults; use AllMetrics"
    ]


def test_categories_fire_for_an_unknown_category_group(dev: Plan) -> None:
    regs = edited(dev, VAULT_DIAGNOSTICS, lambda i: i.update(logs=[{"categoryGroup": "everything", "enabled": True}]))
    assert fired(regs, "diagnostic-settings-categories") == ["categoryGroup 'everything' is not one of allLogs, audit"]
    regs = edited(dev, VAULT_DIAGNOSTICS, lambda i: i.update(logs=[{"categoryGroup": "audit", "enabled": True}]))
    assert fired(regs, "diagnostic-settings-categories") == []


@pytest.mark.parametrize("frequency", EVALUATION_FREQUENCIES)
def test_alert_is_quiet_for_every_allowed_frequency(dev: Plan, frequency: str) -> None:
    regs = replaced(dev.all_resources, ALERT, evaluationFrequency=frequency, windowSize="PT1H")
    assert fired(regs, "metric-alert-settings") == []


@pytest.mark.parametrize("window", WINDOW_SIZES)
def test_alert_is_quiet_for_every_allowed_window(dev: Plan, window: str) -> None:
    assert (
        fired(
            replaced(dev.all_resources, ALERT, windowSize=window, evaluationFrequency="PT1M"), "metric-alert-settings"
        )
        == []
    )


def test_alert_fires_for_a_frequency_window_severity_and_description_outside_the_limits(dev: Plan) -> None:
    assert fired(replaced(dev.all_resources, ALERT, evaluationFrequency="PT10M"), "metric-alert-settings") == [
        "evaluationFrequency PT10M is not one of PT1M, PT5M, PT15M, PT30M, PT1H"
    ]
    assert fired(replaced(dev.all_resources, ALERT, windowSize="PT2H"), "metric-alert-settings")[0].startswith(
        "windowSize PT2H is not one of"
    )
    assert fired(replaced(dev.all_resources, ALERT, windowSize="pt15m"), "metric-alert-settings") == []
    assert fired(replaced(dev.all_resources, ALERT, severity=5), "metric-alert-settings") == ["severity 5 is not 0-4"]
    assert fired(replaced(dev.all_resources, ALERT, description="d" * 2049), "metric-alert-settings") == [
        "description is 2049 characters; Azure allows 2048"
    ]
    assert fired(replaced(dev.all_resources, ALERT, description="d" * 2048, severity=0), "metric-alert-settings") == []


def test_short_name_fires_past_12_and_when_missing(dev: Plan) -> None:
    assert fired(replaced(dev.all_resources, ACTION_GROUP, groupShortName="x" * 12), "action-group-short-name") == []
    assert fired(replaced(dev.all_resources, ACTION_GROUP, groupShortName="x" * 13), "action-group-short-name") == [
        f"groupShortName {'x' * 13!r} is 13 characters; Azure allows 1-12"
    ]
    assert fired(replaced(dev.all_resources, ACTION_GROUP, groupShortName=None), "action-group-short-name") == [
        "groupShortName None is 0 characters; Azure allows 1-12"
    ]


@pytest.mark.parametrize(("days", "fires"), [(3, True), (4, False), (730, False), (731, True)])
def test_workspace_retention_is_4_to_730_days(dev: Plan, days: int, fires: bool) -> None:
    assert bool(fired(replaced(dev.all_resources, WORKSPACE, retentionInDays=days), "log-analytics-retention")) is fires


# ------------------------------------------------------------------ role assignments and locks


def test_role_description_fires_past_2048_characters(dev: Plan) -> None:
    name = "platform-adf-key-vault-secrets-user"
    assert fired(replaced(dev.all_resources, name, description="d" * 2048), "role-assignment-description-length") == []
    assert fired(replaced(dev.all_resources, name, description="d" * 2049), "role-assignment-description-length") == [
        "description is 2049 characters; Azure allows 2048"
    ]


def test_locks_fire_for_long_notes_and_past_20_on_one_scope(prod: Plan) -> None:
    lock = "platform-key-vault-lock"
    assert fired(replaced(prod.all_resources, lock, notes="n" * 513), "management-lock-limits") == [
        "notes are 513 characters; Azure allows 512"
    ]
    original = one_of(prod, lock)
    more = [
        dataclasses.replace(
            original, urn=f"{original.urn}-{i}", name=f"lock-{i}", inputs={**original.inputs, "lockName": f"l{i}"}
        )
        for i in range(20)
    ]
    assert fired([*prod.all_resources, *more[:19]], "management-lock-limits") == []
    assert fired([*prod.all_resources, *more], "management-lock-limits") == ["21 locks on one scope; Azure allows 20"]


def sent_twice(first: dict[str, Any], second: dict[str, Any], uri: str = "") -> list[str]:
    """The sink-once findings of two settings of one resource (the key vault unless `uri` names another)."""
    resource = uri or "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a"
    workspace = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-a"
    settings = [
        reg(
            ResourceType.DIAGNOSTIC_SETTING,
            f"d{index}",
            name=f"d{index}",
            resourceUri=resource,
            **{"workspaceId": workspace, "metrics": [], **inputs},
        )
        for index, inputs in enumerate((first, second))
    ]
    return fired(settings, "diagnostic-settings-sink-once")


def test_sink_once_compares_destinations_without_regard_to_case() -> None:
    audit = {"logs": [{"category": "AuditEvent", "enabled": True}]}
    shouting = {
        **audit,
        "workspaceId": "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.OPERATIONALINSIGHTS/WORKSPACES/LOG-A/",
    }
    assert sent_twice(audit, shouting) == ["sends AuditEvent to the workspace 'd0' already sends it to"]


def test_sink_once_counts_a_category_group_sent_twice() -> None:
    group = {"logs": [{"categoryGroup": "audit", "enabled": True}]}
    assert sent_twice(group, group) == ["sends group:audit to the workspace 'd0' already sends it to"]


def test_sink_once_reads_all_logs_of_an_unlisted_type_as_both_groups() -> None:
    every = {"logs": [{"categoryGroup": "allLogs", "enabled": True}]}
    uri = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns-a"
    assert sent_twice(every, every, uri) == [
        "sends group:allLogs, group:audit to the workspace 'd0' already sends it to"
    ]
    assert sent_twice(every, {"logs": [{"categoryGroup": "audit", "enabled": True}]}, uri) == [
        "sends group:audit to the workspace 'd0' already sends it to"
    ]
