"""The ADF view: every reference of the committed content drawn, one column per kind."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from adf.arm import template
from adf.model import AdfItem, AdfKind
from preview.diagram import adf_source
from preview.plan import Plan
from preview.resource_types import ResourceType
from tests.conftest import one
from tests.preview.diagram.dot_reader import Dot, parse
from tests.support.checkout import PIPELINES_DIR

FOLDERS = {
    "trigger": "Trigger",
    "pipeline": "Pipeline",
    "dataflow": "DataFlow",
    "dataset": "Dataset",
    "linkedService": "LinkedService",
}
"""ADF Studio's folders and the cluster each kind is drawn in."""
REFERENCES = {
    "PipelineReference": "pipeline",
    "DataFlowReference": "dataflow",
    "DatasetReference": "dataset",
    "LinkedServiceReference": "linkedService",
    "IntegrationRuntimeReference": "integrationRuntime",
}


def _references(document: Any) -> set[tuple[str, str]]:
    found = set()
    if isinstance(document, dict):
        if document.get("type") in REFERENCES and isinstance(document.get("referenceName"), str):
            found.add((REFERENCES[document["type"]], document["referenceName"]))
        for value in document.values():
            found |= _references(value)
    elif isinstance(document, list):
        for value in document:
            found |= _references(value)
    return found


def authored() -> tuple[dict[tuple[str, str], Any], set[tuple[tuple[str, str], tuple[str, str]]]]:
    """The committed ADF Studio files, read directly: (folder, name) -> document, and every reference between them."""
    documents = {
        (folder, path.stem): json.loads(path.read_text(encoding="utf-8"))
        for folder in FOLDERS
        for path in sorted((PIPELINES_DIR / folder).glob("*.json"))
    }
    references = {
        ((folder, name), reference)
        for (folder, name), document in documents.items()
        for reference in _references(document.get("properties"))
    }
    return documents, references


def node_of(dot: Dot, kind: str, name: str) -> str:
    found = [nid for nid, text in dot.nodes.items() if text.split("\n")[0] == name and dot.node_cluster[nid] == kind]
    assert len(found) == 1, f"expected one {kind} node {name!r}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def dot(dev: Plan) -> Dot:
    return parse(adf_source(dev))


def test_every_reference_in_the_committed_content_is_an_edge(dot: Dot) -> None:
    """Read from the authoring files, not from the code under test: the edges are exactly the references."""
    documents, references = authored()
    kinds = {**FOLDERS, "integrationRuntime": "IntegrationRuntime"}
    expected = {
        (node_of(dot, kinds[source[0]], source[1]), node_of(dot, kinds[target[0]], target[1]))
        for source, target in references
    }
    assert set(dot.edges) == expected
    assert {node_of(dot, FOLDERS[folder], name) for folder, name in documents} | {
        node_of(dot, "IntegrationRuntime", target[1]) for _, target in references if target[0] == "integrationRuntime"
    } == set(dot.nodes)


def test_pipelines_reach_datasets_linked_services_and_the_runtime(dev: Plan, dot: Dot) -> None:
    """One chain through every column: a pipeline reads a dataset stored through a linked service on the runtime."""
    runtime = str(one(dev, "azure-native:datafactory:IntegrationRuntime").inputs["integrationRuntimeName"])
    pipeline = node_of(dot, "Pipeline", "PL_Events_SilverToSql")
    dataset = node_of(dot, "Dataset", "DS_Lake_Silver_Events_Parquet")
    linked = node_of(dot, "LinkedService", "LS_DataLake")
    assert dot.edge(pipeline, dataset)
    assert dot.edge(dataset, linked)
    assert dot.edge(linked, node_of(dot, "IntegrationRuntime", runtime))
    assert dot.edge(node_of(dot, "Trigger", "TR_Events_SilverToSql_Hourly"), pipeline)
    flow = node_of(dot, "DataFlow", "DF_Events_BronzeToSilver")
    assert dot.edge(node_of(dot, "Pipeline", "PL_Events_BronzeToSilver"), flow)
    assert dot.edge(flow, node_of(dot, "Dataset", "DS_Lake_Bronze_Events_Csv"))


def test_each_kind_is_one_cluster_with_its_count(dev: Plan, dot: Dot) -> None:
    for type_name, heading in (
        ("Trigger", "Triggers"),
        ("Pipeline", "Pipelines"),
        ("DataFlow", "Data flows"),
        ("Dataset", "Datasets"),
        ("LinkedService", "Linked services"),
    ):
        count = len(dev.by_type(f"azure-native:datafactory:{type_name}"))
        assert dot.clusters[type_name] == f"{heading} ({count})"
        assert len([n for n in dot.nodes if dot.node_cluster[n] == type_name]) == count


