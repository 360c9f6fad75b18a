"""The ADF view: the factory's content as the plan registers it, triggers -> pipelines -> datasets -> linked services
-> integration runtime.

An arrow is a reference one item makes to another (`{"referenceName": ..., "type": "<Kind>Reference"}`, anywhere in
its definition): a trigger starts a pipeline, a pipeline's activities use datasets, data flows and linked services, a
data flow's sources and sinks are datasets, a dataset is stored through a linked service, and a linked service
connects through an integration runtime (`connectVia`). A linked service without `connectVia` uses the factory's
default Azure IR, AutoResolveIntegrationRuntime
(https://learn.microsoft.com/azure/data-factory/create-azure-integration-runtime#default-azure-ir).

Items that take the lossless route (adf/lossless.py) are planned as ARM deployments of their JSON, not as typed
resources; they are read back from each deployment's template (adf/arm.py `template_items`) and drawn with the
typed ones, their detail marked "ARM".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from adf.arm import template_items
from adf.model import AdfKind
from adf.walk import walk_activities, walk_json
from preview.diagram.dot import FONT, Cluster, Graph
from preview.diagram.model import as_node_id
from preview.plan import Plan
from preview.resource_types import ResourceType


@dataclass(frozen=True)
class ContentKind:
    type_name: str
    """The azure-native type: `azure-native:datafactory:<type_name>`."""
    name_input: str
    reference: str
    """The `type` of a reference to an item of this kind."""
    heading: str
    fill: str


KINDS = (
    ContentKind("Trigger", "triggerName", "TriggerReference", "Triggers", "#F1ECFB"),
    ContentKind("Pipeline", "pipelineName", "PipelineReference", "Pipelines", "#DDF4FF"),
    ContentKind("DataFlow", "dataFlowName", "DataFlowReference", "Data flows", "#E6F6EA"),
    ContentKind("Dataset", "datasetName", "DatasetReference", "Datasets", "#FFF8E6"),
    ContentKind("LinkedService", "linkedServiceName", "LinkedServiceReference", "Linked services", "#FFEFE8"),
    ContentKind("IntegrationRuntime", "integrationRuntimeName", "IntegrationRuntimeReference", "Runtimes", "#EEEFF2"),
)
"""The kinds drawn, left to right."""
DEFAULT_RUNTIME = "AutoResolveIntegrationRuntime"
TRIGGER_TYPES = {
    "ScheduleTrigger": "schedule",
    "TumblingWindowTrigger": "tumbling window",
    "BlobEventsTrigger": "blob events",
    "CustomEventsTrigger": "custom events",
}
EDGE_COLORS = {
    "Pipeline": "#8250DF",
    "DataFlow": "#1F6FEB",
    "Dataset": "#1F6FEB",
    "LinkedService": "#9A6700",
    "IntegrationRuntime": "#1A7F37",
}
"""An arrow's colour, by the kind it points at."""


@dataclass(frozen=True)
class ContentNode:
    id: str
    kind: ContentKind
    name: str
    detail: str


@dataclass(frozen=True)
class FactoryContent:
    title: str
    nodes: list[ContentNode]
    edges: list[tuple[str, str]]
    """(from, to) node ids: the first item refers to the second."""


ADF_KINDS: Mapping[AdfKind, ContentKind] = {
    AdfKind.TRIGGER: KINDS[0],
    AdfKind.PIPELINE: KINDS[1],
    AdfKind.DATAFLOW: KINDS[2],
    AdfKind.DATASET: KINDS[3],
    AdfKind.LINKED_SERVICE: KINDS[4],
    AdfKind.INTEGRATION_RUNTIME: KINDS[5],
}
"""The drawn kind of each item kind an ARM deployment may hold (credentials and managed endpoints are not drawn)."""


@dataclass(frozen=True)
class _Item:
    """One item of the content as the plan holds it: typed, or in an ARM deployment's template."""

    kind: ContentKind
    factory: str
    name: str
    properties: Mapping[str, Any]
    """Its `properties` (a typed pipeline's are its inputs: azure-native flattens them)."""
    definition: Any
    """Where its references are read from."""
    arm: bool


def _detail(item: _Item) -> str:
    properties, kind = item.properties, item.kind
    if kind.type_name == "Trigger":
        trigger_type = str(properties.get("type", ""))
        text = TRIGGER_TYPES.get(trigger_type, trigger_type)
    elif kind.type_name == "Pipeline":
        count = sum(1 for _ in walk_activities(properties.get("activities")))
        text = f"{count} activit{'y' if count == 1 else 'ies'}"
    elif kind.type_name == "IntegrationRuntime":
        text = "managed VNet" if properties.get("managedVirtualNetwork") else "Azure IR, no VNet"
    else:
        text = str(properties.get("type", ""))
    return f"{text}, ARM" if item.arm else text


