"""The architecture view's edges: role grants, linked services, data lineage, blob events, private links, alerts."""

from __future__ import annotations

import dataclasses
from typing import Any

from adf.walk import activity_property, walk_activities
from preview.diagram.index import PlanIndex
from preview.diagram.model import EDGE_STYLES, EdgeSpec, azure_type, nonempty_str, plural, reference_name
from preview.mocks import Registration
from stack.roles import ROLE_IDS

ROLE_NAMES = {role_id: name for name, role_id in ROLE_IDS.items()}
# Which way data moves under a role: "in" from the principal into the scope, "out" from the scope
# to the principal. Roles not listed draw nothing (the deployer's Secrets Officer, for one).
ROLE_FLOWS = {
    "Storage Blob Data Contributor": ("data", "in"),
    "Storage Blob Data Owner": ("data", "in"),
    "Key Vault Secrets User": ("secret", "out"),
    "Monitoring Metrics Publisher": ("telemetry", "in"),
}
OPERATORS = {"GreaterThan": ">", "GreaterThanOrEqual": ">=", "LessThan": "<", "LessThanOrEqual": "<=", "Equals": "="}
LINKED_TARGETS = frozenset(
    {"keyvault:Vault", "sql:Database", "sql:Server", "storage:BlobContainer", "storage:StorageAccount", "web:WebApp"}
)
"""What a linked service can point at, found among its dependencies."""


def _criterion(criterion: dict[str, Any]) -> str:
    operator = str(criterion.get("operator"))
    return f"{criterion.get('metricName')} {OPERATORS.get(operator, operator)} {criterion.get('threshold')}"


