"""Each deployability rule fires on the one thing Azure refuses, and stays quiet on the committed stacks."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from deployability import RULE_NAMES, DeployabilityError, Violation, evaluate
from ops.plan import checks_named, run_checks
from preview.mocks import MOCK_DEPLOYER_OBJECT_ID, Registration
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import PlanView
from tests.conftest import STACKS
from tests.support.registrations import PROVIDERS, reg

APP = "platform-generator-app"
LIFECYCLE = "platform-lake-archive-lifecycle"
LAKE = "platform-lake-account"
ADF_VAULT_ROLE = "platform-adf-key-vault-secrets-user"
DEPLOYER_ROLE = "platform-key-vault-deployer-secrets-officer"
SCHEDULE = "platform-adf-content-trigger-TR_Archive_DailyMidnight"
ZONE_RULE = "private-endpoint-dns-zone-matches-group"


def edited(plan: Plan, name: str, change: Callable[[dict[str, Any]], None]) -> list[Registration]:
    """The plan's registrations with a copy of the one named `name`, whose inputs `change` edited."""
    (target,) = [reg for reg in plan.all_resources if reg.name == name]
    inputs = copy.deepcopy(target.inputs)
    change(inputs)
    return [dataclasses.replace(target, inputs=inputs) if reg is target else reg for reg in plan.all_resources]


def fired(regs: list[Registration], rule: str) -> list[Violation]:
    return [v for v in evaluate(PlanView.of_registrations(regs)) if v.rule.name == rule]


def only(regs: list[Registration], rule: str) -> Violation:
    found = fired(regs, rule)
    assert len(found) == 1, [str(v) for v in evaluate(PlanView.of_registrations(regs))]
    return found[0]


def setting(name: str, value: str) -> Callable[[dict[str, Any]], None]:
    def change(inputs: dict[str, Any]) -> None:
        inputs["siteConfig"]["appSettings"].append({"name": name, "value": value})

    return change


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("rule", RULE_NAMES)
def test_every_rule_is_quiet_on_the_committed_stacks(plans: dict[str, Plan], stack: str, rule: str) -> None:
    assert fired(plans[stack].all_resources, rule) == []


# ------------------------------------------------------------------ role assignments


def test_principal_type_fires_for_a_managed_identity_sent_as_user(dev: Plan) -> None:
    regs = edited(dev, ADF_VAULT_ROLE, lambda inputs: inputs.update(principalType="User"))
    found = only(regs, "role-assignment-principal-type")
    assert found.resource.name == ADF_VAULT_ROLE
    assert found.detail == "principal is the managed identity of 'platform-adf-factory' but principalType is 'User'"


def test_principal_type_fires_when_it_is_missing_or_invalid(dev: Plan) -> None:
    regs = edited(dev, ADF_VAULT_ROLE, lambda inputs: inputs.pop("principalType"))
    assert only(regs, "role-assignment-principal-type").detail.startswith("principalType is None; it must be one of")
    regs = edited(dev, ADF_VAULT_ROLE, lambda inputs: inputs.update(principalType="MSI"))
    assert only(regs, "role-assignment-principal-type").detail.startswith("principalType is 'MSI'")


def test_principal_type_fires_when_the_deployer_is_not_sent_as_configured(dev: Plan) -> None:
    officer = next(reg for reg in dev.all_resources if reg.name == DEPLOYER_ROLE)
    assert officer.inputs["principalId"] == MOCK_DEPLOYER_OBJECT_ID
    configured = dataclasses.replace(dev, config=dev.config.model_copy(update={"deployer_principal_type": "Group"}))
    found = [v for v in evaluate(PlanView.of(configured)) if v.rule.name == "role-assignment-principal-type"]
    assert [(v.resource.name, v.detail) for v in found] == [
        (DEPLOYER_ROLE, "principal is the deployer (deployerPrincipalType Group) but principalType is 'User'")
    ]


def test_assignment_names_fire_when_not_a_guid_or_shared(dev: Plan) -> None:
    regs = edited(dev, ADF_VAULT_ROLE, lambda inputs: inputs.update(roleAssignmentName="adf-vault-reader"))
    assert (
        only(regs, "role-assignment-name-unique-guid").detail == "roleAssignmentName 'adf-vault-reader' is not a GUID"
    )

    other = next(reg for reg in dev.all_resources if reg.name == DEPLOYER_ROLE)
    regs = edited(
        dev, ADF_VAULT_ROLE, lambda inputs: inputs.update(roleAssignmentName=other.inputs["roleAssignmentName"])
    )
    found = only(regs, "role-assignment-name-unique-guid")
    other_name = ({ADF_VAULT_ROLE, DEPLOYER_ROLE} - {found.resource.name}).pop()
    assert found.detail.endswith(f"is also the name of '{other_name}'")


