"""A stack's architecture drawn from its checked offline plan: what `ops diagram` writes."""

from __future__ import annotations

from pathlib import Path

from preview.diagram import diagram_source, render
from preview.plan import Plan


def default_output(project_dir: Path, stack: str) -> Path:
    """Where the committed diagrams live: docs/architecture-<stack>, without extension."""
    return project_dir / "docs" / f"architecture-{stack}"


def draw(plan: Plan, output: Path, fmt: str = "png") -> tuple[Path, Path]:
    """Write `<output>.dot` and the image `<output>.<fmt>` (Graphviz renders it); returns both paths."""
    source = diagram_source(plan)
    dot_file = output.parent / f"{output.name}.dot"
    image = output.parent / f"{output.name}.{fmt}"
    dot_file.parent.mkdir(parents=True, exist_ok=True)
    dot_file.write_text(source, encoding="utf-8")
    render(source, image, fmt)
    return dot_file, image
