"""The architecture view: each resource in its network zone, and the arrows the plan's wiring draws."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

import pytest

from preview.diagram import ICON_ROOT, architecture_source
from preview.mocks import Registration
from preview.plan import Plan
from tests.conftest import one
from tests.preview.diagram.dot_reader import Dot, label_lines, parse
from tests.support.checkout import PROJECT_DIR

VNET = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
MANAGED_ENDPOINT = "azure-native:datafactory:ManagedPrivateEndpoint"


def without(plan: Plan, *removed: Registration) -> Plan:
    urns = {reg.urn for reg in removed}
    return dataclasses.replace(plan, resources=[reg for reg in plan.resources if reg.urn not in urns])


def replaced(plan: Plan, new: Registration) -> Plan:
    return dataclasses.replace(plan, resources=[new if reg.urn == new.urn else reg for reg in plan.resources])


def changed_inputs(plan: Plan, reg: Registration, **inputs: Any) -> Plan:
    new = copy.deepcopy(reg)
    new.inputs.update(inputs)
    return replaced(plan, new)


def environment(plan: Plan) -> Plan:
    """The plan with its upstream stacks' resources: a private stack's VNet, subnets and pool are its foundation's."""
    return dataclasses.replace(plan, resources=plan.all_resources, upstream=())


def names(plan: Plan, type_token: str, key: str) -> list[str]:
    return sorted(str(reg.inputs[key]) for reg in plan.by_type(type_token))


def name_of(plan: Plan, type_token: str, key: str, suffix: str = "") -> str:
    return str(one(plan, type_token, suffix).inputs[key])


@pytest.fixture(scope="module")
def sources(plans: dict[str, Plan]) -> dict[str, str]:
    return {stack: architecture_source(plan) for stack, plan in plans.items()}


@pytest.fixture(scope="module")
def drawn(sources: dict[str, str]) -> dict[str, Dot]:
    return {stack: parse(source) for stack, source in sources.items()}


@pytest.fixture(scope="module")
def dot(drawn: dict[str, Dot]) -> Dot:
    return drawn["dev"]


# ---------------------------------------------------------------------------- the source itself


def test_source_is_deterministic_and_portable(dev: Plan, sources: dict[str, str]) -> None:
    reordered = dataclasses.replace(dev, resources=list(reversed(dev.resources)))
    assert architecture_source(reordered) == sources["dev"]
    for source in sources.values():
        assert str(ICON_ROOT) not in source
        assert str(PROJECT_DIR) not in source
        assert not re.search(r"\b[0-9a-f]{32}\b", source), "random ids leaked into the source"
        assert re.findall(r'<IMG SRC="([^"]+)"', source), "nodes carry their icons"
        assert all(src.startswith("resources/") for src in re.findall(r'<IMG SRC="([^"]+)"', source))


# ---------------------------------------------------------------------------- zones


def _zone_cluster(dot: Dot, label_start: str) -> str:
    found = [name for name, label in dot.clusters.items() if label.startswith(label_start)]
    assert len(found) == 1, f"expected one zone labelled {label_start!r}: {dot.clusters}"
    return found[0]


@pytest.mark.parametrize("stack", ["test", "prod"])
def test_a_private_stack_draws_its_vnet_with_a_cluster_per_subnet(plans: dict[str, Plan], stack: str) -> None:
    plan, dot = environment(plans[stack]), parse(architecture_source(plans[stack]))
    assert plans[stack].by_type(VNET) == [], "the VNet is the foundation's"
    vnet = one(plan, VNET)
    prefixes = ", ".join(vnet.inputs["addressSpace"]["addressPrefixes"])
    vnet_cluster = _zone_cluster(dot, f"VNet {vnet.inputs['virtualNetworkName']} {prefixes}")
    subnets = {str(reg.inputs["subnetName"]): str(reg.inputs["addressPrefix"]) for reg in plan.by_type(SUBNET)}
    assert len(subnets) == 3
    for subnet, prefix in subnets.items():
        assert dot.parents[_zone_cluster(dot, f"subnet {subnet} {prefix}")] == vnet_cluster


