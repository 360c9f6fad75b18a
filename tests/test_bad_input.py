"""Bad input, proved: `python -m ops plan` on copies of the project broken one way each.

Each case must exit non-zero, name the file or key that is wrong, and stop before any
resource is registered.

The cases run in children forked from one warm interpreter that has already imported the
third-party modules and the project's code from this checkout (`tests/support/warm_cli.py`); each
child plans its copy of the project files, as `python -m ops` started there would. One case also
runs in a fresh interpreter, and both must give the same exit code and output.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from adf.walk import walk_activities
from tests.support.warm_process import WarmCli, checkout_env, project_copy

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Case:
    id: str
    breaks: Callable[[Path], object]
    names: tuple[str, ...]
    """Fragments the error must contain: the file or key, and what is wrong."""


def edit_text(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        text = path.read_text()
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))

    return apply


def edit_json(relative: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        document = json.loads(path.read_text())
        change(document)
        path.write_text(json.dumps(document, indent=2))

    return apply


def write_file(relative: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).write_text(text)

    return apply


def deployment_file(name: str, text: str) -> Callable[[Path], None]:
    """A file in the content's `deployment/`, where azure.datafactory.tools keeps its stage config."""

    def apply(root: Path) -> None:
        (root / "pipelines_json" / "deployment").mkdir(exist_ok=True)
        (root / "pipelines_json" / "deployment" / name).write_text(text)

    return apply


