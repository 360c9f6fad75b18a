"""ADF content deployed as an ARM deployment of its own JSON (adf/lossless.py) is judged as its typed twin is: the
reachability model and the rehearsal's first runs read the deployment's template.

The test stack's program is copied and three of its items are pushed onto the ARM route (an integer beyond 2^53 in
their annotations, which Pulumi's engine cannot carry typed): the SQL linked service, the bronze-to-silver data flow
and the pipeline that runs it."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from adf.arm import literal, template
from adf.model import AdfItem, AdfKind
from adf.walk import walk_activities
from preview.mocks import Registration
from preview.plan import Plan, copy_program, run_program
from preview.resource_types import ResourceType
from preview.view import PlanView
from reachability import check
from reachability.factory import factory_uses, pipeline_uses, pipelines, runtimes
from rehearsal import rehearse
from tests.support.checkout import PROJECT_DIR
from tests.support.registrations import PROVIDERS, approved_managed_endpoint, reg, view_of

BIG = 2**53 + 1
ARM_ROUTED = {
    "linkedService/LS_AzureSql": "platform-adf-content-linkedService-LS_AzureSql",
    "dataflow/DF_Events_BronzeToSilver": "platform-adf-content-dataflow-DF_Events_BronzeToSilver",
    "pipeline/PL_Events_BronzeToSilver": "platform-adf-content-pipeline-PL_Events_BronzeToSilver",
}
"""File (under pipelines_json/) -> the logical name of the resource that deploys it."""


@pytest.fixture(scope="module")
def arm_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    project = copy_program(tmp_path_factory.mktemp("arm-route"), PROJECT_DIR, stacks=("test",))
    for file in ARM_ROUTED:
        path = project / "pipelines_json" / f"{file}.json"
        document = json.loads(path.read_text())
        document["properties"]["annotations"] = [BIG]
        path.write_text(json.dumps(document))
    return run_program("test", project)


def registration(regs: list[Registration], name: str) -> Registration:
    (found,) = [reg for reg in regs if reg.name == name]
    return found


def edited(regs: list[Registration], name: str, change: Callable[[dict[str, Any]], None]) -> list[Registration]:
    target = registration(regs, name)
    inputs = copy.deepcopy(target.inputs)
    change(inputs)
    return [dataclasses.replace(reg, inputs=inputs) if reg is target else reg for reg in regs]


def templated(inputs: dict[str, Any]) -> dict[str, Any]:
    """The ADF object an ARM deployment's inputs hold, as its template writes it."""
    (resource,) = inputs["properties"]["template"]["resources"]
    properties: dict[str, Any] = resource["properties"]
    return properties


def violations(regs: list[Registration]) -> list[str]:
    return sorted(str(violation) for violation in check(PlanView.of_registrations(regs)))


def first_runs_blocked(regs: list[Registration]) -> list[str]:
    return sorted(str(blocked) for blocked in rehearse(PlanView.of_registrations(regs), []).blocked)


def drop_connect_via_typed(inputs: dict[str, Any]) -> None:
    inputs["properties"].pop("connectVia")


def drop_connect_via_arm(inputs: dict[str, Any]) -> None:
    templated(inputs).pop("connectVia")


def drop_flow_runtime_typed(inputs: dict[str, Any]) -> None:
    (activity,) = inputs["activities"]
    activity.pop("integrationRuntime")


def drop_flow_runtime_arm(inputs: dict[str, Any]) -> None:
    (activity,) = [a for a in walk_activities(templated(inputs)["activities"]) if a["type"] == "ExecuteDataFlow"]
    activity["typeProperties"].pop("integrationRuntime")


def test_the_items_take_the_arm_route_and_the_template_escapes_the_big_integer(arm_plan: Plan) -> None:
    for name in ARM_ROUTED.values():
        deployment = registration(list(arm_plan.all_resources), name)
        assert deployment.type == ResourceType.DEPLOYMENT, name
        assert templated(deployment.inputs)["annotations"] == [f"[json('{BIG}')]"]


def test_the_factorys_conversations_are_the_same_on_either_route(plans: dict[str, Plan], arm_plan: Plan) -> None:
    def conversations(plan: Plan) -> set[tuple[str, str, str, str]]:
        return {
            (use.runtime.name, use.target.reg.name, use.target.group_id, use.reason)
            for use in factory_uses(PlanView.of_environment(plan))
        }

    typed = conversations(plans["test"])
    assert ("ir-managed", "platform-sql-server", "sqlServer", "linked service LS_AzureSql") in typed
    assert any(reason.endswith("activity CleanseBatchToSilver (data flow)") for *_rest, reason in typed)
    assert conversations(arm_plan) == typed


def test_correct_arm_routed_content_is_reachable_and_its_first_runs_pass(arm_plan: Plan) -> None:
    regs = list(arm_plan.all_resources)
    assert violations(regs) == []
    assert first_runs_blocked(regs) == []


def test_an_arm_routed_linked_service_on_autoresolve_fails_reachability_as_the_typed_one_does(
    plans: dict[str, Plan], arm_plan: Plan
) -> None:
    name = ARM_ROUTED["linkedService/LS_AzureSql"]
    typed = violations(edited(list(plans["test"].all_resources), name, drop_connect_via_typed))
    arm = violations(edited(list(arm_plan.all_resources), name, drop_connect_via_arm))
    assert len(typed) == 1 and "on AutoResolveIntegrationRuntime" in typed[0]
    assert "linked service LS_AzureSql" in typed[0]
    assert arm == typed


