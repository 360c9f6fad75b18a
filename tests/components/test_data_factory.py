"""The Data Factory: managed identity, linked services without secrets, roles, diagnostics and alerting."""

from __future__ import annotations

import json

import pytest

from preview.plan import Plan
from tests.conftest import one
from tests.support.checkout import PIPELINES_DIR, PROJECT_DIR

FACTORY = "azure-native:datafactory:Factory"
LINKED = "azure-native:datafactory:LinkedService"
TRIGGER = "azure-native:datafactory:Trigger"
START = "2026-12-01T00:00:00Z"
DEV_FACTORY = {"publicNetworkAccess": True, "triggersEnabled": False, "triggerStartTime": START}
"""Pulumi.dev.yaml's dataFactory section, which a test replaces as a whole."""


def linked(plan: Plan) -> dict[str, dict]:
    return {reg.inputs["linkedServiceName"]: reg.inputs["properties"] for reg in plan.by_type(LINKED)}


def test_factory_has_identity_global_parameter_and_configured_network_access(dev: Plan) -> None:
    factory = one(dev, FACTORY).inputs
    assert factory["identity"] == {"type": "SystemAssigned"}
    assert factory["globalParameters"] == {"environment": {"type": "String", "value": "dev"}}
    assert factory["publicNetworkAccess"] == "Enabled"


def test_public_network_access_follows_config(plan_with) -> None:
    plan = plan_with("dev", **{"data-platform:dataFactory": {**DEV_FACTORY, "publicNetworkAccess": False}})
    assert one(plan, FACTORY).inputs["publicNetworkAccess"] == "Disabled"


