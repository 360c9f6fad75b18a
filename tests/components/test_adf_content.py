"""The ADF content loader: lossless conversion, dependency order, and every validation error on a broken fixture."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from adf.content import AdfContent, AdfItem, ContentError, load_content, to_inputs
from adf.load import STACK_VALUES, pipeline_properties
from stack.paths import PIPELINES_DIR

POLICY = {"timeout": "0.01:00:00", "retry": 2, "retryIntervalInSeconds": 60}


def fixture_files() -> dict[str, dict[str, Any]]:
    """A small valid tree: a linked service, a parameterised dataset, a pipeline with a ForEach, a trigger."""
    return {
        "linkedService/LS_Lake": {
            "name": "LS_Lake",
            "properties": {"type": "AzureBlobFS", "typeProperties": {"url": "https://lake.dfs.core.windows.net/"}},
        },
        "dataset/DS_Files": {
            "name": "DS_Files",
            "properties": {
                "type": "Json",
                "linkedServiceName": {"referenceName": "LS_Lake", "type": "LinkedServiceReference"},
                "parameters": {"folder": {"type": "string"}},
                "typeProperties": {
                    "location": {
                        "type": "AzureBlobFSLocation",
                        "fileSystem": "bronze",
                        "folderPath": {"value": "@dataset().folder", "type": "Expression"},
                    }
                },
            },
        },
        "pipeline/PL_Copy": {
            "name": "PL_Copy",
            "properties": {
                "parameters": {"folders": {"type": "array", "defaultValue": ["a"]}, "runDate": {"type": "string"}},
                "variables": {"status": {"type": "String"}},
                "activities": [
                    {
                        "name": "EachFolder",
                        "type": "ForEach",
                        "typeProperties": {
                            "items": {"value": "@pipeline().parameters.folders", "type": "Expression"},
                            "activities": [
                                {
                                    "name": "Wait1",
                                    "type": "Wait",
                                    "typeProperties": {"waitTimeInSeconds": 1},
                                },
                                {
                                    "name": "Note",
                                    "type": "SetVariable",
                                    "dependsOn": [{"activity": "Wait1", "dependencyConditions": ["Succeeded"]}],
                                    "typeProperties": {"variableName": "status", "value": "@variables('status')"},
                                },
                            ],
                        },
                    },
                    {
                        "name": "Probe",
                        "type": "GetMetadata",
                        "policy": POLICY,
                        "dependsOn": [{"activity": "EachFolder", "dependencyConditions": ["Succeeded"]}],
                        "typeProperties": {
                            "dataset": {
                                "referenceName": "DS_Files",
                                "type": "DatasetReference",
                                "parameters": {"folder": "@pipeline().parameters.runDate"},
                            },
                            "fieldList": ["exists"],
                        },
                    },
                ],
            },
        },
        "trigger/TR_Daily": {
            "name": "TR_Daily",
            "properties": {
                "type": "ScheduleTrigger",
                "runtimeState": "Stopped",
                "pipelines": [
                    {
                        "pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"},
                        "parameters": {"runDate": "@trigger().scheduledTime"},
                    }
                ],
                "typeProperties": {
                    "recurrence": {
                        "frequency": "Day",
                        "interval": 1,
                        "startTime": "2026-01-01T00:00:00Z",
                        "timeZone": "UTC",
                        "schedule": {"hours": [2], "minutes": [0]},
                    }
                },
            },
        },
    }


def write(root: Path, files: dict[str, Any], overrides: dict[str, Any] | None = None) -> Path:
    content = root / "pipelines_json"
    for key, document in files.items():
        path = content / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    if overrides is not None:
        (content / "overrides.json").write_text(json.dumps(overrides))
    return content


def load(root: Path) -> AdfContent:
    return load_content(root, STACK_VALUES, pipeline_properties())


def problems_of(tmp_path: Path, files: dict[str, Any], overrides: dict[str, Any] | None = None) -> str:
    with pytest.raises(ContentError) as info:
        load(write(tmp_path, files, overrides))
    return str(info.value)


def test_the_valid_fixture_loads_in_dependency_order(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    assert [(i.kind, i.name) for i in content.items] == [
        ("linkedService", "LS_Lake"),
        ("dataset", "DS_Files"),
        ("pipeline", "PL_Copy"),
        ("trigger", "TR_Daily"),
    ]


def test_dependencies_follow_references(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    deps = {item.name: item.depends_on() for item in content.items}
    assert deps["DS_Files"] == {("linkedService", "LS_Lake")}
    assert deps["PL_Copy"] == {("dataset", "DS_Files")}
    assert deps["TR_Daily"] == {("pipeline", "PL_Copy")}


def test_linked_services_that_reference_each_other_are_ordered(tmp_path: Path) -> None:
    files = fixture_files()
    files["linkedService/AA_UsesVault"] = {
        "name": "AA_UsesVault",
        "properties": {
            "type": "AzureSqlDatabase",
            "typeProperties": {
                "connectionString": {
                    "type": "AzureKeyVaultSecret",
                    "store": {"referenceName": "ZZ_Vault", "type": "LinkedServiceReference"},
                    "secretName": "sql",
                }
            },
        },
    }
    files["linkedService/ZZ_Vault"] = {
        "name": "ZZ_Vault",
        "properties": {"type": "AzureKeyVault", "typeProperties": {"baseUrl": "https://kv.vault.azure.net/"}},
    }
    names = [i.name for i in load(write(tmp_path, files)).of_kind("linkedService")]
    assert names.index("ZZ_Vault") < names.index("AA_UsesVault")


def test_conversion_flattens_type_properties_recursively(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    pipeline = to_inputs(next(i for i in content.items if i.name == "PL_Copy"))
    for_each = pipeline["activities"][0]
    assert "typeProperties" not in for_each
    assert for_each["items"] == {"value": "@pipeline().parameters.folders", "type": "Expression"}
    assert for_each["activities"][1]["variableName"] == "status"
    assert "typeProperties" not in for_each["activities"][1]
    dataset = to_inputs(next(i for i in content.items if i.name == "DS_Files"))
    assert dataset["properties"]["location"]["fileSystem"] == "bronze"
    trigger = to_inputs(next(i for i in content.items if i.name == "TR_Daily"))
    assert trigger["properties"]["recurrence"]["frequency"] == "Day"
    assert "runtimeState" not in trigger["properties"], "runtimeState is read-only in ADF"


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(leaves(item, f"{path}.{key}"))
        return out or {path: {}}
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(leaves(item, f"{path}[{index}]"))
        return out or {path: []}
    return {path: value}


def tag_leaves(value: Any, path: str = "") -> Any:
    """Replace every leaf with its own path, so the converted output shows where each leaf went."""
    if isinstance(value, dict):
        return {key: tag_leaves(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [tag_leaves(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return f"<{path}>"


@pytest.mark.parametrize("source", ["fixture", "repository"])
def test_every_property_in_every_file_reaches_the_resource_exactly_once(tmp_path: Path, source: str) -> None:
    root = write(tmp_path, fixture_files()) if source == "fixture" else PIPELINES_DIR
    content = load(root)
    assert content.items
    for item in content.items:
        tagged = AdfItem(item.kind, item.name, item.file, tag_leaves(item.document))
        output_leaves = [v for v in leaves(to_inputs(tagged)).values() if isinstance(v, str)]
        expected = {
            f"<{path}>"
            for path, value in leaves(item.document).items()
            if path.startswith(".properties") and value not in ({}, [])
        }
        dropped = {"<.properties.runtimeState>"} if item.kind == "trigger" else set()
        assert sorted(output_leaves) == sorted(expected - dropped), item.file
        assert len(output_leaves) == len(set(output_leaves)), f"{item.file}: a leaf arrived twice"


def test_conversion_does_not_modify_the_loaded_document(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    before = copy.deepcopy([i.document for i in content.items])
    for item in content.items:
        to_inputs(item)
    assert [i.document for i in content.items] == before


# ---- one broken fixture per validation error ----------------------------------------------------


def test_malformed_json_names_the_file_and_position(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    files["dataset/DS_Broken"] = '{"name": "DS_Broken", "properties": {"type": "Json",}}'
    message = problems_of(tmp_path, files)
    assert "pipelines_json/dataset/DS_Broken.json: line 1 column 53: malformed JSON" in message


def test_file_name_must_match_the_name(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Other"] = files.pop("dataset/DS_Files")
    message = problems_of(tmp_path, files)
    assert "pipelines_json/dataset/DS_Other.json: name: 'DS_Files' differs from the file name" in message


def test_duplicate_names_are_refused_ignoring_case(tmp_path: Path) -> None:
    files = fixture_files()
    twin = copy.deepcopy(files["dataset/DS_Files"])
    twin["name"] = "ds_files"
    files["dataset/ds_files"] = twin
    message = problems_of(tmp_path, files)
    assert "name: 'ds_files' is also the name of pipelines_json/dataset/DS_Files.json" in message


def test_dangling_reference_names_the_path_and_the_candidates(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["linkedServiceName"]["referenceName"] = "LS_Nowhere"
    message = problems_of(tmp_path, files)
    assert (
        "pipelines_json/dataset/DS_Files.json: properties.linkedServiceName.referenceName: "
        "linkedService 'LS_Nowhere' does not exist; available: LS_Lake"
    ) in message


def test_depends_on_an_activity_that_is_not_in_the_list(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["dependsOn"][0]["activity"] = "Ghost"
    message = problems_of(tmp_path, files)
    assert "properties.activities[1].dependsOn[0].activity: 'Ghost' is not an activity of this list" in message


def test_depends_on_inside_a_foreach_is_checked_in_its_own_list(tmp_path: Path) -> None:
    files = fixture_files()
    inner = files["pipeline/PL_Copy"]["properties"]["activities"][0]["typeProperties"]["activities"]
    inner[1]["dependsOn"][0]["activity"] = "Probe"  # exists, but outside the ForEach
    message = problems_of(tmp_path, files)
    assert "properties.activities[0].typeProperties.activities[1].dependsOn[0].activity: 'Probe'" in message


def test_dependency_cycle(tmp_path: Path) -> None:
    files = fixture_files()
    activities = files["pipeline/PL_Copy"]["properties"]["activities"]
    activities[0]["dependsOn"] = [{"activity": "Probe", "dependencyConditions": ["Succeeded"]}]
    message = problems_of(tmp_path, files)
    assert "properties.activities: dependsOn forms a cycle: EachFolder -> Probe -> EachFolder" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"frequency": "Fortnight"}, "recurrence.frequency: 'Fortnight' is not one of: Minute, Hour, Day, Week, Month"),
        ({"interval": 0}, "recurrence.interval: 0 must be a whole number of at least 1"),
        ({"startTime": "tomorrow"}, "recurrence.startTime: 'tomorrow' is not an ISO 8601 date-time"),
        ({"endTime": "2025-01-01T00:00:00Z"}, "recurrence.endTime: '2025-01-01T00:00:00Z' must be an ISO 8601"),
        ({"timeZone": "Mars/Olympus"}, "recurrence.timeZone: 'Mars/Olympus' is not a supported time zone"),
        ({"schedule": {"hours": [25], "minutes": [0]}}, "recurrence.schedule.hours: [25] must be whole numbers from 0"),
        ({"schedule": {"weekDays": ["Funday"]}}, "recurrence.schedule.weekDays: ['Funday'] must be day names"),
    ],
)
def test_invalid_schedule(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"]["typeProperties"]["recurrence"].update(change)
    message = problems_of(tmp_path, files)
    assert f"pipelines_json/trigger/TR_Daily.json: properties.typeProperties.{expected}" in message


def test_invalid_tumbling_window(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"] = {
        "type": "TumblingWindowTrigger",
        "pipeline": {"pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"}},
        "typeProperties": {
            "frequency": "Day",
            "interval": 1,
            "startTime": "2026-01-01T00:00:00Z",
            "delay": "ten minutes",
            "maxConcurrency": 0,
        },
    }
    message = problems_of(tmp_path, files)
    assert "typeProperties.frequency: 'Day' is not one of: Minute, Hour, Month" in message
    assert "typeProperties.delay: 'ten minutes' must be a time span" in message
    assert "typeProperties.maxConcurrency: 0 must be a whole number from 1 to 50" in message


def test_invalid_blob_event_trigger(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"] = {
        "type": "BlobEventsTrigger",
        "pipelines": [{"pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"}}],
        "typeProperties": {"events": ["Microsoft.Storage.BlobRenamed"], "blobPathBeginsWith": "bronze/events/"},
    }
    message = problems_of(tmp_path, files)
    assert "typeProperties.events: ['Microsoft.Storage.BlobRenamed'] must be a non-empty list of" in message
    assert (
        "typeProperties.blobPathBeginsWith: 'bronze/events/' must look like '/<container>/blobs/<folder>/'" in message
    )
    assert "typeProperties.scope: missing" in message


def test_trigger_passes_a_parameter_the_pipeline_does_not_declare(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"]["pipelines"][0]["parameters"]["region"] = "weu"
    message = problems_of(tmp_path, files)
    assert (
        "pipelines_json/trigger/TR_Daily.json: properties.pipelines[0].parameters.region: pipeline 'PL_Copy' "
        "declares no parameter 'region'; declared: folders, runDate"
    ) in message


def test_reference_passes_a_parameter_the_dataset_does_not_declare(tmp_path: Path) -> None:
    files = fixture_files()
    activity = files["pipeline/PL_Copy"]["properties"]["activities"][1]
    activity["typeProperties"]["dataset"]["parameters"]["container"] = "bronze"
    message = problems_of(tmp_path, files)
    assert "dataset 'DS_Files' declares no parameter 'container'; declared: folder" in message


@pytest.mark.parametrize(
    ("kind_key", "mutate", "expected"),
    [
        (
            "pipeline/PL_Copy",
            lambda d: d["properties"]["activities"][1]["typeProperties"]["dataset"]["parameters"].update(
                folder="@pipeline().parameters.missing"
            ),
            "references undeclared pipeline parameter 'missing'; declared: folders, runDate",
        ),
        (
            "pipeline/PL_Copy",
            lambda d: d["properties"]["activities"][0]["typeProperties"]["activities"][1]["typeProperties"].update(
                value="@{variables('nope')}"
            ),
            "references undeclared variable 'nope'; declared: status",
        ),
        (
            "pipeline/PL_Copy",
            lambda d: d["properties"]["activities"][1]["typeProperties"]["dataset"]["parameters"].update(
                folder="@pipeline().globalParameters.region"
            ),
            "references undeclared global parameter 'region'; declared: environment",
        ),
        (
            "dataset/DS_Files",
            lambda d: d["properties"]["typeProperties"]["location"].update(fileName="@dataset().file"),
            "references undeclared dataset parameter 'file'; declared: folder",
        ),
    ],
)
def test_expression_referencing_an_undeclared_name(tmp_path: Path, kind_key: str, mutate: Any, expected: str) -> None:
    files = fixture_files()
    mutate(files[kind_key])
    message = problems_of(tmp_path, files)
    assert f"pipelines_json/{kind_key}.json: properties." in message
    assert expected in message


def test_unknown_pipeline_property_lists_the_sdk_arguments(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["retries"] = 3
    message = problems_of(tmp_path, files)
    assert "properties.retries: not a pipeline property; allowed: activities, annotations, concurrency" in message


def test_unknown_folder_is_refused(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    files["pipelines/PL_Typo"] = {"name": "PL_Typo", "properties": {}}
    message = problems_of(tmp_path, files)
    assert "pipelines_json/pipelines/: unknown folder; ADF Studio's folders are linkedService" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["linkedServiceName"]["referenceName"] = "LS_Nowhere"
    files["trigger/TR_Daily"]["properties"]["typeProperties"]["recurrence"]["interval"] = 0
    with pytest.raises(ContentError) as info:
        load(write(tmp_path, files))
    assert len(info.value.problems) == 2


# ---- overrides ------------------------------------------------------------------------------------


def test_overrides_must_target_existing_items_paths_and_stack_values(tmp_path: Path) -> None:
    overrides = {
        "linkedService/LS_Missing": {"properties.typeProperties.url": "lake.dfsUrl"},
        "linkedService/LS_Lake": {
            "properties.typeProperties.uri": "lake.dfsUrl",
            "properties.typeProperties.url": "lake.dfsUri",
        },
        "pipelines/PL_Copy": {"properties.description": "environment"},
    }
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert (
        "pipelines_json/overrides.json: linkedService/LS_Missing: no such linkedService; available: LS_Lake" in message
    )
    assert "linkedService/LS_Lake.properties.typeProperties.uri: the path does not exist in" in message
    assert "unknown stack value 'lake.dfsUri'; allowed: " in message
    assert "pipelines/PL_Copy: expected '<kind>/<name>' with kind one of" in message


def test_wildcard_overrides_apply_only_where_the_property_exists(tmp_path: Path) -> None:
    overrides = {"trigger/*": {"properties.typeProperties.recurrence.timeZone": "timeZone"}}
    content = load(write(tmp_path, fixture_files(), overrides))
    assert [(o.name, o.value) for o in content.overrides] == [("TR_Daily", "timeZone")]


def test_repository_content_loads_and_every_override_applies() -> None:
    content = load(PIPELINES_DIR)
    targets = {(o.kind, o.name) for o in content.overrides}
    assert {("linkedService", name) for name in content.names("linkedService")} <= targets
    for trigger in content.of_kind("trigger"):
        if trigger.adf_type in ("ScheduleTrigger", "BlobEventsTrigger"):
            assert ("trigger", trigger.name) in targets, f"{trigger.name} would keep the dev factory's values"


def test_execute_data_flow_key_is_renamed_to_azure_natives_spelling(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"].append(
        {
            "name": "Cleanse",
            "type": "ExecuteDataFlow",
            "typeProperties": {"dataflow": {"referenceName": "DF_Cleanse", "type": "DataFlowReference"}},
        }
    )
    files["dataflow/DF_Cleanse"] = {"name": "DF_Cleanse", "properties": {"type": "MappingDataFlow"}}
    content = load(write(tmp_path, files))
    activity = to_inputs(next(i for i in content.items if i.name == "PL_Copy"))["activities"][2]
    assert activity["dataFlow"] == {"referenceName": "DF_Cleanse", "type": "DataFlowReference"}
    assert "dataflow" not in activity


def test_sql_schema_colliding_with_the_column_schema_explains_the_workaround(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["schema"] = []
    files["dataset/DS_Files"]["properties"]["typeProperties"]["schema"] = "dbo"
    message = problems_of(tmp_path, files)
    assert "properties.typeProperties.schema: also set outside typeProperties" in message
    assert "use typeProperties.tableName" in message
