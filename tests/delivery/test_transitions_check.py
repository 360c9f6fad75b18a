"""The transitions check in the pipeline: each preview stage, platform and foundation, compares its release with the
plan of the release deployed last before the deploy stage's approval; each deploy stage marks its run as that
release once `pulumi up` succeeded; and the lookup that tells a first deploy from a check that cannot run."""

from __future__ import annotations

import copy
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from delivery import last_deployed
from delivery.pipeline import Pipeline, Step
from delivery.stages import CommandKind, deploy_sequence
from ops.cli.main import main as ops_main
from tests.support.azure_pipelines.checks_transitions import (
    preview_check_problems,
    tag_problems,
    validate_plans,
)
from tests.support.azure_pipelines.expectations import Problems
from tests.support.azure_pipelines.mutations import assert_check_catches
from tests.support.azure_pipelines.reading import job_steps, script, stage, stage_steps, task
from tests.support.checkout import PROJECT_DIR
from tests.support.recording_http import Script, serving

RELEASES = [
    # (preview stage, deploy stage, stack, project dir, release)
    ("preview_dev", "deploy_dev", "dev", ".", "dev"),
    ("preview_test", "deploy_test", "test", ".", "test"),
    ("preview_prod", "deploy_prod", "prod", ".", "prod"),
    ("preview_foundation_test", "deploy_foundation_test", "test", "foundation", "foundation-test"),
    ("preview_foundation_prod", "deploy_foundation_prod", "prod", "foundation", "foundation-prod"),
]


@pytest.mark.parametrize(("preview", "deploy", "stack", "project_dir", "release"), RELEASES)
def test_each_preview_checks_the_transitions_from_the_release_its_deploy_tagged(
    pipeline: Pipeline, preview: str, deploy: str, stack: str, project_dir: str, release: str
) -> None:
    assert preview_check_problems(pipeline, preview, deploy, stack, project_dir, release) == []
    assert tag_problems(pipeline, deploy, release) == []


def test_every_preview_stage_of_the_deploy_sequence_checks_first_and_only_deploy_stages_wait_for_approval(
    pipeline: Pipeline,
) -> None:
    stages = deploy_sequence(pipeline)
    previews = [s for s in stages if s.environment is None]
    assert sorted(s.name for s in previews) == sorted(preview for preview, *_rest in RELEASES)
    for s in previews:
        assert [c.kind for c in s.commands] == [CommandKind.TRANSITIONS, CommandKind.PULUMI_PREVIEW], s.name
        later = stages[stages.index(s) + 1]
        assert later.environment is not None and s.name in later.depends_on, s.name
    assert all(CommandKind.TRANSITIONS not in [c.kind for c in s.commands] for s in stages if s.environment)


def test_the_download_takes_the_file_the_validate_stage_publishes(pipeline: Pipeline) -> None:
    artifact, files = validate_plans(pipeline)
    assert (artifact, files) == ("plans", {".": "plan-$s.json", "foundation": "plan-foundation-$s.json"})
    downloads = [
        step for step in stage_steps(pipeline, "preview_foundation_prod") if task(step) == "DownloadPipelineArtifact@2"
    ]
    assert [
        (s["inputs"].get("artifactName"), s["inputs"].get("itemPattern")) for s in downloads if "tags" in s["inputs"]
    ] == [("plans", "plan-foundation-prod.json")]


# --- each check notices what it guards ------------------------------------------------------------------------------


def _steps(p: Pipeline, name: str) -> list[Step]:
    (job,) = stage(p, name)["jobs"]
    return job_steps(job)


def _set_steps(p: Pipeline, name: str, steps: list[Step]) -> None:
    (job,) = stage(p, name)["jobs"]
    if "steps" in job:
        job["steps"] = steps
    else:
        job["strategy"]["runOnce"]["deploy"]["steps"] = steps


def _is_check(step: Step) -> bool:
    return "--from" in script(step)


def _is_tag(step: Step) -> bool:
    return "addbuildtag" in script(step)


def _is_download(step: Step) -> bool:
    return task(step) == "DownloadPipelineArtifact@2" and "tags" in (step.get("inputs") or {})


def drop(name: str, predicate: Callable[[Step], bool]) -> Callable[[Pipeline], None]:
    return lambda p: _set_steps(p, name, [s for s in _steps(p, name) if not predicate(s)])


def move_to_end(name: str, predicate: Callable[[Step], bool]) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        steps = _steps(p, name)
        moved = [s for s in steps if predicate(s)]
        _set_steps(p, name, [s for s in steps if not predicate(s)] + moved)

    return mutate


def move_check_into_the_deploy(p: Pipeline) -> None:
    check = [s for s in _steps(p, "preview_test") if _is_check(s)]
    drop("preview_test", _is_check)(p)
    _set_steps(p, "deploy_test", _steps(p, "deploy_test") + check)


