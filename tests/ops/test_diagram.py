"""`python -m ops diagram`: drawn from the plan, kept in sync with docs/, rendered by Graphviz."""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ops.cli.main import main
from preview.diagram import (
    EDGE_STYLES,
    GRAPHVIZ_HINT,
    ICON_ROOT,
    GraphvizNotFoundError,
    diagram_source,
    render,
)
from preview.mocks import Registration
from preview.plan import Plan
from tests.conftest import one
from tests.support.checkout import PROJECT_DIR

COMMITTED_DOT = PROJECT_DIR / "docs" / "architecture-dev.dot"
COMMITTED_PNG = PROJECT_DIR / "docs" / "architecture-dev.png"
REGENERATE = "run `python -m ops diagram --stack dev` and commit docs/architecture-dev.dot and .png"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_EDGE = re.compile(r"^\s*(\w+) -> (\w+) \[(.*)\]$")
_NODE = re.compile(r"^\s*(\w+) \[label=<(.*)> .*\]$")
_CLUSTER = re.compile(r"^\s*subgraph (cluster_\w+) \{$")
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"\]]+)')
KIND_OF_COLOR = {style["color"]: kind for kind, style in EDGE_STYLES.items()}


# ---------------------------------------------------------------------------- reading the DOT text


@dataclasses.dataclass(frozen=True)
class Dot:
    clusters: dict[str, str]
    """Subgraph name -> label."""
    nodes: dict[str, str]
    """Node id -> label text, lines joined with newlines."""
    edges: dict[tuple[str, str], dict[str, str]]
    """Drawn edges as written (tail, head) -> attributes; `dir=both` edges also appear reversed."""

    def node(self, first_line: str) -> str:
        found = [nid for nid, text in self.nodes.items() if text.split("\n")[0] == first_line]
        assert len(found) == 1, f"expected one node labelled {first_line!r}, found {found} in {sorted(self.nodes)}"
        return found[0]

    def edge(self, tail: str, head: str, kind: str) -> dict[str, str]:
        attrs = self.edges.get((tail, head))
        assert attrs is not None, f"no edge {tail} -> {head}; edges: {sorted(self.edges)}"
        assert KIND_OF_COLOR[attrs["color"]] == kind, f"{tail} -> {head} is {KIND_OF_COLOR[attrs['color']]}"
        return attrs


def _attrs(text: str) -> dict[str, str]:
    return {key: value[1:-1] if value.startswith('"') else value for key, value in _ATTR.findall(text)}


def parse(source: str) -> Dot:
    clusters: dict[str, str] = {}
    nodes: dict[str, str] = {}
    edges: dict[tuple[str, str], dict[str, str]] = {}
    lines = source.splitlines()
    for index, line in enumerate(lines):
        if match := _CLUSTER.match(line):
            clusters[match.group(1)] = _attrs(lines[index + 1])["label"]
        elif match := _NODE.match(line):
            cells = re.findall(r"<TD>(.*?)</TD>", match.group(2))
            nodes[match.group(1)] = html.unescape(cells[-1].replace("<BR/>", "\n"))
        elif match := _EDGE.match(line):
            attrs = _attrs(match.group(3))
            if attrs.get("style") == "invis":
                continue
            edges[(match.group(1), match.group(2))] = attrs
            if attrs.get("dir") == "both":
                edges[(match.group(2), match.group(1))] = attrs
    return Dot(clusters, nodes, edges)


def label_lines(attrs: dict[str, str]) -> list[str]:
    return attrs.get("label", "").split("\\n")


def without(plan: Plan, *removed: Registration) -> Plan:
    urns = {reg.urn for reg in removed}
    return dataclasses.replace(plan, resources=[reg for reg in plan.resources if reg.urn not in urns])


def replaced(plan: Plan, new: Registration) -> Plan:
    return dataclasses.replace(plan, resources=[new if reg.urn == new.urn else reg for reg in plan.resources])


def names(dev: Plan, type_token: str, key: str) -> list[str]:
    return sorted(str(reg.inputs[key]) for reg in dev.by_type(type_token))


