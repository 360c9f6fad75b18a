"""`python -m ops plan`: plan a stack offline under the mock engine, with every check, and print it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ops.cli.common import Output, Report, add_json_argument, add_stack_argument, project_dir
from stack.errors import InputError

if TYPE_CHECKING:
    from preview.plan import Plan

ENDS_AT_INTERRUPT = True
"""Ctrl-C ends a plan at once: it holds nothing to put back (`Output.ending_at_interrupt` says why)."""
COLLECTOR_PAUSED = True  # offline and soon over (ops/cli/__init__.py)
DESCRIPTION = (
    "Run the program for a stack under Pulumi's mock engine and check the plan: the SQL scripts, the\n"
    "provider schema, the security baseline, what Azure refuses, and every network path. Prints the\n"
    "resource tree; secrets show as [secret], values unknown until deployment as [unknown]."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_argument(parser)
    parser.add_argument(
        "--from",
        dest="previous",
        type=Path,
        metavar="PREVIOUS.json",
        help="the previous release's plan (what `plan --json` printed for it): refuse transitions Azure refuses "
        "and unannounced replacements of resources that hold data",
    )
    output = parser.add_mutually_exclusive_group()
    add_json_argument(output)
    output.add_argument(
        "--names",
        action="store_true",
        help="print only {logical name: Azure name} as JSON, the format of tests/snapshots/prod-names.json",
    )


def checked_plan(args: argparse.Namespace) -> Plan:
    """The stack's plan with every check; a refusal says how far the program got before it."""
    from ops.plan import run_plan

    try:
        return run_plan(args.stack, project_dir(args))
    except InputError as error:
        error.add_note(_how_far(error))
        raise


def _how_far(error: InputError) -> str:
    from policy.offline import PolicyError
    from preview.schema import SchemaCheckError

    if isinstance(error, (SchemaCheckError, PolicyError)):
        return "nothing was deployed: this check runs on the planned resources"
    if error.registered_before_failure:
        return f"{error.registered_before_failure} resource(s) were registered before the error"
    return "no resource was registered"


def run(args: argparse.Namespace, out: Output) -> Report:
    from ops.plan import passed_line
    from preview.plan import azure_names, render_tree

    previous = None
    if args.previous is not None:
        from transitions import read_previous

        previous = read_previous(args.previous)  # a file that is no plan is refused before the stack is planned
    plan = checked_plan(args)
    out.warn(passed_line())
    if previous is not None:
        from preview.view import PlanView
        from transitions import transitions

        transition = transitions(previous, PlanView.of(plan), plan.config)
        out.warn("\n".join(transition.lines()))
        transition.check()
    if args.names:
        json.dump(azure_names(plan), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return Report()
    if out.json:
        return Report({**plan.document(), "warnings": list(plan.warnings)})
    out.say(render_tree(plan))
    return Report()
