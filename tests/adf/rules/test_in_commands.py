"""The content rules in the commands: `python -m ops adf check` refuses the files that break them (exit 2, naming
file, path, limit and source), deploys with a warning what breaks only a rule ADF's published content breaks too,
and accepts the committed `pipelines_json/`, which every rule passes without a warning."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from adf.load import inspect_content, pipeline_properties
from tests.support.adf_tree import fixture_files, write
from tests.support.warm_process import WarmCli

PROJECT = Path(__file__).resolve().parents[3]


def adf_check(warm_cli: WarmCli, folder: Path) -> subprocess.CompletedProcess[str]:
    """`python -m ops adf check FOLDER`, run by a child of the warm interpreter (the command needs no project)."""
    cwd = folder.parent / "cwd"
    cwd.mkdir()
    return warm_cli.run(cwd, "adf", "check", str(folder))


def wait(name: str) -> dict[str, Any]:
    return {"name": name, "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}


def pipeline(name: str, activities: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "properties": {"activities": activities}}


def test_the_three_inputs_of_the_issue_are_refused_by_adf_check(tmp_path: Path, warm_cli: WarmCli) -> None:
    files: dict[str, Any] = fixture_files()
    loop = {"value": "@createArray(1)", "type": "Expression"}
    inner = {"name": "Inner", "type": "ForEach", "typeProperties": {"items": loop, "activities": [wait("W")]}}
    outer = {"name": "Outer", "type": "ForEach", "typeProperties": {"items": loop, "activities": [inner]}}
    files["pipeline/PL_Nested"] = pipeline("PL_Nested", [outer])
    files["pipeline/PL_Many"] = pipeline("PL_Many", [wait(f"W{index}") for index in range(121)])
    files["pipeline/PL_Slow"] = pipeline("PL_Slow", [{**wait("W"), "policy": {"timeout": "ten minutes"}}])
    result = adf_check(warm_cli, write(tmp_path, files))
    assert result.returncode == 2, result.stdout + result.stderr
    for expected in (
        "pipeline/PL_Nested.json: cannot be deployed",
        "properties.activities[0].typeProperties.activities[0]: ForEach 'Inner' sits inside ForEach 'Outer' "
        "(limit one level of nesting, ForEach activity)",
        "pipeline/PL_Many.json: cannot be deployed",
        "properties.activities: 121 activities, counting those inside ForEach, Until, If Condition and Switch "
        "(limit 120, Data Factory limits)",
        "pipeline/PL_Slow.json: cannot be deployed",
        "properties.activities[0].policy.timeout: 'ten minutes' is not a time span d.hh:mm:ss or hh:mm:ss "
        "(limit [d.]hh:mm:ss, Data Factory REST API 2018-06-01)",
        "4 of 7 file(s) deployable",
    ):
        assert expected in result.stdout, result.stdout


def test_the_committed_content_passes_every_rule() -> None:
    found, _items, _overrides = inspect_content(
        PROJECT / "pipelines_json", pipeline_properties=pipeline_properties(), with_overrides=False
    )
    assert found.problems == []
    assert found.warnings == []
    assert len(found.items) > 20


def test_what_adf_published_deploys_with_a_warning_naming_page_and_evidence(tmp_path: Path, warm_cli: WarmCli) -> None:
    files: dict[str, Any] = fixture_files()
    files["pipeline/PL_Quick"] = pipeline("PL_Quick", [{**wait("W"), "policy": {"timeout": "0.00:00:30"}}])
    result = adf_check(warm_cli, write(tmp_path, files))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("pipeline/PL_Quick.json: "))
    assert lines[at + 1] == (
        "  warning: properties.activities[0].policy.timeout: '0.00:00:30' is outside 0.00:10:00 to 7.00:00:00 "
        "(limit 0.00:10:00 to 7.00:00:00, Data Factory limits; ADF accepts it: published by ADF in "
        "mrpaulandrew/procfwk@8a7ecb8 (pipeline 04-Infant, timeouts 0.00:00:30 and 0.00:01:00))"
    )
    assert lines[-2:] == [
        "5 of 5 file(s) deployable",
        "1 file(s) with warnings: ADF accepts them, so they deploy; see each warning's evidence",
    ]