def test_grant_once_fires_for_a_second_assignment_of_the_same_role(dev: Plan) -> None:
    original = next(reg for reg in dev.all_resources if reg.name == ADF_VAULT_ROLE)
    twin = dataclasses.replace(
        original,
        urn=original.urn + "-twin",
        name=ADF_VAULT_ROLE + "-twin",
        inputs={**original.inputs, "roleAssignmentName": "00000000-0000-4000-8000-0000000000aa"},
    )
    found = only([*dev.all_resources, twin], "role-assignment-grant-once")
    assert found.detail.startswith("assigns the same role to the same principal on the same scope as")


# ------------------------------------------------------------------ Flex Consumption


@pytest.mark.parametrize("key", ["ftpsState", "alwaysOn", "linuxFxVersion", "functionAppScaleLimit"])
def test_flex_site_config_fires_for_a_refused_setting(dev: Plan, key: str) -> None:
    regs = edited(dev, APP, lambda inputs: inputs["siteConfig"].update({key: "x"}))
    assert only(regs, "flex-site-config-refused").detail.startswith(f"siteConfig.{key} is set (")


def test_flex_site_config_is_quiet_on_a_site_outside_flex(dev: Plan) -> None:
    def elsewhere(inputs: dict[str, Any]) -> None:
        inputs["siteConfig"]["ftpsState"] = "Disabled"
        inputs["serverFarmId"] = inputs["serverFarmId"] + "-premium"

    assert fired(edited(dev, APP, elsewhere), "flex-site-config-refused") == []


@pytest.mark.parametrize("name", ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_CONTENTSHARE"])
def test_flex_app_settings_fire_for_an_unsupported_setting(dev: Plan, name: str) -> None:
    assert only(edited(dev, APP, setting(name, "x")), "flex-app-settings-unsupported").detail.startswith(
        f"app setting {name} ("
    )


def test_flex_app_settings_fire_for_run_from_package(dev: Plan) -> None:
    found = only(edited(dev, APP, setting("WEBSITE_RUN_FROM_PACKAGE", "1")), "flex-app-settings-unsupported")
    assert "always run from the deployment package" in found.detail


def test_flex_function_app_config_fires_when_missing(dev: Plan) -> None:
    found = only(edited(dev, APP, lambda inputs: inputs.pop("functionAppConfig")), "flex-function-app-config-required")
    assert found.detail == "functionAppConfig is missing"


# ------------------------------------------------------------------ app settings, storage, triggers


def test_app_insights_fires_for_a_key_vault_reference(dev: Plan) -> None:
    def reference(inputs: dict[str, Any]) -> None:
        for entry in inputs["siteConfig"]["appSettings"]:
            if entry["name"] == "APPLICATIONINSIGHTS_CONNECTION_STRING":
                entry["value"] = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/appi/)"

    found = only(edited(dev, APP, reference), "appinsights-connection-string-direct")
    assert found.resource.name == APP


def test_archive_tier_fires_on_zone_redundant_prod(prod: Plan) -> None:
    def to_archive(inputs: dict[str, Any]) -> None:
        actions = inputs["policy"]["rules"][0]["definition"]["actions"]["baseBlob"]
        actions["tierToArchive"] = actions.pop("tierToCold")

    found = only(edited(prod, LIFECYCLE, to_archive), "storage-archive-tier-redundancy")
    assert found.detail == "rule 'archive-cool-archive-delete' tiers baseBlob to Archive on a Standard_RAGZRS account"


def test_archive_tier_is_quiet_on_locally_redundant_dev(dev: Plan) -> None:
    lifecycle = next(reg for reg in dev.all_resources if reg.name == LIFECYCLE)
    assert "tierToArchive" in lifecycle.inputs["policy"]["rules"][0]["definition"]["actions"]["baseBlob"]
    assert fired(dev.all_resources, "storage-archive-tier-redundancy") == []


def test_default_access_tier_fires_for_cold(dev: Plan) -> None:
    found = only(edited(dev, LAKE, lambda inputs: inputs.update(accessTier="Cold")), "storage-default-access-tier")
    assert found.detail == "accessTier is 'Cold'"


@pytest.mark.parametrize("key", ["startTime", "endTime"])
def test_trigger_time_fires_for_z_with_a_local_time_zone(dev: Plan, key: str) -> None:
    def local(inputs: dict[str, Any]) -> None:
        recurrence = inputs["properties"]["recurrence"]
        recurrence.update({"timeZone": "W. Europe Standard Time", "startTime": "2026-12-01T00:00:00"})
        recurrence[key] = "2026-12-01T00:00:00Z"

    found = only(edited(dev, SCHEDULE, local), "trigger-local-time-without-z")
    assert found.detail == f"{key} 2026-12-01T00:00:00Z carries a UTC marker but timeZone is 'W. Europe Standard Time'"


