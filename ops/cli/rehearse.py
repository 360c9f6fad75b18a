"""`python -m ops rehearse --stack S [--from PREVIOUS]`: a stack's deploy replayed offline, every step printed."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ops.cli.common import Output, Report, add_json_argument, add_stack_argument, project_dir

if TYPE_CHECKING:
    from delivery.stages import Stage

ENDS_AT_INTERRUPT = True
"""Ctrl-C ends a rehearsal at once: it plans offline and holds nothing to put back."""
COLLECTOR_PAUSED = True  # offline and soon over (ops/cli/__init__.py)
DESCRIPTION = (
    "Plan the stack as `plan` does (with a stand-in package when none is built, so the code publish is\n"
    "rehearsed too) and replay its deploy from empty state: the pipeline's stages for the stack in order\n"
    "(a private stack's foundation first, on a Microsoft-hosted agent; then the platform on its pool),\n"
    "each `pulumi up` in the engine's order at its worst, and each pipeline's first run. Every call to a\n"
    "data plane is checked with only what exists when it runs, from where its stage's agent runs. Exit 2\n"
    "when an operation cannot reach what it needs, a stage's agent does not exist yet, or (with --from) a\n"
    "transition from the previous release is refused."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_argument(parser)
    parser.add_argument(
        "--from",
        dest="previous",
        type=Path,
        metavar="PREVIOUS.json",
        help="the previous release's plan (what `plan --json` printed for it): its transitions are checked too",
    )
    add_json_argument(parser)


def _stage(stage: Stage) -> dict[str, Any]:
    return {
        "name": stage.name,
        "stack": stage.stack,
        "projectDir": stage.project_dir,
        "agent": {"kind": str(stage.agent.kind), "name": stage.agent.name},
        "commands": [str(command.kind) for command in stage.commands],
    }


def run(args: argparse.Namespace, out: Output) -> Report:
    from ops.rehearse import rehearse_stack
    from rehearsal import RehearsalError
    from stack.errors import PlatformError
    from transitions import read_previous

    previous = read_previous(args.previous) if args.previous is not None else None
    found = rehearse_stack(args.stack, project_dir(args), previous)
    for line in found.rehearsal.lines:
        out.say(line)
    errors: list[PlatformError] = []
    if found.transitions is not None:
        for line in found.transitions.lines():
            out.say(line)
        try:
            found.transitions.check()
        except PlatformError as refused:
            errors.append(refused)
    blocked = found.rehearsal.blocked
    if blocked:
        errors.insert(0, RehearsalError(blocked))
    else:
        out.warn("rehearsal passed: every stage's agent exists and every operation reaches what it needs when it runs")
    result = {
        "project": found.project,
        "stack": found.stack,
        "stages": [_stage(stage) for stage in found.stages],
        "lines": list(found.rehearsal.lines),
        "blocked": [asdict(item) for item in blocked],
    }
    if found.transitions is not None:
        result["transitions"] = found.transitions.lines()
    return Report(result, errors)
