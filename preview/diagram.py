"""`python -m ops diagram`: the stack's architecture, drawn from its offline plan.

Nothing here is a hand-kept list of boxes and arrows. The plan says which resources
exist and how they are wired, and the picture follows from it:

- a cluster per component resource (nested as the components are), holding the main
  resources of that component, named as Azure names them (`accountName`, `vaultName`...);
  the factory's content is summarised ("4 pipelines, 5 triggers"), not drawn item by item;
- a role assignment draws an arrow between the identity it is granted to and the
  resource of its scope: a Storage Blob Data role is a write into that storage (the
  generator's grant on the bronze container is generator -> bronze), a Key Vault Secrets
  User grant is vault -> consumer;
- the factory's linked services connect it to what they point at (SQL, the lake, the
  Function app, the vault); its pipelines' copy activities and data flows draw data
  lineage from the store of each source dataset to the store of each sink dataset
  (bronze -> silver through the mapping data flow, SQL -> archive...); blob-event
  triggers draw the container whose events start them;
- diagnostic settings, workspace-based App Insights and metric alerts draw the
  telemetry arrows into the Log Analytics workspace and the action group.

The DOT source is deterministic: everything is sorted, node ids are the resources'
logical names (not diagrams' random ids) and icons are referenced relative to the
diagrams package, so the same plan gives byte-identical source on any machine.
Graphviz's `dot` renders it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import diagrams
from diagrams import Diagram, Edge, Node, setcluster, setdiagram
from diagrams.azure.analytics import DataFactories
from diagrams.azure.compute import FunctionApps
from diagrams.azure.database import SQLDatabases, SQLServers
from diagrams.azure.devops import Pipelines
from diagrams.azure.general import Resourcegroups
from diagrams.azure.managementgovernance import Alerts
from diagrams.azure.monitor import ApplicationInsights, LogAnalyticsWorkspaces
from diagrams.azure.security import KeyVaults
from diagrams.azure.storage import ArchiveStorage, BlobStorage, DataLakeStorage, StorageAccounts
from diagrams.azure.web import AppServices

from adf.walk import activity_property, walk_activities
from preview.mocks import Registration, arm_id, own_name_input
from preview.plan import Plan
from stack.errors import InputError
from stack.roles import ROLE_IDS

GRAPHVIZ_HINT = (
    "Graphviz's `dot` was not found on PATH; it renders the diagram. Install Graphviz: "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "or see https://graphviz.org/download/"
)
FORMATS = ("png", "pdf")
"""Formats in which Graphviz embeds the icons (an SVG would only link to them)."""
ICON_ROOT = Path(diagrams.__file__).resolve().parent.parent
"""Icons are written into the DOT relative to this folder and found again with `dot -Gimagepath`."""


class GraphvizNotFoundError(InputError):
    """Graphviz's `dot` is not on PATH: the machine lacks an input the command needs."""


# ---------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class NodeSpec:
    id: str
    label: str
    icon: type[Node]
    cluster: str
    """URN of the component the node is drawn in."""


@dataclass
class ClusterSpec:
    urn: str
    label: str
    rank: tuple[int, str]
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
    "event": {"color": "#8250DF", "style": "dashed", "fontcolor": "#8250DF", "constraint": "false"},
    "call": {"color": "#57606A", "style": "dashed", "fontcolor": "#57606A", "constraint": "false"},
    "alert": {"color": "#CF222E", "style": "dotted", "penwidth": "1.5", "fontcolor": "#CF222E", "weight": "0"},
    "telemetry": {"color": "#8C959F", "style": "dotted", "penwidth": "1.5", "fontcolor": "#6E7781", "weight": "0"},
}

# Where the components sit, left to right then top to bottom (unknown components go last).
COMPONENT_ORDER = (
    "ResourceGroup",
    "KeyVault",
    "FunctionApp",
    "DataLake",
    "DataFactory",
    "DataFactoryContent",
    "SqlDatabase",
    "Monitoring",
)

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
CONTENT_KINDS = (
    ("LinkedService", "linked service"),
    ("Dataset", "dataset"),
    ("DataFlow", "data flow"),
    ("Pipeline", "pipeline"),
    ("Trigger", "trigger"),
)


