"""`python -m ops diagram`: draw a stack from its checked offline plan, as the architecture and the ADF view."""

from __future__ import annotations

import argparse
from pathlib import Path

from ops.cli.common import Output, Report, add_json_argument, add_stack_argument, project_dir

ENDS_AT_INTERRUPT = True
"""Ctrl-C ends the command at once: it plans offline and writes its files only at the end."""
COLLECTOR_PAUSED = True  # offline and soon over (ops/cli/__init__.py)
DESCRIPTION = (
    "Plan the stack with every check (the same refusals as `plan`), then write two views of it, each as\n"
    "its DOT source and a self-contained SVG: the architecture by network zone, and the Data Factory\n"
    "content. Rendering needs Node.js and the npm packages `npm ci` installs (no system Graphviz)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from preview.diagram import VIEWS

    add_stack_argument(parser)
    parser.add_argument(
        "--view",
        choices=sorted(VIEWS),
        help="draw one view: the architecture by network zone, or the Data Factory content (default: both)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="the output path without extension: writes PATH.dot and PATH.svg of one view (--view's, else the "
        "architecture) (default: docs/VIEW-STACK in the project directory, for each view)",
    )
    parser.add_argument(
        "--format",
        choices=("svg",),
        default="svg",
        help="the image's format: svg, with the icons inlined (the renderer has no raster output)",
    )
    add_json_argument(parser)


def run(args: argparse.Namespace, out: Output) -> Report:
    from ops.cli.plan import checked_plan
    from ops.diagram import default_output, draw, views_to_draw
    from preview.diagram import find_renderer

    project = project_dir(args)
    renderer = find_renderer(project)  # before the plan: a machine without the renderer fails at once
    plan = checked_plan(args)
    outputs = {
        view: args.output or default_output(project, view, args.stack) for view in views_to_draw(args.view, args.output)
    }
    drawn = []
    for written in draw(plan, renderer, outputs):
        out.say(f"wrote {written.dot} and {written.svg}")
        drawn.append({"view": written.view, "dot": str(written.dot), "svg": str(written.svg)})
    return Report({"stack": args.stack, "views": drawn})
