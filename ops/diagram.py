"""A stack drawn from its checked offline plan, in two views: what `ops diagram` writes.

Each view is written as its DOT source and the SVG rendered from it (`preview.diagram`); by default both
views into the project's `docs/`, where the committed pictures live and the up-to-date tests read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from preview.diagram import VIEWS, Renderer, render_svgs
from preview.plan import Plan
from stack.errors import InputError

DOCS_FOLDER = "docs"
"""The committed diagrams' folder, in the project directory."""


@dataclass(frozen=True)
class Drawn:
    """One view written: its name and its two files."""

    view: str
    dot: Path
    svg: Path


def default_output(project_dir: Path, view: str, stack: str) -> Path:
    """Where a view of a stack is committed, without the extension: `docs/<view>-<stack>`."""
    return project_dir / DOCS_FOLDER / f"{view}-{stack}"


def views_to_draw(view: str | None, output: Path | None) -> list[str]:
    """The views a command draws: the one it names; else the architecture alone when it names one output path
    (one path holds one view), else all of them."""
    if view is not None:
        if view not in VIEWS:
            raise InputError(f"view {view!r} is not one of {', '.join(sorted(VIEWS))}")
        return [view]
    return ["architecture"] if output is not None else sorted(VIEWS)


def draw(plan: Plan, renderer: Renderer, outputs: Mapping[str, Path]) -> list[Drawn]:
    """Write `<output>.dot` and `<output>.svg` of each view named in `outputs` (view -> output), in that order.

    Every view is rendered first, by one Graphviz process, so a failed render writes nothing."""
    sources = {view: VIEWS[view](plan) for view in outputs}
    svgs = render_svgs(list(sources.values()), renderer)
    drawn = []
    for (view, source), svg in zip(sources.items(), svgs, strict=True):
        output = outputs[view]
        dot_file = output.with_name(f"{output.name}.dot")
        svg_file = output.with_name(f"{output.name}.svg")
        dot_file.parent.mkdir(parents=True, exist_ok=True)
        dot_file.write_text(source, encoding="utf-8")
        svg_file.write_text(svg, encoding="utf-8")
        drawn.append(Drawn(view, dot_file, svg_file))
    return drawn
