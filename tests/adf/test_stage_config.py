"""azure.datafactory.tools' stage config (`deployment/config-<stage>.csv|json`) read as the stack's overrides.

The rows are written as adf.tools' docs (docs/GUIDE/CONFIGURATION.md) and test files (test/BigFactorySample2/
deployment/) write them; each expected value is what adf.tools' code (private/ObjectProperty.ps1,
Update-PropertiesFromFile.ps1, Read-CsvConfigFile.ps1) would deploy, or where this project differs, the README's rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adf.load import inspect_content, load_content, pipeline_properties
from adf.model import AdfContent, AdfItem, AdfKind, ContentError
from adf.overrides import apply_overrides
from adf.stack_values import STACK_VALUE_KEYS
from adf.stage_config import RowError, StageRow, apply_rows, expand, lenient_json, parse_path
from tests.support.adf_tree import fixture_files, write

VALUES = {key: f"<{key}>" for key in STACK_VALUE_KEYS}
HEADER = "type,name,path,value\n"
FACTORY_FILE = {
    "name": "adf-dev",
    "properties": {
        "globalParameters": {
            "GP-String": {"type": "string", "value": "dev"},
            "GP-Int": {"type": "int", "value": 1},
        }
    },
}


def tree(tmp_path: Path, stage_files: dict[str, str], overrides: dict[str, Any] | None = None) -> Path:
    files: dict[str, Any] = {**fixture_files(), "factory/adf-dev": FACTORY_FILE}
    files["dataset/DS_Other"] = {**files["dataset/DS_Files"], "name": "DS_Other"}
    root = write(tmp_path, files, overrides)
    (root / "deployment").mkdir()
    for name, text in stage_files.items():
        (root / "deployment" / name).write_text(text, encoding="utf-8")
    return root


def load_stack(root: Path, stack: str = "prod") -> AdfContent:
    return load_content(root, STACK_VALUE_KEYS, pipeline_properties(), stack)


def problems(root: Path, stack: str = "prod") -> str:
    with pytest.raises(ContentError) as info:
        load_stack(root, stack)
    return str(info.value)


def deployed(content: AdfContent, kind: str, name: str) -> dict[str, Any]:
    item = next(i for i in content.items if (i.kind, i.name) == (kind, name))
    return apply_overrides(item, content.overrides, VALUES).document["properties"]


def test_an_update_replaces_the_value_at_a_path_relative_to_properties(tmp_path: Path) -> None:
    root = tree(tmp_path, {"config-prod.csv": HEADER + 'linkedService,LS_Lake,typeProperties.url,"https://prod/"\n'})
    assert deployed(load_stack(root), "linkedService", "LS_Lake")["typeProperties"]["url"] == "https://prod/"


def test_a_path_from_the_root_names_the_same_property(tmp_path: Path) -> None:
    row = 'linkedService,LS_Lake,"$.properties.typeProperties.url","https://prod/"\n'
    root = tree(tmp_path, {"config-prod.csv": HEADER + row})
    assert deployed(load_stack(root), "linkedService", "LS_Lake")["typeProperties"]["url"] == "https://prod/"


def test_the_stage_named_like_the_stack_is_the_one_applied(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "config-prod.csv": HEADER + "linkedService,LS_Lake,typeProperties.url,https://prod/\n",
            "config-test.csv": HEADER + "linkedService,LS_Lake,typeProperties.url,https://test/\n",
        },
    )
    assert deployed(load_stack(root, "test"), "linkedService", "LS_Lake")["typeProperties"]["url"] == "https://test/"
    assert deployed(load_stack(root, "dev"), "linkedService", "LS_Lake")["typeProperties"]["url"] == (
        "https://lake.dfs.core.windows.net/"
    )


def test_a_plus_adds_the_value_as_text_creating_objects_on_its_way(tmp_path: Path) -> None:
    rows = "linkedService,LS_Lake,+typeProperties.accountKey,abc==\nlinkedService,LS_Lake,+connectVia.extra.level,2\n"
    properties = deployed(load_stack(tree(tmp_path, {"config-prod.csv": HEADER + rows})), "linkedService", "LS_Lake")
    assert properties["typeProperties"]["accountKey"] == "abc=="
    assert properties["connectVia"] == {"extra": {"level": "2"}}  # Add-ObjectProperty adds text, as given


def test_a_plus_on_a_property_that_exists_is_refused(tmp_path: Path) -> None:
    root = tree(tmp_path, {"config-prod.csv": HEADER + "linkedService,LS_Lake,+typeProperties.url,x\n"})
    assert (
        "config-prod.csv: line 2: linkedService 'ls_lake': +typeProperties.url: properties.typeProperties.url: "
        "already exists" in problems(root)
    )


def test_a_minus_removes_the_property_and_needs_no_value(tmp_path: Path) -> None:
    rows = "dataset,DS_Files,-typeProperties.location.folderPath,\ndataset,DS_Files,-parameters\n"
    properties = deployed(load_stack(tree(tmp_path, {"config-prod.csv": HEADER + rows})), "dataset", "DS_Files")
    assert "folderPath" not in properties["typeProperties"]["location"]
    assert "parameters" not in properties


def test_a_wildcard_name_applies_to_every_object_of_the_type_it_matches_ignoring_case(tmp_path: Path) -> None:
    root = tree(tmp_path, {"config-prod.csv": HEADER + "dataset,ds_*,typeProperties.location.fileSystem,silver\n"})
    content = load_stack(root)
    assert deployed(content, "dataset", "DS_Files")["typeProperties"]["location"]["fileSystem"] == "silver"
    assert deployed(content, "dataset", "DS_Other")["typeProperties"]["location"]["fileSystem"] == "silver"


def test_a_path_that_repeats_properties_is_told_paths_are_relative_to_it(tmp_path: Path) -> None:
    # adf.tools' own docs write `dataset,DS_*,properties.location.path,...`, which it reads as properties.properties.
    root = tree(tmp_path, {"config-prod.csv": HEADER + "dataset,DS_Files,properties.typeProperties.location,x\n"})
    assert (
        "line 2: dataset 'ds_files': properties.typeProperties.location: properties.properties: does not exist; a "
        "path is relative to 'properties': write typeProperties.x or $.properties.typeProperties.x" in problems(root)
    )


def test_a_name_that_matches_nothing_is_an_error_listing_the_objects(tmp_path: Path) -> None:
    root = tree(tmp_path, {"config-prod.csv": HEADER + "pipeline,PL_Nope*,description,x\n"})
    assert "config-prod.csv: line 2: no pipeline matches name 'PL_Nope*'; pipelines: pl_copy" in problems(root)


def test_activities_are_named_by_index_or_by_name(tmp_path: Path) -> None:
    rows = (
        'pipeline,PL_Copy,"activities[""EachFolder""].typeProperties.activities[0].typeProperties.waitTimeInSeconds",'
        "30\n"
        "pipeline,PL_Copy,activities[1].name,Probe2\n"
    )
    activities = deployed(load_stack(tree(tmp_path, {"config-prod.csv": HEADER + rows})), "pipeline", "PL_Copy")[
        "activities"
    ]
    assert activities[0]["typeProperties"]["activities"][0]["typeProperties"]["waitTimeInSeconds"] == 30
    assert activities[1]["name"] == "Probe2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://$Env:VAULT_NAME.vault.azure.net/", "https://kv-prod.vault.azure.net/"),
        ("https://$($Env:VAULT_NAME).vault.azure.net/", "https://kv-prod.vault.azure.net/"),
        ("https://${Env:VAULT_NAME}.vault.azure.net/", "https://kv-prod.vault.azure.net/"),
        ("$Env:USER_NAME@$Env:VAULT_NAME", "svc@kv-prod"),
        ("cost `$5 and $.path", "cost $5 and $.path"),
        ("$env:vault_name", "kv-prod"),  # Windows ignores case in variable names
    ],
)
def test_environment_variable_tokens_expand_as_powershell_expands_them(value: str, expected: str) -> None:
    assert expand(value, {"VAULT_NAME": "kv-prod", "USER_NAME": "svc"}) == expected


def test_an_unset_environment_variable_is_an_error_naming_file_row_and_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEYVAULT_NAME", raising=False)
    row = 'linkedService,LS_Lake,typeProperties.url,"https://$($Env:KEYVAULT_NAME).vault.azure.net/"\n'
    root = tree(tmp_path, {"config-prod.csv": HEADER + row})
    assert (
        "pipelines_json/deployment/config-prod.csv: line 2: value: environment variable KEYVAULT_NAME is not set"
        in problems(root)
    )
    monkeypatch.setenv("KEYVAULT_NAME", "kv-prod")
    assert deployed(load_stack(root), "linkedService", "LS_Lake")["typeProperties"]["url"] == (
        "https://kv-prod.vault.azure.net/"
    )


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("$(Get-Date)", "'$(Get-Date' is a PowerShell expression"),
        ("x$name", "'$name' is a PowerShell variable, not an environment variable"),
        ("${HOME}", "'${HOME' is not an environment variable"),
    ],
)
def test_other_powershell_tokens_are_refused_with_what_is_allowed(value: str, refused: str) -> None:
    with pytest.raises(RowError) as info:
        expand(value, {})
    assert refused in str(info.value)
    assert "allowed: $Env:NAME, ${Env:NAME} and $($Env:NAME); write `$ for a literal $" in str(info.value)


def test_an_updated_value_takes_the_type_the_file_holds_there(tmp_path: Path) -> None:
    rows = (
        "trigger,TR_Daily,typeProperties.recurrence.interval,2\n"
        'trigger,TR_Daily,typeProperties.recurrence.schedule.hours,"[1, 3]"\n'
        "pipeline,PL_Copy,parameters.folders,\"{'type': 'array', 'defaultValue': ['b']}\"\n"
        "pipeline,PL_Copy,activities[1].policy.retry,3.5\n"
        "linkedService,LS_Lake,typeProperties.url,12\n"
    )
    content = load_stack(tree(tmp_path, {"config-prod.csv": HEADER + rows}))
    recurrence = deployed(content, "trigger", "TR_Daily")["typeProperties"]["recurrence"]
    assert recurrence["interval"] == 2 and isinstance(recurrence["interval"], int)
    assert recurrence["schedule"]["hours"] == [1, 3]
    pipeline = deployed(content, "pipeline", "PL_Copy")
    assert pipeline["parameters"]["folders"] == {"type": "array", "defaultValue": ["b"]}
    assert pipeline["activities"][1]["policy"]["retry"] == 3.5
    assert deployed(content, "linkedService", "LS_Lake")["typeProperties"]["url"] == "12"  # text stays text


def test_a_boolean_takes_true_or_false(tmp_path: Path) -> None:
    files = fixture_files()
    files["linkedService/LS_Lake"]["properties"]["typeProperties"]["enabled"] = True
    root = write(tmp_path, files)
    (root / "deployment").mkdir()
    (root / "deployment" / "config-prod.csv").write_text(
        HEADER + "linkedService,LS_Lake,typeProperties.enabled,False\n"
    )
    assert deployed(load_stack(root), "linkedService", "LS_Lake")["typeProperties"]["enabled"] is False
    (root / "deployment" / "config-prod.csv").write_text(HEADER + "linkedService,LS_Lake,typeProperties.enabled,no\n")
    assert "'no' is not a boolean; the file holds true there: write true or false" in problems(root)


def test_a_value_that_does_not_fit_the_type_is_an_error(tmp_path: Path) -> None:
    rows = "trigger,TR_Daily,typeProperties.recurrence.interval,two\npipeline,PL_Copy,parameters.folders,{oops\n"
    message = problems(tree(tmp_path, {"config-prod.csv": HEADER + rows}))
    assert "line 2: trigger 'tr_daily': typeProperties.recurrence.interval: 'two' is not a number" in message
    assert "line 3: pipeline 'pl_copy': parameters.folders: '{oops' is not JSON" in message


def test_single_quoted_json_reads_as_powershell_reads_it() -> None:
    assert lenient_json("{'type': 'int32','defaultValue': 22}") == {"type": "int32", "defaultValue": 22}
    assert lenient_json("['a', \"b\", 'it\\'s']") == ["a", "b", "it's"]


def test_a_key_set_by_overrides_json_and_the_stage_config_is_refused_naming_both(tmp_path: Path) -> None:
    overrides = {"prod": {"linkedService/LS_Lake": [{"path": "properties.typeProperties", "value": {"url": "x"}}]}}
    root = tree(
        tmp_path, {"config-prod.csv": HEADER + "linkedService,LS_Lake,typeProperties.url,https://prod/\n"}, overrides
    )
    assert (
        "pipelines_json/deployment/config-prod.csv: line 2: linkedService/LS_Lake properties.typeProperties.url: "
        "also set by pipelines_json/overrides.json: prod (properties.typeProperties); set each value in one of the "
        "two files" in problems(root)
    )


def test_overrides_json_applies_first_and_the_stage_config_second(tmp_path: Path) -> None:
    overrides = {"common": {"pipeline/PL_Copy": [{"action": "add", "path": "properties.description", "value": "x"}]}}
    rows = "pipeline,PL_Copy,activities[0].name,EveryFolder\n"
    content = load_stack(tree(tmp_path, {"config-prod.csv": HEADER + rows}, overrides))
    assert [o.path for o in content.overrides] == [
        ("properties", "description"),
        ("properties", "activities", 0, "name"),
    ]
    pipeline = deployed(content, "pipeline", "PL_Copy")
    assert (pipeline["description"], pipeline["activities"][0]["name"]) == ("x", "EveryFolder")


@pytest.mark.parametrize(("action", "index"), [("remove", 0), ("add", 2)])
def test_removing_or_appending_an_array_element_conflicts_with_a_path_through_that_array(
    tmp_path: Path, action: str, index: int
) -> None:
    """Either changes the array the stage config's activities[1] is read from: the same value, set in two files."""
    entry: dict[str, Any] = {"action": action, "path": f"properties.activities[{index}]"}
    if action == "add":
        entry["value"] = {"name": "W", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}
    root = tree(
        tmp_path,
        {"config-prod.csv": HEADER + "pipeline,PL_Copy,activities[1].name,X\n"},
        {"prod": {"pipeline/PL_Copy": [entry]}},
    )
    assert f"also set by pipelines_json/overrides.json: prod (properties.activities[{index}])" in problems(root)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type,name,path\nlinkedService,LS_Lake,x,y\n", "line 1: header 'type,name,path'; expected exactly"),
        (HEADER + "linkedService,LS_Lake,typeProperties.url,a,b\n", "line 2: 5 columns; expected 4"),
        (HEADER + "ultratrigger,TR_Daily,runtimeState,Started\n", "line 2: type 'ultratrigger' is not one of"),
        (HEADER + "trigger,,runtimeState,Started\n", "line 2: name is empty"),
        (HEADER + ",TR_Daily,x,y\n", "line 2: type is empty; expected one of"),
        (HEADER + "trigger,TR_Daily,,y\n", "line 2: path is empty; expected a path relative to 'properties'"),
        (HEADER + "linkedService,LS_Lake,typeProperties:baseUrl\n", "line 2: no value column"),
        (HEADER + "linkedService,LS_Lake,typeProperties..url,x\n", "line 2: path 'typeProperties..url': empty key"),
        (HEADER + "linkedService,LS_Lake,$.typeProperties.url,x\n", "line 2: path '$.typeProperties.url' starts"),
        (HEADER + "\n# a comment\n\ntrigger,TR_Daily,x[a],1\n", "line 5: path 'x[a]': [a] is neither an index"),
        ("", "empty; expected the header type,name,path,value"),
    ],
)
def test_every_malformed_row_names_file_line_what_is_wrong_and_what_is_allowed(
    tmp_path: Path, text: str, expected: str
) -> None:
    message = problems(tree(tmp_path, {"config-prod.csv": text}))
    assert f"pipelines_json/deployment/config-prod.csv: {expected}" in message


