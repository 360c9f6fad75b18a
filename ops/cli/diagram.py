"""`python -m ops diagram`: draw a stack's architecture from its checked offline plan."""

from __future__ import annotations

import argparse
from pathlib import Path

from ops.cli.common import Output, Report, add_json_argument, add_stack_argument, project_dir

ENDS_AT_INTERRUPT = True
"""Ctrl-C ends the command at once: it plans offline and writes its files only at the end."""
DESCRIPTION = (
    "Plan the stack with every check (the same refusals as `plan`), then write the diagram's DOT source\n"
    "and the image Graphviz renders from it. Graphviz's `dot` must be on PATH."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from preview.diagram import FORMATS

    add_stack_argument(parser)
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="the output path without extension: writes PATH.dot and PATH.FORMAT "
        "(default: docs/architecture-STACK in the project directory)",
    )
    parser.add_argument("--format", choices=FORMATS, default="png", help="the image's format (default: png)")
    add_json_argument(parser)


def run(args: argparse.Namespace, out: Output) -> Report:
    from ops.cli.plan import checked_plan
    from ops.diagram import default_output, draw
    from preview.diagram import dot_binary

    dot_binary()  # before the plan: a machine without Graphviz fails at once
    plan = checked_plan(args)
    dot_file, image = draw(plan, args.output or default_output(project_dir(args), args.stack), args.format)
    out.say(f"wrote {dot_file} and {image}")
    return Report({"stack": args.stack, "dot": str(dot_file), "image": str(image)})