def _short(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def _module_type(type_token: str) -> str:
    """`azure-native:storage:BlobContainer` -> `storage:BlobContainer`."""
    return type_token.split(":", 1)[1] if type_token.startswith("azure-native:") else type_token


def _node_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _ref_name(value: Any) -> str | None:
    return _str(value.get("referenceName")) if isinstance(value, dict) else None


def _two_per_line(parts: list[str]) -> str:
    return "\n".join(", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2))


def _criterion(criterion: dict[str, Any]) -> str:
    operator = str(criterion.get("operator"))
    return f"{criterion.get('metricName')} {OPERATORS.get(operator, operator)} {criterion.get('threshold')}"


class _Builder:
    """Derives nodes, clusters and edges from one plan."""

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
            name = _str(reg.inputs.get(own)) if own else None
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

    # -------------------------------------------------------------- nodes

    def add_node(self, reg: Registration, label: str, icon: type[Node], node_id: str | None = None) -> None:
        cluster = self.component_of(reg)
        if cluster is None:
            return
        nid = node_id or _node_id(reg.name)
        if nid in self.nodes:
            nid = _node_id(f"{_short(reg.type)}_{reg.name}")
        self.nodes[nid] = NodeSpec(nid, label, icon, cluster)
        self.node_of[reg.urn] = nid

    def build_nodes(self) -> None:
        accounts = {r.inputs.get("accountName"): r for r in self.of_type("storage:StorageAccount")}
        lake_accounts = {name for name, r in accounts.items() if r.inputs.get("isHnsEnabled") is True}
        archive_tiered = self._archive_tiered_prefixes()

        for reg in self.of_type("resources:ResourceGroup"):
            self.add_node(reg, str(reg.inputs.get("resourceGroupName", reg.name)), Resourcegroups)
        for reg in self.of_type("storage:StorageAccount"):
            name = str(reg.inputs.get("accountName", reg.name))
            if name in lake_accounts:
                self.add_node(reg, f"{name}\nADLS Gen2", DataLakeStorage)
            else:
                self.add_node(reg, name, StorageAccounts)
        for reg in self.of_type("storage:BlobContainer"):
            account = reg.inputs.get("accountName")
            if account not in lake_accounts:
                continue  # a service's own storage (the Function app's package); its account stands for it
            container = str(reg.inputs.get("containerName", reg.name))
            policy = archive_tiered.get((str(account), container))
            if policy:
                self.add_node(reg, f"{container}\n{policy}", ArchiveStorage)
            else:
                self.add_node(reg, container, BlobStorage)
        for reg in self.of_type("keyvault:Vault"):
            name = str(reg.inputs.get("vaultName", reg.name))
            secrets = sum(1 for s in self.of_type("keyvault:Secret") if s.inputs.get("vaultName") == name)
            self.add_node(reg, f"{name}\n{_plural(secrets, 'secret')}", KeyVaults)
        for reg in self.of_type("web:WebApp"):
            kind = str(reg.inputs.get("kind", ""))
            icon: type[Node] = FunctionApps if "functionapp" in kind else AppServices
            runtime = (reg.inputs.get("functionAppConfig") or {}).get("runtime") or {}
            detail = f"\n{runtime.get('name')} {runtime.get('version')}" if runtime.get("name") else ""
            self.add_node(reg, f"{reg.inputs.get('name', reg.name)}{detail}", icon)
        for reg in self.of_type("datafactory:Factory"):
            self.add_node(reg, str(reg.inputs.get("factoryName", reg.name)), DataFactories)
        databases = self.of_type("sql:Database")
        for reg in databases:
            label = f"{reg.inputs.get('databaseName', reg.name)}\non {reg.inputs.get('serverName', '?')}"
            self.add_node(reg, label, SQLDatabases)
        served = {d.inputs.get("serverName") for d in databases}
        for reg in self.of_type("sql:Server"):
            if reg.inputs.get("serverName") not in served:
                self.add_node(reg, str(reg.inputs.get("serverName", reg.name)), SQLServers)
        for reg in self.of_type("operationalinsights:Workspace"):
            self.add_node(reg, str(reg.inputs.get("workspaceName", reg.name)), LogAnalyticsWorkspaces)
        for reg in self.of_type("applicationinsights:Component"):
            self.add_node(reg, str(reg.inputs.get("resourceName", reg.name)), ApplicationInsights)
        for reg in self.of_type("monitor:ActionGroup"):
            self.add_node(reg, str(reg.inputs.get("actionGroupName", reg.name)), Alerts)
        for component in sorted(self.components.values(), key=lambda r: r.urn):
            if component.type == "data-platform:integration:DataFactoryContent":
                self._content_summary(component)

    def _archive_tiered_prefixes(self) -> dict[tuple[str, str], str]:
        """(account, container) -> a short description of the lifecycle rule that tiers it to archive."""
        found: dict[tuple[str, str], str] = {}
        for reg in self.of_type("storage:ManagementPolicy"):
            account = str(reg.inputs.get("accountName"))
            for rule in (reg.inputs.get("policy") or {}).get("rules") or []:
                definition = rule.get("definition") or {}
                actions = (definition.get("actions") or {}).get("baseBlob") or {}
                if "tierToArchive" not in actions:
                    continue
                steps = []
                for action, word in (("tierToCool", "cool"), ("tierToArchive", "archive"), ("delete", "delete")):
                    days = (actions.get(action) or {}).get("daysAfterModificationGreaterThan")
                    if days is not None:
                        steps.append(f"{word} {days}d")
                for prefix in (definition.get("filters") or {}).get("prefixMatch") or []:
                    container = str(prefix).split("/", 1)[0]
                    found[(account, container)] = _two_per_line(steps)
        return found

    def _content_summary(self, component: Registration) -> None:
        inside = [r for r in self.plan.resources if r.custom and self.component_of(r) == component.urn]
        parts = []
        for type_name, noun in CONTENT_KINDS:
            count = sum(1 for r in inside if r.type == f"azure-native:datafactory:{type_name}")
            if count:
                parts.append(_plural(count, noun))
        nid = _node_id(f"{component.name}_summary")
        self.nodes[nid] = NodeSpec(nid, _two_per_line(parts) or "no content", Pipelines, component.urn)
        self.node_of[component.urn] = nid

    # -------------------------------------------------------------- edges

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
                    if urn in self.by_urn and _module_type(self.by_urn[urn].type) in LINKED_TARGETS
                    for node in [self.node_for(urn)]
                    if node is not None and node != factory
                }
            )
            if len({node for _, node in nodes}) != 1:
                continue
            type_token, node = nodes[0]
            name = str(reg.inputs.get("linkedServiceName", reg.name))
            targets[(factory_name, name)] = node
            module_type = _module_type(type_token)
            if module_type == "keyvault:Vault":
                self.add_edge(node, factory, "secret", name)
            elif module_type == "web:WebApp":
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
            linked = _ref_name(properties.get("linkedServiceName"))
            node = linked_services.get((factory_name, linked)) if linked else None
            if node is None:
                continue
            location = properties.get("location") or {}
            file_system = _str(location.get("fileSystem")) or _str(location.get("container"))
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
                name = _ref_name(item.get(key) if key and isinstance(item, dict) else item)
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
                    flow_name = _ref_name(activity_property(activity, "dataFlow"))
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
            container = (_str(properties.get("blobPathBeginsWith")) or "").strip("/").split("/", 1)[0]
            if source is not None and source in account_of_node:
                source = by_account.get(account_of_node[source], {}).get(container, source)
            content = self.node_of.get(self.component_of(reg) or "")
            self.add_edge(source, content, "event", str(reg.inputs.get("triggerName", reg.name)))

    def _telemetry_edges(self) -> None:
        for reg in self.of_type("monitor:DiagnosticSetting"):
            self.add_edge(
                self.resolve(reg.inputs.get("resourceUri")), self.resolve(reg.inputs.get("workspaceId")), "telemetry"
            )
        for reg in self.of_type("applicationinsights:Component"):
            self.add_edge(self.node_of.get(reg.urn), self.resolve(reg.inputs.get("workspaceResourceId")), "telemetry")
        for reg in self.of_type("monitor:MetricAlert"):
            criteria = [c for c in (reg.inputs.get("criteria") or {}).get("allOf") or [] if isinstance(c, dict)]
            label = ", ".join(sorted(_criterion(c) for c in criteria))
            for scope in reg.inputs.get("scopes") or []:
                for action in reg.inputs.get("actions") or []:
                    self.add_edge(self.resolve(scope), self.resolve(action.get("actionGroupId")), "alert", label)

    # -------------------------------------------------------------- result

    def merged_edges(self) -> list[EdgeSpec]:
        result = []
        for _key, found in sorted(self.edges.items()):
            found.sort()
            _, kind, source, target, _ = found[0]
            directions = {(s, t) for _, _, s, t, _ in found}
            labels = sorted({label for _, _, _, _, label in found if label})
            result.append(EdgeSpec(source, target, kind, "\n".join(labels), (target, source) in directions))
        return result

    def clusters(self) -> list[ClusterSpec]:
        def rank(reg: Registration) -> tuple[int, str]:
            kind = _short(reg.type)
            return (COMPONENT_ORDER.index(kind) if kind in COMPONENT_ORDER else len(COMPONENT_ORDER), reg.name)

        specs = {
            urn: ClusterSpec(urn, f"{_short(reg.type)} ({reg.name})", rank(reg)) for urn, reg in self.components.items()
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
        return sorted(roots, key=lambda c: c.rank)


@dataclass(frozen=True)
class Architecture:
    title: str
    clusters: list[ClusterSpec]
    nodes: dict[str, NodeSpec]
    edges: list[EdgeSpec]


def architecture(plan: Plan) -> Architecture:
    """What the diagram shows, derived from the plan."""
    builder = _Builder(plan)
    builder.build_nodes()
    builder.build_edges()
    title = f"{plan.project} / {plan.stack}: architecture from the offline plan"
    return Architecture(title, builder.clusters(), dict(sorted(builder.nodes.items())), builder.merged_edges())


# ---------------------------------------------------------------------------- drawing


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
            with _Cluster(_node_id(spec.urn.rsplit("::", 1)[-1]), spec.label, CLUSTER_ATTR):
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


def dot_binary() -> str:
    found = shutil.which("dot")
    if found is None:
        raise GraphvizNotFoundError(GRAPHVIZ_HINT)
    return found


def render(source: str, target: Path, fmt: str = "png") -> None:
    """Render DOT source to `target` with Graphviz; raises GraphvizNotFoundError without `dot`."""
    dot = dot_binary()
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [dot, f"-T{fmt}", f"-Gimagepath={ICON_ROOT}", "-o", str(target)],
        input=source.encode(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dot failed ({result.returncode}): {result.stderr.decode(errors='replace').strip()}")


__all__ = [
    "GRAPHVIZ_HINT",
    "Architecture",
    "GraphvizNotFoundError",
    "architecture",
    "diagram_source",
    "render",
]
