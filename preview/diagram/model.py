"""What a diagram shows: nodes, clusters and edges, free of any drawing library's types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from diagrams import Node


@dataclass(frozen=True)
class NodeSpec:
    id: str
    label: str
    icon: str
    """The icon's path relative to the diagrams package's parent folder (`resources/azure/...png`)."""
    zone: str
    """Key of the cluster the node is drawn in."""


@dataclass
class ClusterSpec:
    key: str
    label: str
    children: list[ClusterSpec] = field(default_factory=list)
    nodes: list[NodeSpec] = field(default_factory=list)


@dataclass(frozen=True)
class EdgeSpec:
    source: str
    target: str
    kind: str
    label: str
    both: bool


# Edge kinds, strongest first: when two kinds join the same two nodes they are drawn as one
# edge of the strongest kind, with both labels.
EDGE_STYLES: dict[str, dict[str, str]] = {
    "data": {"color": "#1F6FEB", "style": "bold", "penwidth": "2.0", "fontcolor": "#1F6FEB", "weight": "4"},
    "secret": {"color": "#B08800", "style": "dashed", "fontcolor": "#8A6A00"},
    "event": {"color": "#8250DF", "style": "dashed", "fontcolor": "#8250DF"},
    "call": {"color": "#57606A", "style": "dashed", "fontcolor": "#57606A"},
    "private": {"color": "#1A7F37", "style": "solid", "fontcolor": "#1A7F37"},
    "alert": {"color": "#CF222E", "style": "dotted", "penwidth": "1.5", "fontcolor": "#CF222E", "weight": "0"},
    "telemetry": {"color": "#8C959F", "style": "dotted", "penwidth": "1.5", "constraint": "false", "weight": "0"},
}


@dataclass(frozen=True)
class Architecture:
    title: str
    clusters: list[ClusterSpec]
    nodes: dict[str, NodeSpec]
    edges: list[EdgeSpec]


def icon_path(icon: type[Node]) -> str:
    """Where a diagrams node class keeps its icon, relative to the package's parent folder."""
    return f"{icon._icon_dir}/{icon._icon}"


def short_type(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def azure_type(type_token: str) -> str:
    """`azure-native:storage:BlobContainer` -> `storage:BlobContainer`."""
    return type_token.split(":", 1)[1] if type_token.startswith("azure-native:") else type_token


def as_node_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def nonempty_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def reference_name(value: Any) -> str | None:
    return nonempty_str(value.get("referenceName")) if isinstance(value, dict) else None


def two_per_line(parts: list[str]) -> str:
    return "\n".join(", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2))