@pytest.mark.parametrize("stack", ["test", "prod"])
def test_private_endpoints_the_function_app_and_the_agents_sit_in_their_subnets(
    plans: dict[str, Plan], stack: str
) -> None:
    plan, dot = environment(plans[stack]), parse(architecture_source(plans[stack]))
    endpoints = plan.by_type(PRIVATE_ENDPOINT)
    endpoint_subnets = {reg.inputs["subnet"]["id"].rsplit("/", 1)[-1] for reg in endpoints}
    assert len(endpoint_subnets) == 1
    endpoint_zone = _zone_cluster(dot, f"subnet {endpoint_subnets.pop()} ")
    endpoint_node = dot.node(f"{len(endpoints)} private endpoints")
    assert dot.clusters_of(endpoint_node)[0] == endpoint_zone
    assert dot.parents[endpoint_zone] in dot.clusters_of(endpoint_node), "inside the VNet's cluster too"

    app = one(plan, "azure-native:web:WebApp")
    app_subnet = app.inputs["virtualNetworkSubnetId"].rsplit("/", 1)[-1]
    assert dot.clusters_of(dot.node(str(app.inputs["name"])))[0] == _zone_cluster(dot, f"subnet {app_subnet} ")
    pool = one(plan, "azure-native:devopsinfrastructure:Pool")
    pool_subnet = pool.inputs["fabricProfile"]["networkProfile"]["subnetId"].rsplit("/", 1)[-1]
    assert dot.clusters_of(dot.node(str(pool.inputs["poolName"])))[0] == _zone_cluster(dot, f"subnet {pool_subnet} ")


@pytest.mark.parametrize("stack", ["test", "prod"])
def test_each_private_endpoint_target_is_reached_for_exactly_its_group_ids(plans: dict[str, Plan], stack: str) -> None:
    """One arrow per target, labelled with the sub-resources the stack's endpoints reach on it."""
    plan, dot = plans[stack], parse(architecture_source(plans[stack]))
    targets = {
        "Microsoft.Storage/storageAccounts": "accountName",
        "Microsoft.KeyVault/vaults": "vaultName",
        "Microsoft.Sql/servers": "serverName",
        "Microsoft.Web/sites": "name",
    }
    expected: dict[str, set[str]] = {}
    for reg in plan.by_type(PRIVATE_ENDPOINT):
        for connection in reg.inputs["privateLinkServiceConnections"]:
            provider_type, name = connection["privateLinkServiceId"].split("/providers/")[1].rsplit("/", 1)
            expected.setdefault(f"{targets[provider_type]}={name}", set()).update(connection["groupIds"])
    endpoint_node = dot.node(f"{len(plan.by_type(PRIVATE_ENDPOINT))} private endpoints")
    drawn = {}
    for (tail, head), attrs in dot.edges.items():
        if tail == endpoint_node:
            drawn[head] = set(attrs["label"].split(", "))
    sql_database = dot.node(name_of(plan, "azure-native:sql:Database", "databaseName"))
    by_name = {
        f"accountName={name}": dot.node(name)
        for name in names(plan, "azure-native:storage:StorageAccount", "accountName")
    }
    by_name[f"vaultName={name_of(plan, 'azure-native:keyvault:Vault', 'vaultName')}"] = dot.node(
        name_of(plan, "azure-native:keyvault:Vault", "vaultName")
    )
    by_name[f"serverName={name_of(plan, 'azure-native:sql:Server', 'serverName')}"] = sql_database
    by_name[f"name={name_of(plan, 'azure-native:web:WebApp', 'name')}"] = dot.node(
        name_of(plan, "azure-native:web:WebApp", "name")
    )
    assert drawn == {by_name[target]: groups for target, groups in expected.items()}
    assert dot.edge(endpoint_node, by_name[f"vaultName={name_of(plan, 'azure-native:keyvault:Vault', 'vaultName')}"])


def test_the_factory_managed_vnet_holds_the_runtime_and_the_managed_endpoints(plans: dict[str, Plan]) -> None:
    test = plans["test"]
    dot = parse(architecture_source(test))
    managed = _zone_cluster(dot, "Data Factory managed VNet")
    endpoints = test.by_type(MANAGED_ENDPOINT)
    runtime = name_of(test, "azure-native:datafactory:IntegrationRuntime", "integrationRuntimeName")
    assert dot.members(managed) == {dot.node(f"{len(endpoints)} managed private endpoints"), dot.node(runtime)}
    lake = name_of(test, "azure-native:storage:StorageAccount", "accountName", "lake-account")
    groups = {
        e.inputs["properties"]["groupId"] for e in endpoints if lake in e.inputs["properties"]["privateLinkResourceId"]
    }
    edge = dot.edge(dot.node(f"{len(endpoints)} managed private endpoints"), dot.node(lake), "private")
    assert set(edge["label"].split(", ")) == groups == {"blob", "dfs"}


