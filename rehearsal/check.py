"""The rehearsal as a check of `ops plan`: the deploy the stack's config implies, replayed over the plan's view."""

from __future__ import annotations

from collections.abc import Iterable

from preview.view import PlanView, ResourceType, stack_of
from rehearsal.replay import Blocked, Rehearsal, rehearse
from rehearsal.stages import DEPLOY_STEPS, AgentLocation, Stage, default_stages
from stack.errors import ViolationsError


class RehearsalError(ViolationsError):
    """Operations of the deploy that cannot reach what they need when they run; each names its fix."""

    def __init__(self, blocked: Iterable[Blocked]) -> None:
        super().__init__(
            blocked,
            "operation(s) of the deploy cannot reach what they need when they run (the deploy replayed in the "
            "engine's order, worst case; rehearsal/, `python -m ops rehearse --stack <stack>` shows every step)",
        )


def stages_for(view: PlanView) -> tuple[Stage, ...]:
    """The stack's stages from its config; for a plan without config, from whether it plans a pool."""
    stack = stack_of(view.stack_urn) if view.stack_urn else "stack"
    if view.config is not None:
        return default_stages(stack, view.config)
    agent = AgentLocation.POOL if view.of_type(ResourceType.AGENT_POOL) else AgentLocation.MICROSOFT_HOSTED
    return (Stage(f"deploy_{stack}", stack, agent, DEPLOY_STEPS),)


def rehearsal_of(view: PlanView) -> Rehearsal:
    return rehearse(view, stages_for(view))


def check(view: PlanView) -> list[Blocked]:
    """Every operation of the stack's deploy that cannot reach what it needs when it runs."""
    return list(rehearsal_of(view).blocked)