def test_comment_rows_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    text = HEADER + "\n#linkedService,LS_Lake,typeProperties.url,https://no/\n# note\n\n"
    content = load_stack(tree(tmp_path, {"config-prod.csv": text}))
    assert content.overrides == ()


def test_a_quoted_value_with_leading_space_keeps_its_commas(tmp_path: Path) -> None:
    # As in a real adf.tools config: a space after the comma, then a quoted expression with commas.
    row = "linkedService,LS_Lake,typeProperties.url, \"@{if(equals(1, 2), 'a', 'b' )}\"\n"
    content = load_stack(tree(tmp_path, {"config-prod.csv": HEADER + row}))
    assert deployed(content, "linkedService", "LS_Lake")["typeProperties"]["url"] == "@{if(equals(1, 2), 'a', 'b' )}"


def test_a_trigger_runtime_state_row_points_to_the_stack_trigger_config(tmp_path: Path) -> None:
    root = tree(tmp_path, {"config-prod.csv": HEADER + "trigger,TR_Daily,runtimeState,Started\n"})
    assert "line 2: runtimeState: the stack starts its triggers, not the file: set data-platform:dataFactory." in (
        problems(root)
    )


def test_the_json_variant_updates_adds_and_removes_finding_the_type_from_the_name(tmp_path: Path) -> None:
    config = {
        "LS_Lake": [
            {"name": "$.properties.typeProperties.url", "value": "https://prod/"},
            {"name": "typeProperties.accountKey", "value": "k", "action": "add"},
        ],
        "TR_Daily": [{"name": "typeProperties.recurrence.interval", "value": "5", "action": "update"}],
        "DS_*": [{"name": "parameters", "value": "", "action": "remove"}],
    }
    content = load_stack(tree(tmp_path, {"config-prod.json": json.dumps(config)}))
    lake = deployed(content, "linkedService", "LS_Lake")["typeProperties"]
    assert (lake["url"], lake["accountKey"]) == ("https://prod/", "k")
    assert deployed(content, "trigger", "TR_Daily")["typeProperties"]["recurrence"]["interval"] == 5
    assert "parameters" not in deployed(content, "dataset", "DS_Other")


