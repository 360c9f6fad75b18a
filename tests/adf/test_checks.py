"""One broken fixture per check: references, activity lists, triggers, passed parameters and expressions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adf.load import PLATFORM_ITEMS, load, load_content
from adf.model import ContentError
from stack.naming import INTEGRATION_RUNTIME_NAME
from tests.support.adf_tree import fixture_files, problems_of, write
from tests.support.checkout import PIPELINES_DIR


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


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"frequency": "Fortnight"}, "recurrence.frequency: 'Fortnight' is not one of: Minute, Hour, Day, Week, Month"),
        ({"interval": 0}, "recurrence.interval: 0 must be a whole number of at least 1"),
        ({"startTime": "tomorrow"}, "recurrence.startTime: 'tomorrow' is not an ISO 8601 date-time"),
        ({"endTime": "2025-01-01T00:00:00Z"}, "recurrence.endTime: '2025-01-01T00:00:00Z' must be an ISO 8601"),
        ({"timeZone": "Mars/Olympus"}, "recurrence.timeZone: 'Mars/Olympus' is not a Windows time-zone id"),
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
    assert "typeProperties.delay: 'ten minutes' is not a time span hh:mm:ss (limit hh:mm:ss, " in message
    assert (
        "typeProperties.maxConcurrency: 0 is not a whole number from 1 to 50 (it is required) (limit 1 to 50, "
        in message
    )


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
        "typeProperties.blobPathBeginsWith: 'bronze/events/' must read '/<container>/' or "
        "'/<container>/blobs/<folder>/' (limit /<container>/ or /<container>/blobs/<path>, Storage event trigger)"
    ) in message
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


def test_a_reference_to_an_item_the_platform_provides_is_accepted_and_listed_as_available(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["linkedServiceName"]["referenceName"] = "LS_Platform"
    root = write(tmp_path, files)
    loaded = load_content(root, external_names={"linkedService": {"LS_Platform"}})
    assert "DS_Files" in loaded.names("dataset")
    with pytest.raises(ContentError) as info:
        load_content(root, external_names={"linkedService": {"LS_Other"}})
    assert "linkedService 'LS_Platform' does not exist; available: LS_Lake, LS_Other" in str(info.value)


def test_the_platform_provides_the_runtime_every_committed_linked_service_connects_via() -> None:
    assert {"integrationRuntime": frozenset({INTEGRATION_RUNTIME_NAME})} == PLATFORM_ITEMS
    linked_services = load(PIPELINES_DIR).of_kind("linkedService")
    assert linked_services
    for item in linked_services:
        assert item.properties["connectVia"] == {
            "referenceName": INTEGRATION_RUNTIME_NAME,
            "type": "IntegrationRuntimeReference",
        }