def _references(definition: Any) -> set[tuple[str, str]]:
    """(reference type, lower-case name) of every reference in the item's definition."""
    return {
        (str(value["type"]), value["referenceName"].lower())
        for _path, value in walk_json(definition)
        if isinstance(value, dict)
        and isinstance(value.get("referenceName"), str)
        and isinstance(value.get("type"), str)
    }


def _items(plan: Plan) -> Iterator[_Item]:
    """The typed items, kind by kind, then the items of each ARM deployment, in the factory its parameter names."""
    for kind in KINDS:
        for reg in plan.by_type(_token(kind)):
            found = reg.inputs if kind.type_name == "Pipeline" else reg.inputs.get("properties")
            properties = found if isinstance(found, Mapping) else {}
            name = str(reg.inputs.get(kind.name_input, reg.name))
            yield _Item(kind, str(reg.inputs.get("factoryName")), name, properties, reg.inputs, arm=False)
    for reg in plan.by_type(ResourceType.DEPLOYMENT):
        deployment = reg.inputs.get("properties")
        if not isinstance(deployment, Mapping):
            continue
        parameters = deployment.get("parameters")
        factory_parameter = parameters.get("factoryName") if isinstance(parameters, Mapping) else None
        factory = factory_parameter.get("value") if isinstance(factory_parameter, Mapping) else None
        for held in template_items(deployment.get("template")):
            drawn = ADF_KINDS.get(held.kind)
            if drawn is not None:
                yield _Item(drawn, str(factory), held.name, held.properties, held.properties, arm=True)


def factory_content(plan: Plan) -> FactoryContent:
    """The factory's items and the references between them, derived from the plan."""
    items: dict[tuple[str, str, str], ContentNode] = {}  # (factory, reference type, lower-case name) -> node
    found = list(_items(plan))
    registrations: list[tuple[_Item, ContentNode]] = []
    factories = {item.factory for item in found}
    for item in found:
        scope = f"{item.factory}_" if len(factories) > 1 else ""
        kind = item.kind
        node = ContentNode(as_node_id(f"{scope}{kind.type_name}_{item.name}"), kind, item.name, _detail(item))
        items[(item.factory, kind.reference, item.name.lower())] = node
        registrations.append((item, node))
    edges: set[tuple[str, str]] = set()
    runtime = KINDS[-1]
    for item, node in registrations:
        factory = item.factory
        references = _references(item.definition)
        if node.kind.type_name == "LinkedService" and not any(t == runtime.reference for t, _ in references):
            default = items.setdefault(
                (factory, runtime.reference, DEFAULT_RUNTIME.lower()),
                ContentNode(as_node_id(f"{factory}_{DEFAULT_RUNTIME}"), runtime, DEFAULT_RUNTIME, "default Azure IR"),
            )
            edges.add((node.id, default.id))
        for reference_type, name in references:
            target = items.get((factory, reference_type, name))
            if target is not None and target.id != node.id:
                edges.add((node.id, target.id))
    order = {kind.type_name: index for index, kind in enumerate(KINDS)}
    nodes = sorted(items.values(), key=lambda n: (order[n.kind.type_name], n.name.lower()))
    title = f"{plan.project} / {plan.stack}: Data Factory content, from the offline plan"
    return FactoryContent(title, nodes, sorted(edges))


def _token(kind: ContentKind) -> str:
    return f"azure-native:datafactory:{kind.type_name}"


def adf_source(plan: Plan) -> str:
    """The DOT source of the ADF view: one column per kind, an arrow per reference."""
    content = factory_content(plan)
    kind_of = {node.id: node.kind for node in content.nodes}
    clusters = []
    for kind in KINDS:
        members = [node for node in content.nodes if node.kind == kind]
        if not members:
            continue
        attrs = {
            "label": f"{kind.heading} ({len(members)})",
            "labeljust": "l",
            "fontname": FONT,
            "fontsize": "12",
            "style": "rounded",
            "color": "#8C959F",
            "margin": "10",
            "rank": "same",
        }
        nodes = [(node.id, {"label": f"{node.name}\n{node.detail}", "fillcolor": kind.fill}) for node in members]
        clusters.append(Cluster(as_node_id(kind.type_name), attrs, nodes))
    graph = Graph(
        content.title,
        {
            "rankdir": "LR",
            "fontname": FONT,
            "fontsize": "16",
            "label": content.title,
            "labelloc": "t",
            "pad": "0.3",
            "nodesep": "0.15",
            "ranksep": "0.7",
            "newrank": "true",
            "bgcolor": "white",
        },
        {"shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": "11", "color": "#8C959F"},
        {"arrowsize": "0.7", "penwidth": "1.2"},
        clusters=clusters,
    )
    for source, target in content.edges:
        graph.edges.append((source, target, {"color": EDGE_COLORS.get(kind_of[target].type_name, "#57606A")}))
    return graph.source()
