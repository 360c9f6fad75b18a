"""azure.datafactory.tools' publish options for a stack: Includes/Excludes filters, and what drift may delete.

Expected values follow adf.tools' code: private/ApplyExclusionOptions.ps1 (what is deployed),
private/AdfObjectName.class.ps1 `IsNameExcluded` (what is protected from deletion), public/New-AdfPublishOption.ps1
(the filter file).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from adf import load as adf_load
from adf.model import AdfContent
from adf.publish_filters import (
    PublishOptions,
    PublishOptionsError,
    filter_rules,
    matches,
    platform_provided,
    read_publish_options,
)
from preview.plan import run_program
from tests.support.adf_tree import fixture_files, write
from tests.support.checkout import PIPELINES_DIR, PROJECT_DIR


def options_tree(tmp_path: Path, options: dict[str, Any] | str, stack: str = "prod") -> Path:
    files: dict[str, Any] = fixture_files()
    files["pipeline/PL_Test_Copy"] = {**files["pipeline/PL_Copy"], "name": "PL_Test_Copy"}
    files["pipeline/PL_Test_Copy"]["properties"] = {**files["pipeline/PL_Copy"]["properties"], "folder": {"name": "qa"}}
    root = write(tmp_path, files)
    (root / "deployment").mkdir()
    text = options if isinstance(options, str) else json.dumps(options)
    (root / "deployment" / f"publish-{stack}.json").write_text(text)
    return root


def names(content: AdfContent) -> list[str]:
    return sorted(f"{item.kind}.{item.name}" for item in content.items)


@pytest.mark.parametrize(
    ("pattern", "kind", "name", "folder", "expected"),
    [
        ("pipeline.PL_*", "pipeline", "PL_Copy", "", True),
        ("pipeline.PL_*", "dataset", "PL_Copy", "", False),
        ("*.Test*", "pipeline", "test_copy", "", True),  # -like ignores case
        ("linkedService.???Lake", "linkedService", "LS_Lake", "", True),
        ("pipeline.ScdType[123]", "pipeline", "ScdType4", "", False),
        ("*.PL_*@q*", "pipeline", "PL_Test_Copy", "qa", True),
        ("*.PL_*@q*", "pipeline", "PL_Copy", "", False),
    ],
)
def test_patterns_match_type_dot_name_and_the_folder_after_at(
    pattern: str, kind: str, name: str, folder: str, expected: bool
) -> None:
    assert matches(pattern, kind, name, folder) is expected


def test_with_includes_only_what_they_match_is_deployed_and_excludes_are_not_consulted() -> None:
    options = PublishOptions(includes=("pipeline.*",), excludes=("pipeline.PL_Copy",))
    assert options.deploys("pipeline", "PL_Copy")
    assert not options.deploys("trigger", "TR_Daily")
    # ... but for deletion an object Excludes match is excluded all the same (IsNameExcluded).
    assert options.excluded("pipeline", "PL_Copy")
    assert options.excluded("trigger", "TR_Daily")
    assert not options.excluded("pipeline", "PL_Other")


def test_without_includes_everything_but_what_excludes_match_is_deployed() -> None:
    options = PublishOptions(excludes=("*.Test*",))
    assert options.deploys("pipeline", "PL_Copy")
    assert not options.deploys("pipeline", "TestCopy")
    assert options.deploys("pipeline", "PL_Test_Copy")  # `*.Test*`: a name that starts with Test


def test_drift_keeps_the_platform_runtime_and_excluded_objects_unless_told_otherwise() -> None:
    options = PublishOptions(excludes=("*.Shared*",), file="f")
    assert options.keeps("integrationRuntime", "IR-MANAGED") == "provided by the platform"
    assert options.keeps("integrationRuntime", "AutoResolveIntegrationRuntime") == "provided by the platform"
    assert options.keeps("linkedService", "SharedLake") == "excluded by f (DoNotDeleteExcludedObjects)"
    assert options.keeps("linkedService", "LS_Other") is None
    permissive = PublishOptions(excludes=("*.Shared*",), do_not_delete_excluded_objects=False)
    assert permissive.keeps("linkedService", "SharedLake") is None
    assert permissive.keeps("integrationRuntime", "ir-managed") == "provided by the platform"
    assert not platform_provided("integrationRuntime", "ir-selfhosted")


def test_the_filter_file_reads_as_new_adf_publish_option_reads_it() -> None:
    # The shape of adf.tools' own test/BigFactorySample2/deployment/filter.option1.txt, plus a comma-separated line.
    text = "+pipeline.*\n-*.SharedIR*\n-*.LS_SqlServer_DEV19_AW2017\ntrigger.*\n\n# comment\ndataset.A,-dataset.B\n"
    assert filter_rules(text) == (
        ["pipeline.*", "trigger.*", "dataset.A"],
        ["*.SharedIR*", "*.LS_SqlServer_DEV19_AW2017", "dataset.B"],
    )


def test_the_stack_deploys_what_its_filters_keep_and_notes_what_they_leave_out(tmp_path: Path) -> None:
    root = options_tree(tmp_path, {"Excludes": ["*.PL_Test*", "*.Nothing*"]})
    content = adf_load.load(root, "prod")
    assert names(content) == ["dataset.DS_Files", "linkedService.LS_Lake", "pipeline.PL_Copy", "trigger.TR_Daily"]
    assert any("not deployed by this stack (Includes/Excludes): pipeline/PL_Test_Copy" in n for n in content.notes)
    assert any("these patterns match no file: *.Nothing*" in n for n in content.notes)
    # Another stack without options deploys everything.
    assert "pipeline.PL_Test_Copy" in names(adf_load.load(root, "dev"))


def test_includes_from_a_filter_file_and_a_folder_pattern(tmp_path: Path) -> None:
    root = options_tree(tmp_path, {"FilterFilePath": "deployment/rules.txt"})
    (root / "deployment" / "rules.txt").write_text("+*.*@qa\n+linkedService.*\n")
    assert names(adf_load.load(root, "prod")) == ["linkedService.LS_Lake", "pipeline.PL_Test_Copy"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"Include": ["x"]}, "deployment/publish-prod.json: Include: unknown option (did you mean 'Includes'?)"),
        ({"Excludes": "pipeline.*"}, "deployment/publish-prod.json: Excludes: expected a list of patterns"),
        ({"DeleteNotInSource": "yes"}, "DeleteNotInSource: expected true or false, found 'yes'"),
        ({"FilterFilePath": "deployment/none.txt"}, "FilterFilePath: 'deployment/none.txt' is not a file"),
        ("[1]", "deployment/publish-prod.json: expected an object of options: Includes, Excludes"),
        ("{", "deployment/publish-prod.json: line 1 column 2: malformed JSON"),
    ],
)
def test_a_bad_options_file_is_an_input_error_naming_file_and_option(
    tmp_path: Path, options: dict[str, Any] | str, expected: str
) -> None:
    with pytest.raises(PublishOptionsError) as info:
        read_publish_options(options_tree(tmp_path, options), "prod")
    assert expected in str(info.value)


def test_options_that_do_not_apply_here_are_noted_with_what_does_their_work(tmp_path: Path) -> None:
    options = read_publish_options(
        options_tree(tmp_path, {"StopStartTriggers": True, "Includes": {"pipeline.*": ""}}), "prod"
    )
    assert options.includes == ("pipeline.*",)  # adf.tools' Includes is a hashtable: its keys are the patterns
    assert options.notes == (
        "pipelines_json/deployment/publish-prod.json: StopStartTriggers is not used here: `python -m ops triggers "
        "stop` and `start` wrap every deployment (README, 'Stopping and starting triggers')",
    )


def test_the_program_leaves_out_what_the_filters_exclude_and_keeps_what_references_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "pipelines_json"
    shutil.copytree(PIPELINES_DIR, root)
    (root / "deployment").mkdir()
    (root / "deployment" / "publish-dev.json").write_text(json.dumps({"Excludes": ["pipeline.PL_Archive_SqlToLake"]}))
    real_load = adf_load.load
    monkeypatch.setattr(adf_load, "load", lambda _root, stack=None, **kwargs: real_load(root, stack, **kwargs))
    plan = run_program("dev", PROJECT_DIR)
    pipelines = {r.inputs["pipelineName"] for r in plan.by_type("azure-native:datafactory:Pipeline")}
    assert "PL_Archive_SqlToLake" not in pipelines and "PL_Events_SilverToSql" in pipelines
    triggers = {r.inputs["triggerName"] for r in plan.by_type("azure-native:datafactory:Trigger")}
    assert "TR_Archive_DailyMidnight" in triggers  # runs the excluded pipeline, which the factory already holds