def test_a_data_flow_activity_without_a_runtime_in_an_arm_routed_pipeline_fails_its_first_run(
    plans: dict[str, Plan], arm_plan: Plan
) -> None:
    name = ARM_ROUTED["pipeline/PL_Events_BronzeToSilver"]
    typed = first_runs_blocked(edited(list(plans["test"].all_resources), name, drop_flow_runtime_typed))
    arm = first_runs_blocked(edited(list(arm_plan.all_resources), name, drop_flow_runtime_arm))
    assert len(typed) == 1
    assert typed[0].startswith("first runs: the first run of PL_Events_BronzeToSilver")
    assert "on AutoResolveIntegrationRuntime -> lake" in typed[0]
    assert arm == typed


def test_the_copy_changes_nothing_else(plans: dict[str, Plan], arm_plan: Plan) -> None:
    """Only the three items moved: every other resource of the copy is the committed plan's."""
    committed = {reg.urn for reg in plans["test"].all_resources}
    moved = {reg.urn for reg in arm_plan.all_resources} ^ committed
    assert {urn.rsplit("::", 1)[1] for urn in moved} == set(ARM_ROUTED.values())


# --- small hand-made plans ------------------------------------------------------------------------------------------


def deployed(kind: AdfKind, name: str, properties: dict[str, Any]) -> Registration:
    """An ARM deployment of one item into factory adf-x, as components/data_factory_content.py registers it."""
    item = AdfItem(kind, name, f"pipelines_json/{kind}/{name}.json", {"name": name, "properties": properties})
    return reg(
        ResourceType.DEPLOYMENT,
        f"content-{kind}-{name}",
        deploymentName=f"adf-{kind}-{name}",
        properties={
            "mode": "Incremental",
            "template": template(item, literal(properties)),
            "parameters": {"factoryName": {"value": "adf-x"}},
        },
    )


def closed_lake_through(runtime_properties: dict[str, Any]) -> list[Registration]:
    """A closed lake, the factory's approved managed endpoint to it, and a linked service on the runtime `ir-x`,
    the runtime and the linked service deployed by ARM."""
    lake_id = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake"
    lake = reg(
        ResourceType.STORAGE_ACCOUNT,
        "lake",
        accountName="stlake",
        publicNetworkAccess="Disabled",
        networkRuleSet={"defaultAction": "Deny"},
    )
    managed = approved_managed_endpoint(lake_id, "dfs", "mpe-lake-dfs")
    service = {
        "type": "AzureBlobFS",
        "connectVia": {"referenceName": "ir-x", "type": "IntegrationRuntimeReference"},
        "typeProperties": {"url": "https://stlake.dfs.core.windows.net/"},
    }
    return [
        lake,
        reg(ResourceType.FACTORY, "adf", factoryName="adf-x"),
        deployed(AdfKind.INTEGRATION_RUNTIME, "ir-x", runtime_properties),
        *managed,
        deployed(AdfKind.LINKED_SERVICE, "LS_Lake", service),
    ]


def test_a_runtime_deployed_by_arm_in_the_managed_network_reaches_a_closed_lake_through_its_managed_endpoint() -> None:
    in_vnet = {"type": "Managed", "typeProperties": {}, "managedVirtualNetwork": {"referenceName": "default"}}
    view = view_of(*closed_lake_through(in_vnet))
    found = runtimes(view)["ir-x"]
    assert (found.managed_vnet, found.reg.name if found.reg else None, found.factory) == (
        True,
        "content-integrationRuntime-ir-x",
        view.named(ResourceType.FACTORY, "adf-x")[0],
    )
    assert check(view) == []
    (outside,) = check(view_of(*closed_lake_through({"type": "Managed", "typeProperties": {}})))
    assert "the connection runs on ir-x, which is in no managed virtual network of the factory" in outside.reason


def test_an_arm_routed_pipeline_names_each_nested_activitys_connections_once_under_that_activity() -> None:
    factory = reg(ResourceType.FACTORY, "adf", factoryName="adf-x")
    lake = reg(ResourceType.STORAGE_ACCOUNT, "lake", accountName="stlake")
    service = deployed(
        AdfKind.LINKED_SERVICE,
        "LS_Lake",
        {"type": "AzureBlobFS", "typeProperties": {"url": "https://stlake.dfs.core.windows.net/"}},
    )
    dataset = deployed(
        AdfKind.DATASET,
        "DS_Raw",
        {"type": "Parquet", "linkedServiceName": {"referenceName": "LS_Lake", "type": "LinkedServiceReference"}},
    )
    copy_rows = {
        "name": "CopyRows",
        "type": "Copy",
        "inputs": [{"referenceName": "DS_Raw", "type": "DatasetReference"}],
        "typeProperties": {"source": {"type": "ParquetSource"}, "sink": {"type": "ParquetSink"}},
    }
    for_each = {"name": "EachFile", "type": "ForEach", "typeProperties": {"items": "@x", "activities": [copy_rows]}}
    pipeline = deployed(AdfKind.PIPELINE, "PL_Files", {"activities": [for_each]})
    view = view_of(factory, lake, service, dataset, pipeline)
    (found,) = pipelines(view)
    assert (found.name, found.reg) == ("PL_Files", pipeline)
    assert [(use.reason, use.target.reg, use.runtime.name) for use in pipeline_uses(view, found)] == [
        ("pipeline PL_Files, activity CopyRows", lake, "AutoResolveIntegrationRuntime")
    ]