def test_nodes_say_what_kind_of_item_they_are(dot: Dot) -> None:
    assert dot.nodes[node_of(dot, "Trigger", "TR_Events_BronzeCreated")].endswith("\nblob events")
    assert dot.nodes[node_of(dot, "Trigger", "TR_Archive_DailyMidnight")].endswith("\nschedule")
    assert dot.nodes[node_of(dot, "Dataset", "DS_Lake_Silver_Events_Parquet")].endswith("\nParquet")
    assert dot.nodes[node_of(dot, "LinkedService", "LS_AzureSql")].endswith("\nAzureSqlDatabase")
    activities = json.loads((PIPELINES_DIR / "pipeline" / "PL_Reporting_AggregateHourly.json").read_text())
    count = len(activities["properties"]["activities"])
    assert dot.nodes[node_of(dot, "Pipeline", "PL_Reporting_AggregateHourly")].endswith(
        f"\n{count} activit{'y' if count == 1 else 'ies'}"
    )


def test_a_linked_service_without_connect_via_uses_the_default_azure_runtime(dev: Plan, dot: Dot) -> None:
    linked = one(dev, "azure-native:datafactory:LinkedService", "LS_AzureSql")
    changed = copy.deepcopy(linked)
    del changed.inputs["properties"]["connectVia"]
    plan = dataclasses.replace(dev, resources=[changed if r.urn == linked.urn else r for r in dev.resources])
    drawn = parse(adf_source(plan))
    default = node_of(drawn, "IntegrationRuntime", "AutoResolveIntegrationRuntime")
    assert drawn.nodes[default] == "AutoResolveIntegrationRuntime\ndefault Azure IR"
    assert drawn.edge(node_of(drawn, "LinkedService", "LS_AzureSql"), default)
    assert [n for n in dot.nodes if "AutoResolve" in n] == [], "the committed content names its runtime"


def test_same_plan_same_text(dev: Plan) -> None:
    reordered = dataclasses.replace(dev, resources=list(reversed(dev.resources)))
    assert adf_source(reordered) == adf_source(dev)
    assert str(Path.cwd()) not in adf_source(dev)


LOSSLESS = (
    "trigger/TR_Events_BronzeCreated",
    "pipeline/PL_Events_BronzeToSilver",
    "dataset/DS_Lake_Silver_Events_Parquet",
)
"""Committed items moved onto the lossless route for the ARM view test: one of each kind a deployment may hold."""


def _as_arm_deployments(plan: Plan, files: tuple[str, ...]) -> Plan:
    """The plan with the typed resources of these committed files replaced by the ARM deployments of their JSON that
    the lossless route plans instead (components/data_factory_content.py, adf/arm.py)."""
    moved = {f"platform-adf-content-{file.replace('/', '-')}": file for file in files}
    resources = []
    for reg in plan.resources:
        file = moved.get(reg.name)
        if file is None:
            resources.append(reg)
            continue
        kind, name = file.split("/")
        document = json.loads((PIPELINES_DIR / f"{file}.json").read_text(encoding="utf-8"))
        item = AdfItem(AdfKind(kind), name, f"pipelines_json/{file}.json", document)
        inputs = {
            "deploymentName": f"adf-{kind}-{name}",
            "resourceGroupName": reg.inputs.get("resourceGroupName"),
            "properties": {
                "mode": "Incremental",
                "template": template(item, item.properties),
                "parameters": {"factoryName": {"value": reg.inputs.get("factoryName")}},
            },
        }
        resources.append(dataclasses.replace(reg, type=ResourceType.DEPLOYMENT, inputs=inputs))
    assert len(resources) == len(plan.resources) and sum(r.type == ResourceType.DEPLOYMENT for r in resources) >= 3
    return dataclasses.replace(plan, resources=resources)


def test_items_on_the_lossless_route_are_drawn_as_their_typed_twins_marked_arm(dev: Plan, dot: Dot) -> None:
    arm = parse(adf_source(_as_arm_deployments(dev, LOSSLESS)))
    assert arm.edges == dot.edges
    assert set(arm.nodes) == set(dot.nodes) and arm.node_cluster == dot.node_cluster
    marked = {nid for nid, text in arm.nodes.items() if text != dot.nodes[nid]}
    kinds = {"trigger": "Trigger", "pipeline": "Pipeline", "dataset": "Dataset"}
    assert marked == {node_of(dot, kinds[f.split("/")[0]], f.split("/")[1]) for f in LOSSLESS}
    for nid in marked:
        assert arm.nodes[nid] == f"{dot.nodes[nid]}, ARM"