def test_the_json_variant_refuses_bad_entries_and_ambiguous_names(tmp_path: Path) -> None:
    config = {
        "*": [{"name": "description", "value": "x"}],
        "LS_Lake": [{"name": "typeProperties.url", "value": "x", "action": "replace"}, {"path": "x", "value": 1}],
    }
    message = problems(tree(tmp_path, {"config-prod.json": json.dumps(config)}))
    assert "config-prod.json: *[0]: name '*' matches objects of several types (dataset, factory, linkedService" in (
        message
    )
    assert "config-prod.json: LS_Lake[0]: action 'replace' is not one of update, add, remove" in message
    assert "config-prod.json: LS_Lake[1]: unknown key(s) path; allowed: action, name, value" in message


def test_factory_rows_set_and_add_global_parameters(tmp_path: Path) -> None:
    rows = (
        "factory,adf-dev,\"$.properties.globalParameters.'GP-String'.value\",prod\n"
        "factory,adf-dev,globalParameters.'GP-Int'.value,2020\n"
        'factory,adf-dev,"+$.properties.globalParameters.NewParam.value",x\n'
        'factory,adf-dev,"+$.properties.globalParameters.NewParam.type",string\n'
    )
    content = load_stack(tree(tmp_path, {"config-prod.csv": HEADER + rows}))
    assert dict(content.global_parameters) == {
        "GP-String": {"type": "String", "value": "prod"},
        "GP-Int": {"type": "Int", "value": 2020},
        "NewParam": {"type": "String", "value": "x"},
    }
    assert dict(load_stack(tmp_path / "pipelines_json", "dev").global_parameters)["GP-Int"]["value"] == 1


