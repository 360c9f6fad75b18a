"""The architecture view's model, derived from one plan: nodes, edges, and a cluster per network zone."""

from __future__ import annotations

import dataclasses

from preview.diagram.edges import EdgeBuilder
from preview.diagram.model import Architecture, ClusterSpec
from preview.diagram.nodes import NodeBuilder
from preview.plan import Plan


class _Builder(NodeBuilder, EdgeBuilder):
    """Derives nodes, zones and edges from one plan."""

    def clusters(self) -> list[ClusterSpec]:
        """The zones that hold a node, nested as they nest (a VNet holds its subnets), in the zones' order."""
        specs = {key: ClusterSpec(key, zone.label) for key, zone in self.zones.items()}
        for node in self.nodes.values():
            specs[node.zone].nodes.append(node)
        roots = []
        for key, zone in self.zones.items():
            if zone.parent is not None:
                specs[zone.parent].children.append(specs[key])
            else:
                roots.append(specs[key])
        for spec in specs.values():
            spec.nodes.sort(key=lambda n: n.id)
        return [root for root in roots if _prune(root)]


def _prune(spec: ClusterSpec) -> bool:
    """Drop zones that hold nothing (dev has no VNet, so no subnets); keep the rest."""
    spec.children = [child for child in spec.children if _prune(child)]
    return bool(spec.nodes or spec.children)


def architecture(plan: Plan) -> Architecture:
    """What the architecture view shows, derived from the plan: the environment as it runs, upstream stacks
    (a private stack's foundation: its VNet, subnets and agent pool) included."""
    builder = _Builder(dataclasses.replace(plan, resources=plan.all_resources, upstream=()))
    builder.build_nodes()
    builder.build_edges()
    group = next(iter(builder.of_type("resources:ResourceGroup")), None)
    where = f" in {group.inputs.get('resourceGroupName', group.name)}" if group is not None else ""
    title = f"{plan.project} / {plan.stack}{where}: architecture by network zone, from the offline plan"
    return Architecture(title, builder.clusters(), dict(sorted(builder.nodes.items())), builder.merged_edges())
