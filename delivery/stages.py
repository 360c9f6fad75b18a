"""The deploy sequence the pipeline runs on main, read from the compiled pipeline: `python -m delivery.stages`.

For each stage, in the order the pipeline runs them: the stack and the Pulumi project it works on, where its agent
runs (a Microsoft-hosted agent on the internet, or the named Managed DevOps Pool inside the stack's VNet), the Azure
DevOps environment whose approval it waits for, and its commands in order (`python -m ops plan --from`, the
transitions from the release deployed last, `pulumi preview`, `pulumi up`, `az provider register`,
`python -m ops sql apply`, `python -m ops triggers stop|start`), each with the condition it runs under. Nothing
here is hand-listed: it is what azure-pipelines.yml says, so a replay of the deploy replays exactly this.
"""

from __future__ import annotations

import graphlib
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from delivery.pipeline import Pipeline, compile_pipeline, read_files
from stack.paths import find_project_dir

PULL_REQUEST = "eq(variables['Build.Reason'], 'PullRequest')"
"""The condition of the stages that run for pull requests only, which are not part of a deploy."""
GROUP_PREFIX = "data-platform-"
"""Each stack's stages link its variable group, data-platform-<stack>."""
PLATFORM_PROJECT_DIR = "."


class AgentKind(StrEnum):
    HOSTED = "microsoft-hosted"
    """A Microsoft-hosted agent: on the internet, in no VNet."""
    POOL = "pool"
    """An agent of a named pool; here a Managed DevOps Pool inside the stack's VNet."""


@dataclass(frozen=True)
class Agent:
    kind: AgentKind
    name: str
    """The image (`ubuntu-24.04`) of a hosted agent, or the pool's name."""

    @property
    def in_vnet(self) -> bool:
        return self.kind is AgentKind.POOL


class CommandKind(StrEnum):
    TRANSITIONS = "ops plan --from"
    """The transitions from the release deployed last, offline; a refused one fails the preview stage."""
    PULUMI_PREVIEW = "pulumi preview"
    PULUMI_UP = "pulumi up"
    REGISTER_PROVIDERS = "az provider register"
    TRIGGERS_STOP = "ops triggers stop"
    SQL_APPLY = "ops sql apply"
    TRIGGERS_START = "ops triggers start"
    TRIGGERS_RESTORE = "ops triggers start --restore"


_COMMAND_LINE = re.compile(r"^\s*((?:pulumi (?:preview|up)|az provider register|python -m ops) .*)$")


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    line: str
    """The command as the script runs it, continuation lines joined."""
    condition: str
    """The step's condition: `succeeded()` or `failed()` (a restore runs only after a failure)."""
    step: str
    """The step's display name."""


@dataclass(frozen=True)
class Stage:
    name: str
    stack: str
    project_dir: str
    """`.` for the platform, `foundation` for the stack's foundation."""
    agent: Agent
    environment: str | None
    """The deployment job's environment, whose approvals the stage waits for; None for a preview."""
    depends_on: tuple[str, ...]
    commands: tuple[Command, ...]

    @property
    def deploys(self) -> bool:
        return any(command.kind is CommandKind.PULUMI_UP for command in self.commands)


class SequenceError(Exception):
    """The compiled pipeline does not read as a deploy sequence (a stage without a stack, or out of order)."""


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _job_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    if "steps" in job:
        return list(job["steps"])
    run_once = (job.get("strategy") or {}).get("runOnce") or {}
    return [
        step for hook in ("preDeploy", "deploy", "routeTraffic") for step in (run_once.get(hook) or {}).get("steps", [])
    ]


def _script(step: dict[str, Any]) -> str:
    return str(step.get("script") or step.get("bash") or (step.get("inputs") or {}).get("inlineScript") or "")


def command_lines(script: str) -> Iterator[str]:
    """The Pulumi, `az provider register` and `python -m ops` command lines of a script, continuations joined."""
    joined = re.sub(r"\\\n\s*", "", script)
    for line in joined.splitlines():
        match = _COMMAND_LINE.match(line)
        if match:
            # The command without what the shell does with its output (`2>&1 | tee ...`, `> file`).
            command = re.split(r"\s(?:\d?>|\|)", match.group(1), maxsplit=1)[0]
            yield " ".join(command.split())


def command_kind(line: str) -> CommandKind:
    if line.startswith("pulumi preview"):
        return CommandKind.PULUMI_PREVIEW
    if line.startswith("pulumi up"):
        return CommandKind.PULUMI_UP
    if line.startswith("az provider register"):
        return CommandKind.REGISTER_PROVIDERS
    words = line.split()
    if words[3:4] == ["plan"] and "--from" in words:
        return CommandKind.TRANSITIONS
    if words[3:5] == ["triggers", "start"]:
        return CommandKind.TRIGGERS_RESTORE if "--restore" in words else CommandKind.TRIGGERS_START
    for kind in (CommandKind.TRIGGERS_STOP, CommandKind.SQL_APPLY):
        if " ".join(words[3:5]) == kind.value.removeprefix("ops "):
            return kind
    raise SequenceError(f"unknown command in the pipeline: {line}")


