"""Dependency order with the standard library's `graphlib`: creation order of items, and dependsOn cycles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from graphlib import CycleError, TopologicalSorter

from adf.model import KINDS, AdfItem, AdfKind


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in `graph` (node -> the nodes it depends on), e.g. `[a, b, a]`, or None.

    The cycle follows the dependencies and starts at its alphabetically first node, so the message is stable.
    """
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        # graphlib reports the cycle from a node to the nodes that depend on it: reverse it.
        nodes = list(reversed(error.args[1]))[:-1]
        start = nodes.index(min(nodes))
        rotated = nodes[start:] + nodes[:start]
        return [*rotated, rotated[0]]
    return None


def dependency_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Every node after the nodes it depends on; nodes that become ready together by name. The graph is acyclic."""
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return order


def creation_order(items: list[AdfItem], problems: list[str]) -> list[AdfItem]:
    """Kinds in dependency order; within a kind (linked services, pipelines) referenced items first."""
    by_key = {(item.kind, item.name.lower()): item for item in items}
    ordered: list[AdfItem] = []
    for kind in KINDS:
        group = sorted((i for i in items if i.kind == kind), key=lambda i: i.name)
        graph = {item.name: _same_kind_dependencies(item, by_key) for item in group}
        cycle = find_cycle(graph)
        if cycle:
            by_name = {item.name: item for item in group}
            problems.extend(
                f"{by_name[name].file}: references {kind} items in a cycle: {' -> '.join(cycle)}"
                for name in sorted(set(cycle))
            )
            ordered.extend(group)
            continue
        by_name = {item.name: item for item in group}
        ordered.extend(by_name[name] for name in dependency_order(graph))
    return ordered


def _same_kind_dependencies(item: AdfItem, by_key: Mapping[tuple[AdfKind, str], AdfItem]) -> list[str]:
    """The names of existing items of the item's own kind it references (ADF names ignore case)."""
    targets = (by_key.get((kind, name.lower())) for kind, name in item.depends_on() if kind == item.kind)
    return sorted(target.name for target in targets if target is not None and target is not item)
