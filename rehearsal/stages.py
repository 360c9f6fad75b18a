"""The stages a delivery runs, as the rehearsal needs them: a stack, where the stage's agent runs, and its steps.

Where the agent runs decides what it can reach: a Microsoft-hosted agent is on the internet, in no virtual network
and with no fixed address (though in Azure, so SQL's "Allow Azure services" rule admits it); the stack's Managed
DevOps Pool puts its agents in the pool's subnet, inside the VNet whose private DNS zones resolve the data planes to
their private endpoints (https://learn.microsoft.com/azure/devops/managed-devops-pools/configure-networking).

The interface is small on purpose: the pipeline's own stage sequence can be read into `Stage`s and handed to the
rehearsal in place of `default_stages` (a `StageSource`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from stack.config import PlatformConfig


class AgentLocation(StrEnum):
    """Where a stage's steps run."""

    MICROSOFT_HOSTED = "microsoft-hosted"
    """A Microsoft-hosted agent: the internet, no VNet, no fixed address."""
    POOL = "pool"
    """The stack's Managed DevOps Pool: its agents sit in the pool's subnet of the stack's VNet."""


class Step(StrEnum):
    """A step the rehearsal knows how to replay, spelled as the pipeline runs it."""

    TRIGGERS_STOP = "python -m ops triggers stop"
    PULUMI_UP = "pulumi up"
    SQL_APPLY = "python -m ops sql apply"
    TRIGGERS_START = "python -m ops triggers start"


@dataclass(frozen=True)
class Stage:
    """One stage of the delivery."""

    name: str
    stack: str
    agent: AgentLocation
    steps: tuple[Step, ...]


DEPLOY_STEPS: tuple[Step, ...] = (Step.TRIGGERS_STOP, Step.PULUMI_UP, Step.SQL_APPLY, Step.TRIGGERS_START)
"""What a deploy stage runs, in order (README, "Deploying (Azure DevOps)")."""

StageSource = Callable[[str, PlatformConfig], Sequence[Stage]]
"""(stack, its config) -> the stages that deploy it, in order."""


def default_stages(stack: str, config: PlatformConfig) -> tuple[Stage, ...]:
    """One deploy stage, as the stack's config implies: a stack without private networking (dev) deploys from a
    Microsoft-hosted agent; a private stack from its pool, inside the VNet."""
    agent = AgentLocation.POOL if config.network.private_networking else AgentLocation.MICROSOFT_HOSTED
    return (Stage(f"deploy_{stack}", stack, agent, DEPLOY_STEPS),)