@pytest.mark.parametrize("stack", ["test", "prod"])
def test_data_planes_with_public_access_off_are_in_the_private_services_zone(
    plans: dict[str, Plan], stack: str
) -> None:
    plan, dot = plans[stack], parse(architecture_source(plans[stack]))
    private = _zone_cluster(dot, "Azure services, public network access disabled")
    public = _zone_cluster(dot, "Azure public endpoints")
    for type_token, key in (
        ("azure-native:storage:StorageAccount", "accountName"),
        ("azure-native:sql:Database", "databaseName"),
        ("azure-native:datafactory:Factory", "factoryName"),
    ):
        for name in names(plan, type_token, key):
            assert dot.clusters_of(dot.node(name)) == [private], name
    assert dot.clusters_of(dot.node(name_of(plan, "azure-native:keyvault:Vault", "vaultName"))) == [private]
    for container in ("bronze", "silver", "archive"):
        assert dot.clusters_of(dot.node(container)) == [private], "a container is in its account's zone"
    workspace = name_of(plan, "azure-native:operationalinsights:Workspace", "workspaceName")
    assert dot.clusters_of(dot.node(workspace)) == [public]


def test_turning_public_access_on_moves_the_lake_and_its_containers_to_the_public_zone(plans: dict[str, Plan]) -> None:
    test = plans["test"]
    lake = one(test, "azure-native:storage:StorageAccount", "lake-account")
    dot = parse(architecture_source(changed_inputs(test, lake, publicNetworkAccess="Enabled")))
    public = _zone_cluster(dot, "Azure public endpoints")
    for name in (str(lake.inputs["accountName"]), "bronze", "silver", "archive"):
        assert dot.clusters_of(dot.node(name)) == [public], name
    host = name_of(test, "azure-native:storage:StorageAccount", "accountName", "host-storage")
    assert dot.clusters_of(dot.node(host)) != [public], "the other account keeps its zone"


def test_without_vnet_integration_the_function_app_leaves_the_vnet(plans: dict[str, Plan]) -> None:
    test = plans["test"]
    app = one(test, "azure-native:web:WebApp")
    changed = copy.deepcopy(app)
    del changed.inputs["virtualNetworkSubnetId"]
    dot = parse(architecture_source(replaced(test, changed)))
    clusters = dot.clusters_of(dot.node(str(app.inputs["name"])))
    assert clusters == [_zone_cluster(dot, "Azure services, public network access disabled")]
    assert not [name for name, label in dot.clusters.items() if label.startswith("subnet snet-function-app")], (
        "a subnet that holds nothing is not drawn"
    )


def test_dev_has_no_network_zones_and_no_private_endpoints(dev: Plan, dot: Dot) -> None:
    assert dev.by_type(VNET) == [] and dev.by_type(PRIVATE_ENDPOINT) == []
    assert not [label for label in dot.clusters.values() if label.startswith(("VNet ", "subnet ", "Data Factory"))]
    assert not [text for text in dot.nodes.values() if "private endpoint" in text]
    runtime = name_of(dev, "azure-native:datafactory:IntegrationRuntime", "integrationRuntimeName")
    assert dot.nodes[dot.node(runtime)].endswith("Azure IR, no VNet")
    assert dot.clusters_of(dot.node(runtime)) == [_zone_cluster(dot, "Internet / Microsoft-hosted")]
    public = _zone_cluster(dot, "Azure public endpoints")
    assert dot.members(public) == set(dot.nodes) - {dot.node(runtime)}


def test_the_legend_lists_the_private_links_only_where_there_are_some(drawn: dict[str, Dot]) -> None:
    assert "private endpoint" not in drawn["dev"].graph["label"]
    assert "private endpoint" in drawn["test"].graph["label"]


# ---------------------------------------------------------------------------- what flows where


def test_data_flows_from_the_generator_through_bronze_to_silver(dev: Plan, dot: Dot) -> None:
    app = name_of(dev, "azure-native:web:WebApp", "name")
    generator, bronze, silver = dot.node(app), dot.node("bronze"), dot.node("silver")
    assert "Blob Data Contributor" in label_lines(dot.edge(generator, bronze, "data"))
    flows = names(dev, "azure-native:datafactory:DataFlow", "dataFlowName")
    assert set(label_lines(dot.edge(bronze, silver, "data"))) & set(flows)


def test_sql_and_the_factory_exchange_data_and_sql_is_archived(dev: Plan, dot: Dot) -> None:
    factory = dot.node(name_of(dev, "azure-native:datafactory:Factory", "factoryName"))
    sql = dot.node(name_of(dev, "azure-native:sql:Database", "databaseName"))
    archive = dot.node("archive")
    assert dot.edge(factory, sql, "data")["dir"] == "both"
    assert "LS_AzureSql" in label_lines(dot.edge(factory, sql, "data"))
    pipelines = names(dev, "azure-native:datafactory:Pipeline", "pipelineName")
    assert set(label_lines(dot.edge(sql, archive, "data"))) & set(pipelines)


def test_key_vault_feeds_its_consumers(dev: Plan, dot: Dot) -> None:
    vault = dot.node(name_of(dev, "azure-native:keyvault:Vault", "vaultName"))
    generator = dot.node(name_of(dev, "azure-native:web:WebApp", "name"))
    factory = dot.node(name_of(dev, "azure-native:datafactory:Factory", "factoryName"))
    for consumer in (generator, factory):
        assert "Key Vault Secrets User" in label_lines(dot.edge(vault, consumer, "secret"))
    assert (generator, vault) not in dot.edges


