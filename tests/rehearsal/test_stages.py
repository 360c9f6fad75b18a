"""The stages the rehearsal replays: the pipeline's for the stacks it deploys, the implied ones for the others, and
which of them a plan's view is rehearsed with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from delivery.pipeline import PIPELINE, TEMPLATE_DIR
from delivery.stages import AgentKind, CommandKind, Stage
from preview.plan import Plan
from preview.view import PlanView
from rehearsal import PipelineReadError, implied_stages, pipeline_stages, stages_for, stages_of
from stack.errors import InputError
from tests.support.checkout import PROJECT_DIR
from tests.support.registrations import reg, view_of

HOSTED = (AgentKind.HOSTED, "ubuntu-24.04")


def shape(stages: tuple[Stage, ...]) -> list[tuple[str, str, AgentKind, list[CommandKind]]]:
    """What the rehearsal replays of each stage: its name, project, where its agent runs and the commands on the
    path a deploy takes."""
    return [
        (
            stage.name,
            stage.project_dir,
            stage.agent.kind,
            [command.kind for command in stage.commands if command.condition == "succeeded()"],
        )
        for stage in stages
    ]


def test_a_private_stack_is_rehearsed_with_the_pipelines_stages_foundation_first() -> None:
    stages = pipeline_stages(PROJECT_DIR, "test")
    assert stages is not None
    assert [(s.name, s.project_dir, (s.agent.kind, s.agent.name)) for s in stages] == [
        ("preview_foundation_test", "foundation", HOSTED),
        ("deploy_foundation_test", "foundation", HOSTED),
        ("preview_test", ".", (AgentKind.POOL, "mdp-konnektmack-test-weu")),
        ("deploy_test", ".", (AgentKind.POOL, "mdp-konnektmack-test-weu")),
    ]
    assert [command.kind for command in stages[3].commands] == [
        CommandKind.REGISTER_PROVIDERS,
        CommandKind.TRIGGERS_STOP,
        CommandKind.PULUMI_UP,
        CommandKind.SQL_APPLY,
        CommandKind.TRIGGERS_START,
        CommandKind.TRIGGERS_RESTORE,
    ]


def test_dev_is_rehearsed_with_its_hosted_stages() -> None:
    stages = pipeline_stages(PROJECT_DIR, "dev")
    assert stages is not None
    assert [(s.name, s.project_dir, (s.agent.kind, s.agent.name)) for s in stages] == [
        ("preview_dev", ".", HOSTED),
        ("deploy_dev", ".", HOSTED),
    ]


def test_the_foundations_plan_finds_the_pipeline_in_the_platforms_project() -> None:
    assert pipeline_stages(PROJECT_DIR / "foundation", "prod") == pipeline_stages(PROJECT_DIR, "prod")


def test_a_stack_the_pipeline_does_not_deploy_has_no_pipeline_stages() -> None:
    assert pipeline_stages(PROJECT_DIR, "pr-123") is None


def test_a_project_without_a_pipeline_has_no_pipeline_stages(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: data-platform\nruntime: python\n")
    assert pipeline_stages(tmp_path, "test") is None


@pytest.mark.parametrize("like", ["dev", "test", "prod"])
def test_the_implied_stages_are_the_pipelines_deploy_stages_of_a_stack_of_the_same_posture(
    plans: dict[str, Plan], like: str
) -> None:
    """A stack the pipeline does not deploy is rehearsed as the pipeline deploys one of its posture: the same deploy
    stages, projects, agents and commands in order."""
    plan = plans[like]
    pipeline = pipeline_stages(PROJECT_DIR, like)
    assert pipeline is not None
    deploys = tuple(stage for stage in pipeline if stage.deploys)
    pool = next((stage.agent.name for stage in deploys if stage.agent.kind is AgentKind.POOL), None)
    implied = implied_stages(like, plan.config, pool)
    assert shape(implied) == shape(deploys)
    assert [stage.agent for stage in implied] == [stage.agent for stage in deploys]


def test_without_config_the_implied_stages_follow_whether_the_plan_holds_a_pool() -> None:
    assert shape(implied_stages("t", None, None)) == [
        (
            "deploy_t",
            ".",
            AgentKind.HOSTED,
            [
                CommandKind.REGISTER_PROVIDERS,
                CommandKind.TRIGGERS_STOP,
                CommandKind.PULUMI_UP,
                CommandKind.SQL_APPLY,
                CommandKind.TRIGGERS_START,
            ],
        )
    ]
    foundation, platform = implied_stages("t", None, "mdp-x")
    assert (foundation.project_dir, foundation.agent.kind) == ("foundation", AgentKind.HOSTED)
    assert (platform.agent.kind, platform.agent.name, platform.depends_on) == (
        AgentKind.POOL,
        "mdp-x",
        ("deploy_foundation_t",),
    )


def test_a_stack_the_pipeline_does_not_deploy_is_rehearsed_with_the_implied_stages(plans: dict[str, Plan]) -> None:
    test = plans["test"]
    assert stages_of(PROJECT_DIR, "pr-123", test.config, "mdp-x") == implied_stages("pr-123", test.config, "mdp-x")
    assert stages_of(None, "test", test.config, "mdp-x") == implied_stages("test", test.config, "mdp-x")


def test_the_view_is_rehearsed_with_the_stages_of_the_projects_it_holds(plans: dict[str, Plan]) -> None:
    test = plans["test"]
    assert [s.name for s in stages_for(PlanView.of_environment(test))] == [
        "preview_foundation_test",
        "deploy_foundation_test",
        "preview_test",
        "deploy_test",
    ]
    assert [s.name for s in stages_for(PlanView.of(test.upstream[0]))] == [
        "preview_foundation_test",
        "deploy_foundation_test",
    ]
    assert [s.name for s in stages_for(PlanView.of(plans["dev"]))] == ["preview_dev", "deploy_dev"]


def test_hand_made_registrations_are_rehearsed_with_the_implied_stages() -> None:
    pool = reg("azure-native:devopsinfrastructure:Pool", "pool", poolName="mdp-x")
    (platform,) = stages_for(view_of(pool))
    assert (platform.agent.kind, platform.agent.name) == (AgentKind.POOL, "mdp-x")
    (hosted,) = stages_for(view_of(reg("azure-native:keyvault:Vault", "vault", vaultName="kv-x")))
    assert hosted.agent.kind is AgentKind.HOSTED


def test_a_pipeline_that_does_not_compile_is_bad_input_naming_the_pipeline(tmp_path: Path) -> None:
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(PROJECT_DIR / TEMPLATE_DIR, tmp_path / TEMPLATE_DIR)
    text = (PROJECT_DIR / PIPELINE).read_text(encoding="utf-8")
    (tmp_path / PIPELINE).write_text(text.replace("deploy-stage.yml", "no-such-template.yml"), encoding="utf-8")
    with pytest.raises(PipelineReadError) as raised:
        pipeline_stages(tmp_path, "test")
    assert isinstance(raised.value, InputError)
    assert str(raised.value).startswith(f"{PIPELINE}: ")
    assert str(raised.value).endswith("; the deploy it runs cannot be rehearsed")