@pytest.fixture(scope="module")
def dev_source(dev: Plan) -> str:
    return diagram_source(dev)


@pytest.fixture(scope="module")
def dot(dev_source: str) -> Dot:
    return parse(dev_source)


# ---------------------------------------------------------------------------- the committed diagram


def test_committed_diagram_is_the_dev_plans(dev_source: str) -> None:
    assert COMMITTED_DOT.is_file(), f"docs/architecture-dev.dot is missing; {REGENERATE}"
    assert COMMITTED_DOT.read_text(encoding="utf-8") == dev_source, (
        f"docs/architecture-dev.dot no longer matches the program's dev plan; {REGENERATE}"
    )
    assert COMMITTED_PNG.read_bytes()[:8] == PNG_MAGIC, f"docs/architecture-dev.png is not a PNG; {REGENERATE}"


def test_source_is_deterministic_and_portable(dev: Plan, dev_source: str) -> None:
    reordered = dataclasses.replace(dev, resources=list(reversed(dev.resources)))
    assert diagram_source(reordered) == dev_source
    assert str(ICON_ROOT) not in dev_source
    assert str(PROJECT_DIR) not in dev_source
    assert not re.search(r"\b[0-9a-f]{32}\b", dev_source), "diagrams' random uuid node ids leaked into the source"


# ---------------------------------------------------------------------------- what it shows


def test_a_cluster_per_component_labelled_with_type_and_name(dev: Plan, dot: Dot) -> None:
    components = [reg for reg in dev.resources if not reg.custom]
    expected = {f"{reg.type.rsplit(':', 1)[-1]} ({reg.name})" for reg in components}
    assert set(dot.clusters.values()) == expected
    kinds = {label.split(" ")[0] for label in dot.clusters.values()}
    assert kinds >= {
        "DataPlatform",
        "ResourceGroup",
        "DataLake",
        "KeyVault",
        "FunctionApp",
        "DataFactory",
        "DataFactoryContent",
        "SqlDatabase",
        "Monitoring",
    }


def test_main_resources_carry_their_azure_names(dev: Plan, dot: Dot) -> None:
    first_lines = {text.split("\n")[0] for text in dot.nodes.values()}
    for type_token, key in (
        ("azure-native:storage:StorageAccount", "accountName"),
        ("azure-native:keyvault:Vault", "vaultName"),
        ("azure-native:web:WebApp", "name"),
        ("azure-native:datafactory:Factory", "factoryName"),
        ("azure-native:sql:Database", "databaseName"),
        ("azure-native:operationalinsights:Workspace", "workspaceName"),
        ("azure-native:applicationinsights:Component", "resourceName"),
    ):
        assert set(names(dev, type_token, key)) <= first_lines, type_token
    assert {"bronze", "silver", "archive"} <= first_lines
    assert len(dot.nodes) < len(dev.resources) / 2, "the diagram should summarise, not draw every resource"


def test_factory_content_is_summarised_with_counts(dev: Plan, dot: Dot) -> None:
    summary = next(text for text in dot.nodes.values() if "pipeline" in text)
    pipelines = len(dev.by_type("azure-native:datafactory:Pipeline"))
    triggers = len(dev.by_type("azure-native:datafactory:Trigger"))
    assert f"{pipelines} pipelines" in summary
    assert f"{triggers} triggers" in summary


def test_data_flows_from_the_generator_through_bronze_to_silver(dev: Plan, dot: Dot) -> None:
    app = str(one(dev, "azure-native:web:WebApp").inputs["name"])
    generator, bronze, silver = dot.node(app), dot.node("bronze"), dot.node("silver")
    assert "Blob Data Contributor" in label_lines(dot.edge(generator, bronze, "data"))
    flows = names(dev, "azure-native:datafactory:DataFlow", "dataFlowName")
    assert set(label_lines(dot.edge(bronze, silver, "data"))) & set(flows)


