"""The plan indexed for drawing: resources by URN and by ARM id, their components, and the node each one maps to."""

from __future__ import annotations

from typing import Any

from preview.diagram.model import NodeSpec, as_node_id, nonempty_str, short_type
from preview.mocks import Registration, arm_id, own_name_input
from preview.plan import Plan


class PlanIndex:
    """Lookups shared by the node and edge builders; `nodes` and `node_of` fill in as nodes are added."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.by_urn = {reg.urn: reg for reg in plan.resources}
        self.components = {reg.urn: reg for reg in plan.resources if not reg.custom}
        self.nodes: dict[str, NodeSpec] = {}
        self.node_of: dict[str, str] = {}  # urn -> node id
        self.arm_ids: dict[str, str] = {}  # lower-case ARM id -> urn
        self.arm_of: dict[str, str] = {}  # urn -> lower-case ARM id
        self.edges: dict[tuple[str, str], list[tuple[int, str, str, str, str]]] = {}
        self._index_arm_ids()

    # -------------------------------------------------------------- lookups

    def _index_arm_ids(self) -> None:
        for reg in self.plan.resources:
            if not (reg.custom and reg.type.startswith("azure-native:")):
                continue
            own = own_name_input(reg.type)
            name = nonempty_str(reg.inputs.get(own)) if own else None
            if name is None:
                continue
            _, module, type_name = reg.type.split(":")
            resource_id = arm_id(module, type_name, name, reg.inputs).lower()
            self.arm_ids[resource_id] = reg.urn
            self.arm_of[reg.urn] = resource_id

    def of_type(self, *types: str) -> list[Registration]:
        wanted = {f"azure-native:{t}" for t in types}
        return sorted((reg for reg in self.plan.resources if reg.type in wanted), key=lambda r: r.urn)

    def component_of(self, reg: Registration) -> str | None:
        parent = reg.parent
        while parent is not None and parent in self.by_urn and self.by_urn[parent].custom:
            parent = self.by_urn[parent].parent
        return parent if parent in self.components else None

    def resolve(self, resource_id: Any) -> str | None:
        """The node drawn for an ARM id: the resource itself, or the nearest drawn resource above it."""
        if not isinstance(resource_id, str) or "/providers/" not in resource_id:
            return None
        prefix, _, rest = resource_id.lower().rpartition("/providers/")
        namespace, _, path = rest.partition("/")
        segments = [s for s in path.split("/") if s]
        while len(segments) >= 2:
            candidate = f"{prefix}/providers/{namespace}/{'/'.join(segments)}"
            urn = self.arm_ids.get(candidate)
            if urn is not None and urn in self.node_of:
                return self.node_of[urn]
            segments = segments[:-2]
        return None

    def target_node(self, resource_id: Any) -> str | None:
        """The node drawn for an ARM id: as `resolve`, or the one node drawn below it (a server's one database)."""
        found = self.resolve(resource_id)
        if found is None and isinstance(resource_id, str) and resource_id.lower() in self.arm_ids:
            found = self.node_for(self.arm_ids[resource_id.lower()])
        return found

    def node_for(self, urn: str) -> str | None:
        """The node drawn for a resource: itself, the drawn resource above it, or the one drawn below it."""
        if urn in self.node_of:
            return self.node_of[urn]
        resource_id = self.arm_of.get(urn)
        if resource_id is None:
            return None
        above = self.resolve(resource_id)
        if above is not None:
            return above
        below = sorted(
            {
                self.node_of[other]
                for other, other_id in self.arm_of.items()
                if other in self.node_of and other_id.startswith(resource_id + "/")
            }
        )
        return below[0] if len(below) == 1 else None

    def add_node(self, reg: Registration, label: str, icon: str, zone: str, node_id: str | None = None) -> str | None:
        """Draw `reg` in `zone`; resources outside any component (the stack itself) are not drawn."""
        if self.component_of(reg) is None:
            return None
        nid = node_id or as_node_id(reg.name)
        if nid in self.nodes:
            nid = as_node_id(f"{short_type(reg.type)}_{reg.name}")
        self.nodes[nid] = NodeSpec(nid, label, icon, zone)
        self.node_of[reg.urn] = nid
        return nid
