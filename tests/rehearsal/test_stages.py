"""The stages the rehearsal replays by default: one deploy stage per stack, its agent where the config implies."""

from __future__ import annotations

from preview.plan import Plan
from preview.view import PlanView
from rehearsal import DEPLOY_STEPS, AgentLocation, Stage, Step, default_stages, stages_for
from tests.support.registrations import reg, view_of


def test_a_stack_without_private_networking_deploys_from_a_microsoft_hosted_agent(dev: Plan) -> None:
    assert dev.config is not None
    assert default_stages("dev", dev.config) == (
        Stage("deploy_dev", "dev", AgentLocation.MICROSOFT_HOSTED, DEPLOY_STEPS),
    )


def test_a_private_stack_deploys_from_its_pool(prod: Plan) -> None:
    assert prod.config is not None
    (stage,) = default_stages("prod", prod.config)
    assert (stage.name, stage.stack, stage.agent) == ("deploy_prod", "prod", AgentLocation.POOL)


def test_a_deploy_stage_runs_its_steps_in_the_pipelines_order() -> None:
    assert DEPLOY_STEPS == (Step.TRIGGERS_STOP, Step.PULUMI_UP, Step.SQL_APPLY, Step.TRIGGERS_START)
    assert [str(step) for step in DEPLOY_STEPS] == [
        "python -m ops triggers stop",
        "pulumi up",
        "python -m ops sql apply",
        "python -m ops triggers start",
    ]


def test_the_plan_check_takes_the_stages_from_the_plans_config(prod: Plan) -> None:
    (stage,) = stages_for(PlanView.of(prod))
    assert (stage.stack, stage.agent) == ("prod", AgentLocation.POOL)


def test_a_plan_without_config_deploys_from_its_pool_if_it_plans_one() -> None:
    pool = reg("azure-native:devopsinfrastructure:Pool", "pool", poolName="mdp-x")
    assert stages_for(view_of(pool))[0].agent is AgentLocation.POOL
    assert stages_for(view_of())[0].agent is AgentLocation.MICROSOFT_HOSTED
