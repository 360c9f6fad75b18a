"""The architecture view's DOT source: the stack's resources in their network zones, with who talks to whom."""

from __future__ import annotations

from html import escape

from preview.diagram.builder import architecture
from preview.diagram.dot import FONT, Cluster, Graph, icon_label
from preview.diagram.model import EDGE_STYLES, ClusterSpec
from preview.diagram.zones import MANAGED_VNET, PRIVATE_SERVICES, PUBLIC_SERVICES
from preview.plan import Plan

ICON_SIZE = 40
"""Points; every icon is drawn at this size, above its label."""
GRAPH_ATTR = {
    "rankdir": "TB",
    "fontname": FONT,
    "fontsize": "16",
    "labelloc": "t",
    "pad": "0.3",
    "nodesep": "0.2",
    "ranksep": "0.35",
    "compound": "true",
    "splines": "spline",
    "bgcolor": "white",
    "forcelabels": "true",
}
NODE_ATTR = {"shape": "plain", "fontname": FONT, "fontsize": "11", "fontcolor": "#24292F"}
EDGE_ATTR = {"fontname": FONT, "fontsize": "10", "arrowsize": "0.7"}
ZONE_COLORS = {
    "vnet": ("#EAF5EC", "#1A7F37"),
    "subnet": ("#F6FBF7", "#4AA564"),
    MANAGED_VNET: ("#F1ECFB", "#8250DF"),
    PRIVATE_SERVICES: ("#EEF4FD", "#1F6FEB"),
    PUBLIC_SERVICES: ("#FFF8E6", "#B08800"),
}
"""Fill and border per kind of zone; anything else is grey."""
LEGEND = (
    ("data", "data"),
    ("secret", "secrets"),
    ("event", "blob events"),
    ("call", "calls"),
    ("private", "private endpoint to its target"),
    ("alert", "alerts"),
    ("telemetry", "telemetry"),
)


def _title(title: str, kinds: set[str]) -> str:
    """The title, and a legend of the colours of the edges drawn."""
    legend = " &#160;&#183;&#160; ".join(
        f'<FONT COLOR="{EDGE_STYLES[kind]["color"]}">{escape(text)}</FONT>' for kind, text in LEGEND if kind in kinds
    )
    return f'<<B>{escape(title)}</B><BR/><FONT POINT-SIZE="12">{legend}</FONT>>'


def _zone_attrs(spec: ClusterSpec) -> dict[str, str]:
    kind = spec.key.split("_", 1)[0] if spec.key.startswith(("vnet_", "subnet_")) else spec.key
    fill, border = ZONE_COLORS.get(kind, ("#F6F8FA", "#8C959F"))
    return {
        "label": spec.label,
        "labeljust": "l",
        "fontname": FONT,
        "fontsize": "12",
        "style": "rounded,filled",
        "fillcolor": fill,
        "color": border,
        "margin": "10",
    }


def architecture_source(plan: Plan) -> str:
    """The DOT source of the stack's architecture; the same plan always gives the same text."""
    model = architecture(plan)

    def cluster(spec: ClusterSpec) -> Cluster:
        return Cluster(
            spec.key,
            _zone_attrs(spec),
            [(node.id, {"label": icon_label(node.label, node.icon, ICON_SIZE)}) for node in spec.nodes],
            [cluster(child) for child in spec.children],
        )

    graph = Graph(
        model.title,
        {**GRAPH_ATTR, "label": _title(model.title, {edge.kind for edge in model.edges})},
        NODE_ATTR,
        EDGE_ATTR,
        clusters=[cluster(spec) for spec in model.clusters],
    )
    for edge in model.edges:
        attrs = dict(EDGE_STYLES[edge.kind])
        if edge.label:
            attrs["label"] = edge.label
            # dot gives an edge's label room of its own only on an edge it ranks ("each edge label is treated as
            # a dummy node and allocated its own space", https://github.com/ellson/MOTHBALLED-graphviz/issues/620);
            # a labelled edge with constraint=false is drawn badly in clusters
            # (https://github.com/ellson/MOTHBALLED-graphviz/issues/747), here with its label beside the picture.
            attrs.pop("constraint", None)
        if edge.both:
            attrs["dir"] = "both"
        graph.edges.append((edge.source, edge.target, attrs))
    return graph.source()
