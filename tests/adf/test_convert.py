"""Conversion to azure-native's input shape: lossless, flattened, and with azure-native's spelling of keys."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from adf.convert import authoring_place, to_inputs
from adf.model import AdfItem, AdfKind
from tests.support.adf_tree import fixture_files, load, write
from tests.support.checkout import PIPELINES_DIR


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


def test_a_sql_schema_name_takes_the_lossless_path_whatever_the_dataset_type(tmp_path: Path) -> None:
    """azure-native has one `schema` for a dataset (its columns), so typeProperties.schema cannot be sent typed
    (pulumi/pulumi-azure-native#2006): the dataset deploys as its own JSON, the SQL schema name untouched."""
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["schema"] = []
    files["dataset/DS_Files"]["properties"]["typeProperties"]["schema"] = "dbo"
    route = load(write(tmp_path, files)).route("dataset", "ds_files")
    assert route.arm
    assert route.reasons == (
        "properties.typeProperties.schema: azure-native flattens typeProperties, so a dataset's SQL schema name and "
        "its column schema (properties.schema) are one property there (pulumi/pulumi-azure-native#2006)",
    )


def test_a_planned_resources_input_is_placed_in_the_file_its_item_came_from() -> None:
    copy_activity = {"name": "Copy", "type": "Copy", "typeProperties": {"source": {"type": "JsonSource"}}}
    pipeline = AdfItem(
        AdfKind.PIPELINE, "PL_Load", "pipeline/PL_Load.json", {"properties": {"activities": [copy_activity]}}
    )
    dataset = AdfItem(AdfKind.DATASET, "DS_Load", "dataset/DS_Load.json", {"properties": {"type": "Json"}})
    items = [dataset, pipeline]
    token = pipeline.type_token
    assert (
        authoring_place(items, token, "platform-adf-content-pipeline-PL_Load", "activities[0].source")
        == "pipeline/PL_Load.json: properties.activities[0].typeProperties.source"
    )
    assert authoring_place(items, token, "platform-adf-content-pipeline-PL_Load", "") == "pipeline/PL_Load.json: (root)"
    # Another type, or a name that only ends like the item's, is not the item's resource.
    assert authoring_place(items, dataset.type_token, "platform-adf-content-pipeline-PL_Load", "") is None
    assert authoring_place(items, token, "platform-adf-content-pipeline-XPL_Load", "") is None