def test_trigger_time_is_quiet_for_local_time_without_z(dev: Plan) -> None:
    def local(inputs: dict[str, Any]) -> None:
        inputs["properties"]["recurrence"].update(
            {"timeZone": "W. Europe Standard Time", "startTime": "2026-12-01T00:00:00"}
        )

    assert fired(edited(dev, SCHEDULE, local), "trigger-local-time-without-z") == []


# ------------------------------------------------------------------ the error


def test_the_error_names_resource_rule_reason_and_fix_for_every_violation(dev: Plan) -> None:
    regs = edited(dev, APP, setting("FUNCTIONS_WORKER_RUNTIME", "python"))
    regs = [
        dataclasses.replace(reg, inputs={**reg.inputs, "accessTier": "Archive"}) if reg.name == LAKE else reg
        for reg in regs
    ]
    with pytest.raises(DeployabilityError) as info:
        run_checks(PlanView.of_registrations(regs), checks_named(["deployability"]), warn=lambda line: None)
    message = str(info.value)
    assert message.startswith("2 deployability violation(s)")
    assert (
        f"flex-app-settings-unsupported: {APP} (web:WebApp): app setting FUNCTIONS_WORKER_RUNTIME "
        "(set functionAppConfig.runtime.name instead). Why: Flex Consumption does not support" in message
    )
    assert "Fix: Remove them; use functionAppConfig" in message
    assert f"storage-default-access-tier: {LAKE} (storage:StorageAccount): accessTier is 'Archive'" in message
    assert len(info.value.violations) == 2


# ------------------------------------------------------------------ private networking


def test_flex_subnet_delegation_fires_for_a_subnet_delegated_elsewhere(prod: Plan) -> None:
    def delegate_elsewhere(inputs: dict[str, Any]) -> None:
        inputs["delegations"] = [{"name": "function-app", "serviceName": "Microsoft.Web/serverFarms"}]

    found = only(edited(prod, "platform-network-function-app", delegate_elsewhere), "flex-vnet-subnet-delegation")
    assert found.resource.name == APP
    assert found.detail == (
        "integration subnet 'platform-network-function-app' is delegated to Microsoft.Web/serverFarms, "
        "not Microsoft.App/environments"
    )


def test_private_endpoint_zone_fires_for_a_blob_endpoint_in_the_dfs_zone(prod: Plan) -> None:
    def dfs_zone(inputs: dict[str, Any]) -> None:
        config = inputs["privateDnsZoneConfigs"][0]
        config["privateDnsZoneId"] = config["privateDnsZoneId"].replace("privatelink.blob.", "privatelink.dfs.")

    found = only(edited(prod, "platform-pe-lake-blob-dns", dfs_zone), "private-endpoint-dns-zone-matches-group")
    assert found.detail == (
        "registers in privatelink.dfs.core.windows.net; its group id needs privatelink.blob.core.windows.net"
    )


# ------------------------------------------------------------------ details, on hand-made views


def endpoint_with_zone(zone_id: str) -> list[Registration]:
    return [
        reg(
            ResourceType.PRIVATE_ENDPOINT,
            "pe",
            privateEndpointName="pe-blob",
            privateLinkServiceConnections=[{"groupIds": ["blob"]}],
        ),
        reg(
            ResourceType.PRIVATE_DNS_ZONE_GROUP,
            "pe-dns",
            privateEndpointName="pe-blob",
            privateDnsZoneGroupName="default",
            privateDnsZoneConfigs=[{"privateDnsZoneId": zone_id}],
        ),
    ]


def test_a_zone_group_is_judged_by_its_own_endpoint_and_zone_names_ignore_case() -> None:
    zones = f"{PROVIDERS}/Microsoft.Network/privateDnsZones"
    assert fired(endpoint_with_zone(f"{zones}/privatelink.Blob.core.windows.net"), ZONE_RULE) == []
    (found,) = fired(endpoint_with_zone(f"{zones}/privatelink.dfs.core.windows.net"), ZONE_RULE)
    assert found.resource.name == "pe-dns"
    endpoint, zone_group = endpoint_with_zone(f"{zones}/privatelink.dfs.core.windows.net")
    elsewhere = dataclasses.replace(endpoint, inputs={**endpoint.inputs, "privateEndpointName": "pe-other"})
    assert fired([elsewhere, zone_group], ZONE_RULE) == []
