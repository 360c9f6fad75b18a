"""`python -m ops diagram`: the stack drawn from its offline plan, in two views, as DOT and as SVG.

Nothing here is a hand-kept list of boxes and arrows. The plan says which resources exist and how they are
wired, and the pictures follow from it:

- the architecture view (`architecture_view.py`) draws the environment's main resources (a private stack's
  foundation included: its VNet, subnets and agent pool), named as Azure names them, in a cluster per network
  zone (`zones.py`: the VNet's subnets, the factory's managed VNet, Azure services with
  public access off or on, Microsoft-hosted); a zone's private endpoints are one node whose arrows say which
  sub-resources of which target they reach; role grants, linked services, the pipelines' data lineage, blob
  events and alerts draw the other arrows (`edges.py`), and diagnostic settings are counted on their workspace;
- the ADF view (`adf_view.py`) draws the factory's content: triggers -> pipelines -> data flows and datasets
  -> linked services -> integration runtime, one arrow per reference.

The DOT source is deterministic (everything sorted, node ids from logical names, icons named relative to the
diagrams package), so the same plan gives the same text on any machine: the committed `docs/*.dot` are what
the up-to-date test compares. `render.py` turns DOT into a self-contained SVG with Graphviz compiled to
WebAssembly (npm), so no system package is needed.
"""

from __future__ import annotations

from collections.abc import Callable

from preview.diagram.adf_view import adf_source, factory_content
from preview.diagram.architecture_view import architecture_source
from preview.diagram.builder import architecture
from preview.diagram.model import EDGE_STYLES, Architecture
from preview.diagram.render import (
    ICON_ROOT,
    RENDERER_HINT,
    Renderer,
    RendererNotFoundError,
    RenderError,
    find_renderer,
    render_svg,
    render_svgs,
    source_digest,
)
from preview.plan import Plan

VIEWS: dict[str, Callable[[Plan], str]] = {"architecture": architecture_source, "adf": adf_source}
"""Each view's name, as in `docs/<view>-<stack>.dot`, and its DOT source."""

__all__ = [
    "EDGE_STYLES",
    "ICON_ROOT",
    "RENDERER_HINT",
    "VIEWS",
    "Architecture",
    "RenderError",
    "Renderer",
    "RendererNotFoundError",
    "adf_source",
    "architecture",
    "architecture_source",
    "factory_content",
    "find_renderer",
    "render_svg",
    "render_svgs",
    "source_digest",
]
