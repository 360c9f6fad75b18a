"""Graphviz's `dot`, which renders the DOT source; a missing `dot` is an input the machine lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import diagrams

from stack.errors import InputError

GRAPHVIZ_HINT = (
    "Graphviz's `dot` was not found on PATH; it renders the diagram. Install Graphviz: "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "or see https://graphviz.org/download/"
)
FORMATS = ("png", "pdf")
"""Formats in which Graphviz embeds the icons (an SVG would only link to them)."""
ICON_ROOT = Path(diagrams.__file__).resolve().parent.parent
"""Icons are written into the DOT relative to this folder and found again with `dot -Gimagepath`."""


class GraphvizNotFoundError(InputError):
    """Graphviz's `dot` is not on PATH: the machine lacks an input the command needs."""


def dot_binary() -> str:
    found = shutil.which("dot")
    if found is None:
        raise GraphvizNotFoundError(GRAPHVIZ_HINT)
    return found


def render(source: str, target: Path, fmt: str = "png") -> None:
    """Render DOT source to `target` with Graphviz; raises GraphvizNotFoundError without `dot`."""
    dot = dot_binary()
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [dot, f"-T{fmt}", f"-Gimagepath={ICON_ROOT}", "-o", str(target)],
        input=source.encode(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dot failed ({result.returncode}): {result.stderr.decode(errors='replace').strip()}")
