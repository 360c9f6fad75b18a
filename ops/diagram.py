"""`python -m ops diagram`: draw a stack's architecture from the checked offline plan."""

from __future__ import annotations

import argparse
from pathlib import Path

from ops import exit_codes
from ops.plan import run_plan
from preview.diagram import FORMATS, diagram_source, dot_binary, render
from stack.paths import PROJECT_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name: dev, test or prod")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="output path without extension; writes <output>.dot and <output>.<format> "
        "(default: docs/architecture-<stack>)",
    )
    parser.add_argument("--format", choices=FORMATS, default="png", help="rendered image format (default: png)")


def main(args: argparse.Namespace) -> int:
    """Plan with every check (the same refusals as `ops plan`), then write the .dot source and the image."""
    dot_binary()
    plan = run_plan(args.stack)
    output = args.output if args.output is not None else PROJECT_DIR / "docs" / f"architecture-{args.stack}"
    source = diagram_source(plan)
    dot_file = output.parent / f"{output.name}.dot"
    image = output.parent / f"{output.name}.{args.format}"
    dot_file.parent.mkdir(parents=True, exist_ok=True)
    dot_file.write_text(source, encoding="utf-8")
    render(source, image, args.format)
    print(f"wrote {dot_file} and {image}")
    return exit_codes.OK