def test_the_workspace_counts_the_resources_that_send_it_diagnostics(dev: Plan, dot: Dot) -> None:
    """Counted once per resource: the lake's account and its blob service both send, and count as the lake."""
    settings = dev.by_type("azure-native:monitor:DiagnosticSetting")
    senders = {"/".join(s.inputs["resourceUri"].lower().split("/providers/")[1].split("/")[:3]) for s in settings}
    assert len(senders) < len(settings), "the lake sends from two scopes"
    workspace = dot.node(name_of(dev, "azure-native:operationalinsights:Workspace", "workspaceName"))
    assert dot.nodes[workspace].split("\n")[1] == f"diagnostics of {len(senders)} resources"
    vault_setting = one(dev, "azure-native:monitor:DiagnosticSetting", "key-vault-diagnostics")
    fewer = parse(architecture_source(without(dev, vault_setting)))
    assert fewer.nodes[workspace].split("\n")[1] == f"diagnostics of {len(senders) - 1} resources"


def test_telemetry_leaves_the_ranking_to_the_data_paths_but_a_labelled_one_keeps_room_for_its_label(
    dev: Plan, dot: Dot
) -> None:
    """Unlabelled telemetry arrows do not pull the layout; a labelled one is ranked, so dot places its label
    beside its arrow instead of beyond the picture's edge."""
    app = dot.node(name_of(dev, "azure-native:web:WebApp", "name"))
    insights = dot.node(name_of(dev, "azure-native:applicationinsights:Component", "resourceName"))
    workspace = dot.node(name_of(dev, "azure-native:operationalinsights:Workspace", "workspaceName"))
    labelled = dot.edge(app, insights, "telemetry")
    assert labelled["label"] == "Monitoring Metrics Publisher"
    assert "constraint" not in labelled and labelled["weight"] == "0"
    assert dot.edge(insights, workspace, "telemetry")["constraint"] == "false"


def test_factory_content_is_summarised_with_counts(dev: Plan, dot: Dot) -> None:
    summary = next(text for text in dot.nodes.values() if "pipeline" in text)
    assert f"{len(dev.by_type('azure-native:datafactory:Pipeline'))} pipelines" in summary
    assert f"{len(dev.by_type('azure-native:datafactory:Trigger'))} triggers" in summary


# ---------------------------------------------------------------------------- a change in the plan changes the view


def test_dropping_the_generators_bronze_grant_drops_the_edge(dev: Plan, dot: Dot) -> None:
    grant = one(dev, "azure-native:authorization:RoleAssignment", "generator-bronze-blob-contributor")
    changed = parse(architecture_source(without(dev, grant)))
    app = name_of(dev, "azure-native:web:WebApp", "name")
    assert (dot.node(app), dot.node("bronze")) in dot.edges
    assert set(changed.edges) == set(dot.edges) - {(dot.node(app), dot.node("bronze"))}


def test_dropping_the_data_flow_drops_bronze_to_silver(dev: Plan, dot: Dot) -> None:
    changed = parse(architecture_source(without(dev, *dev.by_type("azure-native:datafactory:DataFlow"))))
    assert (changed.node("bronze"), changed.node("silver")) not in changed.edges
    assert (dot.node("bronze"), dot.node("silver")) in dot.edges


def test_a_new_copy_activity_draws_a_new_lineage_edge(dev: Plan, dot: Dot) -> None:
    """Copying silver to archive in an existing pipeline adds silver -> archive, labelled with the pipeline."""
    datasets = dev.by_type("azure-native:datafactory:Dataset")

    def in_container(container: str) -> str:
        found = [d for d in datasets if (d.inputs["properties"].get("location") or {}).get("fileSystem") == container]
        return str(found[0].inputs["datasetName"])

    pipeline = sorted(dev.by_type("azure-native:datafactory:Pipeline"), key=lambda r: r.urn)[0]
    changed_pipeline = copy.deepcopy(pipeline)
    changed_pipeline.inputs["activities"].append(
        {
            "name": "CopySilverToArchive",
            "type": "Copy",
            "inputs": [{"referenceName": in_container("silver"), "type": "DatasetReference"}],
            "outputs": [{"referenceName": in_container("archive"), "type": "DatasetReference"}],
        }
    )
    silver, archive = dot.node("silver"), dot.node("archive")
    assert (silver, archive) not in dot.edges
    changed = parse(architecture_source(replaced(dev, changed_pipeline)))
    assert label_lines(changed.edge(silver, archive, "data")) == [pipeline.inputs["pipelineName"]]
