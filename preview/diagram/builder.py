"""The diagram's model, derived from one plan: nodes, edges, and the components as nested clusters."""

from __future__ import annotations

import dataclasses

from preview.diagram.edges import EdgeBuilder
from preview.diagram.model import COMPONENT_ORDER, Architecture, ClusterSpec, short_type
from preview.diagram.nodes import NodeBuilder
from preview.mocks import Registration
from preview.plan import Plan


class _Builder(NodeBuilder, EdgeBuilder):
    """Derives nodes, clusters and edges from one plan."""

    def clusters(self) -> list[ClusterSpec]:
        def rank(reg: Registration) -> tuple[int, str]:
            kind = short_type(reg.type)
            return (COMPONENT_ORDER.index(kind) if kind in COMPONENT_ORDER else len(COMPONENT_ORDER), reg.name)

        specs = {
            urn: ClusterSpec(urn, f"{short_type(reg.type)} ({reg.name})", rank(reg))
            for urn, reg in self.components.items()
        }
        roots = []
        for urn, spec in specs.items():
            parent = self.components[urn].parent
            if parent in specs:
                specs[parent].children.append(spec)
            else:
                roots.append(spec)
        for node in self.nodes.values():
            specs[node.cluster].nodes.append(node)
        for spec in specs.values():
            spec.children.sort(key=lambda c: c.rank)
            spec.nodes.sort(key=lambda n: n.id)
        return [root for root in sorted(roots, key=lambda c: c.rank) if _prune(root)]


def _prune(spec: ClusterSpec) -> bool:
    """Drop clusters that draw nothing (a private endpoint's, whose node is drawn in the network); keep the rest."""
    spec.children = [child for child in spec.children if _prune(child)]
    return bool(spec.nodes or spec.children)


def architecture(plan: Plan) -> Architecture:
    """What the diagram shows, derived from the plan: the environment as it runs, upstream stacks included."""
    builder = _Builder(dataclasses.replace(plan, resources=plan.all_resources, upstream=()))
    builder.build_nodes()
    builder.build_edges()
    title = f"{plan.project} / {plan.stack}: architecture from the offline plan"
    return Architecture(title, builder.clusters(), dict(sorted(builder.nodes.items())), builder.merged_edges())