def test_deployment_is_not_content_and_with_both_files_the_csv_is_the_stage_s_config(tmp_path: Path) -> None:
    csv_row = HEADER + "linkedService,LS_Lake,typeProperties.url,https://csv/\n"
    json_config = json.dumps({"LS_Lake": [{"name": "typeProperties.url", "value": "https://json/"}]})
    root = tree(tmp_path, {"config-prod.csv": csv_row, "config-prod.json": json_config, "rules.txt": "+pipeline.*"})
    found, _items, overrides = inspect_content(root, STACK_VALUE_KEYS, pipeline_properties(), stack="prod")
    assert found.problems == []  # no "deployment/: unknown folder"
    assert [o.literal for o in overrides] == ["https://csv/"]
    assert (
        "pipelines_json/deployment/config-prod.json: not read: pipelines_json/deployment/config-prod.csv is stage "
        "'prod''s config, as adf.tools reads config-<stage>.csv for a stage and a .json only when named by its path"
        in found.notes
    )


def test_every_stack_file_is_checked_on_every_run_and_a_stage_that_is_no_stack_is_noted(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    root = tree(
        tmp_path,
        {
            "config-prod.csv": HEADER + "nonsense,LS_Lake,x,y\n",
            "config-uat.csv": HEADER + "nonsense,LS_Lake,x,y\n",
        },
    )
    message = problems(root, "dev")
    assert "config-prod.csv: line 2: type 'nonsense'" in message
    assert "config-uat.csv" not in message
    found, _items, _overrides = inspect_content(root, STACK_VALUE_KEYS, stack="dev")
    assert any(
        "config-uat.csv: stage 'uat' is not a stack of this project (dev, prod); not read" in n for n in found.notes
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+typeProperties.url", ("add", ("typeProperties", "url"))),
        ("-$.properties.a[2]", ("remove", ("a", 2))),
        ("globalParameters.'GP-X'.value", ("update", ("globalParameters", "GP-X", "value"))),
    ],
)
def test_paths_read_as_adf_tools_writes_them(text: str, expected: tuple[str, tuple[Any, ...]]) -> None:
    assert parse_path(text) == expected


def test_a_long_list_of_objects_is_cut_after_ten_names() -> None:
    items = [
        AdfItem(AdfKind.PIPELINE, f"PL_{n:02d}", f"pipeline/PL_{n:02d}.json", {"properties": {}}) for n in range(12)
    ]
    row = StageRow("config-prod.csv: line 2", "pipeline", "PL_X", "update", ("description",), "description", "x")
    found: list[str] = []
    apply_rows("config-prod.csv", [row], items, None, [], found)
    assert found == [
        "config-prod.csv: line 2: no pipeline matches name 'PL_X'; pipelines: pl_00, pl_01, pl_02, pl_03, pl_04, "
        "pl_05, pl_06, pl_07, pl_08, pl_09 and 2 more"
    ]
