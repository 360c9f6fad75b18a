"""The stages in order, and what validate, build and preview run; each check catches its mutation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.azure_pipelines.checks_stages import (
    build_stage_problems,
    deploy_pool_problems,
    preview_problems,
    pulumi_pin_problems,
    stage_order_problems,
    validate_stage_problems,
)
from tests.support.azure_pipelines.mutations import (
    assert_check_catches,
    deploy_steps,
    drop_stage,
    drop_steps,
    edit_steps,
    is_task,
    replace_in_bash,
    set_input,
    set_stage,
    swap_stages,
)
from tests.support.azure_pipelines.pipeline import Pipeline, Problems
from tests.support.azure_pipelines.reading import published_package, script, stage


def test_stages_in_order(pipeline: dict[str, Any]) -> None:
    assert stage_order_problems(pipeline) == []


def test_validate_stage(pipeline: dict[str, Any]) -> None:
    assert validate_stage_problems(pipeline) == []


def test_build_stage_publishes_the_package_once(pipeline: dict[str, Any]) -> None:
    assert build_stage_problems(pipeline) == []
    assert published_package(pipeline) == "function-package"


def test_preview_stage(pipeline: dict[str, Any]) -> None:
    assert preview_problems(pipeline) == []


def test_test_and_prod_deploy_on_their_agent_pool_and_dev_on_hosted_agents(pipeline: dict[str, Any]) -> None:
    assert deploy_pool_problems(pipeline) == []
    jobs = {name: stage(pipeline, name)["jobs"][0]["pool"] for name in ("deploy_dev", "deploy_test", "deploy_prod")}
    assert jobs == {
        "deploy_dev": {"vmImage": "ubuntu-24.04"},
        "deploy_test": {"name": "$(agentPoolName)"},
        "deploy_prod": {"name": "$(agentPoolName)"},
    }


def test_pulumi_cli_is_pinned(pipeline: dict[str, Any]) -> None:
    assert pulumi_pin_problems(pipeline) == []


STAGE_MUTATIONS: dict[str, tuple[Callable[[Pipeline], Problems], Callable[[Pipeline], None]]] = {
    "stage removed": (stage_order_problems, drop_stage("deploy_test")),
    "stages swapped": (stage_order_problems, swap_stages("deploy_test", "deploy_prod")),
    "preview after the deploys": (stage_order_problems, swap_stages("preview", "deploy_prod")),
    "dependsOn skips a stage": (stage_order_problems, set_stage("deploy_prod", dependsOn="deploy_dev")),
    "tests without JUnit": (
        validate_stage_problems,
        edit_steps("validate", lambda s: "pytest" in script(s), replace_in_bash("--junitxml=", "--rootdir=")),
    ),
    "test results lost when tests fail": (
        validate_stage_problems,
        edit_steps("validate", is_task("PublishTestResults@2"), lambda s: s.pop("condition")),
    ),
    "one stack not planned": (
        validate_stage_problems,
        edit_steps("validate", lambda s: "ops plan" in script(s), replace_in_bash("Pulumi.*.yaml", "Pulumi.dev.yaml")),
    ),
    "plans not published": (validate_stage_problems, drop_steps("validate", is_task("PublishPipelineArtifact@1"))),
    "no Node": (validate_stage_problems, drop_steps("validate", is_task("NodeTool@0"))),
    "package not published": (build_stage_problems, drop_steps("build", is_task("PublishPipelineArtifact@1"))),
    "preview also on main": (preview_problems, set_stage("preview", condition="succeeded()")),
    "preview without PR comment": (
        preview_problems,
        edit_steps("preview", is_task("Pulumi@1"), set_input("createPrComment", False)),
    ),
    "preview of one stack missing": (
        preview_problems,
        lambda p: stage(p, "preview").update(jobs=stage(p, "preview")["jobs"][:-1]),
    ),
    "prod deploys on hosted agents": (
        deploy_pool_problems,
        lambda p: stage(p, "deploy_prod")["jobs"][0].update(pool={"vmImage": "ubuntu-24.04"}),
    ),
    "test deploys with its pool left out": (
        deploy_pool_problems,
        lambda p: stage(p, "deploy_test")["jobs"][0].pop("pool"),
    ),
    "dev deploys on a pool it does not have": (
        deploy_pool_problems,
        lambda p: stage(p, "deploy_dev")["jobs"][0].update(pool={"name": "$(agentPoolName)"}),
    ),
    "Pulumi task on the latest CLI": (
        pulumi_pin_problems,
        edit_steps("preview", is_task("Pulumi@1"), set_input("versionSpec", "latest")),
    ),
}


@pytest.mark.parametrize("mutation", list(STAGE_MUTATIONS))
def test_stage_checks_catch_a_broken_pipeline(pipeline: Pipeline, mutation: str) -> None:
    check, mutate = STAGE_MUTATIONS[mutation]
    assert_check_catches(check, mutate, pipeline, mutation)


def test_pin_check_catches_an_unpinned_install(pipeline: Pipeline) -> None:
    broken = copy.deepcopy(pipeline)
    for step in deploy_steps(broken):
        if "get.pulumi.com" in script(step):
            step["bash"] = script(step).replace('version="$(pulumiVersion)"', 'version="latest"')
    assert pulumi_pin_problems(broken)
    broken["variables"]["pulumiVersion"] = "latest"
    assert any("pulumiVersion" in problem for problem in pulumi_pin_problems(broken))