def test_linked_services_point_at_this_stacks_resources(dev: Plan) -> None:
    services = linked(dev)
    lake = one(dev, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"]
    vault = one(dev, "azure-native:keyvault:Vault").inputs["vaultName"]
    server = one(dev, "azure-native:sql:Server").inputs["serverName"]
    assert services["LS_DataLake"]["url"] == f"https://{lake}.dfs.core.windows.net/"
    assert services["LS_KeyVault"]["baseUrl"] == f"https://{vault}.vault.azure.net/"
    assert services["LS_AzureSql"]["server"] == f"{server}.database.windows.net"
    assert services["LS_AzureSql"]["database"] == "sqldb-konnektmack-dev"
    assert set(services) == {"LS_DataLake", "LS_KeyVault", "LS_AzureSql"}, "none to the generator (Flex, no MPE)"


def test_no_linked_service_holds_a_credential(dev: Plan) -> None:
    for name, properties in linked(dev).items():
        for key in ("password", "accountKey", "connectionString", "sasUri", "sasToken", "servicePrincipalKey"):
            assert key not in properties, f"{name} has {key}"
    assert linked(dev)["LS_AzureSql"]["authenticationType"] == "SystemAssignedManagedIdentity"


def test_linked_services_wait_for_the_factory_roles(dev: Plan) -> None:
    roles = {reg.urn for reg in dev.by_type("azure-native:authorization:RoleAssignment") if "platform-adf-" in reg.name}
    assert len(roles) == 2
    lake = one(dev, LINKED, "LS_DataLake")
    assert roles <= set(lake.depends_on)


def test_factory_roles_are_blob_contributor_on_the_lake_and_secrets_user_on_the_vault(dev: Plan) -> None:
    grants = {
        reg.name: reg.inputs
        for reg in dev.by_type("azure-native:authorization:RoleAssignment")
        if reg.name.startswith("platform-adf-")
    }
    lake = grants["platform-adf-lake-blob-contributor"]
    assert lake["roleDefinitionId"].endswith("ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    assert "/storageAccounts/stkonnektmackdevweu" in lake["scope"]
    vault = grants["platform-adf-key-vault-secrets-user"]
    assert vault["roleDefinitionId"].endswith("4633458b-17de-408a-b874-0445c86b69e6")
    assert "/vaults/kv-konnektmack-dev-" in vault["scope"]


def test_run_history_goes_to_the_workspace(dev: Plan) -> None:
    setting = one(dev, "azure-native:monitor:DiagnosticSetting", "adf-diagnostics").inputs
    assert [log["category"] for log in setting["logs"]] == ["PipelineRuns", "ActivityRuns", "TriggerRuns"]
    assert setting["logAnalyticsDestinationType"] == "Dedicated"


def test_failed_pipeline_runs_raise_an_alert_to_the_action_group(dev: Plan) -> None:
    alert = one(dev, "azure-native:monitor:MetricAlert").inputs
    factory = one(dev, FACTORY).inputs["factoryName"]
    assert alert["scopes"] == [
        f"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-konnektmack-dev-weu"
        f"/providers/Microsoft.DataFactory/factories/{factory}"
    ]
    (criterion,) = alert["criteria"]["allOf"]
    assert criterion["metricName"] == "PipelineFailedRuns"
    assert criterion["operator"] == "GreaterThan"
    assert criterion["threshold"] == 0
    assert alert["actions"][0]["actionGroupId"].endswith("/actionGroups/ag-konnektmack-dev")


# Every by-name reference in the committed pipelines_json/, read from the files and written out by hand.
CONTENT_EDGES = {
    "linkedService/LS_AzureSql": set(),
    "linkedService/LS_DataLake": set(),
    "linkedService/LS_KeyVault": set(),
    "dataset/DS_AzureSql_StagingUserEvents": {"linkedService/LS_AzureSql"},
    "dataset/DS_AzureSql_StagingUserSubmissions": {"linkedService/LS_AzureSql"},
    "dataset/DS_AzureSql_Table": {"linkedService/LS_AzureSql"},
    "dataset/DS_Lake_Archive_Parquet": {"linkedService/LS_DataLake"},
    "dataset/DS_Lake_Bronze_Events_Csv": {"linkedService/LS_DataLake"},
    "dataset/DS_Lake_Bronze_Submissions_Json": {"linkedService/LS_DataLake"},
    "dataset/DS_Lake_Silver_Events_Parquet": {"linkedService/LS_DataLake"},
    "dataflow/DF_Events_BronzeToSilver": {"dataset/DS_Lake_Bronze_Events_Csv", "dataset/DS_Lake_Silver_Events_Parquet"},
    "pipeline/PL_Archive_SqlToLake": {"dataset/DS_AzureSql_Table", "dataset/DS_Lake_Archive_Parquet"},
    "pipeline/PL_Events_BronzeToSilver": {"dataflow/DF_Events_BronzeToSilver"},
    "pipeline/PL_Events_SilverToSql": {
        "dataset/DS_AzureSql_StagingUserEvents",
        "dataset/DS_Lake_Silver_Events_Parquet",
        "linkedService/LS_AzureSql",
    },
    "pipeline/PL_Reporting_AggregateHourly": {"linkedService/LS_AzureSql"},
    "pipeline/PL_UserSync_SubmissionsToSql": {
        "dataset/DS_AzureSql_StagingUserSubmissions",
        "dataset/DS_Lake_Bronze_Submissions_Json",
        "linkedService/LS_AzureSql",
    },
    "trigger/TR_Archive_DailyMidnight": {"pipeline/PL_Archive_SqlToLake"},
    "trigger/TR_Events_BronzeCreated": {"pipeline/PL_Events_BronzeToSilver"},
    "trigger/TR_Events_SilverToSql_Hourly": {"pipeline/PL_Events_SilverToSql"},
    "trigger/TR_Reporting_Hourly": {"pipeline/PL_Reporting_AggregateHourly"},
    "trigger/TR_UserSync_Daily0200": {"pipeline/PL_UserSync_SubmissionsToSql"},
    "trigger/TR_UserSync_SubmissionCreated": {"pipeline/PL_UserSync_SubmissionsToSql"},
}


def test_content_resources_depend_on_what_their_files_reference(dev: Plan) -> None:
    prefix = "platform-adf-content-"
    content = {reg.urn: reg for reg in dev.resources if reg.name.startswith(prefix)}

    def item(urn: str) -> str:
        return content[urn].name.removeprefix(prefix).replace("-", "/", 1)

    edges = {item(urn): {item(dep) for dep in reg.depends_on if dep in content} for urn, reg in content.items()}
    assert edges == CONTENT_EDGES


def test_overrides_put_this_stacks_values_into_the_content(prod: Plan) -> None:
    services = linked(prod)
    vault = one(prod, "azure-native:keyvault:Vault").inputs["vaultName"]
    assert services["LS_KeyVault"]["baseUrl"] == f"https://{vault}.vault.azure.net/"
    assert "dev" not in json.dumps(services)
    lake_id = one(prod, "azure-native:storage:StorageAccount", "lake-account")
    for trigger in prod.by_type("azure-native:datafactory:Trigger"):
        properties = trigger.inputs["properties"]
        if properties["type"] == "BlobEventsTrigger":
            assert properties["scope"].endswith("/storageAccounts/" + lake_id.inputs["accountName"])
        if properties["type"] == "ScheduleTrigger":
            assert properties["recurrence"]["timeZone"] == "UTC"


def test_time_zone_of_schedule_triggers_follows_config_and_utc_start_times_are_then_refused() -> None:
    """The zone reaches every schedule; the committed start times keep their 'Z', which ADF refuses for a non-UTC
    zone, so the same plan fails the deployability check (its trigger-local-time-without-z rule)."""
    from deployability import DeployabilityError
    from ops.plan import all_checks_but, checks_named, run_plan, run_plan_checks

    overrides = {"data-platform:timeZone": "W. Europe Standard Time"}
    plan = run_plan("dev", PROJECT_DIR, config_overrides=overrides, checks=all_checks_but("deployability"))
    schedules = [
        t.inputs["properties"]
        for t in plan.by_type("azure-native:datafactory:Trigger")
        if t.inputs["properties"]["type"] == "ScheduleTrigger"
    ]
    assert schedules
    assert all(s["recurrence"]["timeZone"] == "W. Europe Standard Time" for s in schedules)
    with pytest.raises(DeployabilityError) as info:
        run_plan_checks(plan, checks_named(["deployability"]))
    assert "trigger-local-time-without-z: platform-adf-content-trigger-TR_Archive_DailyMidnight" in str(info.value)


def test_unknown_trigger_in_config_fails_naming_the_key(plan_with) -> None:
    from stack.config import ConfigError

    with pytest.raises(ConfigError) as info:
        plan_with("dev", **{"data-platform:dataFactory": {**DEV_FACTORY, "triggers": {"TR_Nope": True}}})
    assert "Pulumi.dev.yaml: data-platform:dataFactory.triggers.TR_Nope: no such trigger" in str(info.value)


def test_enabled_triggers_follow_config() -> None:
    from adf.load import enabled_triggers, load
    from stack.config import DataFactoryConfig

    content = load(PIPELINES_DIR)
    names = content.names("trigger")
    assert (
        enabled_triggers(
            DataFactoryConfig(triggers_enabled=False, trigger_start_time=START), content, "Pulumi.dev.yaml"
        )
        == []
    )
    assert (
        enabled_triggers(DataFactoryConfig(triggers_enabled=True, trigger_start_time=START), content, "Pulumi.dev.yaml")
        == names
    )
    only = DataFactoryConfig(triggers_enabled=False, triggers={names[0]: True}, trigger_start_time=START)
    assert enabled_triggers(only, content, "Pulumi.dev.yaml") == [names[0]]


def test_a_stack_with_another_trigger_start_time_gets_it_in_its_tumbling_windows_and_not_in_its_schedules(
    plan_with,
) -> None:
    plan = plan_with(
        "dev", **{"data-platform:dataFactory": {**DEV_FACTORY, "triggerStartTime": "2027-03-04T05:00:00Z"}}
    )
    kinds: dict[str, list[dict]] = {}
    for trigger in plan.by_type(TRIGGER):
        properties = trigger.inputs["properties"]
        kinds.setdefault(properties["type"], []).append(properties)
    assert {p["startTime"] for p in kinds["TumblingWindowTrigger"]} == {"2027-03-04T05:00:00Z"}
    assert len(kinds["TumblingWindowTrigger"]) == 2
    assert {p["recurrence"]["startTime"] for p in kinds["ScheduleTrigger"]} == {START}


def test_a_stack_without_a_trigger_start_time_begins_its_tumbling_windows_at_its_first_deployment(
    plans: dict[str, Plan],
) -> None:
    """Test and prod say no triggerStartTime: their windows begin at the hour the stack is first deployed, which the
    FirstDeploymentHour resource keeps in the state; dev says one and has no such resource."""
    for stack in ("test", "prod"):
        plan = plans[stack]
        (first,) = [
            reg for reg in plan.by_type("pulumi-python:dynamic:Resource") if reg.name == "platform-first-deployment"
        ]
        assert first.inputs["kind"] == "first-deployment-hour"
        tumbling = [t for t in plan.by_type(TRIGGER) if t.inputs["properties"]["type"] == "TumblingWindowTrigger"]
        assert len(tumbling) == 2
        for trigger in tumbling:
            assert trigger.inputs["properties"]["startTime"] == "[unknown]", "known once the stack is deployed"
            assert first.urn in trigger.property_dependencies["properties"]
    assert not [reg for reg in plans["dev"].resources if reg.name == "platform-first-deployment"]
