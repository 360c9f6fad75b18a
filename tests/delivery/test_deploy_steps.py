"""The deploy stages: one template, main only, one deployment job, the build's package, azure-identity's token."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from delivery.pipeline import PIPELINE, TEMPLATE_DIR, Files, Pipeline, compile_pipeline
from tests.support.azure_pipelines.checks_deploy import deploy_stage_problems, deploy_template_problems
from tests.support.azure_pipelines.expectations import DEPLOYS, MAIN_ONLY, NOT_PULL_REQUEST, Problems
from tests.support.azure_pipelines.mutations import (
    assert_check_catches,
    deploy_test_problems,
    drop_deploy_step,
    edit_deploy_script,
    is_task,
    plain_job_instead_of_deployment,
    set_stage,
)
from tests.support.azure_pipelines.reading import is_sql, is_up


@pytest.mark.parametrize("name", list(DEPLOYS))
def test_deploy_stage(pipeline: dict[str, Any], name: str) -> None:
    assert deploy_stage_problems(pipeline, name) == []


def test_deploy_stages_share_one_template(files: Files) -> None:
    assert deploy_template_problems(files) == []


DEPLOY_MUTATIONS: dict[str, tuple[Callable[[Pipeline], Problems], Callable[[Pipeline], None]]] = {
    "deploy runs off main": (deploy_test_problems, set_stage("deploy_test", condition="succeeded()")),
    "deploy runs always": (
        deploy_test_problems,
        set_stage("deploy_test", condition=f"or(always(), and(succeeded(), {MAIN_ONLY}, {NOT_PULL_REQUEST}))"),
    ),
    "plain job instead of a deployment": (deploy_test_problems, plain_job_instead_of_deployment),
    "SQL step removed": (deploy_test_problems, drop_deploy_step(is_sql)),
    "pulumi up removed": (deploy_test_problems, drop_deploy_step(is_up)),
    "no federated token for azure-identity": (
        deploy_test_problems,
        edit_deploy_script(is_up, "export AZURE_FEDERATED_TOKEN_FILE=", "AZURE_FEDERATED_TOKEN_FILE="),
    ),
    "the provider left on the static token": (
        deploy_test_problems,
        edit_deploy_script(is_up, "export ARM_USE_DEFAULT_AZURE_CREDENTIAL=true", ""),
    ),
    "no refresher for a long pulumi up": (
        deploy_test_problems,
        edit_deploy_script(is_up, "python -m delivery.federated_token", "true"),
    ),
    "deploy without the build's package": (
        deploy_test_problems,
        drop_deploy_step(is_task("DownloadPipelineArtifact@2")),
    ),
}


@pytest.mark.parametrize("mutation", list(DEPLOY_MUTATIONS))
def test_deploy_checks_catch_a_broken_deploy_stage(pipeline: Pipeline, mutation: str) -> None:
    check, mutate = DEPLOY_MUTATIONS[mutation]
    assert_check_catches(check, mutate, pipeline, mutation)


def _drop_stop_from_template(files: Files) -> None:
    deploy = files[f"{TEMPLATE_DIR}/deploy-stage.yml"]["stages"][-1]["jobs"][0]["strategy"]["runOnce"]["deploy"]
    deploy["steps"] = [s for s in deploy["steps"] if "triggers stop" not in str(s.get("parameters", {}).get("script"))]


TEMPLATE_MUTATIONS: dict[str, Callable[[Files], None]] = {
    "a deploy stage dropped from azure-pipelines.yml": lambda f: f[PIPELINE]["stages"].pop(),
    "a per-environment setting besides the stack": lambda f: f[PIPELINE]["stages"][-1]["parameters"].update(
        azureServiceConnection="prod-only-connection"
    ),
    "the stop step dropped from the deploy template": _drop_stop_from_template,
}


@pytest.mark.parametrize("mutation", list(TEMPLATE_MUTATIONS))
def test_checks_read_the_templates(files: Files, mutation: str) -> None:
    broken = copy.deepcopy(files)
    TEMPLATE_MUTATIONS[mutation](broken)
    compiled = compile_pipeline(broken)
    problems = deploy_template_problems(broken) + [x for name in DEPLOYS for x in deploy_stage_problems(compiled, name)]
    assert problems, f"{mutation}: not detected"
