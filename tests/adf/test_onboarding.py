"""The shapes real ADF Studio repositories have: every folder, read-only metadata, SDK spellings, SQL schemas,
time zones, parameter case, file-name case, and files the loader used to crash on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adf.convert import authoring_path, to_inputs
from adf.model import ContentError
from tests.support.adf_tree import fixture_files, load, problems_of, write


def _sql_dataset(type_properties: dict[str, Any], adf_type: str = "AzureSqlTable") -> dict[str, Any]:
    return {
        "name": "DS_Sql",
        "properties": {
            "type": adf_type,
            "linkedServiceName": {"referenceName": "LS_Lake", "type": "LinkedServiceReference"},
            "schema": [{"name": "id", "type": "int"}],
            "parameters": {"table": {"type": "string"}},
            "typeProperties": type_properties,
        },
    }


def test_read_only_metadata_is_dropped_and_told_once(tmp_path: Path) -> None:
    files = fixture_files()
    for key in ("pipeline/PL_Copy", "dataset/DS_Files", "linkedService/LS_Lake"):
        files[key]["properties"]["lastPublishTime"] = "2021-05-04T10:00:00Z"
    files["pipeline/PL_Copy"]["properties"]["lastModifiedByObjectId"] = "0b6b0f9e-0000-0000-0000-000000000000"
    content = load(write(tmp_path, files))
    pipeline = next(i for i in content.items if i.name == "PL_Copy")
    assert "lastPublishTime" not in to_inputs(pipeline)
    dropped = [note for note in content.notes if note.startswith("dropped read-only properties")]
    assert dropped == [
        "dropped read-only properties that ADF Studio writes and the API sets: "
        "lastModifiedByObjectId (1 file(s)), lastPublishTime (3 file(s))"
    ]


def test_factory_global_parameters_are_read_and_the_platform_settings_ignored(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    files["factory/adf-contoso-dev"] = {
        "name": "adf-contoso-dev",
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "globalParameters": {
                "region": {"type": "string", "value": "weu"},
                "environment": {"type": "string", "value": "dev"},
            },
            "publicNetworkAccess": "Enabled",
        },
    }
    files["pipeline/PL_Copy"]["properties"]["description"] = "@{pipeline().globalParameters.region}"
    content = load(write(tmp_path, files))
    assert content.global_parameters == (("region", {"type": "String", "value": "weu"}),)
    assert any("ignored identity, location, publicNetworkAccess" in note for note in content.notes)


def test_a_factory_file_without_properties_is_a_factory_without_global_parameters(tmp_path: Path) -> None:
    """ADF Studio writes only name, location and identity for a factory that has no global parameters."""
    files: dict[str, Any] = fixture_files()
    files["factory/adf-contoso-dev"] = {
        "name": "adf-contoso-dev",
        "location": "eastasia",
        "identity": {"type": "SystemAssigned", "principalId": "8ebf3be6-0000-0000-0000-000000000000"},
    }
    content = load(write(tmp_path, files))
    assert content.global_parameters == ()
    assert any("ignored identity, location" in note for note in content.notes)


def test_an_undeclared_global_parameter_is_still_refused(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["description"] = "@{pipeline().globalParameters.region}"
    assert "references undeclared global parameter 'region'; declared: environment" in problems_of(tmp_path, files)


def test_integration_runtimes_and_credentials_are_items_ordered_before_what_uses_them(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    files["integrationRuntime/ir-onprem"] = {"name": "ir-onprem", "properties": {"type": "SelfHosted"}}
    files["credential/uami-etl"] = {
        "name": "uami-etl",
        "properties": {"type": "ManagedIdentity", "typeProperties": {"resourceId": "/subscriptions/0/x"}},
    }
    lake = files["linkedService/LS_Lake"]["properties"]
    lake["connectVia"] = {"referenceName": "ir-onprem", "type": "IntegrationRuntimeReference"}
    lake["typeProperties"]["credential"] = {"referenceName": "uami-etl", "type": "CredentialReference"}
    content = load(write(tmp_path, files))
    order = [item.name for item in content.items]
    assert order.index("uami-etl") < order.index("ir-onprem") < order.index("LS_Lake")
    assert next(i for i in content.items if i.name == "LS_Lake").depends_on() == {
        ("integrationRuntime", "ir-onprem"),
        ("credential", "uami-etl"),
    }
    credential = next(i for i in content.items if i.name == "uami-etl")
    assert to_inputs(credential) == {
        "properties": {"type": "ManagedIdentity", "resourceId": "/subscriptions/0/x"},
    }


def test_the_built_in_auto_resolve_runtime_needs_no_file(tmp_path: Path) -> None:
    files = fixture_files()
    files["linkedService/LS_Lake"]["properties"]["connectVia"] = {
        "referenceName": "AutoResolveIntegrationRuntime",
        "type": "IntegrationRuntimeReference",
    }
    assert load(write(tmp_path, files)).items


def test_a_managed_virtual_network_deploys_as_an_arm_deployment_and_what_uses_it_typed(tmp_path: Path) -> None:
    """azure-native has no resource for the managed virtual network (pulumi/pulumi-azure-native#896): its file
    takes the lossless path, including the file ADF Studio writes without properties; endpoints stay typed."""
    files: dict[str, Any] = fixture_files()
    files["managedVirtualNetwork/default"] = {
        "name": "default",
        "type": "Microsoft.DataFactory/factories/managedvirtualnetworks",
    }
    files["managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake"] = {
        "name": "pe-lake",
        "properties": {"privateLinkResourceId": "/subscriptions/0/lake", "groupId": "dfs"},
    }
    content = load(write(tmp_path, files))
    network = content.route("managedVirtualNetwork", "default")
    assert network.arm
    assert network.reasons == (
        "(root): azure-native has no datafactory ManagedVirtualNetwork resource, only get and reference types "
        "(pulumi/pulumi-azure-native#896)",
    )
    assert next(i for i in content.items if i.name == "default").properties == {}
    assert not content.route("managedPrivateEndpoint", "pe-lake").arm


def test_a_dependency_on_a_missing_trigger_is_refused(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_Window"] = _tumbling_window("TR_Window", "TR_Ghost")
    assert "trigger 'TR_Ghost' does not exist" in problems_of(tmp_path, files)


def test_a_dependency_on_an_existing_trigger_orders_it_first(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_A_Window"] = _tumbling_window("TR_A_Window", "TR_Z_Window")
    files["trigger/TR_Z_Window"] = _tumbling_window("TR_Z_Window", "")
    del files["trigger/TR_Z_Window"]["properties"]["typeProperties"]["dependsOn"]
    content = load(write(tmp_path, files))
    window = next(i for i in content.items if i.name == "TR_A_Window")
    assert ("trigger", "TR_Z_Window") in window.depends_on()
    order = [item.name for item in content.items]
    assert order.index("TR_Z_Window") < order.index("TR_A_Window")


def _tumbling_window(name: str, depends_on: str) -> dict[str, Any]:
    return {
        "name": name,
        "properties": {
            "type": "TumblingWindowTrigger",
            "pipeline": {"pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"}},
            "typeProperties": {
                "frequency": "Hour",
                "interval": 1,
                "startTime": "2026-01-01T00:00:00Z",
                "maxConcurrency": 1,
                "dependsOn": [
                    {
                        "type": "TumblingWindowTriggerDependencyReference",
                        "referenceTrigger": {"referenceName": depends_on, "type": "TriggerReference"},
                    }
                ],
            },
        },
    }


def test_power_query_activity_keys_take_the_sdk_spelling(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"].append(
        {
            "name": "Wrangle",
            "type": "ExecuteWranglingDataflow",
            "typeProperties": {"dataflow": {"referenceName": "DF_Wrangle", "type": "DataFlowReference"}},
        }
    )
    files["dataflow/DF_Wrangle"] = {"name": "DF_Wrangle", "properties": {"type": "WranglingDataFlow"}}
    pipeline = next(i for i in load(write(tmp_path, files)).items if i.name == "PL_Copy")
    activity = to_inputs(pipeline)["activities"][2]
    assert activity["dataFlow"] == {"referenceName": "DF_Wrangle", "type": "DataFlowReference"}
    assert "dataflow" not in activity


@pytest.mark.parametrize("adf_type", ["AzureSqlTable", "OracleTable", "Db2Table", "PostgreSqlTable", "SnowflakeTable"])
def test_a_sql_schema_and_table_deploy_as_written_in_every_dialect(tmp_path: Path, adf_type: str) -> None:
    """No T-SQL brackets for any dialect: schema and table stay two properties, in the file's own JSON."""
    files: dict[str, Any] = fixture_files()
    files["dataset/DS_Sql"] = _sql_dataset(
        {"schema": "sales", "table": {"value": "@dataset().table", "type": "Expression"}}, adf_type
    )
    content = load(write(tmp_path, files))
    dataset = next(i for i in content.items if i.name == "DS_Sql")
    assert content.arm(dataset)
    assert dataset.properties["typeProperties"] == {
        "schema": "sales",
        "table": {"value": "@dataset().table", "type": "Expression"},
    }
    assert not any("tableName" in note for note in content.notes)


def test_a_lone_sql_schema_name_never_becomes_the_column_schema(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    dataset = _sql_dataset({"schema": "dbo"})
    del dataset["properties"]["schema"]
    files["dataset/DS_Sql"] = dataset
    content = load(write(tmp_path, files))
    route = content.route("dataset", "ds_sql")
    assert route.arm
    assert "pulumi/pulumi-azure-native#2006" in route.reasons[0]


def test_every_windows_time_zone_is_accepted(tmp_path: Path) -> None:
    files = fixture_files()
    recurrence = files["trigger/TR_Daily"]["properties"]["typeProperties"]["recurrence"]
    recurrence.update(timeZone="FLE Standard Time", startTime="2026-01-01T00:00:00")
    assert load(write(tmp_path, files)).items


def test_a_non_utc_schedule_refuses_a_trailing_z(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"]["typeProperties"]["recurrence"]["timeZone"] = "W. Europe Standard Time"
    message = problems_of(tmp_path, files)
    assert "recurrence.startTime: '2026-01-01T00:00:00Z' ends with 'Z' (UTC) but timeZone is" in message


def test_parameters_referenced_in_another_case_are_declared(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["description"] = "@{pipeline().parameters.RunDate}"
    files["trigger/TR_Daily"]["properties"]["pipelines"][0]["parameters"] = {"RUNDATE": "x"}
    assert load(write(tmp_path, files)).items


def test_a_file_name_differing_only_in_case_is_accepted(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/ds_files"] = files.pop("dataset/DS_Files")
    content = load(write(tmp_path, files))
    assert "DS_Files" in content.names("dataset")
    assert any("only in letter case" in note for note in content.notes)


@pytest.mark.parametrize("document", ["[]", '"text"', "42"])
def test_a_file_whose_root_is_not_an_object_is_a_problem(tmp_path: Path, document: str) -> None:
    files: dict[str, Any] = fixture_files()
    files["dataset/DS_List"] = document
    assert "pipelines_json/dataset/DS_List.json: (root): expected an object" in problems_of(tmp_path, files)


def test_empty_list_parameters_are_none_and_a_list_of_names_is_a_problem(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["description"] = "plain"
    files["pipeline/PL_Copy"]["properties"]["parameters"] = []
    with pytest.raises(ContentError) as info:
        load(write(tmp_path, files))
    assert "references undeclared pipeline parameter 'folders'" in str(info.value)
    files["pipeline/PL_Copy"]["properties"]["parameters"] = ["folders"]
    assert "properties.parameters: expected an object" in problems_of(tmp_path / "b", files)


def test_a_flattened_inputs_path_maps_back_to_the_authoring_file(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    pipeline = next(i for i in content.items if i.name == "PL_Copy")
    dataset = next(i for i in content.items if i.name == "DS_Files")
    assert authoring_path(pipeline, "activities[1].dataset") == "properties.activities[1].typeProperties.dataset"
    assert (
        authoring_path(pipeline, "activities[0].activities[0].waitTimeInSeconds")
        == "properties.activities[0].typeProperties.activities[0].typeProperties.waitTimeInSeconds"
    )
    assert authoring_path(dataset, "properties.location.fileSystem") == "properties.typeProperties.location.fileSystem"


def test_hidden_folders_of_a_repository_root_are_not_adf_folders(tmp_path: Path) -> None:
    root = write(tmp_path, fixture_files())
    (root / ".github" / "workflows").mkdir(parents=True)
    assert load(root).items


def _factory_file(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "properties": {"globalParameters": {"region": {"type": "string", "value": value}}}}


def test_factory_files_of_several_factories_may_declare_the_same_global_parameters(tmp_path: Path) -> None:
    """A repository connected to several factories over time keeps one factory file per factory."""
    files: dict[str, Any] = fixture_files()
    files["factory/adf-contoso-dev"] = _factory_file("adf-contoso-dev", "weu")
    files["factory/adf-contoso-dev2"] = _factory_file("adf-contoso-dev2", "weu")
    assert load(write(tmp_path, files)).global_parameters == (("region", {"type": "String", "value": "weu"}),)


def test_factory_files_that_disagree_on_a_global_parameter_are_refused_with_the_way_out(tmp_path: Path) -> None:
    files: dict[str, Any] = fixture_files()
    files["factory/adf-contoso-dev"] = _factory_file("adf-contoso-dev", "weu")
    files["factory/adf-contoso-prod"] = _factory_file("adf-contoso-prod", "neu")
    assert (
        "factory/adf-contoso-prod.json: properties.globalParameters.region: global parameter 'region' is declared "
        "twice, with different values; ADF Studio writes one factory file per factory connected to the repository: "
        "keep the one this factory deploys"
    ) in problems_of(tmp_path, files)