def _agent(job: dict[str, Any], pipeline: Pipeline) -> Agent:
    pool = job.get("pool") or pipeline.get("pool") or {}
    if "vmImage" in pool:
        return Agent(AgentKind.HOSTED, str(pool["vmImage"]))
    if "name" in pool:
        return Agent(AgentKind.POOL, str(pool["name"]))
    raise SequenceError(f"job {job.get('job') or job.get('deployment')} names neither a vmImage nor a pool: {pool}")


def _stack(stage: dict[str, Any]) -> str:
    groups = [v["group"] for v in stage.get("variables") or [] if isinstance(v, dict) and "group" in v]
    stacks = [group.removeprefix(GROUP_PREFIX) for group in groups if group.startswith(GROUP_PREFIX)]
    if len(stacks) != 1:
        raise SequenceError(f"stage {stage.get('stage')} links {groups}, not one variable group {GROUP_PREFIX}<stack>")
    return stacks[0]


def _project_dir(commands: Sequence[Command]) -> str:
    dirs = {
        match.group(1) if (match := re.search(r"--cwd\s+\"?([^\"\s]+)", command.line)) else PLATFORM_PROJECT_DIR
        for command in commands
        if command.kind in (CommandKind.PULUMI_PREVIEW, CommandKind.PULUMI_UP)
    }
    if len(dirs) != 1:
        raise SequenceError(f"the Pulumi commands of one stage work on {sorted(dirs)}, not one project")
    return dirs.pop()


def _stage(stage: dict[str, Any], pipeline: Pipeline) -> Stage | None:
    jobs = stage.get("jobs") or []
    found = [(line, step) for job in jobs for step in _job_steps(job) for line in command_lines(_script(step))]
    if not any(line.startswith(("pulumi preview", "pulumi up")) for line, _step in found):
        return None
    commands = tuple(
        Command(
            command_kind(line),
            line,
            " ".join(str(step.get("condition", "succeeded()")).split()),
            str(step.get("displayName", "")),
        )
        for line, step in found
    )
    if len(jobs) != 1:
        raise SequenceError(f"stage {stage.get('stage')} has {len(jobs)} jobs; a deploy stage has one")
    job = jobs[0]
    environment = job.get("environment")
    return Stage(
        name=str(stage["stage"]),
        stack=_stack(stage),
        project_dir=_project_dir(commands),
        agent=_agent(job, pipeline),
        environment=str(environment.get("name") if isinstance(environment, dict) else environment)
        if environment
        else None,
        depends_on=tuple(_strings(stage.get("dependsOn"))),
        commands=commands,
    )


def deploy_sequence(pipeline: Pipeline) -> list[Stage]:
    """The stages a run on main goes through to deploy, in order, each with where it runs and what it runs."""
    stages = [
        found
        for stage in pipeline.get("stages", [])
        if PULL_REQUEST not in " ".join(str(stage.get("condition", "")).split())
        and (found := _stage(stage, pipeline)) is not None
    ]
    order = {stage.name: position for position, stage in enumerate(stages)}
    for stage in stages:
        late = [name for name in stage.depends_on if order.get(name, -1) > order[stage.name]]
        if late:
            raise SequenceError(f"stage {stage.name} depends on {late}, which the pipeline lists after it")
    graph = {stage.name: {name for name in stage.depends_on if name in order} for stage in stages}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise SequenceError(f"the stages depend on each other in a cycle: {exc.args[1]}") from None
    return stages


def describe(stages: Sequence[Stage]) -> str:
    """The sequence as text, one stage per paragraph."""
    lines = []
    for stage in stages:
        where = (
            f"pool {stage.agent.name} (in the VNet)" if stage.agent.in_vnet else f"Microsoft-hosted {stage.agent.name}"
        )
        project = "the platform" if stage.project_dir == PLATFORM_PROJECT_DIR else f"{stage.project_dir}/"
        approval = f", after the approval of {stage.environment}" if stage.environment else ""
        lines.append(f"{stage.name}: {project} stack {stage.stack}, on {where}{approval}")
        lines += [
            f"  {command.line}" + ("" if command.condition == "succeeded()" else f"    [{command.condition}]")
            for command in stage.commands
        ]
    return "\n".join(lines)


def main() -> int:
    print(describe(deploy_sequence(compile_pipeline(read_files(find_project_dir(Path.cwd()))))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