def move_tag_before_up(p: Pipeline) -> None:
    steps = _steps(p, "deploy_test")
    tag = next(s for s in steps if _is_tag(s))
    rest = [s for s in steps if s is not tag]
    _set_steps(p, "deploy_test", [rest[0], tag, *rest[1:]])


def edit(name: str, predicate: Callable[[Step], bool], change: Callable[[Step], None]) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in _steps(p, name):
            if predicate(step):
                change(step)

    return mutate


def set_input(key: str, value: Any) -> Callable[[Step], None]:
    def change(step: Step) -> None:
        step["inputs"][key] = value

    return change


def drop_input(key: str) -> Callable[[Step], None]:
    return lambda step: step["inputs"].pop(key)


def set_key(key: str, value: Any) -> Callable[[Step], None]:
    return lambda step: step.update({key: value})


def rename_validate_plans(p: Pipeline) -> None:
    for step in stage_steps(p, "validate"):
        if "bash" in step:
            step["bash"] = step["bash"].replace("/plan-$s.json", "/$s.plan.json")


def preview_test(p: Pipeline) -> Problems:
    return preview_check_problems(p, "preview_test", "deploy_test", "test", ".", "test")


def deploy_test_tag(p: Pipeline) -> Problems:
    return tag_problems(p, "deploy_test", "test")


