"""Azure Monitor: diagnostic settings, metric alerts, the action group and the Log Analytics workspace."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from deployability.rule import Finding, Rule, arm_type, number
from preview.view import PlanView, Registration, ResourceType, known_str
from stack.azure_limits import LOG_RETENTION_DAYS
from stack.evidence import Source
from stack.facts import DatedTable, register
from stack.name_rules import ACTION_GROUP_SHORT_NAME

DIAGNOSTIC_SETTINGS_PAGE = "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings"
CATEGORIES_PAGE = "https://learn.microsoft.com/azure/azure-monitor/reference/logs-index"
SETTINGS_PER_RESOURCE = 5
CATEGORY_GROUPS = ("allLogs", "audit")

_STORAGE_SERVICE_LOGS = frozenset({"StorageRead", "StorageWrite", "StorageDelete"})
LOG_CATEGORIES: Mapping[str, frozenset[str]] = {
    "microsoft.datafactory/factories": frozenset(
        [
            "ActivityRuns",
            "PipelineRuns",
            "TriggerRuns",
            "SandboxActivityRuns",
            "SandboxPipelineRuns",
            "SSISIntegrationRuntimeLogs",
            "SSISPackageEventMessageContext",
            "SSISPackageEventMessages",
            "SSISPackageExecutableStatistics",
            "SSISPackageExecutionComponentPhases",
            "SSISPackageExecutionDataStatistics",
            "AirflowDagProcessingLogs",
            "AirflowSchedulerLogs",
            "AirflowTaskLogs",
            "AirflowWebLogs",
            "AirflowWorkerLogs",
        ]
    ),
    "microsoft.keyvault/vaults": frozenset({"AuditEvent", "AzurePolicyEvaluationDetails"}),
    "microsoft.sql/servers/databases": frozenset(
        [
            "SQLInsights",
            "AutomaticTuning",
            "QueryStoreRuntimeStatistics",
            "QueryStoreWaitStatistics",
            "Errors",
            "DatabaseWaitStatistics",
            "Timeouts",
            "Blocks",
            "Deadlocks",
            "DevOpsOperationsAudit",
            "DmsWorkers",
            "ExecRequests",
            "RequestSteps",
            "SqlRequests",
            "SQLSecurityAuditEvents",
            "Waits",
        ]
    ),
    "microsoft.storage/storageaccounts": frozenset(),
    "microsoft.storage/storageaccounts/blobservices": _STORAGE_SERVICE_LOGS,
    "microsoft.storage/storageaccounts/fileservices": _STORAGE_SERVICE_LOGS,
    "microsoft.storage/storageaccounts/queueservices": _STORAGE_SERVICE_LOGS,
    "microsoft.storage/storageaccounts/tableservices": _STORAGE_SERVICE_LOGS,
    "microsoft.web/sites": frozenset(
        [
            "FunctionAppLogs",
            "AppServiceAppLogs",
            "AppServiceAuditLogs",
            "AppServiceAuthenticationLogs",
            "AppServiceConsoleLogs",
            "AppServiceFileAuditLogs",
            "AppServiceHTTPLogs",
            "AppServiceIPSecAuditLogs",
            "AppServicePlatformLogs",
            "AppServiceAntivirusScanAuditLogs",
            "WorkflowRuntime",
        ]
    ),
    "microsoft.operationalinsights/workspaces": frozenset({"Audit", "SummaryLogs"}),
    "microsoft.insights/components": frozenset(
        [
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
        ]
    ),
}
"""Resource log categories by ARM type (sub-resources are types of their own). Types not listed are not judged."""

_STORAGE_METRICS = frozenset({"Transaction", "Capacity"})
METRIC_CATEGORIES: Mapping[str, frozenset[str]] = {
    arm: _STORAGE_METRICS for arm in LOG_CATEGORIES if arm.startswith("microsoft.storage/")
}
"""Metric categories of the types that do not take AllMetrics; every other listed type takes only AllMetrics."""

CATEGORIES_TABLE = register(
    DatedTable(
        subject="Diagnostic setting categories per resource type",
        read_on=date(2026, 12, 6),
        source=f"{CATEGORIES_PAGE} (supported resource log categories per type)",
        refresh_command="az monitor diagnostic-settings categories list --resource <resource id>",
        max_age_days=180,
    )
)


def _enabled(entries: Any) -> list[dict[str, Any]]:
    return [
        e
        for e in (entries if isinstance(entries, list) else [])
        if isinstance(e, dict) and e.get("enabled") is not False
    ]


def _settings_by_resource(view: PlanView) -> dict[str, list[Registration]]:
    found: dict[str, list[Registration]] = {}
    for reg in view.of_type(ResourceType.DIAGNOSTIC_SETTING):
        uri = known_str(reg.inputs.get("resourceUri"))
        if uri:
            found.setdefault(uri.rstrip("/").lower(), []).append(reg)
    return found


def _per_resource(view: PlanView) -> Iterator[Finding]:
    for uri, settings in _settings_by_resource(view).items():
        for reg in settings[SETTINGS_PER_RESOURCE:]:
            yield reg, f"{len(settings)} diagnostic settings on {uri}; Azure allows {SETTINGS_PER_RESOURCE}"


def _destinations(reg: Registration) -> set[tuple[str, str]]:
    inputs = reg.inputs
    found = {
        (kind, text.rstrip("/").lower())
        for kind, key in (
            ("workspace", "workspaceId"),
            ("storage", "storageAccountId"),
            ("partner", "marketplacePartnerId"),
        )
        if (text := known_str(inputs.get(key)))
    }
    hub = known_str(inputs.get("eventHubAuthorizationRuleId"))
    if hub:
        found.add(("event hub", f"{hub.lower()}|{str(inputs.get('eventHubName') or '').lower()}"))
    return found


def _categories(reg: Registration) -> set[str]:
    """What a setting sends: its log categories (category groups as 'group:<name>') and metric categories."""
    arm = arm_type(reg.inputs.get("resourceUri")) or ""
    found: set[str] = set()
    for entry in _enabled(reg.inputs.get("logs")):
        category, group = known_str(entry.get("category")), known_str(entry.get("categoryGroup"))
        if category:
            found.add(category)
        elif group == "allLogs" and arm in LOG_CATEGORIES:
            found |= LOG_CATEGORIES[arm] | {"group:allLogs", "group:audit"}
        elif group:
            found |= {f"group:{group}"} | ({"group:audit"} if group == "allLogs" else set())
    found |= {f"metric:{c}" for e in _enabled(reg.inputs.get("metrics")) if (c := known_str(e.get("category")))}
    return found


def _sink_once(view: PlanView) -> Iterator[Finding]:
    for settings in _settings_by_resource(view).values():
        for index, reg in enumerate(settings):
            for earlier in settings[:index]:
                shared = _destinations(reg) & _destinations(earlier)
                overlap = _categories(reg) & _categories(earlier)
                if shared and overlap:
                    shown = ", ".join(sorted(c.removeprefix("metric:") for c in overlap))
                    yield reg, f"sends {shown} to the {sorted(shared)[0][0]} '{earlier.name}' already sends it to"


def _log_categories(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.DIAGNOSTIC_SETTING):
        arm = arm_type(reg.inputs.get("resourceUri")) or ""
        for entry in _enabled(reg.inputs.get("logs")):
            category, group = known_str(entry.get("category")), known_str(entry.get("categoryGroup"))
            if group and group not in CATEGORY_GROUPS:
                yield reg, f"categoryGroup {group!r} is not one of {', '.join(CATEGORY_GROUPS)}"
            if category and arm in LOG_CATEGORIES and category not in LOG_CATEGORIES[arm]:
                allowed = ", ".join(sorted(LOG_CATEGORIES[arm])) or "none (this type has no resource logs)"
                yield reg, f"log category {category!r} does not exist for {arm}; categories: {allowed}"
        for entry in _enabled(reg.inputs.get("metrics")):
            category = known_str(entry.get("category"))
            allowed_metrics = METRIC_CATEGORIES.get(arm, frozenset({"AllMetrics"}))
            if category and arm in LOG_CATEGORIES and category not in allowed_metrics:
                yield (
                    reg,
                    f"metric category {category!r} is not supported for {arm}; "
                    f"use {', '.join(sorted(allowed_metrics))}",
                )


EVALUATION_FREQUENCIES = ("PT1M", "PT5M", "PT15M", "PT30M", "PT1H")
WINDOW_SIZES = ("PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "PT24H", "P1D")
SEVERITIES = range(5)
ALERT_DESCRIPTION_MAX = 2048


def _metric_alerts(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.METRIC_ALERT):
        frequency = known_str(reg.inputs.get("evaluationFrequency"))
        if frequency and frequency.upper() not in EVALUATION_FREQUENCIES:
            yield reg, f"evaluationFrequency {frequency} is not one of {', '.join(EVALUATION_FREQUENCIES)}"
        window = known_str(reg.inputs.get("windowSize"))
        if window and window.upper() not in WINDOW_SIZES:
            yield reg, f"windowSize {window} is not one of {', '.join(WINDOW_SIZES)}"
        severity = reg.inputs.get("severity")
        if number(severity) is not None and severity not in SEVERITIES:
            yield reg, f"severity {severity} is not 0-4"
        description = known_str(reg.inputs.get("description"))
        if description and len(description) > ALERT_DESCRIPTION_MAX:
            yield reg, f"description is {len(description)} characters; Azure allows {ALERT_DESCRIPTION_MAX}"


def _short_name(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.ACTION_GROUP):
        short = reg.inputs.get("groupShortName")
        text = short if isinstance(short, str) else ""
        problem = ACTION_GROUP_SHORT_NAME.problem(text) if short is None or known_str(short) else None
        if problem:
            yield reg, f"groupShortName {short!r} {problem}"


def _retention(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.LOG_ANALYTICS_WORKSPACE):
        problem = LOG_RETENTION_DAYS.problem(reg.inputs.get("retentionInDays"))
        if problem:
            yield reg, problem


_DIAGNOSTIC_LIMITS = Source(
    DIAGNOSTIC_SETTINGS_PAGE,
    "each resource can have up to five diagnostic settings; a sink can't be reused by two settings for the same "
    "category of the same resource (Conflict: 'Data sinks can't be reused in different settings on the same category "
    "for the same resource'); category groups are allLogs and audit; metrics go as AllMetrics except where a "
    "service lists its own categories",
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="diagnostic-settings-per-resource",
        types=(ResourceType.DIAGNOSTIC_SETTING,),
        reason="A resource takes at most five diagnostic settings.",
        fix="Send more categories through fewer settings.",
        sources=(_DIAGNOSTIC_LIMITS,),
        check=_per_resource,
    ),
    Rule(
        name="diagnostic-settings-sink-once",
        types=(ResourceType.DIAGNOSTIC_SETTING,),
        reason="Two settings of one resource may not send the same category to the same destination (Conflict); "
        "allLogs holds every category.",
        fix="Send each category to a destination once (components/diagnostics.py: one setting per resource).",
        sources=(_DIAGNOSTIC_LIMITS,),
        check=_sink_once,
    ),
    Rule(
        name="diagnostic-settings-categories",
        types=(ResourceType.DIAGNOSTIC_SETTING,),
        reason="A setting names only the log categories the resource type (or sub-resource) exposes, the groups "
        "allLogs and audit, and its metric categories (AllMetrics; Transaction and Capacity on storage).",
        fix="Use the type's categories (the dated table in deployability/catalogue/monitor.py).",
        sources=(
            _DIAGNOSTIC_LIMITS,
            Source(
                CATEGORIES_PAGE,
                "per type: Microsoft.DataFactory/factories ActivityRuns, PipelineRuns, "
                "TriggerRuns, ...; Microsoft.KeyVault/vaults AuditEvent, AzurePolicyEvaluationDetails; storage "
                "services StorageRead/Write/Delete, the account itself none; Microsoft.Web/sites FunctionAppLogs, "
                "AppService*Logs",
            ),
            Source(
                "https://learn.microsoft.com/azure/azure-monitor/essentials/rest-api-walkthrough",
                "the metric definitions of Microsoft.Storage/storageAccounts carry their own categories (Transactions "
                "is in category Transaction); storage diagnostic settings name Transaction and Capacity, not "
                "AllMetrics",
            ),
        ),
        check=_log_categories,
    ),
    Rule(
        name="metric-alert-settings",
        types=(ResourceType.METRIC_ALERT,),
        reason="A metric alert evaluates every PT1M, PT5M, PT15M, PT30M or PT1H over a window of PT1M ... PT24H, "
        "with severity 0-4 and a description of at most 2,048 characters.",
        fix="Use the allowed values (components/data_factory.py).",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-metric-create-templates",
                "evaluationFrequency allowed values PT1M, PT5M, PT15M, PT30M, PT1H; windowSize PT1M, PT5M, PT15M, "
                "PT30M, PT1H, PT6H, PT12H, PT24H (one minute to one day); severity 0-4",
            ),
            Source(
                "https://learn.microsoft.com/azure/azure-monitor/service-limits",
                "alert rule descriptions: 2,048 characters (4,096 for log search alerts)",
            ),
        ),
        check=_metric_alerts,
    ),
    Rule(
        name="action-group-short-name",
        types=(ResourceType.ACTION_GROUP,),
        reason="An action group's groupShortName is required and holds at most 12 characters.",
        fix="Shorten it (stack/naming.py builds it from the prefix and environment).",
        sources=ACTION_GROUP_SHORT_NAME.sources,
        check=_short_name,
    ),
    Rule(
        name="log-analytics-retention",
        types=(ResourceType.LOG_ANALYTICS_WORKSPACE,),
        reason="A workspace keeps analytics data 4 to 730 days.",
        fix="Set monitoring.logRetentionDays within the bounds (config takes 30-730: 31 days are included).",
        sources=LOG_RETENTION_DAYS.sources,
        check=_retention,
    ),
)