def add_config(line: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / "Pulumi.dev.yaml"
        path.write_text(path.read_text() + line)

    return apply


def first(folder: str) -> str:
    """The first file of an ADF folder, as a project-relative path."""
    return f"pipelines_json/{folder}/" + sorted(p.name for p in (PROJECT / "pipelines_json" / folder).glob("*.json"))[0]


def trigger_of_type(adf_type: str) -> str:
    for path in sorted((PROJECT / "pipelines_json" / "trigger").glob("*.json")):
        if json.loads(path.read_text())["properties"]["type"] == adf_type:
            return f"pipelines_json/trigger/{path.name}"
    raise AssertionError(f"no {adf_type} in pipelines_json/trigger")


def pipeline_with_depends_on() -> tuple[str, int]:
    for path in sorted((PROJECT / "pipelines_json" / "pipeline").glob("*.json")):
        activities = json.loads(path.read_text())["properties"]["activities"]
        for index, activity in enumerate(activities):
            if activity.get("dependsOn"):
                return f"pipelines_json/pipeline/{path.name}", index
    raise AssertionError("no pipeline with dependsOn")


def twin_in_other_case(root: Path, relative: str) -> None:
    """A second file whose name differs from the first only in case (ADF names ignore case)."""
    document = json.loads((root / relative).read_text())
    document["name"] = document["name"].lower()
    (root / relative).with_name(f"{document['name']}.json").write_text(json.dumps(document))


def line_of(relative: str, fragment: str) -> int:
    text = (PROJECT / relative).read_text()
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def pipeline_with_activity(adf_type: str) -> tuple[str, int]:
    """The first pipeline with a top-level activity of this type, and the activity's index."""
    for path in sorted((PROJECT / "pipelines_json" / "pipeline").glob("*.json")):
        for index, activity in enumerate(json.loads(path.read_text())["properties"]["activities"]):
            if activity["type"] == adf_type:
                return f"pipelines_json/pipeline/{path.name}", index
    raise AssertionError(f"no pipeline with a {adf_type} activity")


def pipeline_with_policy() -> tuple[str, int]:
    for path in sorted((PROJECT / "pipelines_json" / "pipeline").glob("*.json")):
        for index, activity in enumerate(json.loads(path.read_text())["properties"]["activities"]):
            if "timeout" in activity.get("policy", {}):
                return f"pipelines_json/pipeline/{path.name}", index
    raise AssertionError("no activity with policy.timeout")


def wait(name: str) -> dict:
    return {"name": name, "type": "Wait", "dependsOn": [], "typeProperties": {"waitTimeInSeconds": 1}}


def nest_a_foreach(document: dict) -> None:
    inner = {
        "name": "EachInner",
        "type": "ForEach",
        "typeProperties": {"items": {"value": "@createArray(1)", "type": "Expression"}, "activities": [wait("W")]},
    }
    document["properties"]["activities"][LOOP]["typeProperties"]["activities"].append(inner)


def grow_to(total: int) -> Callable[[dict], None]:
    """Add Wait activities until the pipeline holds `total`, counting those inside containers."""

    def change(document: dict) -> None:
        existing = sum(1 for _ in walk_activities(document["properties"]["activities"]))
        document["properties"]["activities"] += [wait(f"Pad{index}") for index in range(total - existing)]

    return change


SCHEDULE = trigger_of_type("ScheduleTrigger")
TUMBLING_WINDOW = trigger_of_type("TumblingWindowTrigger")
BLOB_EVENTS = trigger_of_type("BlobEventsTrigger")
PIPELINE, DEPENDENT = pipeline_with_depends_on()
LOOPING, LOOP = pipeline_with_activity("ForEach")
TIMED, TIMED_INDEX = pipeline_with_policy()
DATASET = first("dataset")


def set_in(*path: str | int, value: object) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


CASES = [
    # ---- stack config
    Case(
        "config-missing-key",
        edit_text("Pulumi.dev.yaml", "  data-platform:owner: data-platform-team\n", ""),
        ("Pulumi.dev.yaml: data-platform:owner: required key is missing",),
    ),
    Case(
        "config-wrong-type",
        edit_text("Pulumi.dev.yaml", "softDeleteDays: 7\n    archive", "softDeleteDays: a week\n    archive"),
        ("data-platform:storage.softDeleteDays", "valid integer"),
    ),
    Case(
        "config-unknown-key",
        add_config("  data-platform:storageSku: Standard_LRS\n"),
        ("data-platform:storageSku: unknown key",),
    ),
    Case(
        "config-unknown-environment",
        edit_text("Pulumi.dev.yaml", "environment: dev", "environment: staging"),
        ("data-platform:environment", "'dev', 'test' or 'prod'"),
    ),
    Case(
        "config-unknown-region",
        edit_text("Pulumi.dev.yaml", "location: westeurope", "location: moon-south"),
        ("azure-native:location: 'moon-south' is not a supported region",),
    ),
    Case(
        "config-name-too-long",
        add_config("  data-platform:prefix: konnektmackdataplat\n"),
        ("Pulumi.dev.yaml: the storage account name", "is 31 characters; Azure allows 3-24", "data-platform:prefix"),
    ),
    Case(
        "config-secret-in-plain-text",
        add_config("  data-platform:secrets:\n    partner-api-token: hunter2\n"),
        ("data-platform:secrets: holds secret values in plain text",),
    ),
    Case(
        "config-bad-email",
        edit_text("Pulumi.dev.yaml", "alertEmail: data-platform-dev@example.com", "alertEmail: oncall"),
        ("data-platform:monitoring.alertEmail: 'oncall' is not an email address",),
    ),
    Case(
        "config-existing-sql-without-names",
        edit_text("Pulumi.dev.yaml", "create: true", "create: false"),
        ("data-platform:sql", "missing serverName, serverResourceGroup, databaseName"),
    ),
    Case(
        "config-unknown-trigger",
        add_config("  data-platform:dataFactory:\n    triggers:\n      TR_Nope: true\n"),
        ("data-platform:dataFactory",),
    ),
    Case(
        "config-not-yaml",
        write_file("Pulumi.dev.yaml", "config:\n  data-platform:owner: [unclosed\n"),
        ("Pulumi.dev.yaml: not valid YAML",),
    ),
    Case(
        "config-unknown-namespace",
        add_config("  data-platfrom:timeZone: UTC\n"),
        (
            "Pulumi.dev.yaml: data-platfrom:timeZone: unknown namespace 'data-platfrom'",
            "(did you mean 'data-platform:timeZone'?); allowed namespaces: data-platform, azure-native, pulumi, random",
        ),
    ),
    Case(
        "config-duplicate-key",
        add_config("  data-platform:owner: someone-else\n"),
        (
            "Pulumi.dev.yaml: key 'data-platform:owner' is given twice, on lines "
            f"{line_of('Pulumi.dev.yaml', 'data-platform:owner')} and",
        ),
    ),
    Case(
        "stack-file-a-list",
        write_file("Pulumi.dev.yaml", "- config\n- environment\n"),
        ("Pulumi.dev.yaml: expected a mapping of stack settings (config, environment", "got a list"),
    ),
    Case(
        "stack-file-a-scalar",
        write_file("Pulumi.dev.yaml", "dev\n"),
        ("Pulumi.dev.yaml: expected a mapping of stack settings (config, environment", "got a string"),
    ),
    Case(
        "stack-file-unknown-setting",
        edit_text("Pulumi.dev.yaml", "\nconfig:\n", "\nconfg:\n"),
        ("Pulumi.dev.yaml: confg: not a stack file setting (did you mean 'config'?); allowed: config, environment",),
    ),
    Case(
        "project-file-missing",
        lambda root: (root / "Pulumi.yaml").unlink(),
        # python -m ops looks for the project as the Pulumi CLI does, upward from where it runs
        ("no Pulumi.yaml in", "or any directory above it", "pass --project-dir"),
    ),
    Case(
        "project-file-without-name",
        edit_text("Pulumi.yaml", "name: data-platform\n", ""),
        ("Pulumi.yaml: has no `name`; `name` is required: the project's name",),
    ),
    # ---- ADF content
    Case(
        "adf-malformed-json",
        write_file(DATASET, '{"name": "broken", "properties": {'),
        (f"{DATASET}: line 1 column", "malformed JSON"),
    ),
    Case(
        "adf-name-differs-from-file",
        edit_json(DATASET, set_in("name", value="DS_Renamed")),
        (f"{DATASET}: name: 'DS_Renamed' differs from the file name",),
    ),
    Case(
        "adf-duplicate-name",
        lambda root: twin_in_other_case(root, DATASET),
        ("is also the name of",),
    ),
    Case(
        "adf-dangling-reference",
        edit_json(DATASET, set_in("properties", "linkedServiceName", "referenceName", value="LS_Nowhere")),
        (f"{DATASET}: properties.linkedServiceName.referenceName: linkedService 'LS_Nowhere' does not exist",),
    ),
    Case(
        "adf-depends-on-unknown-activity",
        edit_json(PIPELINE, set_in("properties", "activities", DEPENDENT, "dependsOn", 0, "activity", value="Ghost")),
        (f"{PIPELINE}: properties.activities[{DEPENDENT}].dependsOn[0].activity: 'Ghost' is not an activity",),
    ),
    Case(
        "adf-dependency-cycle",
        edit_json(
            PIPELINE,
            lambda d: d["properties"]["activities"][0].__setitem__(
                "dependsOn",
                [{"activity": d["properties"]["activities"][DEPENDENT]["name"], "dependencyConditions": ["Succeeded"]}],
            ),
        ),
        (f"{PIPELINE}: properties.activities: dependsOn forms a cycle",),
    ),
    Case(
        "adf-invalid-schedule",
        edit_json(SCHEDULE, set_in("properties", "typeProperties", "recurrence", "frequency", value="Fortnight")),
        (f"{SCHEDULE}: properties.typeProperties.recurrence.frequency: 'Fortnight' is not one of",),
    ),
    Case(
        "adf-trigger-passes-undeclared-parameter",
        edit_json(
            SCHEDULE,
            lambda d: d["properties"]["pipelines"][0].setdefault("parameters", {}).__setitem__("notDeclared", "x"),
        ),
        (f"{SCHEDULE}: properties.pipelines[0].parameters.notDeclared", "declares no parameter 'notDeclared'"),
    ),
    Case(
        "adf-undeclared-pipeline-parameter",
        edit_json(PIPELINE, set_in("properties", "description", value="@pipeline().parameters.nope")),
        (f"{PIPELINE}: properties.description: references undeclared pipeline parameter 'nope'",),
    ),
    Case(
        "adf-undeclared-variable",
        edit_json(PIPELINE, set_in("properties", "description", value="@{variables('ghost')}")),
        (f"{PIPELINE}: properties.description: references undeclared variable 'ghost'",),
    ),
    Case(
        "adf-foreach-in-foreach",
        edit_json(LOOPING, nest_a_foreach),
        (
            f"{LOOPING}: properties.activities[{LOOP}].typeProperties.activities[",
            "ForEach 'EachInner' sits inside ForEach",
            "(limit one level of nesting, ForEach activity)",
        ),
    ),
    Case(
        "adf-too-many-activities",
        edit_json(PIPELINE, grow_to(121)),
        (
            f"{PIPELINE}: properties.activities: 121 activities, counting those inside ForEach",
            "(limit 120, Data Factory limits)",
        ),
    ),
    Case(
        "adf-timeout-not-a-time-span",
        edit_json(TIMED, set_in("properties", "activities", TIMED_INDEX, "policy", "timeout", value="ten minutes")),
        (
            f"{TIMED}: properties.activities[{TIMED_INDEX}].policy.timeout: 'ten minutes' is not a time span",
            "(limit [d.]hh:mm:ss, Data Factory REST API 2018-06-01)",
        ),
    ),
    Case(
        "adf-retry-interval-under-30-seconds",
        edit_json(TIMED, set_in("properties", "activities", TIMED_INDEX, "policy", "retryIntervalInSeconds", value=5)),
        (
            f"{TIMED}: properties.activities[{TIMED_INDEX}].policy.retryIntervalInSeconds: 5 is not a whole number",
            "ADF Studio publishes 30 instead",
        ),
    ),
    Case(
        "adf-activity-name-too-long",
        edit_json(PIPELINE, lambda d: d["properties"]["activities"].append(wait("W" * 56))),
        (f"{PIPELINE}: properties.activities[", "is 56 characters; allowed 1 to 55", "Pipelines and activities"),
    ),
    Case(
        "adf-tumbling-window-under-5-minutes",
        edit_json(
            TUMBLING_WINDOW,
            lambda d: d["properties"]["typeProperties"].update(frequency="Minute", interval=4),
        ),
        (
            f"{TUMBLING_WINDOW}: properties.typeProperties.interval",
            "(limit 5 minutes, Create tumbling window triggers)",
        ),
    ),
    Case(
        "adf-blob-path-without-blobs",
        edit_json(BLOB_EVENTS, set_in("properties", "typeProperties", "blobPathBeginsWith", value="/bronze/events/")),
        (f"{BLOB_EVENTS}: properties.typeProperties.blobPathBeginsWith", "Storage event trigger"),
    ),
    Case(
        "adf-unknown-folder",
        lambda root: (root / "pipelines_json" / "pipelines").mkdir(),
        ("pipelines_json/pipelines/: unknown folder",),
    ),
    Case(
        "adf-trigger-type-properties-a-list",
        edit_json(SCHEDULE, set_in("properties", "typeProperties", value=[{"recurrence": {}}])),
        (f"{SCHEDULE}: properties.typeProperties: expected an object of the ScheduleTrigger's settings, found list",),
    ),
    Case(
        "adf-pipeline-reference-a-string",
        edit_json(SCHEDULE, set_in("properties", "pipelines", 0, "pipelineReference", value="PL_Anything")),
        (f"{SCHEDULE}: properties.pipelines[0].pipelineReference: the pipeline's name written as a string",),
    ),
    Case(
        "adf-activities-an-object",
        edit_json(PIPELINE, set_in("properties", "activities", value={"Copy": {"type": "Copy"}})),
        (f"{PIPELINE}: properties.activities: expected list, got object",),
    ),
    Case(
        "adf-annotations-an-object",
        edit_json(PIPELINE, set_in("properties", "annotations", value={"team": "data"})),
        (f"{PIPELINE}: properties.annotations: expected list, got object",),
    ),
    Case(
        "adf-depends-on-a-string",
        edit_json(PIPELINE, set_in("properties", "activities", DEPENDENT, "dependsOn", value="Anything")),
        (f"{PIPELINE}: properties.activities[{DEPENDENT}].dependsOn: the activity 'Anything' written as a string",),
    ),
    Case(
        "adf-nested-thousands-deep",
        write_file(DATASET, '{"name": "x", "properties": {"description": ' + "[" * 5000 + "]" * 5000 + "}}"),
        (f"{DATASET}: (root): nested too deeply to read; at most 64 levels",),
    ),
    Case(
        "adf-override-unknown-stack-value",
        edit_json(
            "pipelines_json/overrides.json",
            set_in("common", "linkedService/LS_DataLake", 0, "stackValue", value="lake.url"),
        ),
        ("pipelines_json/overrides.json: common: linkedService/LS_DataLake[0]: stackValue: unknown stack value",),
    ),
    Case(
        "adf-override-missing-path",
        edit_json(
            "pipelines_json/overrides.json",
            set_in("common", "linkedService/LS_DataLake", 0, "path", value="properties.typeProperties.uri"),
        ),
        ("LS_DataLake[0]: properties.typeProperties.uri: does not exist",),
    ),
    # ---- azure.datafactory.tools' stage config and publish options (pipelines_json/deployment/)
    Case(
        "adf-stage-config-malformed-row",
        deployment_file("config-dev.csv", "type,name,path,value\nlinkedService,LS_DataLake,typeProperties.url\n"),
        ("pipelines_json/deployment/config-dev.csv: line 2: no value column",),
    ),
    Case(
        "adf-stage-config-unset-variable",
        deployment_file("config-dev.csv", "type,name,path,value\npipeline,PL_*,description,$Env:NOT_SET_ANYWHERE\n"),
        ("config-dev.csv: line 2: value: environment variable NOT_SET_ANYWHERE is not set",),
    ),
    Case(
        "adf-stage-config-key-also-in-overrides",
        deployment_file("config-dev.csv", "type,name,path,value\nlinkedService,LS_DataLake,typeProperties.url,x\n"),
        ("also set by pipelines_json/overrides.json: common (properties.typeProperties.url)",),
    ),
    Case(
        "adf-publish-options-unknown",
        deployment_file("publish-dev.json", '{"Include": ["pipeline.*"]}'),
        ("pipelines_json/deployment/publish-dev.json: Include: unknown option (did you mean 'Includes'?)",),
    ),
    # ---- SQL scripts
    Case(
        "sql-syntax-error",
        edit_text("sql/V002__users.sql", "CREATE TABLE dbo.users (", "CREATE TABEL dbo.users ("),
        ("sql/V002__users.sql", "problem(s) in sql/"),
    ),
    Case(
        "sql-missing-object",
        edit_text(
            "pipelines_json/pipeline/PL_Reporting_AggregateHourly.json",
            "[analytics].[usp_aggregate_hourly]",
            "[analytics].[usp_aggregate_daily]",
        ),
        (
            "pipelines_json/pipeline/PL_Reporting_AggregateHourly.json",
            "procedure analytics.usp_aggregate_daily is not defined in sql/",
        ),
    ),
    Case(
        "sql-badly-named-script",
        write_file("sql/create_more_tables.sql", "CREATE TABLE dbo.more (id int);"),
        ("sql/create_more_tables.sql",),
    ),
]


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25
    assert len({case.id for case in CASES}) == len(CASES)


def plan_in(root: Path) -> subprocess.CompletedProcess[str]:
    """`python -m ops plan --stack dev` in a fresh interpreter, with the checkout's code."""
    return subprocess.run(
        [sys.executable, "-m", "ops", "plan", "--stack", "dev"],
        cwd=root,
        env=checkout_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def broken_copy(tmp_path: Path, case: Case) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    project_copy(root)
    case.breaks(root)
    return root


def test_the_warm_interpreter_answers_as_a_fresh_one_does(tmp_path: Path, warm_cli: WarmCli) -> None:
    root = broken_copy(tmp_path, CASES[0])
    fresh, warm = plan_in(root), warm_cli.run(root, "plan", "--stack", "dev")
    assert fresh.returncode == 2 and CASES[0].names[0] in fresh.stderr
    assert (warm.returncode, warm.stdout, warm.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_project_fails_naming_the_problem_before_registering_anything(
    tmp_path: Path, case: Case, warm_cli: WarmCli
) -> None:
    result = warm_cli.run(broken_copy(tmp_path, case), "plan", "--stack", "dev")
    assert result.returncode == 2, f"exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    for fragment in case.names:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert "no resource was registered" in result.stderr
    assert result.stdout == ""
    assert not re.search(r"Traceback", result.stderr)


@pytest.mark.parametrize("stack", ["bad name", "acme/alice"])
def test_a_stack_name_pulumi_refuses_fails_naming_what_is_allowed(
    tmp_path: Path, warm_cli: WarmCli, stack: str
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    project_copy(root)
    result = warm_cli.run(root, "plan", "--stack", stack)
    assert result.returncode == 2, result.stderr
    assert f"error: '{stack}'" in result.stderr
    assert "no resource was registered" in result.stderr
    assert not re.search(r"Traceback", result.stderr)


def test_a_rule_adf_published_content_breaks_plans_with_a_warning_naming_page_and_evidence(
    tmp_path: Path, warm_cli: WarmCli
) -> None:
    over = edit_json(TIMED, set_in("properties", "activities", TIMED_INDEX, "policy", "timeout", value="7.00:00:01"))
    root = broken_copy(tmp_path, Case("adf-timeout-over-7-days", over, ()))
    result = warm_cli.run(root, "plan", "--stack", "dev", "--json")
    assert result.returncode == 0, result.stderr
    expected = (
        f"{TIMED}: properties.activities[{TIMED_INDEX}].policy.timeout: '7.00:00:01' is outside 0.00:10:00 to "
        "7.00:00:00 (limit 0.00:10:00 to 7.00:00:00, Data Factory limits; ADF accepts it: published by ADF in "
        "mrpaulandrew/procfwk@8a7ecb8 (pipeline 04-Infant, timeouts 0.00:00:30 and 0.00:01:00))"
    )
    assert expected in result.stderr
    assert "checks passed" in result.stderr
    assert json.loads(result.stdout)["warnings"] == [expected]