def test_sql_and_the_factory_exchange_data_and_sql_is_archived(dev: Plan, dot: Dot) -> None:
    factory = dot.node(str(one(dev, "azure-native:datafactory:Factory").inputs["factoryName"]))
    sql = dot.node(str(one(dev, "azure-native:sql:Database").inputs["databaseName"]))
    archive = dot.node("archive")
    assert dot.edge(factory, sql, "data")["dir"] == "both"
    assert "LS_AzureSql" in label_lines(dot.edge(factory, sql, "data"))
    pipelines = names(dev, "azure-native:datafactory:Pipeline", "pipelineName")
    assert set(label_lines(dot.edge(sql, archive, "data"))) & set(pipelines)
    lake = dot.node(str(one(dev, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"]))
    assert dot.edge(factory, lake, "data")["dir"] == "both"


def test_key_vault_feeds_its_consumers(dev: Plan, dot: Dot) -> None:
    vault = dot.node(str(one(dev, "azure-native:keyvault:Vault").inputs["vaultName"]))
    generator = dot.node(str(one(dev, "azure-native:web:WebApp").inputs["name"]))
    factory = dot.node(str(one(dev, "azure-native:datafactory:Factory").inputs["factoryName"]))
    for consumer in (generator, factory):
        assert "Key Vault Secrets User" in label_lines(dot.edge(vault, consumer, "secret"))
    assert (generator, vault) not in dot.edges


def test_diagnostics_go_to_log_analytics(dev: Plan, dot: Dot) -> None:
    workspace = dot.node(str(one(dev, "azure-native:operationalinsights:Workspace").inputs["workspaceName"]))
    senders = [
        str(one(dev, "azure-native:web:WebApp").inputs["name"]),
        str(one(dev, "azure-native:datafactory:Factory").inputs["factoryName"]),
        str(one(dev, "azure-native:keyvault:Vault").inputs["vaultName"]),
        str(one(dev, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"]),
    ]
    assert len(dev.by_type("azure-native:monitor:DiagnosticSetting")) >= len(senders)
    for sender in senders:
        dot.edge(dot.node(sender), workspace, "telemetry")


# ---------------------------------------------------------------------------- a change in the plan changes the diagram


def test_dropping_the_generators_bronze_grant_drops_the_edge(dev: Plan, dot: Dot) -> None:
    grant = one(dev, "azure-native:authorization:RoleAssignment", "generator-bronze-blob-contributor")
    changed = parse(diagram_source(without(dev, grant)))
    app = str(one(dev, "azure-native:web:WebApp").inputs["name"])
    assert (dot.node(app), dot.node("bronze")) in dot.edges
    assert (changed.node(app), changed.node("bronze")) not in changed.edges
    assert set(changed.edges) == set(dot.edges) - {(dot.node(app), dot.node("bronze"))}


def test_dropping_the_data_flow_drops_bronze_to_silver(dev: Plan, dot: Dot) -> None:
    flows = dev.by_type("azure-native:datafactory:DataFlow")
    changed = parse(diagram_source(without(dev, *flows)))
    assert (changed.node("bronze"), changed.node("silver")) not in changed.edges
    assert (changed.node("bronze"), changed.node("silver")) in dot.edges


def test_a_new_copy_activity_draws_a_new_lineage_edge(dev: Plan, dot: Dot) -> None:
    """Copying silver to archive in an existing pipeline adds silver -> archive, labelled with the pipeline."""
    datasets = dev.by_type("azure-native:datafactory:Dataset")

    def in_container(container: str) -> str:
        found = [d for d in datasets if (d.inputs["properties"].get("location") or {}).get("fileSystem") == container]
        return str(found[0].inputs["datasetName"])

    pipeline = sorted(dev.by_type("azure-native:datafactory:Pipeline"), key=lambda r: r.urn)[0]
    changed_pipeline = copy.deepcopy(pipeline)
    copy_activity: dict[str, Any] = {
        "name": "CopySilverToArchive",
        "type": "Copy",
        "inputs": [{"referenceName": in_container("silver"), "type": "DatasetReference"}],
        "outputs": [{"referenceName": in_container("archive"), "type": "DatasetReference"}],
    }
    changed_pipeline.inputs["activities"].append(copy_activity)
    silver, archive = dot.node("silver"), dot.node("archive")
    assert (silver, archive) not in dot.edges
    changed = parse(diagram_source(replaced(dev, changed_pipeline)))
    assert label_lines(changed.edge(silver, archive, "data")) == [pipeline.inputs["pipelineName"]]


# ---------------------------------------------------------------------------- rendering


def _args(**values: Any) -> list[str]:
    return ["diagram", *(item for key, value in values.items() for item in (f"--{key}", str(value)))]


def test_renders_png_with_graphviz(dev_source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("dot") is None:
        pytest.fail(f"Graphviz is required for this test (make install sets it up): {GRAPHVIZ_HINT}")
    image = tmp_path / "direct.png"
    render(dev_source, image)
    assert image.read_bytes()[:8] == PNG_MAGIC
    assert image.stat().st_size > 50_000, "the icons should be embedded"

    assert main(_args(stack="dev", output=tmp_path / "docs" / "architecture-dev")) == 0
    assert (tmp_path / "docs" / "architecture-dev.dot").read_text(encoding="utf-8") == dev_source
    assert (tmp_path / "docs" / "architecture-dev.png").read_bytes()[:8] == PNG_MAGIC
    assert "architecture-dev.png" in capsys.readouterr().out


def test_missing_graphviz_exits_2_with_the_install_hint(
    dev_source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert shutil.which("dot") is None
    output = tmp_path / "out" / "architecture-dev"
    assert main(_args(stack="dev", output=output)) == 2
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err
    assert "brew install graphviz" in err
    assert "graphviz.org" in err
    assert not output.parent.exists(), "nothing is written without Graphviz"
    with pytest.raises(GraphvizNotFoundError):
        render(dev_source, tmp_path / "x.png")


def test_json_envelope_of_a_machine_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main([*_args(stack="dev", output=tmp_path / "out"), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert (document["command"], document["ok"], document["exitCode"]) == ("diagram", False, 2)
    assert [error["kind"] for error in document["errors"]] == ["input"]
    assert "apt-get install graphviz" in document["errors"][0]["message"]


def test_unknown_stack_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("dot") is None:
        pytest.fail(f"Graphviz is required for this test: {GRAPHVIZ_HINT}")
    assert main(_args(stack="staging")) == 2
    assert "Pulumi.staging.yaml: no such stack file" in capsys.readouterr().err


# ---------------------------------------------------------------------------- private networking (test, prod)


def test_a_private_stack_draws_its_vnet_subnets_and_private_endpoints(plans: dict[str, Plan]) -> None:
    # The VNet is the foundation's: the diagram draws the environment, the foundation's resources included.
    test = dataclasses.replace(plans["test"], resources=plans["test"].all_resources)
    drawn = parse(diagram_source(plans["test"]))
    vnet = drawn.node(str(one(test, "azure-native:network:VirtualNetwork").inputs["virtualNetworkName"]))
    assert drawn.nodes[vnet].endswith("10.20.0.0/24")
    subnets = {text.split(" ")[0] for text in drawn.nodes.values() if text.startswith("snet-")}
    assert subnets == {"snet-private-endpoints", "snet-function-app", "snet-agents"}
    lake = str(one(test, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"])
    endpoint = drawn.node(f"pe-{lake}-dfs")
    assert drawn.edge(endpoint, drawn.node(lake), "private")["label"] == "dfs"
    managed = drawn.node("mpe-sql")
    assert drawn.nodes[managed].endswith("managed, sqlServer")
    app = str(one(test, "azure-native:web:WebApp").inputs["name"])
    assert drawn.edge(drawn.node(app), drawn.node("snet-function-app 10.20.0.64/26"), "private")


def test_dev_draws_no_network_but_its_plain_runtime(dot: Dot) -> None:
    assert not [text for text in dot.nodes.values() if text.startswith(("snet-", "pe-", "mpe-"))]
    assert dot.nodes[dot.node("ir-managed")].endswith("Azure IR, no VNet")