class EdgeBuilder(PlanIndex):
    """Collects edges between drawn nodes; two edges joining the same nodes are merged into the stronger kind."""

    def add_edge(self, source: str | None, target: str | None, kind: str, label: str = "") -> None:
        if source is None or target is None or source == target:
            return
        key = (min(source, target), max(source, target))
        priority = list(EDGE_STYLES).index(kind)
        self.edges.setdefault(key, []).append((priority, kind, source, target, label))

    def build_edges(self) -> None:
        self._role_edges()
        linked_services = self._linked_service_edges()
        datasets = self._datasets(linked_services)
        self._lineage_edges(datasets)
        self._trigger_edges()
        self._telemetry_edges()
        self._private_edges()

    def _private_edges(self) -> None:
        """A zone's private endpoints to each target, labelled with the sub-resources (group ids) they reach."""
        groups: dict[tuple[str, str], set[str]] = {}
        for reg in self.of_type("network:PrivateEndpoint"):
            for connection in reg.inputs.get("privateLinkServiceConnections") or []:
                target = self.target_node(connection.get("privateLinkServiceId"))
                for group in connection.get("groupIds") or []:
                    self._group(groups, self.node_of.get(reg.urn), target, str(group))
        for reg in self.of_type("datafactory:ManagedPrivateEndpoint"):
            properties = reg.inputs.get("properties") or {}
            target = self.target_node(properties.get("privateLinkResourceId"))
            self._group(groups, self.node_of.get(reg.urn), target, str(properties.get("groupId")))
        for (source, target), found in sorted(groups.items()):
            self.add_edge(source, target, "private", ", ".join(sorted(found)))

    @staticmethod
    def _group(groups: dict[tuple[str, str], set[str]], source: str | None, target: str | None, group: str) -> None:
        if source is not None and target is not None:
            groups.setdefault((source, target), set()).add(group)

    def _principal(self, reg: Registration, target: str) -> str | None:
        """The identity a role assignment grants to: the resource with a managed identity it depends on."""
        found = set()
        for urn in reg.depends_on:
            dep = self.by_urn.get(urn)
            identity = dep.inputs.get("identity") if dep else None
            if isinstance(identity, dict) and "SystemAssigned" in str(identity.get("type", "")):
                node = self.node_for(urn)
                if node is not None and node != target:
                    found.add(node)
        return min(found) if found else None

    def _role_edges(self) -> None:
        for reg in self.of_type("authorization:RoleAssignment"):
            role_id = str(reg.inputs.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
            role = ROLE_NAMES.get(role_id)
            if role not in ROLE_FLOWS:
                continue
            target = self.resolve(reg.inputs.get("scope"))
            if target is None:
                continue
            principal = self._principal(reg, target)
            kind, flow = ROLE_FLOWS[role]
            label = role.removeprefix("Storage ")
            if flow == "in":
                self.add_edge(principal, target, kind, label)
            else:
                self.add_edge(target, principal, kind, label)

    def _linked_service_edges(self) -> dict[tuple[str, str], str]:
        """(factory name, linked service name) -> the node it points at; draws factory <-> that node."""
        factories = {
            str(f.inputs.get("factoryName")): self.node_of.get(f.urn) for f in self.of_type("datafactory:Factory")
        }
        targets: dict[tuple[str, str], str] = {}
        for reg in self.of_type("datafactory:LinkedService"):
            factory_name = str(reg.inputs.get("factoryName"))
            factory = factories.get(factory_name)
            nodes = sorted(
                {
                    (self.by_urn[urn].type, node)
                    for urn in reg.depends_on
                    if urn in self.by_urn and azure_type(self.by_urn[urn].type) in LINKED_TARGETS
                    for node in [self.node_for(urn)]
                    if node is not None and node != factory
                }
            )
            if len({node for _, node in nodes}) != 1:
                continue
            type_token, node = nodes[0]
            name = str(reg.inputs.get("linkedServiceName", reg.name))
            targets[(factory_name, name)] = node
            kind = azure_type(type_token)
            if kind == "keyvault:Vault":
                self.add_edge(node, factory, "secret", name)
            elif kind == "web:WebApp":
                self.add_edge(factory, node, "call", name)
            else:
                self.add_edge(factory, node, "data", name)
                self.add_edge(node, factory, "data", name)
        return targets

    def _datasets(self, linked_services: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
        """(factory name, dataset name) -> the store node: the container of a lake path, else the linked service's."""
        containers = {
            (str(r.inputs.get("accountName")), str(r.inputs.get("containerName"))): self.node_of[r.urn]
            for r in self.of_type("storage:BlobContainer")
            if r.urn in self.node_of
        }
        account_names = {
            self.node_of[r.urn]: str(r.inputs.get("accountName"))
            for r in self.of_type("storage:StorageAccount")
            if r.urn in self.node_of
        }
        stores: dict[tuple[str, str], str] = {}
        for reg in self.of_type("datafactory:Dataset"):
            factory_name = str(reg.inputs.get("factoryName"))
            properties = reg.inputs.get("properties") or {}
            linked = reference_name(properties.get("linkedServiceName"))
            node = linked_services.get((factory_name, linked)) if linked else None
            if node is None:
                continue
            location = properties.get("location") or {}
            file_system = nonempty_str(location.get("fileSystem")) or nonempty_str(location.get("container"))
            if file_system and node in account_names:
                node = containers.get((account_names[node], file_system), node)
            stores[(factory_name, str(reg.inputs.get("datasetName", reg.name)))] = node
        return stores

    def _lineage_edges(self, datasets: dict[tuple[str, str], str]) -> None:
        flows: dict[tuple[str, str], dict[str, Any]] = {}
        for reg in self.of_type("datafactory:DataFlow"):
            properties = reg.inputs.get("properties") or {}
            flows[(str(reg.inputs.get("factoryName")), str(reg.inputs.get("dataFlowName", reg.name)))] = properties

        def stores(factory: str, references: Any, key: str | None = None) -> list[str]:
            found = []
            for item in references if isinstance(references, list) else []:
                name = reference_name(item.get(key) if key and isinstance(item, dict) else item)
                if name and (factory, name) in datasets:
                    found.append(datasets[(factory, name)])
            return found

        for reg in self.of_type("datafactory:Pipeline"):
            factory = str(reg.inputs.get("factoryName"))
            pipeline = str(reg.inputs.get("pipelineName", reg.name))
            for activity in walk_activities(reg.inputs.get("activities")):
                kind = activity.get("type")
                if kind == "Copy":
                    sources = stores(factory, activity.get("inputs"))
                    sinks = stores(factory, activity.get("outputs"))
                    label = pipeline
                elif kind == "ExecuteDataFlow":
                    flow_name = reference_name(activity_property(activity, "dataFlow"))
                    flow = flows.get((factory, flow_name or ""))
                    if flow is None:
                        continue
                    sources = stores(factory, flow.get("sources"), "dataset")
                    sinks = stores(factory, flow.get("sinks"), "dataset")
                    label = str(flow_name)
                else:
                    continue
                for source in sources:
                    for sink in sinks:
                        self.add_edge(source, sink, "data", label)

    def _trigger_edges(self) -> None:
        by_account: dict[str, dict[str, str]] = {}
        for reg in self.of_type("storage:BlobContainer"):
            if reg.urn in self.node_of:
                by_account.setdefault(str(reg.inputs.get("accountName")), {})[str(reg.inputs.get("containerName"))] = (
                    self.node_of[reg.urn]
                )
        account_of_node = {
            self.node_of[r.urn]: str(r.inputs.get("accountName"))
            for r in self.of_type("storage:StorageAccount")
            if r.urn in self.node_of
        }
        for reg in self.of_type("datafactory:Trigger"):
            properties = reg.inputs.get("properties") or {}
            if properties.get("type") != "BlobEventsTrigger":
                continue
            source = self.resolve(properties.get("scope"))
            # "/<container>/blobs/<path>": the event's container, when it is drawn.
            container = (nonempty_str(properties.get("blobPathBeginsWith")) or "").strip("/").split("/", 1)[0]
            if source is not None and source in account_of_node:
                source = by_account.get(account_of_node[source], {}).get(container, source)
            content = self.node_of.get(self.component_of(reg) or "")
            self.add_edge(source, content, "event", str(reg.inputs.get("triggerName", reg.name)))

    def _telemetry_edges(self) -> None:
        """App Insights into its workspace and the alerts; diagnostic settings are counted on their workspace's node.

        Every resource sends its diagnostics to the one workspace: an arrow each would cross every zone and say less
        than the count does.
        """
        senders: dict[str, set[str]] = {}
        for reg in self.of_type("monitor:DiagnosticSetting"):
            workspace = self.resolve(reg.inputs.get("workspaceId"))
            source = self.resolve(reg.inputs.get("resourceUri"))
            if workspace is not None and source is not None:
                senders.setdefault(workspace, set()).add(source)
        for workspace, sources in senders.items():
            node = self.nodes[workspace]
            label = f"{node.label}\ndiagnostics of {plural(len(sources), 'resource')}"
            self.nodes[workspace] = dataclasses.replace(node, label=label)
        for reg in self.of_type("applicationinsights:Component"):
            self.add_edge(self.node_of.get(reg.urn), self.resolve(reg.inputs.get("workspaceResourceId")), "telemetry")
        for reg in self.of_type("monitor:MetricAlert"):
            criteria = [c for c in (reg.inputs.get("criteria") or {}).get("allOf") or [] if isinstance(c, dict)]
            label = ", ".join(sorted(_criterion(c) for c in criteria))
            for scope in reg.inputs.get("scopes") or []:
                for action in reg.inputs.get("actions") or []:
                    self.add_edge(self.resolve(scope), self.resolve(action.get("actionGroupId")), "alert", label)

    def merged_edges(self) -> list[EdgeSpec]:
        result = []
        for _key, found in sorted(self.edges.items()):
            found.sort()
            _, kind, source, target, _ = found[0]
            directions = {(s, t) for _, _, s, t, _ in found}
            labels = sorted({label for _, _, _, _, label in found if label})
            result.append(EdgeSpec(source, target, kind, "\n".join(labels), (target, source) in directions))
        return result
