"""DOT text, written one statement per line and in a fixed order, so the same model always gives the same bytes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

FONT = "Arial"
"""A font Graphviz has metrics for without fontconfig (its WebAssembly build has none); browsers have it or a
metric-compatible one (Liberation Sans), so labels fit their boxes."""


def quoted(value: str) -> str:
    """A DOT string: an HTML-like label (`<...>`) as it is, anything else in quotes with `\\n` line breaks."""
    if value.startswith("<") and value.endswith(">"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attributes(attrs: Mapping[str, str]) -> str:
    return " ".join(f"{key}={quoted(value)}" for key, value in attrs.items())


def html_lines(text: str) -> str:
    """Plain text for an HTML-like label: escaped, one `<BR/>` per line break."""
    return "<BR/>".join(escape(line) for line in text.split("\n"))


def icon_label(text: str, icon: str, size: int) -> str:
    """An icon over its text, the icon at `size` points whatever its pixels: the text never runs into a neighbour."""
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{size}" HEIGHT="{size}"><IMG SRC="{escape(icon)}" SCALE="TRUE"/></TD></TR>'
        f"<TR><TD>{html_lines(text)}</TD></TR></TABLE>>"
    )


@dataclass
class Cluster:
    name: str
    """Without the `cluster_` prefix Graphviz needs to draw a box."""
    attrs: dict[str, str]
    nodes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


@dataclass
class Graph:
    """A directed graph: its default attributes, nested clusters, nodes outside any cluster, and edges."""

    name: str
    graph: dict[str, str]
    node: dict[str, str]
    edge: dict[str, str]
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def source(self) -> str:
        lines = [f"digraph {quoted(self.name)} {{"]
        for kind, attrs in (("graph", self.graph), ("node", self.node), ("edge", self.edge)):
            lines.append(f"\t{kind} [{attributes(attrs)}]")

        def cluster(spec: Cluster, depth: int) -> None:
            indent = "\t" * depth
            lines.append(f"{indent}subgraph cluster_{spec.name} {{")
            lines.append(f"{indent}\tgraph [{attributes(spec.attrs)}]")
            for node_id, attrs in spec.nodes:
                lines.append(f"{indent}\t{node_id} [{attributes(attrs)}]")
            for child in spec.clusters:
                cluster(child, depth + 1)
            lines.append(f"{indent}}}")

        for spec in self.clusters:
            cluster(spec, 1)
        for node_id, attrs in self.nodes:
            lines.append(f"\t{node_id} [{attributes(attrs)}]")
        for tail, head, attrs in self.edges:
            lines.append(f"\t{tail} -> {head} [{attributes(attrs)}]")
        lines.append("}")
        return "\n".join(lines) + "\n"
