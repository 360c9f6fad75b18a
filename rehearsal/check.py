"""The rehearsal as a check of `ops plan`: the stack's deploy sequence, replayed over the environment's view."""

from __future__ import annotations

from collections.abc import Iterable

from delivery.stages import Stage
from preview.view import PlanView, ResourceType, stack_of
from rehearsal.replay import Blocked, Rehearsal, rehearse, works_on
from rehearsal.stages import stages_of
from stack.errors import ViolationsError

UNNAMED_STACK = "stack"
"""The stack of hand-made registrations without a stack URN."""


class RehearsalError(ViolationsError):
    """Operations of the deploy that cannot reach what they need when they run; each names its fix."""

    def __init__(self, blocked: Iterable[Blocked]) -> None:
        super().__init__(
            blocked,
            "operation(s) of the deploy cannot reach what they need when they run (the pipeline's stages replayed "
            "from empty state, each `pulumi up` in the engine's order, worst case; rehearsal/, "
            "`python -m ops rehearse --stack <stack>` shows every step)",
        )


def stages_for(view: PlanView) -> tuple[Stage, ...]:
    """The stages that deploy what the view holds: the stack's stages (the pipeline's where it deploys the stack,
    else those of its posture, `rehearsal.stages`) that work on a project the view has resources of."""
    stack = stack_of(view.stack_urn) if view.stack_urn else UNNAMED_STACK
    pool = next(iter(view.of_type(ResourceType.AGENT_POOL)), None)
    pool_name = (view.own_name(pool) or pool.name) if pool is not None else None
    stages = stages_of(view.project_dir, stack, view.config, pool_name)
    return tuple(stage for stage in stages if any(works_on(stage, reg) for reg in view.registrations))


def rehearsal_of(view: PlanView) -> Rehearsal:
    return rehearse(view, stages_for(view))


def check(view: PlanView) -> list[Blocked]:
    """Every operation of the stack's deploy that cannot reach what it needs when it runs."""
    return list(rehearsal_of(view).blocked)