MUTATIONS: dict[str, tuple[Callable[[Pipeline], Problems], Callable[[Pipeline], None]]] = {
    "the check is removed": (preview_test, drop("preview_test", _is_check)),
    "the check runs after pulumi preview": (preview_test, move_to_end("preview_test", _is_check)),
    "the check moves into the deploy stage, after the approval": (preview_test, move_check_into_the_deploy),
    "the download is removed": (preview_test, drop("preview_test", _is_download)),
    "the check runs on a first deploy too": (
        preview_test,
        edit("preview_test", _is_check, set_key("condition", "succeeded()")),
    ),
    "the download takes another artifact": (
        preview_test,
        edit("preview_test", _is_download, set_input("artifactName", "preview-test")),
    ),
    "the download takes another stack's plan": (
        preview_test,
        edit("preview_test", _is_download, set_input("itemPattern", "plan-prod.json")),
    ),
    "the download looks for another tag": (
        preview_test,
        edit("preview_test", _is_download, set_input("tags", "deployed-prod")),
    ),
    "the download skips partially succeeded runs": (
        preview_test,
        edit("preview_test", _is_download, drop_input("allowPartiallySucceededBuilds")),
    ),
    "the download skips failed runs": (
        preview_test,
        edit("preview_test", _is_download, drop_input("allowFailedBuilds")),
    ),
    "the download reads any branch": (
        preview_test,
        edit("preview_test", _is_download, set_input("buildVersionToDownload", "latest")),
    ),
    "the validate stage names its plans otherwise": (preview_test, rename_validate_plans),
    "the lookup has no access token": (
        preview_test,
        edit("preview_test", lambda s: "last_deployed" in script(s), lambda s: s.pop("env")),
    ),
    "the tag step is removed": (deploy_test_tag, drop("deploy_test", _is_tag)),
    "the tag step runs before pulumi up": (deploy_test_tag, move_tag_before_up),
    "the tag step runs at the end, after the SQL scripts": (deploy_test_tag, move_to_end("deploy_test", _is_tag)),
    "the tag step runs after a failure too": (
        deploy_test_tag,
        edit("deploy_test", _is_tag, set_key("condition", "always()")),
    ),
    "the tag names another stack": (
        deploy_test_tag,
        edit("deploy_test", _is_tag, lambda s: s.update(bash=s["bash"].replace("deployed-test", "deployed-dev"))),
    ),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_the_checks_notice_a_broken_transitions_check(pipeline: Pipeline, mutation: str) -> None:
    check, mutate = MUTATIONS[mutation]
    assert_check_catches(check, mutate, copy.deepcopy(pipeline), mutation)


# --- the lookup -----------------------------------------------------------------------------------------------------


def environment(base: str) -> dict[str, str]:
    return {
        "SYSTEM_COLLECTIONURI": f"{base}/contoso/",
        "SYSTEM_TEAMPROJECTID": "0b6e2f1c-3d4a-4e5b-8c7d-9e0f1a2b3c4d",
        "SYSTEM_DEFINITIONID": "42",
        "SYSTEM_ACCESSTOKEN": "job-access-token",
    }


def test_the_lookup_asks_what_the_download_asks(pipeline: Pipeline, capsys: pytest.CaptureFixture[str]) -> None:
    (download,) = [s for s in stage_steps(pipeline, "preview_test") if _is_download(s)]
    (lookup,) = [s for s in stage_steps(pipeline, "preview_test") if "last_deployed" in script(s)]
    script_ = Script([(200, {"count": 1, "value": [{"id": 812, "buildNumber": "20261206.3"}]})])
    with serving(script_) as base:
        argv = script(lookup).split("python -m delivery.last_deployed", 1)[1].replace('"', "").split()
        assert last_deployed.main(argv, env=environment(base)) == 0
    (request,) = script_.requests
    url = urlsplit(request.path)
    assert request.method == "GET"
    assert url.path == "/contoso/0b6e2f1c-3d4a-4e5b-8c7d-9e0f1a2b3c4d/_apis/build/builds"
    query = {key: value[0] for key, value in parse_qs(url.query).items()}
    results = {"succeeded"} | {
        result
        for result, flag in (("partiallySucceeded", "allowPartiallySucceededBuilds"), ("failed", "allowFailedBuilds"))
        if download["inputs"].get(flag) is True
    }
    assert query == {
        "definitions": "42",
        "branchName": download["inputs"]["branchName"],
        "tagFilters": download["inputs"]["tags"],
        "resultFilter": ",".join(sorted(results, key=["succeeded", "partiallySucceeded", "failed"].index)),
        "queryOrder": "finishTimeDescending",
        "$top": "1",
        "api-version": "7.1",
    }
    assert request.headers["authorization"] == "Bearer job-access-token"
    out = capsys.readouterr().out
    assert "The last run tagged deployed-test: 20261206.3 (id 812)" in out
    assert out.splitlines()[-1] == "##vso[task.setvariable variable=lastDeployedRun]812"


def test_without_a_tagged_run_the_check_is_skipped_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(Script([(200, {"count": 0, "value": []})])) as base:
        assert last_deployed.main(["--tag", "deployed-prod"], env=environment(base)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("##vso[task.logissue type=warning]No finished run of this pipeline on refs/heads/main")
    assert "tagged deployed-prod" in lines[0] and "the check is skipped" in lines[0]
    assert lines[-1] == "##vso[task.setvariable variable=lastDeployedRun]none"


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ((403, {"message": "no access"}), "HTTP 403 from the Builds API"),
        ((200, {"unexpected": True}), "without a list of runs"),
        ((200, {"value": [{"buildNumber": "x"}]}), "a run without an id"),
    ],
)
def test_a_lookup_that_gets_no_answer_fails_instead_of_skipping(
    answer: tuple[int, Any], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(Script([answer])) as base:
        assert last_deployed.main(["--tag", "deployed-test"], env=environment(base)) == 1
    out = capsys.readouterr().out
    assert out.startswith("##vso[task.logissue type=error]finding the last run tagged deployed-test:")
    assert said in out and "setvariable" not in out


def test_outside_a_pipeline_step_the_lookup_says_what_it_needs(capsys: pytest.CaptureFixture[str]) -> None:
    assert last_deployed.main(["--tag", "deployed-test"], env={"SYSTEM_ACCESSTOKEN": "x"}) == 2
    err = capsys.readouterr().err
    assert "SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECTID, SYSTEM_DEFINITIONID not set" in err


def test_a_tag_no_deploy_stage_adds_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        last_deployed.main(["--tag", "release-test"], env={})
    assert exit_.value.code == 2
    assert "a deploy stage's tag starts with 'deployed-'" in capsys.readouterr().err


# --- the command the preview runs -------------------------------------------------------------------------------------


def test_the_foundations_preview_refuses_a_change_of_a_subnets_prefix(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The foundation holds what Azure refuses to change in use (its subnets), so its preview checks too: the
    command its preview stage runs, against the foundation's plan with the agents' subnet on another range."""
    monkeypatch.chdir(PROJECT_DIR)
    assert ops_main(["plan", "--stack", "test", "--project-dir", "foundation", "--json"]) == 0
    deployed = json.loads(capsys.readouterr().out)
    (subnet,) = [r for r in deployed["resources"] if r["name"] == "platform-network-agents"]
    subnet["inputs"]["addressPrefix"] = "10.99.0.0/27"
    (preview,) = [s for s in deploy_sequence(pipeline) if s.name == "preview_foundation_test"]
    check = preview.commands[0]
    assert check.kind is CommandKind.TRANSITIONS
    workspace = tmp_path / "workspace"
    (workspace / "deployed-release").mkdir(parents=True)
    (workspace / "deployed-release" / "plan-foundation-test.json").write_text(json.dumps(deployed))
    argv = shlex.split(check.line.replace("$(Pipeline.Workspace)", str(workspace)))[3:]
    assert ops_main(argv) == 2
    err = capsys.readouterr().err
    assert "refused: platform-network-agents (Subnet snet-agents): addressPrefix: 10.99.0.0/27 -> 10.20.0.128/27" in err
