"""The stages in order, and what validate, build and preview run; each check catches its mutation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from delivery.pipeline import Pipeline
from preview.plan import Plan
from tests.support.azure_pipelines.checks_stages import (
    build_stage_problems,
    deploy_pool_problems,
    preview_problems,
    pulumi_pin_problems,
    runtime_pool_name_problems,
    stage_order_problems,
    validate_stage_problems,
)
from tests.support.azure_pipelines.expectations import Problems
from tests.support.azure_pipelines.mutations import (
    assert_check_catches,
    deploy_steps,
    drop_stage,
    drop_steps,
    edit_steps,
    is_task,
    replace_in_bash,
    replace_in_inline_script,
    set_stage,
    swap_stages,
)
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


@pytest.fixture(scope="module")
def pool_names(plans: dict[str, Plan]) -> dict[str, str]:
    """Each private stack's pool, as its foundation's offline plan names it."""
    return {stack: plans[stack].upstream[0].outputs["agent_pool_name"] for stack in ("test", "prod")}


def test_test_and_prod_preview_and_deploy_on_the_pool_their_foundation_creates(
    pipeline: dict[str, Any], pool_names: dict[str, str]
) -> None:
    assert deploy_pool_problems(pipeline, pool_names) == []
    jobs = {name: stage(pipeline, name)["jobs"][0]["pool"] for name in ("deploy_dev", "deploy_test", "deploy_prod")}
    assert jobs == {
        "deploy_dev": {"vmImage": "ubuntu-24.04"},
        "deploy_test": {"name": "mdp-konnektmack-test-weu"},
        "deploy_prod": {"name": "mdp-konnektmack-prod-weu"},
    }
    assert pool_names == {"test": "mdp-konnektmack-test-weu", "prod": "mdp-konnektmack-prod-weu"}


def test_no_pool_name_in_the_compiled_pipeline_is_read_at_runtime(pipeline: dict[str, Any]) -> None:
    assert runtime_pool_name_problems(pipeline) == []


@pytest.mark.parametrize("name", ["$(agentPoolName)", "$[ variables.agentPoolName ]", "mdp-$(environment)"])
def test_a_pool_name_read_at_runtime_is_found_anywhere(pipeline: dict[str, Any], name: str) -> None:
    for where in ("deploy_test", "preview_prod", "build"):
        broken = copy.deepcopy(pipeline)
        stage(broken, where)["jobs"][0]["pool"] = {"name": name}
        assert runtime_pool_name_problems(broken) == [
            f"{where}/{stage(broken, where)['jobs'][0].get('job') or 'deploy'}: pool name {name!r} is read at runtime"
        ]


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
    "foundations not planned": (
        validate_stage_problems,
        edit_steps("validate", lambda s: "ops plan" in script(s), replace_in_bash("--project-dir foundation", "")),
    ),
    "plans not published": (validate_stage_problems, drop_steps("validate", is_task("PublishPipelineArtifact@1"))),
    "no Node": (validate_stage_problems, drop_steps("validate", is_task("NodeTool@0"))),
    "package not published": (build_stage_problems, drop_steps("build", is_task("PublishPipelineArtifact@1"))),
    "preview also on main": (preview_problems, set_stage("preview", condition="succeeded()")),
    "preview not posted to the pull request": (
        preview_problems,
        edit_steps(
            "preview", is_task("AzureCLI@2"), replace_in_inline_script("python -m delivery.pull_request", "true")
        ),
    ),
    "a foundation not previewed": (
        preview_problems,
        lambda p: stage(p, "preview").update(
            jobs=[j for j in stage(p, "preview")["jobs"] if j["job"] != "preview_foundation_prod"]
        ),
    ),
    "preview of one stack missing": (
        preview_problems,
        lambda p: stage(p, "preview").update(jobs=stage(p, "preview")["jobs"][:-1]),
    ),
}


@pytest.mark.parametrize("mutation", list(STAGE_MUTATIONS))
def test_stage_checks_catch_a_broken_pipeline(pipeline: Pipeline, mutation: str) -> None:
    check, mutate = STAGE_MUTATIONS[mutation]
    assert_check_catches(check, mutate, pipeline, mutation)


POOL_MUTATIONS: dict[str, Callable[[Pipeline], None]] = {
    "prod deploys on hosted agents": lambda p: stage(p, "deploy_prod")["jobs"][0].update(
        pool={"vmImage": "ubuntu-24.04"}
    ),
    "test previews on hosted agents, not where it deploys": lambda p: stage(p, "preview_test")["jobs"][0].update(
        pool={"vmImage": "ubuntu-24.04"}
    ),
    "test deploys with its pool left out": lambda p: stage(p, "deploy_test")["jobs"][0].pop("pool"),
    "test deploys on prod's pool": lambda p: stage(p, "deploy_test")["jobs"][0].update(
        pool={"name": "mdp-konnektmack-prod-weu"}
    ),
    "dev deploys on a pool it does not have": lambda p: stage(p, "deploy_dev")["jobs"][0].update(
        pool={"name": "mdp-konnektmack-test-weu"}
    ),
    "a foundation deploys on the pool it creates": lambda p: stage(p, "deploy_foundation_test")["jobs"][0].update(
        pool={"name": "mdp-konnektmack-test-weu"}
    ),
}


@pytest.mark.parametrize("mutation", list(POOL_MUTATIONS))
def test_pool_check_catches_a_stage_on_the_wrong_agents(
    pipeline: Pipeline, pool_names: dict[str, str], mutation: str
) -> None:
    assert_check_catches(lambda p: deploy_pool_problems(p, pool_names), POOL_MUTATIONS[mutation], pipeline, mutation)


def test_pin_check_catches_an_unpinned_install(pipeline: Pipeline) -> None:
    broken = copy.deepcopy(pipeline)
    for step in deploy_steps(broken):
        if "get.pulumi.com" in script(step):
            step["bash"] = script(step).replace('version="$(pulumiVersion)"', 'version="latest"')
    assert pulumi_pin_problems(broken)
    broken["variables"]["pulumiVersion"] = "latest"
    assert any("pulumiVersion" in problem for problem in pulumi_pin_problems(broken))
