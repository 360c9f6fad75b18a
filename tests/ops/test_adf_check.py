"""`python -m ops adf check PATH [--json]`: every file of any ADF Studio folder, deployable or not, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ops.cli.main import main
from tests.support.adf_tree import fixture_files, write


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["adf", "check", str(root), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"command", "ok", "exitCode", "errors", "files", "problems"}
    assert (document["command"], document["ok"], document["exitCode"]) == ("adf check", code == 0, code)
    return code, document


def test_a_deployable_folder_exits_0_with_one_ok_entry_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = _check(write(tmp_path, fixture_files()), capsys)
    assert code == 0
    assert document["files"] == [
        {"path": "dataset/DS_Files.json", "ok": True, "deploy": "typed", "problems": [], "warnings": []},
        {"path": "linkedService/LS_Lake.json", "ok": True, "deploy": "typed", "problems": [], "warnings": []},
        {"path": "pipeline/PL_Copy.json", "ok": True, "deploy": "typed", "problems": [], "warnings": []},
        {"path": "trigger/TR_Daily.json", "ok": True, "deploy": "typed", "problems": [], "warnings": []},
    ]


def test_a_warning_is_listed_with_its_file_which_stays_deployable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][0]["policy"] = {"timeout": "12.00:00:00"}
    code, document = _check(write(tmp_path, files), capsys)
    (entry,) = [entry for entry in document["files"] if entry["path"] == "pipeline/PL_Copy.json"]
    assert code == 0
    assert (entry["ok"], entry["problems"]) == (True, [])
    (warning,) = entry["warnings"]
    assert warning.startswith(
        "pipelines_json/pipeline/PL_Copy.json: properties.activities[0].policy.timeout: '12.00:00:00' is outside"
    )
    assert "ADF accepts it: published by ADF in mrpaulandrew/procfwk@8a7ecb8" in warning


def test_a_file_referencing_a_refused_file_is_refused_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = fixture_files()
    files["linkedService/LS_Lake"]["properties"]["connectVia"] = "ir-managed"
    code, document = _check(write(tmp_path, files), capsys)
    by_path = {entry["path"]: entry for entry in document["files"]}
    assert code == 2
    assert by_path["linkedService/LS_Lake.json"]["ok"] is False
    assert "properties.connectVia: expected object" in by_path["linkedService/LS_Lake.json"]["problems"][0]
    assert by_path["dataset/DS_Files.json"]["problems"] == [
        "pipelines_json/dataset/DS_Files.json: properties.linkedServiceName.referenceName: references "
        "pipelines_json/linkedService/LS_Lake.json, which cannot be deployed (see its problems)"
    ]
    assert by_path["trigger/TR_Daily.json"]["ok"] is False  # through the pipeline and the dataset
    assert document["errors"] == [
        {"kind": "input", "exitCode": 2, "message": "4 of 4 file(s) cannot be deployed"},
    ]


def test_schema_problems_name_the_authoring_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["typeProperties"]["fieldList"] = "exists"
    _code, document = _check(write(tmp_path, files), capsys)
    problems = next(e for e in document["files"] if e["path"] == "pipeline/PL_Copy.json")["problems"]
    assert problems and problems[0].startswith(
        "pipelines_json/pipeline/PL_Copy.json: properties.activities[1].typeProperties.fieldList: "
    )


def test_overrides_json_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write(tmp_path, fixture_files(), overrides={"linkedService/LS_Lake": {"nope": "nope"}})
    assert _check(root, capsys)[0] == 0


def test_human_output_groups_problems_by_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, Any] = fixture_files()
    files["dataset/DS_List"] = "[]"
    files["pipeline/PL_Copy"]["properties"]["lastPublishTime"] = "2021-01-01T00:00:00Z"
    assert main(["adf", "check", str(write(tmp_path, files))]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("note: dropped read-only properties that ADF Studio writes and the API sets: ")
    assert out[1:4] == [
        "dataset/DS_Files.json: typed",
        "dataset/DS_List.json: cannot be deployed",
        "  - (root): expected an object {'name': ..., 'properties': {...}}, found list",
    ]
    assert out[-1] == "4 of 5 file(s) deployable"


def test_a_path_that_is_not_a_folder_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adf", "check", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_what_azure_native_has_no_resource_for_deploys_as_an_arm_deployment_and_what_needs_it_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, Any] = fixture_files()
    files["managedVirtualNetwork/default"] = {"name": "default", "properties": {}}
    files["managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake"] = {
        "name": "pe-lake",
        "properties": {"privateLinkResourceId": "/subscriptions/0/lake", "groupId": "dfs", "fqdns": []},
    }
    files["integrationRuntime/ir-vnet"] = {
        "name": "ir-vnet",
        "properties": {
            "type": "Managed",
            "typeProperties": {"computeProperties": {"location": "AutoResolve"}},
            "managedVirtualNetwork": {"referenceName": "default", "type": "ManagedVirtualNetworkReference"},
        },
    }
    code, document = _check(write(tmp_path, files), capsys)
    by_path = {entry["path"]: entry for entry in document["files"]}
    assert code == 0
    assert by_path["managedVirtualNetwork/default.json"]["deploy"] == (
        "ARM deployment: (root): azure-native has no datafactory ManagedVirtualNetwork resource, only get and "
        "reference types (pulumi/pulumi-azure-native#896)"
    )
    assert by_path["integrationRuntime/ir-vnet.json"]["deploy"] == "typed"
    assert by_path["managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake.json"]["deploy"] == "typed"


def test_human_output_says_how_each_file_deploys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["runDate"]["identity"] = "runDate"
    assert main(["adf", "check", str(write(tmp_path, files))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-6:] == [
        "dataset/DS_Files.json: typed",
        "linkedService/LS_Lake.json: typed",
        "pipeline/PL_Copy.json: ARM deployment: properties.parameters.runDate.identity: not a property of "
        "azure-native's ParameterSpecification",
        "trigger/TR_Daily.json: typed",
        "3 deploy typed, 1 as ARM deployments of their JSON",
        "4 of 4 file(s) deployable",
    ]


def test_a_folder_without_adf_content_exits_2_and_shows_the_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    assert main(["adf", "check", str(tmp_path)]) == 2
    assert "no ADF Studio content here or up to 4 folder levels below; an ADF Studio git root folder holds" in (
        capsys.readouterr().err
    )
