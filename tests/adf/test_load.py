"""Loading `pipelines_json/`: unreadable files, names, unknown folders, and every problem reported at once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from adf.model import ContentError
from tests.support.adf_tree import fixture_files, load, problems_of, write


def test_dependencies_follow_references(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    deps = {item.name: item.depends_on() for item in content.items}
    assert deps["DS_Files"] == {("linkedService", "LS_Lake")}
    assert deps["PL_Copy"] == {("dataset", "DS_Files")}
    assert deps["TR_Daily"] == {("pipeline", "PL_Copy")}


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


def test_files_are_named_from_the_folder_above_the_content_and_only_json_files_are_read(tmp_path: Path) -> None:
    root = write(tmp_path, fixture_files())
    (root / "dataset" / "notes.txt").write_text("kept beside the datasets")
    (root / "dataset" / ".json").write_text("{}")
    (root / "dataset" / "DS_Upper.JSON").write_text("{}")
    (root / "dataset" / "DS_Nameless.json").write_text('{"properties": {"type": "Json"}}')
    (root / "dataset" / "DS.Dotted.json").write_text('{"name": "Other", "properties": {"type": "Json"}}')
    factory = root.rename(tmp_path / "factory")
    with pytest.raises(ContentError) as info:
        load(factory)
    problems = str(info.value).splitlines()[1:]
    assert "  factory/dataset/notes.txt: not a .json file" in problems
    assert "  factory/dataset/.json: not a .json file" in problems
    assert "  factory/dataset/DS_Upper.JSON: not a .json file" in problems
    assert "  factory/dataset/DS_Nameless.json: name: missing; expected the item's name, 'DS_Nameless'" in problems
    assert (
        "  factory/dataset/DS.Dotted.json: name: 'Other' differs from the file name; ADF Studio names the file "
        "'Other.json'"
    ) in problems
    assert not [line for line in problems if "pipelines_json" in line or "DS_Files" in line]


def test_duplicate_names_are_refused_ignoring_case(tmp_path: Path) -> None:
    files = fixture_files()
    twin = copy.deepcopy(files["dataset/DS_Files"])
    twin["name"] = "ds_files"
    files["dataset/ds_files"] = twin
    message = problems_of(tmp_path, files)
    assert "name: 'ds_files' is also the name of pipelines_json/dataset/DS_Files.json" in message


def test_unknown_pipeline_property_takes_the_lossless_path(tmp_path: Path) -> None:
    """A pipeline property azure-native's Pipeline lacks cannot be sent typed: the pipeline deploys as an ARM
    deployment of its JSON, which keeps it."""
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["retries"] = 3
    content = load(write(tmp_path, files))
    route = content.route("pipeline", "pl_copy")
    assert route.arm
    assert route.reasons == ("properties.retries: not a property of azure-native's Pipeline",)
    assert not content.route("dataset", "ds_files").arm


def test_unknown_folder_holding_adf_objects_is_refused(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    files["pipelines/PL_Typo"] = {"name": "PL_Typo", "properties": {}}
    message = problems_of(tmp_path, files)
    assert (
        "pipelines_json/pipelines/: unknown folder (did you mean 'pipeline/'?), holding ADF objects that would not "
        "deploy; ADF Studio's folders are credential, managedVirtualNetwork, integrationRuntime, linkedService, "
        "dataset, dataflow, pipeline, trigger, factory, globalParameters" in message
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["linkedServiceName"]["referenceName"] = "LS_Nowhere"
    files["trigger/TR_Daily"]["properties"]["typeProperties"]["recurrence"]["interval"] = 0
    with pytest.raises(ContentError) as info:
        load(write(tmp_path, files))
    assert len(info.value.problems) == 2
