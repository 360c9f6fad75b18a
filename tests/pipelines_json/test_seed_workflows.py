"""The seed workflows are real pipelines with the triggers and schedules the seeds ask for (as deployed)."""

from __future__ import annotations

from typing import Any

import pytest

from preview.plan import Plan


def deployed(plan: Plan, type_token: str) -> dict[str, dict[str, Any]]:
    name_key = "pipelineName" if type_token.endswith("Pipeline") else "triggerName"
    return {reg.inputs[name_key]: reg.inputs for reg in plan.by_type(type_token)}


@pytest.fixture(scope="module")
def pipelines(dev: Plan) -> dict[str, dict[str, Any]]:
    return deployed(dev, "azure-native:datafactory:Pipeline")


@pytest.fixture(scope="module")
def triggers(dev: Plan) -> dict[str, dict[str, Any]]:
    return {name: inputs["properties"] for name, inputs in deployed(dev, "azure-native:datafactory:Trigger").items()}


def runs(trigger: dict[str, Any]) -> list[str]:
    entries = trigger.get("pipelines") or [trigger["pipeline"]]
    return [entry["pipelineReference"]["referenceName"] for entry in entries]


def triggers_of(triggers: dict[str, dict[str, Any]], pipeline: str) -> list[dict[str, Any]]:
    return [t for t in triggers.values() if pipeline in runs(t)]


def activities(pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for activity in pipeline["activities"]:
        out.append(activity)
        out.extend(activity.get("activities", []))
    return out


def test_user_sync_copies_submissions_to_staging_then_merges(pipelines: dict[str, dict[str, Any]]) -> None:
    sync = pipelines["PL_UserSync_SubmissionsToSql"]
    copy, merge = sync["activities"]
    assert copy["type"] == "Copy"
    assert copy["source"]["type"] == "JsonSource"
    assert copy["sink"]["type"] == "AzureSqlSink"
    assert merge["type"] == "SqlServerStoredProcedure"
    assert merge["storedProcedureName"] == "[dbo].[usp_merge_users]"
    assert merge["dependsOn"] == [{"activity": copy["name"], "dependencyConditions": ["Succeeded"]}]


def test_user_sync_runs_on_new_submissions_and_daily_at_two(triggers: dict[str, dict[str, Any]]) -> None:
    kinds = {t["type"]: t for t in triggers_of(triggers, "PL_UserSync_SubmissionsToSql")}
    event = kinds["BlobEventsTrigger"]
    assert event["events"] == ["Microsoft.Storage.BlobCreated"]
    assert event["blobPathBeginsWith"] == "/bronze/blobs/submissions/"
    schedule = kinds["ScheduleTrigger"]["recurrence"]
    assert (schedule["frequency"], schedule["interval"]) == ("Day", 1)
    assert schedule["schedule"]["hours"] == [2] and schedule["schedule"]["minutes"] == [0]


def test_reporting_is_hourly_on_a_tumbling_window_that_passes_the_window(
    pipelines: dict[str, dict[str, Any]], triggers: dict[str, dict[str, Any]]
) -> None:
    (trigger,) = triggers_of(triggers, "PL_Reporting_AggregateHourly")
    assert trigger["type"] == "TumblingWindowTrigger"
    assert (trigger["frequency"], trigger["interval"]) == ("Hour", 1)
    assert trigger["retryPolicy"]["count"] >= 1
    assert trigger["pipeline"]["parameters"] == {
        "windowStart": "@trigger().outputs.windowStartTime",
        "windowEnd": "@trigger().outputs.windowEndTime",
    }
    assert set(pipelines["PL_Reporting_AggregateHourly"]["parameters"]) == {"windowStart", "windowEnd"}


def test_archive_copies_each_listed_table_to_parquet_daily_at_midnight(
    pipelines: dict[str, dict[str, Any]], triggers: dict[str, dict[str, Any]]
) -> None:
    archive = pipelines["PL_Archive_SqlToLake"]
    (for_each,) = archive["activities"]
    assert for_each["type"] == "ForEach"
    assert for_each["items"]["value"] == "@pipeline().parameters.tables"
    (copy,) = for_each["activities"]
    assert copy["source"]["type"] == "AzureSqlSource"
    assert copy["sink"]["type"] == "ParquetSink"
    assert archive["parameters"]["tables"]["defaultValue"]
    (trigger,) = triggers_of(triggers, "PL_Archive_SqlToLake")
    assert trigger["recurrence"]["schedule"]["hours"] == [0]
    assert trigger["recurrence"]["frequency"] == "Day"


def test_bronze_to_silver_runs_the_cleansing_data_flow_on_new_event_files(
    dev: Plan, pipelines: dict[str, dict[str, Any]], triggers: dict[str, dict[str, Any]]
) -> None:
    (activity,) = pipelines["PL_Events_BronzeToSilver"]["activities"]
    assert activity["type"] == "ExecuteDataFlow"
    flow_name = activity["dataFlow"]["referenceName"]
    (flow,) = [f for f in dev.by_type("azure-native:datafactory:DataFlow") if f.inputs["dataFlowName"] == flow_name]
    script = "\n".join(flow.inputs["properties"]["scriptLines"])
    for step in ("lower(trim(emotion))", "XXX', 'UTC')", "aggregate(groupBy(event_id)"):
        assert step in script, f"the data flow lacks {step}"
    (trigger,) = triggers_of(triggers, "PL_Events_BronzeToSilver")
    assert trigger["blobPathBeginsWith"] == "/bronze/blobs/events/"


def test_every_leaf_activity_has_a_timeout_and_a_retry_policy(pipelines: dict[str, dict[str, Any]]) -> None:
    containers = {"ForEach", "IfCondition", "Switch", "Until"}
    for name, pipeline in pipelines.items():
        for activity in activities(pipeline):
            if activity["type"] in containers:
                continue
            policy = activity.get("policy") or {}
            assert policy.get("timeout"), f"{name}/{activity['name']} has no timeout"
            assert policy.get("retry", 0) >= 1, f"{name}/{activity['name']} has no retry"


def test_every_trigger_is_deployed_for_every_seed_pipeline(
    pipelines: dict[str, dict[str, Any]], triggers: dict[str, dict[str, Any]]
) -> None:
    for name in pipelines:
        assert triggers_of(triggers, name), f"{name} has no trigger"
