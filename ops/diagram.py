"""`python -m ops diagram`: draw a stack from the checked offline plan (architecture and ADF views)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ops import exit_codes
from ops.plan import run_plan
from preview.diagram import VIEWS, default_output, renderer, write_view


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name: dev, test or prod")
    parser.add_argument(
        "--view",
        choices=sorted(VIEWS),
        default=None,
        help="draw one view: the architecture by network zone, or the Data Factory content (default: both)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="output path without extension; writes <output>.dot and <output>.svg of one view "
        "(--view, else the architecture) (default: docs/<view>-<stack>)",
    )
    parser.add_argument(
        "--format",
        choices=("svg",),
        default="svg",
        help="image format: svg, with the icons inlined (README, 'Architecture diagrams')",
    )


def main(args: argparse.Namespace) -> int:
    """Plan with every check (the same refusals as `ops plan`), then write each view's .dot source and .svg."""
    renderer()
    plan = run_plan(args.stack)
    views = [args.view] if args.view else ["architecture"] if args.output else sorted(VIEWS)
    for view in views:
        output = args.output if args.output is not None else default_output(view, args.stack)
        dot_file, svg_file = write_view(plan, view, output)
        print(f"wrote {dot_file} and {svg_file}")
    return exit_codes.OK
