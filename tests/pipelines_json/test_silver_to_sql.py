"""The silver events reach dbo.user_events: PL_Events_SilverToSql loads each hour (copy to staging, then MERGE),
started by its hourly tumbling window, ahead of the hourly reporting that reads dbo.user_events."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from migrations.catalog import SqlCatalog, load_catalog
from migrations.references import load_json_documents, missing_objects, pipeline_references
from preview.plan import Plan
from tests.support.checkout import PIPELINES_DIR, SQL_DIR

PIPELINE = "PL_Events_SilverToSql"
TRIGGER = "TR_Events_SilverToSql_Hourly"


def deployed(plan: Plan, type_token: str, name_key: str) -> dict[str, dict[str, Any]]:
    return {reg.inputs[name_key]: reg.inputs for reg in plan.by_type(type_token)}


@pytest.fixture(scope="module")
def load(dev: Plan) -> dict[str, Any]:
    return deployed(dev, "azure-native:datafactory:Pipeline", "pipelineName")[PIPELINE]


@pytest.fixture(scope="module")
def triggers(dev: Plan) -> dict[str, dict[str, Any]]:
    found = deployed(dev, "azure-native:datafactory:Trigger", "triggerName")
    return {name: inputs["properties"] for name, inputs in found.items()}


def silver_columns() -> list[str]:
    """The columns the bronze-to-silver data flow writes to silver, from its sink's mapColumn(...)."""
    document = json.loads((PIPELINES_DIR / "dataflow" / "DF_Events_BronzeToSilver.json").read_text(encoding="utf-8"))
    script = "\n".join(document["properties"]["typeProperties"]["scriptLines"])
    sink = script[script.rindex("mapColumn(") :]
    body = sink[len("mapColumn(") : sink.index(")")]
    return [column.strip().strip("{}") for column in body.split(",")]


def test_the_load_copies_the_hour_to_staging_then_merges_only_when_the_hour_has_batches(
    load: dict[str, Any],
) -> None:
    check, branch = load["activities"]
    assert check["type"] == "GetMetadata" and check["fieldList"] == ["exists"]
    assert branch["type"] == "IfCondition"
    assert branch["expression"]["value"] == f"@activity('{check['name']}').output.exists"
    copy, merge = branch["ifTrueActivities"]
    assert copy["source"]["type"] == "ParquetSource"
    assert copy["sink"]["type"] == "AzureSqlSink"
    assert copy["sink"]["preCopyScript"] == "TRUNCATE TABLE [staging].[user_events]"
    assert merge["storedProcedureName"] == "[dbo].[usp_merge_user_events]"
    assert merge["dependsOn"] == [{"activity": copy["name"], "dependencyConditions": ["Succeeded"]}]
    assert load["concurrency"] == 1, "every run truncates the shared staging table"


def test_the_load_reads_the_windows_hour_folder_of_silver(load: dict[str, Any]) -> None:
    check, branch = load["activities"]
    copy = branch["ifTrueActivities"][0]
    hour = "formatDateTime(pipeline().parameters.windowStart, 'yyyy/MM/dd/HH')"
    assert hour in check["dataset"]["parameters"]["folderPath"]["value"]
    assert hour in copy["source"]["storeSettings"]["wildcardFolderPath"]["value"]
    assert copy["source"]["storeSettings"]["wildcardFileName"] == "*.parquet"


def test_every_column_the_data_flow_writes_is_copied_under_its_own_name(load: dict[str, Any]) -> None:
    copy = load["activities"][1]["ifTrueActivities"][0]
    mappings = [(m["source"]["name"], m["sink"]["name"]) for m in copy["translator"]["mappings"]]
    columns = silver_columns()
    assert "event_id" in columns and "ingested_at" in columns
    assert mappings == [(column, column) for column in columns]


def test_the_load_runs_hourly_one_window_at_a_time_before_the_reporting(triggers: dict[str, dict[str, Any]]) -> None:
    trigger = triggers[TRIGGER]
    assert trigger["type"] == "TumblingWindowTrigger"
    assert (trigger["frequency"], trigger["interval"], trigger["maxConcurrency"]) == ("Hour", 1, 1)
    assert trigger["pipeline"]["pipelineReference"]["referenceName"] == PIPELINE
    assert trigger["pipeline"]["parameters"] == {
        "windowStart": "@trigger().outputs.windowStartTime",
        "windowEnd": "@trigger().outputs.windowEndTime",
    }
    reporting = triggers["TR_Reporting_Hourly"]
    assert (reporting["frequency"], reporting["interval"]) == (trigger["frequency"], trigger["interval"])

    def minutes(delay: str) -> int:
        hours, mins, _ = (int(part) for part in delay.split(":"))
        return hours * 60 + mins

    assert minutes(trigger["delay"]) < minutes(reporting["delay"]), "reporting must aggregate after the load"


@pytest.fixture(scope="module")
def catalog() -> SqlCatalog:
    return load_catalog(SQL_DIR)


def test_the_sql_objects_the_load_names_exist(catalog: SqlCatalog) -> None:
    datasets = {name: document for name, (_file, document) in load_json_documents("dataset", PIPELINES_DIR).items()}
    file, document = load_json_documents("pipeline", PIPELINES_DIR)[PIPELINE.lower()]
    references = pipeline_references(document, file, datasets)
    named = {(ref.kind, ref.name) for ref in references}
    assert {("table", "staging.user_events"), ("procedure", "dbo.usp_merge_user_events")} <= named
    assert missing_objects(references, catalog) == []


def test_the_factory_may_truncate_the_staging_table_and_run_the_merge() -> None:
    text = (PIPELINES_DIR.parent / "sql" / "V008__user_events_load.sql").read_text(encoding="utf-8")
    grants = set(re.findall(r"GRANT (\w+) ON OBJECT::(\S+) TO \[\$\(FactoryIdentityName\)\]", text))
    assert grants == {("ALTER", "staging.user_events"), ("EXECUTE", "dbo.usp_merge_user_events")}


def test_the_merge_is_keyed_on_the_event_id_and_never_inserts_an_event_twice() -> None:
    text = (PIPELINES_DIR.parent / "sql" / "V008__user_events_load.sql").read_text(encoding="utf-8")
    assert "ON t.event_id = s.event_id" in text
    assert "WHEN NOT MATCHED BY TARGET THEN" in text
    assert "newest = 1" in text, "one row per event_id from staging, or MERGE fails on duplicates"
