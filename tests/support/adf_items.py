"""ADF items built in memory, as the loader reads them from files, to run the content rules on."""

from __future__ import annotations

from typing import Any

from adf.model import AdfItem, AdfKind
from adf.rules import check_content
from adf.rules.rule import Rule

FOLDER = "pipelines_json"


def item(kind: AdfKind, name: str, properties: dict[str, Any]) -> AdfItem:
    return AdfItem(kind, name, f"{FOLDER}/{kind}/{name}.json", {"name": name, "properties": properties})


def file_of(kind: AdfKind, name: str) -> str:
    return f"{FOLDER}/{kind}/{name}.json"


def activity(name: str, type_: str = "Wait", **fields: Any) -> dict[str, Any]:
    """An activity in the authoring shape; a Wait of one second unless told otherwise."""
    type_properties = fields.pop("typeProperties", {"waitTimeInSeconds": 1} if type_ == "Wait" else {})
    return {"name": name, "type": type_, "dependsOn": [], "typeProperties": type_properties, **fields}


def copy(name: str = "CopyRows", **type_properties: Any) -> dict[str, Any]:
    return activity(
        name,
        "Copy",
        policy={"timeout": "0.01:00:00", "retry": 1, "retryIntervalInSeconds": 60},
        typeProperties={"source": {"type": "ParquetSource"}, "sink": {"type": "ParquetSink"}, **type_properties},
    )


def for_each(name: str, inner: list[dict[str, Any]], **type_properties: Any) -> dict[str, Any]:
    items = {"value": "@pipeline().parameters.folders", "type": "Expression"}
    return activity(name, "ForEach", typeProperties={"items": items, "activities": inner, **type_properties})


def until(name: str, inner: list[dict[str, Any]], **type_properties: Any) -> dict[str, Any]:
    expression = {"value": "@equals(1, 1)", "type": "Expression"}
    return activity(name, "Until", typeProperties={"expression": expression, "activities": inner, **type_properties})


def if_condition(
    name: str, if_true: list[dict[str, Any]], if_false: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    expression = {"value": "@equals(1, 1)", "type": "Expression"}
    branches = {"ifTrueActivities": if_true, "ifFalseActivities": if_false or []}
    return activity(name, "IfCondition", typeProperties={"expression": expression, **branches})


def switch(name: str, cases: list[list[dict[str, Any]]], default: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    on = {"value": "@pipeline().parameters.mode", "type": "Expression"}
    listed = [{"value": str(index), "activities": inner} for index, inner in enumerate(cases)]
    return activity(name, "Switch", typeProperties={"on": on, "cases": listed, "defaultActivities": default or []})


def pipeline(activities: list[dict[str, Any]], name: str = "PL_Test", **properties: Any) -> AdfItem:
    return item(AdfKind.PIPELINE, name, {"activities": activities, **properties})


def trigger(type_: str, type_properties: dict[str, Any], name: str = "TR_Test", **properties: Any) -> AdfItem:
    reference = {"pipelineReference": {"referenceName": "PL_Test", "type": "PipelineReference"}}
    runs = {"pipeline": reference} if type_ == "TumblingWindowTrigger" else {"pipelines": [reference]}
    return item(AdfKind.TRIGGER, name, {"type": type_, **runs, "typeProperties": type_properties, **properties})


def tumbling_window(**type_properties: Any) -> AdfItem:
    base = {"frequency": "Hour", "interval": 1, "startTime": "2026-01-01T00:00:00Z", "maxConcurrency": 1}
    name = type_properties.pop("name", "TR_Window")
    return trigger("TumblingWindowTrigger", {**base, **type_properties}, name=name)


def schedule(**recurrence: Any) -> AdfItem:
    base = {"frequency": "Day", "interval": 1, "startTime": "2026-01-01T00:00:00Z", "timeZone": "UTC"}
    return trigger("ScheduleTrigger", {"recurrence": {**base, **recurrence}}, name="TR_Schedule")


def blob_events(**type_properties: Any) -> AdfItem:
    base = {"events": ["Microsoft.Storage.BlobCreated"], "scope": "/subscriptions/0/storageAccounts/lake"}
    return trigger("BlobEventsTrigger", {**base, **type_properties}, name="TR_Blob")


def findings(*items: AdfItem) -> list[str]:
    """Every finding of the content rules, refusals first, then warnings."""
    problems: list[str] = []
    warnings: list[str] = []
    check_content(list(items), problems, warnings)
    return problems + warnings


def refusals(*items: AdfItem) -> list[str]:
    """The findings that refuse the content."""
    problems: list[str] = []
    check_content(list(items), problems, [])
    return problems


def warnings_of(*items: AdfItem) -> list[str]:
    """The findings that only warn: ADF accepted such content."""
    warnings: list[str] = []
    check_content(list(items), [], warnings)
    return warnings


def cited(rule: Rule) -> str:
    """How a finding of this rule ends: its limit and first source, and for a warning the evidence ADF accepts it."""
    return " (" + rule.finding("", "", "").split(" (", 1)[1]


def of_rule(rule: Rule, problems: list[str]) -> list[str]:
    """The findings that name this rule's limit and first source (and its evidence, for a warning)."""
    return [p for p in problems if p.endswith(cited(rule))]
