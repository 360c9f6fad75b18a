"""The DOT source of the architecture, built with the diagrams library and made deterministic."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

import diagrams
from diagrams import Diagram, Edge, Node, setcluster, setdiagram

from preview.diagram.builder import architecture
from preview.diagram.model import EDGE_STYLES, ClusterSpec, NodeSpec, as_node_id
from preview.plan import Plan


class _SourceDiagram(Diagram):
    """A diagrams Diagram that only builds the DOT source; rendering is `render()`'s job."""

    def __exit__(self, *_exc: object) -> None:
        setdiagram(None)


class _Cluster(diagrams.Cluster):
    """Cluster with a stable, label-independent subgraph name."""

    def __init__(self, name: str, label: str, graph_attr: dict[str, str]) -> None:
        super().__init__(label, graph_attr=graph_attr)
        self.name = "cluster_" + name
        self.dot.name = self.name


DIRECTION = "LR"
GRAPH_ATTR = {
    "pad": "0.4",
    "nodesep": "0.5",
    "ranksep": "1.1",
    "fontsize": "20",
    "labelloc": "t",
    "splines": "spline",
    "newrank": "true",
}
NODE_ATTR = {"shape": "plain", "fixedsize": "false", "width": "0", "height": "0", "fontsize": "13"}
ICON_SIZE = 84
"""Points; every icon is drawn at this size, above its label, in an HTML-like node label."""
CLUSTER_ATTR = {"fontsize": "14", "margin": "16"}
EDGE_FONTSIZE = "12"
LEGEND = (
    ("data", "data (solid)"),
    ("secret", "secrets (dashed)"),
    ("event", "blob events (dashed)"),
    ("call", "calls (dashed)"),
    ("private", "private links (solid green)"),
    ("alert", "alerts (dotted)"),
    ("telemetry", "diagnostics and telemetry (dotted)"),
)


def _title(title: str) -> str:
    """An HTML-like graph label: the title, and a legend of the edge colours."""
    legend = " &#160;&#183;&#160; ".join(
        f'<FONT COLOR="{EDGE_STYLES[kind]["color"]}">{escape(text)}</FONT>' for kind, text in LEGEND
    )
    return f'<<B>{escape(title)}</B><BR/><FONT POINT-SIZE="13">{legend}</FONT>>'


def _edge_label(label: str) -> str:
    """DOT's own line break (`\\n`), so that every statement of the source stays on one line."""
    return label.replace("\n", "\\n")


def _nesting(clusters: list[ClusterSpec]) -> Iterator[tuple[str, str]]:
    for cluster in clusters:
        for child in cluster.children:
            if cluster.nodes and child.nodes:
                yield cluster.nodes[0].id, child.nodes[0].id
        yield from _nesting(cluster.children)


def _icon(cls: type[Node]) -> str:
    return f"{cls._icon_dir}/{cls._icon}"


def _node_label(node: NodeSpec) -> str:
    """Icon over text, sized to the text: the label never runs into a neighbour."""
    text = "<BR/>".join(escape(line) for line in node.label.split("\n"))
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_SIZE}" HEIGHT="{ICON_SIZE}">'
        f'<IMG SRC="{_icon(node.icon)}" SCALE="TRUE"/></TD></TR>'
        f"<TR><TD>{text}</TD></TR></TABLE>>"
    )


def diagram_source(plan: Plan) -> str:
    """The DOT source of the stack's architecture; the same plan always gives the same text."""
    model = architecture(plan)
    drawn: dict[str, Node] = {}
    diagram = _SourceDiagram(
        model.title,
        filename="architecture",
        direction=DIRECTION,
        show=False,
        graph_attr={**GRAPH_ATTR, "label": _title(model.title)},
    )
    with diagram:

        def draw(spec: ClusterSpec) -> None:
            with _Cluster(as_node_id(spec.urn.rsplit("::", 1)[-1]), spec.label, CLUSTER_ATTR):
                for node in spec.nodes:
                    drawn[node.id] = node.icon(_node_label(node), nodeid=node.id, image="", **NODE_ATTR)
                for child in spec.children:
                    draw(child)

        for cluster in model.clusters:
            draw(cluster)
        setcluster(None)
        for edge in model.edges:
            style = dict(EDGE_STYLES[edge.kind])
            drawn[edge.source].connect(
                drawn[edge.target],
                Edge(forward=True, reverse=edge.both, label=_edge_label(edge.label), fontsize=EDGE_FONTSIZE, **style),
            )
        # A nested component hangs below its parent's first resource (layout only, not drawn).
        for parent, child in _nesting(model.clusters):
            drawn[parent].connect(drawn[child], Edge(style="invis", weight="2"))
    return str(diagram.dot.source)
