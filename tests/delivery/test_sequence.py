"""The deploy sequence as product code (delivery.stages): what each stage deploys, where its agent runs, and what it
runs in order; and the approved preview is what deploys (update plans published by the preview, applied by the
deploy)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from delivery.stages import AgentKind, CommandKind, SequenceError, deploy_sequence, describe
from preview.plan import Plan
from tests.support.azure_pipelines.checks_deploy import approved_plan_problems
from tests.support.azure_pipelines.expectations import DEPLOYS, FOUNDATION_STAGES
from tests.support.azure_pipelines.mutations import assert_check_catches
from tests.support.azure_pipelines.reading import stage

PAIRS = [
    *DEPLOYS.items(),
    ("deploy_foundation_test", "preview_foundation_test"),
    ("deploy_foundation_prod", "preview_foundation_prod"),
]
"""(deploy stage, the preview stage whose plan it applies)."""


def test_the_sequence_deploys_each_foundation_before_its_stack_from_an_empty_subscription(
    pipeline: dict[str, Any], plans: dict[str, Plan]
) -> None:
    stages = deploy_sequence(pipeline)
    assert [(s.name, s.stack, s.project_dir) for s in stages] == [
        ("preview_dev", "dev", "."),
        ("deploy_dev", "dev", "."),
        ("preview_foundation_test", "test", "foundation"),
        ("deploy_foundation_test", "test", "foundation"),
        ("preview_test", "test", "."),
        ("deploy_test", "test", "."),
        ("preview_foundation_prod", "prod", "foundation"),
        ("deploy_foundation_prod", "prod", "foundation"),
        ("preview_prod", "prod", "."),
        ("deploy_prod", "prod", "."),
    ]
    pools = {stack: plans[stack].upstream[0].outputs["agent_pool_name"] for stack in ("test", "prod")}
    for s in stages:
        if s.project_dir == "." and s.stack in pools:
            assert (s.agent.kind, s.agent.name) == (AgentKind.POOL, pools[s.stack]), s.name
            assert s.agent.in_vnet
            deployed_before = [o.name for o in stages[: stages.index(s)] if o.deploys and o.stack == s.stack]
            assert f"deploy_foundation_{s.stack}" in deployed_before, "the pool exists before a stage runs on it"
        else:
            assert s.agent.kind is AgentKind.HOSTED and not s.agent.in_vnet, s.name


def test_each_deploy_waits_for_its_environment_and_each_preview_for_none(pipeline: dict[str, Any]) -> None:
    environments = {s.name: s.environment for s in deploy_sequence(pipeline)}
    assert environments == {
        "preview_dev": None,
        "deploy_dev": "data-platform-dev",
        "preview_foundation_test": None,
        "deploy_foundation_test": "data-platform-test-foundation",
        "preview_test": None,
        "deploy_test": "data-platform-test",
        "preview_foundation_prod": None,
        "deploy_foundation_prod": "data-platform-prod-foundation",
        "preview_prod": None,
        "deploy_prod": "data-platform-prod",
    }


def test_the_steps_of_a_platform_deploy_in_order(pipeline: dict[str, Any]) -> None:
    (deploy,) = [s for s in deploy_sequence(pipeline) if s.name == "deploy_test"]
    assert [(c.kind, c.condition) for c in deploy.commands] == [
        (CommandKind.REGISTER_PROVIDERS, "succeeded()"),
        (CommandKind.TRIGGERS_STOP, "succeeded()"),
        (CommandKind.PULUMI_UP, "succeeded()"),
        (CommandKind.SQL_APPLY, "succeeded()"),
        (CommandKind.TRIGGERS_START, "succeeded()"),
        (CommandKind.TRIGGERS_RESTORE, "failed()"),
    ]
    assert all("--stack test" in c.line for c in deploy.commands if c.kind.value.startswith("ops "))


def test_a_foundation_deploy_registers_the_providers_and_runs_up_only(pipeline: dict[str, Any]) -> None:
    (deploy,) = [s for s in deploy_sequence(pipeline) if s.name == "deploy_foundation_prod"]
    assert [c.kind for c in deploy.commands] == [CommandKind.REGISTER_PROVIDERS, CommandKind.PULUMI_UP]


def test_the_sequence_reads_as_text(pipeline: dict[str, Any]) -> None:
    text = describe(deploy_sequence(pipeline))
    assert "deploy_test: the platform stack test, on pool mdp-konnektmack-test-weu (in the VNet)" in text
    assert "deploy_foundation_test: foundation/ stack test, on Microsoft-hosted ubuntu-24.04" in text


def test_a_pipeline_that_lists_a_stage_before_what_it_depends_on_is_refused(pipeline: dict[str, Any]) -> None:
    broken = copy.deepcopy(pipeline)
    names = [s["stage"] for s in broken["stages"]]
    i, j = names.index("deploy_foundation_test"), names.index("preview_test")
    broken["stages"][i], broken["stages"][j] = broken["stages"][j], broken["stages"][i]
    with pytest.raises(SequenceError, match="preview_test depends on \\['deploy_foundation_test'\\]"):
        deploy_sequence(broken)


def test_a_stage_without_its_stacks_variable_group_is_refused(pipeline: dict[str, Any]) -> None:
    broken = copy.deepcopy(pipeline)
    stage(broken, "deploy_test")["variables"] = []
    with pytest.raises(SequenceError, match="stage deploy_test links \\[\\]"):
        deploy_sequence(broken)


@pytest.mark.parametrize(("deploy", "preview"), PAIRS)
def test_each_deploy_applies_the_plan_its_preview_published(
    pipeline: dict[str, Any], deploy: str, preview: str
) -> None:
    assert approved_plan_problems(pipeline, preview, deploy) == []


def _edit_scripts(name: str, old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def mutate(p: dict[str, Any]) -> None:
        for job in stage(p, name)["jobs"]:
            steps = job.get("steps") or job["strategy"]["runOnce"]["deploy"]["steps"]
            for step in steps:
                if "inlineScript" in step.get("inputs", {}):
                    step["inputs"]["inlineScript"] = step["inputs"]["inlineScript"].replace(old, new)

    return mutate


def _drop_download(name: str) -> Callable[[dict[str, Any]], None]:
    def mutate(p: dict[str, Any]) -> None:
        deploy = stage(p, name)["jobs"][0]["strategy"]["runOnce"]["deploy"]
        deploy["steps"] = [
            s
            for s in deploy["steps"]
            if not (s.get("task") == "DownloadPipelineArtifact@2" and "preview" in str(s["inputs"]["artifactName"]))
        ]

    return mutate


WIRING_MUTATIONS: dict[str, tuple[str, str, Callable[[dict[str, Any]], None]]] = {
    "the preview saves no plan": ("preview_test", "deploy_test", _edit_scripts("preview_test", "--save-plan", "")),
    "the deploy applies no plan": ("preview_test", "deploy_test", _edit_scripts("deploy_test", "--plan ", "")),
    "the deploy applies another stack's plan": (
        "preview_prod",
        "deploy_prod",
        _edit_scripts("deploy_prod", "plan-prod.json", "plan-test.json"),
    ),
    "the deploy does not download the approved preview": ("preview_test", "deploy_test", _drop_download("deploy_test")),
    "the foundation deploys without its plan": (
        "preview_foundation_test",
        "deploy_foundation_test",
        _edit_scripts("deploy_foundation_test", "--plan ", ""),
    ),
}


@pytest.mark.parametrize("mutation", list(WIRING_MUTATIONS))
def test_the_wiring_check_catches_a_deploy_that_is_not_the_approved_preview(
    pipeline: dict[str, Any], mutation: str
) -> None:
    preview, deploy, mutate = WIRING_MUTATIONS[mutation]
    assert_check_catches(lambda p: approved_plan_problems(p, preview, deploy), mutate, pipeline, mutation)


def test_every_foundation_stage_is_in_the_sequence(pipeline: dict[str, Any]) -> None:
    assert set(FOUNDATION_STAGES) <= {s.name for s in deploy_sequence(pipeline)}
