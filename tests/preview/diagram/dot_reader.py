"""Reading the diagrams' DOT text back: clusters (nested), nodes with their label text, and edges."""

from __future__ import annotations

import dataclasses
import html
import re

from preview.diagram import EDGE_STYLES

_CLUSTER = re.compile(r"^\s*subgraph cluster_(\w+) \{$")
_NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")
_EDGE = re.compile(r"^\s*(\w+) -> (\w+) \[(.*)\]$")
_ATTR = re.compile(r'(\w+)=(<.*?>(?= \w+=|$)|"(?:[^"\\]|\\.)*"|[^\s"\]]+)')
KIND_OF_COLOR = {style["color"]: kind for kind, style in EDGE_STYLES.items()}


def attributes(text: str) -> dict[str, str]:
    found = {}
    for key, value in _ATTR.findall(text):
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        found[key] = value
    return found


def label_text(label: str) -> str:
    """A node's text: the last cell of an HTML-like label (the icon is in the first), or the plain label."""
    if label.startswith("<"):
        cells = re.findall(r"<TD>(.*?)</TD>", label)
        return html.unescape(cells[-1].replace("<BR/>", "\n"))
    return label


@dataclasses.dataclass(frozen=True)
class Dot:
    clusters: dict[str, str]
    """Cluster name (without `cluster_`) -> label."""
    parents: dict[str, str | None]
    """Cluster name -> the cluster it is drawn in."""
    nodes: dict[str, str]
    """Node id -> label text, lines joined with newlines."""
    node_cluster: dict[str, str | None]
    """Node id -> the innermost cluster it is drawn in."""
    edges: dict[tuple[str, str], dict[str, str]]
    """Drawn edges as written (tail, head) -> attributes; `dir=both` edges also appear reversed."""
    graph: dict[str, str]

    def node(self, first_line: str) -> str:
        found = [nid for nid, text in self.nodes.items() if text.split("\n")[0] == first_line]
        assert len(found) == 1, f"expected one node labelled {first_line!r}, found {found} in {sorted(self.nodes)}"
        return found[0]

    def edge(self, tail: str, head: str, kind: str | None = None) -> dict[str, str]:
        attrs = self.edges.get((tail, head))
        assert attrs is not None, f"no edge {tail} -> {head}; edges: {sorted(self.edges)}"
        if kind is not None:
            assert KIND_OF_COLOR[attrs["color"]] == kind, f"{tail} -> {head} is {KIND_OF_COLOR[attrs['color']]}"
        return attrs

    def clusters_of(self, node_id: str) -> list[str]:
        """The clusters a node is drawn in, innermost first."""
        chain = []
        cluster = self.node_cluster[node_id]
        while cluster is not None:
            chain.append(cluster)
            cluster = self.parents[cluster]
        return chain

    def members(self, cluster: str) -> set[str]:
        """Every node drawn in a cluster, nested clusters included."""
        return {nid for nid in self.nodes if cluster in self.clusters_of(nid)}


def parse(source: str) -> Dot:
    clusters: dict[str, str] = {}
    parents: dict[str, str | None] = {}
    nodes: dict[str, str] = {}
    node_cluster: dict[str, str | None] = {}
    edges: dict[tuple[str, str], dict[str, str]] = {}
    graph: dict[str, str] = {}
    stack: list[str] = []
    lines = source.splitlines()
    for index, line in enumerate(lines):
        if match := _CLUSTER.match(line):
            name = match.group(1)
            clusters[name] = attributes(lines[index + 1].strip().removeprefix("graph [").removesuffix("]"))["label"]
            parents[name] = stack[-1] if stack else None
            stack.append(name)
        elif line.strip() == "}":
            if stack:
                stack.pop()
        elif match := _EDGE.match(line):
            attrs = attributes(match.group(3))
            edges[(match.group(1), match.group(2))] = attrs
            if attrs.get("dir") == "both":
                edges[(match.group(2), match.group(1))] = attrs
        elif match := _NODE.match(line):
            if match.group(1) == "graph" and not stack:
                graph = attributes(match.group(2))
            elif match.group(1) not in ("graph", "node", "edge"):
                nodes[match.group(1)] = label_text(attributes(match.group(2))["label"])
                node_cluster[match.group(1)] = stack[-1] if stack else None
    return Dot(clusters, parents, nodes, node_cluster, edges, graph)


def label_lines(attrs: dict[str, str]) -> list[str]:
    return attrs.get("label", "").split("\n")
