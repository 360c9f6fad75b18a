"""The stages the rehearsal replays for a stack: the pipeline's own deploy sequence for it (`delivery.stages`).

The pipeline (azure-pipelines.yml, compiled as Azure DevOps compiles it) says, for each stage in the order a run on
main goes through them, which stack and Pulumi project it works on, where its agent runs (a Microsoft-hosted agent on
the internet, or the named Managed DevOps Pool inside the stack's VNet) and its commands in order. A private stack's
sequence starts with its foundation (`foundation/`), on a Microsoft-hosted agent, then the platform on the pool that
foundation creates; dev's is the platform alone, on a Microsoft-hosted agent.

A stack the pipeline does not deploy (a personal or review stack, README "Personal and review stacks"), or a project
without a pipeline, still has a deploy to rehearse: the one a stack of its posture goes through (`implied_stages`),
the deploy stages the pipeline runs for dev (public) or for test and prod (private), which a test keeps the same
shape as the pipeline's.
"""

from __future__ import annotations

import functools
from pathlib import Path

from delivery.pipeline import PIPELINE, TemplateError, compile_pipeline, parse_files, read_texts
from delivery.stages import (
    PLATFORM_PROJECT_DIR,
    Agent,
    AgentKind,
    Command,
    CommandKind,
    SequenceError,
    Stage,
    deploy_sequence,
)
from stack.config import PlatformConfig
from stack.errors import InputError
from stack.foundation import FOUNDATION_DIR_NAME, platform_dir_of

HOSTED_IMAGE = "ubuntu-24.04"
"""The Microsoft-hosted image of the implied stages: the pipeline's."""
SUCCEEDED = "succeeded()"


class PipelineReadError(InputError):
    """The pipeline does not compile, or does not read as a deploy sequence, so its stages cannot be rehearsed."""


def pipeline_stages(project_dir: Path, stack: str) -> tuple[Stage, ...] | None:
    """The pipeline's stages for `stack`, both projects, in the pipeline's order; None when the project (or the
    platform project a foundation belongs to) has no pipeline, or its pipeline does not deploy `stack`."""
    platform_dir = platform_dir_of(project_dir)
    if not (platform_dir / PIPELINE).is_file():
        return None
    try:
        sequence = _deploy_sequence(read_texts(platform_dir))
    except (TemplateError, SequenceError) as error:
        raise PipelineReadError(f"{PIPELINE}: {error}; the deploy it runs cannot be rehearsed") from error
    found = tuple(stage for stage in sequence if stage.stack == stack)
    return found or None


@functools.lru_cache(maxsize=4)
def _deploy_sequence(texts: tuple[tuple[str, str], ...]) -> tuple[Stage, ...]:
    """The deploy sequence of the pipeline with these files' texts, compiled once per distinct text in a process.

    A plan reads the pipeline for each stack it rehearses, and a process that plans many times (the tests, a
    benchmark) compiled the same text each time; the stages are frozen, so the cached tuple is shared safely."""
    return tuple(deploy_sequence(compile_pipeline(parse_files(texts))))


def _command(kind: CommandKind, line: str) -> Command:
    return Command(kind, line, SUCCEEDED, str(kind))


def implied_stages(stack: str, config: PlatformConfig | None, pool_name: str | None) -> tuple[Stage, ...]:
    """The deploy stages of a stack the pipeline does not deploy, as the pipeline deploys a stack of its posture.

    A private stack (or, without config, one whose plan holds a pool): its foundation from a Microsoft-hosted agent
    with ARM calls only, then the platform on the pool the foundation creates (`pool_name`, as the plan names it).
    A public one: the platform from a Microsoft-hosted agent.
    """
    private = config.network.private_networking if config is not None else pool_name is not None
    hosted = Agent(AgentKind.HOSTED, HOSTED_IMAGE)
    register = _command(CommandKind.REGISTER_PROVIDERS, "az provider register --namespace <namespace> --wait")
    platform = (
        register,
        _command(CommandKind.TRIGGERS_STOP, f"python -m ops triggers stop --stack {stack}"),
        _command(CommandKind.PULUMI_UP, f"pulumi up --yes --stack {stack}"),
        _command(CommandKind.SQL_APPLY, f"python -m ops sql apply --stack {stack}"),
        _command(CommandKind.TRIGGERS_START, f"python -m ops triggers start --stack {stack}"),
    )
    if not private:
        return (Stage(f"deploy_{stack}", stack, PLATFORM_PROJECT_DIR, hosted, None, (), platform),)
    foundation_up = _command(CommandKind.PULUMI_UP, f"pulumi up --cwd {FOUNDATION_DIR_NAME} --yes --stack {stack}")
    foundation = Stage(
        f"deploy_foundation_{stack}", stack, FOUNDATION_DIR_NAME, hosted, None, (), (register, foundation_up)
    )
    pool = Agent(AgentKind.POOL, pool_name or f"the pool of stack {stack}")
    return (foundation, Stage(f"deploy_{stack}", stack, PLATFORM_PROJECT_DIR, pool, None, (foundation.name,), platform))


def stages_of(
    project_dir: Path | None, stack: str, config: PlatformConfig | None, pool_name: str | None
) -> tuple[Stage, ...]:
    """The pipeline's stages for the stack where the project has a pipeline that deploys it; else the implied
    ones."""
    found = pipeline_stages(project_dir, stack) if project_dir is not None else None
    return found if found is not None else implied_stages(stack, config, pool_name)


__all__ = ["PipelineReadError", "implied_stages", "pipeline_stages", "stages_of"]
