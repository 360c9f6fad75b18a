"""The deploy rehearsed offline: the pipeline's stages for a stack in order from empty state, each `pulumi up` in the
engine's order, every network path an operation needs checked with only what exists when it runs, from where the
stage's agent runs."""

from rehearsal.check import RehearsalError, check, rehearsal_of, stages_for
from rehearsal.replay import Blocked, Rehearsal, rehearse
from rehearsal.stages import PipelineReadError, implied_stages, pipeline_stages, stages_of

__all__ = [
    "Blocked",
    "PipelineReadError",
    "Rehearsal",
    "RehearsalError",
    "check",
    "implied_stages",
    "pipeline_stages",
    "rehearsal_of",
    "rehearse",
    "stages_for",
    "stages_of",
]
