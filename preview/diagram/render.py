"""Render DOT to a self-contained SVG with Graphviz compiled to WebAssembly, from npm: no system package.

`@hpcc-js/wasm-graphviz` (pinned in package.json, installed by `npm ci`) runs Graphviz's `dot` layout in
Node.js. It needs each image's size to lay it out and writes image references, not image bytes, so the
icons' sizes are read from their PNG headers here and every reference is replaced by a `data:` URI of the
icon: the SVG shows its icons wherever it is opened, with no file beside it. Graphviz's WebAssembly build has
no raster output (no cairo), and a PNG would need a rasteriser and fonts from the system, so there is none.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import struct
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import diagrams

from stack.errors import InputError

ICON_ROOT = Path(diagrams.__file__).resolve().parent.parent
"""The DOT names icons relative to this folder (`resources/azure/...png`), the diagrams package's parent."""
WASM_GRAPHVIZ = Path("node_modules") / "@hpcc-js" / "wasm-graphviz"
"""Where `npm ci` installs the package, relative to the folder that holds package.json."""
RENDERER_HINT = (
    "the diagram is rendered by @hpcc-js/wasm-graphviz (package.json) in Node.js 20: "
    "install Node.js 20 and npm, then run `make install` (or `npm ci`) in the repository root"
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SOURCE_DIGEST = re.compile(r"<!-- DOT source sha256: ([0-9a-f]{64}) -->")

_IMG_SRC = re.compile(r'<IMG SRC="([^"]+)"')
_HREF = re.compile(r'xlink:href="([^"]*)"')
_RENDER_JS = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const { Graphviz } = await import(pathToFileURL(process.argv[1]).href);
const graphs = JSON.parse(readFileSync(0, "utf8"));
const graphviz = await Graphviz.load();
const results = graphs.map(({ source, images }) => {
  try {
    return { svg: graphviz.layout(source, "svg", "dot", { images }) };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify(results));
"""
"""Lays out each DOT source of a JSON list read from stdin with one load of Graphviz; writes a JSON list of
{svg} or {error}, one per source, in order."""


class RendererNotFoundError(InputError):
    """Node.js or the pinned WebAssembly Graphviz is missing: the machine lacks an input the diagram needs."""


class RenderError(RuntimeError):
    """Graphviz refused the DOT source: a bug in the diagram code, not in the user's input."""


@dataclass(frozen=True)
class Renderer:
    """`node` and the WebAssembly Graphviz package's entry point, found once and used for every view."""

    node: str
    entry: Path


def find_renderer(project_dir: Path) -> Renderer:
    """`node` on PATH and the package in the nearest `node_modules` at or above the project directory.

    Node.js looks for a package the same way: in `node_modules` of the starting folder, then of each parent
    "until the root of the file system is reached"
    (https://nodejs.org/api/modules.html#loading-from-node_modules-folders), so `--project-dir foundation`
    finds the repository's. Raises RendererNotFoundError naming what is missing and how to get it.
    """
    node = shutil.which("node")
    if node is None:
        raise RendererNotFoundError(f"`node` was not found on PATH; {RENDERER_HINT}")
    project_dir = project_dir.resolve()
    for directory in (project_dir, *project_dir.parents):
        manifest = directory / WASM_GRAPHVIZ / "package.json"
        if manifest.is_file():
            main = json.loads(manifest.read_text(encoding="utf-8")).get("main", "dist/index.js")
            return Renderer(node, manifest.parent / str(main))
    raise RendererNotFoundError(
        f"{WASM_GRAPHVIZ.as_posix()}/package.json is missing in {project_dir} and every folder above it; "
        f"{RENDERER_HINT}"
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise RenderError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _icons(source: str, icon_root: Path) -> dict[str, bytes]:
    found = {}
    for name in sorted(set(_IMG_SRC.findall(source))):
        path = icon_root / name
        if not path.is_file():
            raise RenderError(f"icon {name} not found under {icon_root}")
        found[name] = path.read_bytes()
    return found


def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def render_svg(source: str, renderer: Renderer, icon_root: Path = ICON_ROOT) -> str:
    """The SVG of a DOT source, every icon inlined as a data URI and the source's digest in a comment."""
    (svg,) = render_svgs([source], renderer, icon_root)
    return svg


def render_svgs(sources: Sequence[str], renderer: Renderer, icon_root: Path = ICON_ROOT) -> list[str]:
    """`render_svg` of each source, in order, from one Node.js process: Graphviz's WebAssembly loads once (about a
    quarter of a second a process), not once a view. Any source that fails fails the whole call."""
    icons = [_icons(source, icon_root) for source in sources]
    graphs = [
        {"source": source, "images": [_image(name, data) for name, data in found.items()]}
        for source, found in zip(sources, icons, strict=True)
    ]
    result = subprocess.run(
        [renderer.node, "--input-type=module", "--eval", _RENDER_JS, str(renderer.entry)],
        input=json.dumps(graphs).encode(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise RenderError(f"graphviz failed ({result.returncode}): {result.stderr.decode(errors='replace').strip()}")
    laid_out = json.loads(result.stdout)
    failed = [f"graph {index + 1}: {each['error']}" for index, each in enumerate(laid_out) if "error" in each]
    if failed:
        raise RenderError(f"graphviz failed: {'; '.join(failed)}")
    return [_inlined(each["svg"], found, source) for each, found, source in zip(laid_out, icons, sources, strict=True)]


def _image(name: str, data: bytes) -> dict[str, str]:
    width, height = png_size(data)
    return {"path": name, "width": f"{width}px", "height": f"{height}px"}


def _inlined(svg: str, icons: dict[str, bytes], source: str) -> str:
    """Graphviz's SVG with every icon reference replaced by its data URI, and the source's digest in a comment."""

    def inline(match: re.Match[str]) -> str:
        data = icons.get(match.group(1))
        if data is None:
            raise RenderError(f"the SVG refers to {match.group(1)!r}, which is not one of the source's icons")
        return f'xlink:href="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"'

    svg = _HREF.sub(inline, svg)
    opening = svg.index("<svg")
    return f"{svg[:opening]}<!-- DOT source sha256: {source_digest(source)} -->\n{svg[opening:]}"
