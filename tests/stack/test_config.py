"""Config validation: each kind of mistake fails with the stack file, the key and what is allowed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pydantic import BaseModel

from preview.plan import Plan
from stack.config import (
    ConfigError,
    DataFactoryConfig,
    FunctionAppConfig,
    KeyVaultConfig,
    MonitoringConfig,
    PlatformConfig,
    PolicyOverride,
    SqlConfig,
    StorageConfig,
    ip_rule_values,
    parse_config,
    schedule_period_minutes,
)
from stack.files import read_stack_config
from tests.support.checkout import PROJECT_DIR

P = "data-platform"


def dev_values() -> tuple[dict[str, str], set[str]]:
    values, secret_keys = read_stack_config(PROJECT_DIR, "dev")
    return values, set(secret_keys)


def parse_with(**changes: object) -> None:
    values, secret_keys = dev_values()
    for key, value in changes.items():
        full_key = key.replace("__", ":")
        if value is None:
            values.pop(full_key, None)
        else:
            values[full_key] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    parse_config(values, secret_keys, "Pulumi.dev.yaml")


def error_of(**changes: object) -> str:
    with pytest.raises(ConfigError) as info:
        parse_with(**changes)
    return str(info.value)


def test_committed_dev_config_parses_with_defaults_filled_in() -> None:
    values, secret_keys = dev_values()
    cfg = parse_config(values, secret_keys, "Pulumi.dev.yaml")
    assert cfg.environment == "dev"
    assert cfg.prefix == "konnektmack"
    assert cfg.key_vault.sku == "standard"
    assert cfg.time_zone == "UTC"


def test_missing_required_key_is_named_with_the_stack_file() -> None:
    message = error_of(**{f"{P}__owner": None})
    assert "Pulumi.dev.yaml: data-platform:owner: required key is missing" in message


def test_missing_location_lists_the_allowed_regions() -> None:
    message = error_of(**{"azure-native__location": None})
    assert "azure-native:location: required key is missing" in message
    assert "westeurope" in message


def test_unknown_top_level_key_lists_the_allowed_keys() -> None:
    message = error_of(**{f"{P}__storageSku": "Standard_LRS"})
    assert "data-platform:storageSku: unknown key" in message
    assert "data-platform:storage" in message


def test_unknown_nested_key_is_named_by_its_path() -> None:
    message = error_of(**{f"{P}__storage": {"sku": "Standard_LRS", "softDeleteDayz": 7}})
    assert "data-platform:storage.softDeleteDayz: unknown key" in message
    assert "softDeleteDays" in message


def test_wrong_type_names_the_key_and_the_value() -> None:
    message = error_of(**{f"{P}__storage": {"softDeleteDays": "a week"}})
    assert "data-platform:storage.softDeleteDays" in message
    assert "valid integer" in message
    assert "'a week'" in message


def test_unknown_environment_lists_the_allowed_ones() -> None:
    message = error_of(**{f"{P}__environment": "staging"})
    assert "data-platform:environment" in message
    assert "'dev', 'test' or 'prod'" in message


def test_unknown_region_lists_the_allowed_ones() -> None:
    message = error_of(**{"azure-native__location": "mars-north"})
    assert "azure-native:location: 'mars-north' is not a supported region; allowed: the Azure regions of" in message
    assert "northeurope" in message


def test_a_misspelt_region_gets_the_closest_one() -> None:
    message = error_of(**{"azure-native__location": "ukwset"})
    assert "'ukwset' is not a supported region (did you mean 'ukwest'?); allowed:" in message


def test_a_stack_that_says_nothing_of_its_triggers_begins_them_at_its_first_deployment() -> None:
    """No key is required of a new stack: its tumbling windows begin at the hour it is first deployed
    (components/first_deployment.py), which no backfill bound refuses."""
    assert DataFactoryConfig().trigger_start_time is None
    assert DataFactoryConfig.model_validate({"triggersEnabled": True}).trigger_start_time is None
    assert PlatformConfig.model_fields["data_factory"].default == DataFactoryConfig()


@pytest.mark.parametrize("value", ["2026-12-01T00:30:00Z", "2026-12-01T00:00:00", "2026-12-01"])
def test_a_trigger_start_time_that_is_no_whole_utc_hour_is_refused_naming_the_key(value: str) -> None:
    message = error_of(**{f"{P}__dataFactory": {"triggerStartTime": value}})
    assert "data-platform:dataFactory.triggerStartTime: String should match pattern" in message
    assert f"(got {value!r})" in message


def test_out_of_range_value_says_the_bound() -> None:
    message = error_of(**{f"{P}__keyVault": {"softDeleteDays": 3}})
    assert "data-platform:keyVault.softDeleteDays: Input should be greater than or equal to 7" in message


def test_prefix_must_be_short_lowercase_alphanumeric() -> None:
    message = error_of(**{f"{P}__prefix": "Konnekt-Mack-Platform"})
    assert "data-platform:prefix" in message
    assert "^[a-z][a-z0-9]{1,19}$" in message


def test_invalid_alert_email() -> None:
    message = error_of(**{f"{P}__monitoring": {"alertEmail": "oncall"}})
    assert "data-platform:monitoring.alertEmail: 'oncall' is not an email address" in message


@pytest.mark.parametrize("value", ["10.0.0.300/24", "2001:db8::/32", "203.0.113.5/24"])
def test_an_allowed_ip_range_that_is_no_ipv4_network_names_the_key_and_what_is_allowed(value: str) -> None:
    message = error_of(**{f"{P}__storage": {"allowedIpRanges": ["198.51.100.0/24", value]}})
    assert (
        f"Pulumi.dev.yaml: data-platform:storage.allowedIpRanges[1]: not an IPv4 address or CIDR range such as "
        f"203.0.113.0/24 (Azure network rules take IPv4 only) (got '{value}')"
    ) in message


def test_ip_ranges_reach_the_network_rules_as_written() -> None:
    values, secret_keys = dev_values()
    values[f"{P}:keyVault"] = json.dumps({"allowedIpRanges": ["203.0.113.7", "198.51.100.0/24"]})
    cfg = parse_config(values, secret_keys, "Pulumi.dev.yaml")
    assert ip_rule_values(cfg.key_vault.allowed_ip_ranges) == ("203.0.113.7", "198.51.100.0/24")


def test_an_admin_object_id_that_is_no_guid_names_the_key() -> None:
    message = error_of(**{f"{P}__sql": {"adminLogin": "sql-admins", "adminObjectId": "sql-admins-group"}})
    assert "data-platform:sql.adminObjectId: not a GUID such as" in message
    assert "(got 'sql-admins-group')" in message


@pytest.mark.parametrize(
    ("schedule", "minutes"),
    [
        ("0 */15 * * * *", 15),
        ("0 * * * * *", 1),
        ("30 */5 * * * *", 5),
        ("0 0 * * * *", 60),
        ("0 30 * * * *", 60),
        ("0 0 */2 * * *", 120),
        ("0 15 */6 * * *", 360),
        ("0 30 2 * * *", 1440),
    ],
)
def test_the_generator_window_is_the_schedules_period(schedule: str, minutes: int) -> None:
    assert schedule_period_minutes(schedule) == minutes
    assert FunctionAppConfig(generator_schedule=schedule).generator_window_minutes == minutes


@pytest.mark.parametrize(
    "schedule",
    [
        "*/30 * * * * *",  # twice a minute
        "0 */7 * * * *",  # 7 does not divide the hour: the last gap is 4 minutes
        "0 5,35 * * * *",  # a list
        "0 */15 9-17 * * *",  # office hours only
        "0 0 */5 * * *",  # 5 does not divide the day
        "0 0 0 * * 1-5",  # weekdays only
        "0 0 0 1 * *",  # monthly
    ],
)
def test_a_schedule_without_a_fixed_period_is_refused_naming_the_key(schedule: str) -> None:
    message = error_of(**{f"{P}__functionApp": {"generatorSchedule": schedule}})
    assert f"data-platform:functionApp.generatorSchedule: '{schedule}' has no fixed period" in message
    assert "'0 0 */2 * * *'" in message


def test_every_config_field_is_described() -> None:
    models: list[type[BaseModel]] = [PlatformConfig, StorageConfig, KeyVaultConfig, FunctionAppConfig]
    models += [DataFactoryConfig, SqlConfig, MonitoringConfig, PolicyOverride]
    undescribed = [f"{m.__name__}.{n}" for m in models for n, f in m.model_fields.items() if not f.description]
    assert undescribed == []


def test_archive_tiers_must_be_in_order() -> None:
    message = error_of(
        **{f"{P}__storage": {"archiveCoolAfterDays": 90, "archiveTierAfterDays": 30, "archiveDeleteAfterDays": 365}}
    )
    assert "archiveCoolAfterDays < archiveTierAfterDays < archiveDeleteAfterDays" in message


def test_existing_sql_database_needs_its_names() -> None:
    message = error_of(**{f"{P}__sql": {"create": False, "serverName": "sql-shared"}})
    assert "data-platform:sql" in message
    assert "missing serverResourceGroup, databaseName" in message


def test_created_sql_database_needs_an_entra_admin() -> None:
    message = error_of(**{f"{P}__sql": {"create": True}})
    assert "missing adminLogin, adminObjectId" in message


def test_secrets_given_in_plain_text_are_refused() -> None:
    message = error_of(**{f"{P}__secrets": {"partner-api-token": "hunter2"}})
    assert "data-platform:secrets: holds secret values in plain text" in message
    assert "pulumi config set --secret" in message
    assert "hunter2" not in message


def test_secret_values_stay_hidden_in_the_model() -> None:
    values, secret_keys = dev_values()
    values[f"{P}:secrets"] = json.dumps({"partner-api-token": "hunter2"})
    cfg = parse_config(values, secret_keys | {f"{P}:secrets"}, "Pulumi.dev.yaml")
    assert "hunter2" not in repr(cfg)
    assert cfg.secrets["partner-api-token"].get_secret_value() == "hunter2"


def test_every_problem_is_reported_at_once() -> None:
    message = error_of(**{f"{P}__owner": None, f"{P}__environment": "qa"})
    assert "data-platform:owner" in message
    assert "data-platform:environment" in message


def test_config_error_stops_the_program_before_any_resource_is_registered(
    plan_with: Callable[..., Plan],
) -> None:
    from preview import plan as plan_module

    registered: list[object] = []
    original = plan_module.RecordingMonitor.RegisterResource

    def spy(self: object, request: object) -> object:
        registered.append(request)
        return original(self, request)  # type: ignore[arg-type]

    plan_module.RecordingMonitor.RegisterResource = spy  # type: ignore[method-assign]
    try:
        with pytest.raises(ConfigError):
            plan_with("dev", **{f"{P}:environment": "staging"})
    finally:
        plan_module.RecordingMonitor.RegisterResource = original  # type: ignore[method-assign]
    assert [getattr(r, "type", None) for r in registered] == ["pulumi:pulumi:Stack"]


def test_a_stack_that_says_nothing_gets_the_closed_posture_and_must_name_its_agent_pool() -> None:
    assert "data-platform:network: agentPool is required when privateNetworking is true" in error_of(
        **{"data-platform__network": None}
    )
    values, secret_keys = dev_values()
    values["data-platform:network"] = json.dumps({"agentPool": {"organizationUrl": "https://dev.azure.com/contoso"}})
    for key in ("data-platform:storage", "data-platform:keyVault", "data-platform:dataFactory", "data-platform:sql"):
        values.pop(key)
    values["data-platform:sql"] = json.dumps(
        {"adminLogin": "admins", "adminObjectId": "6a1c3e52-8d4b-4f0e-9a77-2b5c1d9e0f31"}
    )
    values["data-platform:dataFactory"] = json.dumps({"triggerStartTime": "2026-12-01T00:00:00Z"})
    cfg = parse_config(values, secret_keys, "Pulumi.dev.yaml")
    assert cfg.network.private_networking is True
    assert (cfg.storage.network_default_action, cfg.key_vault.network_default_action) == ("Deny", "Deny")
    assert cfg.data_factory.public_network_access is False
    assert cfg.sql.allow_azure_services is False


def test_dev_opts_out_of_private_networking_explicitly() -> None:
    values, secret_keys = dev_values()
    cfg = parse_config(values, secret_keys, "Pulumi.dev.yaml")
    assert cfg.network.private_networking is False
    assert cfg.storage.network_default_action == "Allow" and cfg.data_factory.public_network_access is True
    assert cfg.sql.allow_azure_services is True


def test_the_azure_services_sql_rule_is_refused_in_a_private_stack() -> None:
    network = {"agentPool": {"organizationUrl": "https://dev.azure.com/contoso"}}
    message = error_of(**{"data-platform__network": network})
    assert "sql.allowAzureServices admits every Azure tenant's callers" in message


# ---- namespaces and "did you mean"

NAMESPACES = "allowed namespaces: data-platform, azure-native, pulumi, random"


def test_a_key_in_a_misspelt_namespace_is_refused_with_the_key_it_meant() -> None:
    message = error_of(**{"data-platfrom__timeZone": "UTC"})
    assert (
        "Pulumi.dev.yaml: data-platfrom:timeZone: unknown namespace 'data-platfrom', which nothing reads "
        f"(did you mean 'data-platform:timeZone'?); {NAMESPACES}" in message
    )


def test_a_namespace_like_none_of_the_known_ones_gets_no_guess() -> None:
    message = error_of(**{"azure__location": "westeurope"})
    assert f"Pulumi.dev.yaml: azure:location: unknown namespace 'azure', which nothing reads; {NAMESPACES}" in message


@pytest.mark.parametrize("key", ["pulumi__tags", "random__anything", "azure-native__subscriptionId"])
def test_keys_of_the_engine_and_the_providers_are_accepted(key: str) -> None:
    parse_with(**{key: "x"})


def test_a_required_key_in_a_misspelt_namespace_is_missing_and_the_message_points_at_it() -> None:
    values, secret_keys = dev_values()
    values["data-platfrom:owner"] = values.pop(f"{P}:owner")
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret_keys, "Pulumi.dev.yaml")
    assert (
        "Pulumi.dev.yaml: data-platform:owner: required key is missing; the file has 'data-platfrom:owner', refused "
        "above, which looks like it" in str(info.value)
    )
    assert info.value.missing_keys == ("data-platform:owner",)


def test_a_misspelt_location_key_is_refused_with_the_key_it_meant_and_location_points_at_it() -> None:
    values, secret_keys = dev_values()
    values["azure-native:locaton"] = values.pop("azure-native:location")
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret_keys, "Pulumi.dev.yaml")
    message = str(info.value)
    assert (
        "Pulumi.dev.yaml: azure-native:locaton: not a key of the Azure Native provider "
        "(did you mean 'azure-native:location'?); allowed: auxiliaryTenantIds," in message
    )
    assert "azure-native:location: required key is missing; the file has 'azure-native:locaton'" in message


def test_a_key_without_a_namespace_is_refused() -> None:
    message = error_of(timeZone="UTC")
    assert (
        "Pulumi.dev.yaml: timeZone: keys are `<namespace>:<name>`; namespaces: data-platform, azure-native" in message
    )


def test_the_project_namespace_is_the_project_name_it_is_given() -> None:
    values, secret_keys = dev_values()
    renamed = {key.replace(f"{P}:", "dataplat:"): value for key, value in values.items()}
    assert parse_config(renamed, secret_keys, "Pulumi.dev.yaml", project="dataplat").environment == "dev"
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret_keys, "Pulumi.dev.yaml", project="dataplat")
    assert "data-platform:owner: unknown namespace 'data-platform'" in str(info.value)
    assert "dataplat:owner: required key is missing" in str(info.value)


def test_an_unknown_key_gets_the_closest_allowed_one() -> None:
    message = error_of(**{f"{P}__storageSku": "Standard_LRS"})
    assert (
        "data-platform:storageSku: unknown key (did you mean 'data-platform:storage'?); allowed keys here:" in message
    )


def test_an_unknown_key_that_is_not_close_enough_gets_no_guess() -> None:
    # difflib's ratio: storageSku/storage 0.82, storageTier/storage 0.78; the cutoff (0.8) lies between.
    message = error_of(**{f"{P}__storageTier": "Cold"})
    assert "data-platform:storageTier: unknown key; allowed keys here:" in message


def test_an_unknown_nested_key_gets_the_closest_one_of_its_section() -> None:
    message = error_of(**{f"{P}__storage": {"softDeleteDayz": 7}})
    assert "data-platform:storage.softDeleteDayz: unknown key (did you mean 'softDeleteDays'?)" in message


def test_a_required_key_misspelt_in_the_project_namespace_points_at_the_misspelling() -> None:
    values, secret_keys = dev_values()
    values[f"{P}:costCentre"] = values.pop(f"{P}:costCenter")
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret_keys, "Pulumi.dev.yaml")
    assert "data-platform:costCenter: required key is missing; the file has 'data-platform:costCentre'" in str(
        info.value
    )
