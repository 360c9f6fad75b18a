"""The renderer: Graphviz in WebAssembly from npm, and an SVG that needs no file beside it."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from pathlib import Path

import pytest

from preview.diagram import (
    ICON_ROOT,
    Renderer,
    RendererNotFoundError,
    RenderError,
    find_renderer,
    render_svg,
    render_svgs,
    source_digest,
)
from preview.diagram import render as render_module
from tests.support.checkout import PROJECT_DIR

ICON = "resources/azure/storage/blob-storage.png"
SMALL = (
    "digraph small {\n"
    '\ta [label=<<TABLE BORDER="0"><TR><TD FIXEDSIZE="TRUE" WIDTH="40" HEIGHT="40">'
    f'<IMG SRC="{ICON}" SCALE="TRUE"/></TD></TR><TR><TD>bronze</TD></TR></TABLE>> shape=plain]\n'
    '\tb [label="silver"]\n'
    "\ta -> b\n"
    "}\n"
)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return find_renderer(PROJECT_DIR)


def png(width: int, height: int) -> bytes:
    """A valid PNG of the given size, one grey pixel row after another."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_the_svg_inlines_every_icon_and_refers_to_no_file(renderer: Renderer) -> None:
    """Two sources in one call (one Graphviz process): each SVG is its own source's, icons inlined."""
    gold = SMALL.replace("silver", "gold")
    svgs = render_svgs([SMALL, gold], renderer)
    assert len(svgs) == 2
    for svg, source, label in zip(svgs, (SMALL, gold), ("silver", "gold"), strict=True):
        assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
        assert ">bronze</text>" in svg and f">{label}</text>" in svg
        hrefs = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
        assert len(hrefs) == 1, hrefs
        prefix = "data:image/png;base64,"
        assert hrefs[0].startswith(prefix)
        assert base64.b64decode(hrefs[0].removeprefix(prefix)) == (ICON_ROOT / ICON).read_bytes()
        assert "resources/" not in svg
        assert f"<!-- DOT source sha256: {source_digest(source)} -->" in svg
    assert ">gold</text>" not in svgs[0]


def test_icons_are_laid_out_from_their_own_size(renderer: Renderer, tmp_path: Path) -> None:
    """The image is scaled into its 40-point cell keeping its aspect: a 200x100 icon is drawn 2:1."""
    (tmp_path / "resources").mkdir()
    (tmp_path / ICON.replace("blob-storage", "wide")).parent.mkdir(parents=True)
    wide = ICON.replace("blob-storage", "wide")
    (tmp_path / wide).write_bytes(png(200, 100))
    svg = render_svg(SMALL.replace(ICON, wide), renderer, icon_root=tmp_path)
    image = re.search(r'<image [^>]*width="([\d.]+)px" height="([\d.]+)px"', svg)
    assert image is not None
    assert float(image.group(1)) == pytest.approx(2 * float(image.group(2)), rel=0.05)
    assert render_module.png_size(png(7, 3)) == (7, 3)


def test_a_missing_icon_or_a_file_that_is_no_png_is_refused(renderer: Renderer, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=re.escape(f"icon {ICON} not found")):
        render_svg(SMALL, renderer, icon_root=tmp_path)
    (tmp_path / ICON).parent.mkdir(parents=True)
    (tmp_path / ICON).write_bytes(b"GIF89a")
    with pytest.raises(RenderError, match="not a PNG"):
        render_svg(SMALL, renderer, icon_root=tmp_path)


def test_graphviz_errors_are_reported_naming_the_graph(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match=r"^graphviz failed: graph 2: .*syntax error"):
        render_svgs([SMALL, "digraph { a -> }"], renderer)


def test_the_package_is_found_in_the_nearest_node_modules_at_or_above_the_project(tmp_path: Path) -> None:
    """As Node.js looks for packages: a project in a subfolder (foundation/) uses the repository's."""
    nested = PROJECT_DIR / "foundation"
    found = find_renderer(nested)
    assert found.entry.is_file()
    assert found.entry.is_relative_to(PROJECT_DIR / "node_modules" / "@hpcc-js" / "wasm-graphviz")
    package = tmp_path / "node_modules" / "@hpcc-js" / "wasm-graphviz"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"main": "dist/entry.js"}', encoding="utf-8")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_renderer(tmp_path / "a" / "b").entry == package / "dist" / "entry.js"


def test_without_the_npm_package_the_hint_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(RendererNotFoundError, match=r"wasm-graphviz/package.json is missing in .*npm ci"):
        find_renderer(tmp_path)


def test_without_node_the_hint_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RendererNotFoundError, match=r"`node` was not found on PATH.*Node.js 20"):
        find_renderer(PROJECT_DIR)
