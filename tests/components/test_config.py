"""Config validation: each kind of mistake fails with the stack file, the key and what is allowed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from preview.plan import Plan
from stack.config import ConfigError, parse_config
from stack.files import read_stack_config
from stack.paths import PROJECT_DIR

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
    assert "azure-native:location: 'mars-north' is not a supported region" in message
    assert "northeurope" in message


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


def test_invalid_ip_range() -> None:
    message = error_of(**{f"{P}__storage": {"allowedIpRanges": ["10.0.0.300/24"]}})
    assert "'10.0.0.300/24' is not an IPv4 address or CIDR range" in message


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
