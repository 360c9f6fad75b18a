"""The deploy rehearsed offline: each stage's steps in order, `pulumi up` in the engine's order, every network path
an operation needs checked with only what exists when it runs."""

from rehearsal.check import RehearsalError, check, rehearsal_of, stages_for
from rehearsal.replay import Blocked, Rehearsal, rehearse
from rehearsal.stages import DEPLOY_STEPS, AgentLocation, Stage, StageSource, Step, default_stages

__all__ = [
    "DEPLOY_STEPS",
    "AgentLocation",
    "Blocked",
    "Rehearsal",
    "RehearsalError",
    "Stage",
    "StageSource",
    "Step",
    "check",
    "default_stages",
    "rehearsal_of",
    "rehearse",
    "stages_for",
]
