"""Names: CAF patterns, Azure's rules, and the longest config values that are allowed."""

from __future__ import annotations

import pytest

from stack.config import REGION_CODES, ConfigError, parse_config
from stack.files import read_stack_config
from stack.naming import RULES, NameRule, build_names
from tests.support.checkout import PROJECT_DIR


def config_for(prefix: str, environment: str, location: str):
    values, secret_keys = read_stack_config(PROJECT_DIR, "dev")
    values["data-platform:prefix"] = prefix
    values["data-platform:environment"] = environment
    values["azure-native:location"] = location
    return parse_config(values, set(secret_keys), "Pulumi.dev.yaml")


LONGEST_PREFIX = "k" * 11  # the longest prefix whose names all fit
LONGEST_REGION = "australiaeast"  # code "aue": every region code has three characters


@pytest.mark.parametrize(
    ("environment", "storage", "function_storage", "key_vault", "short"),
    [
        ("dev", "stkkkkkkkkkkkdevaue", "stfnkkkkkkkkkkkdev", "kv-kkkkkkkkkkk-dev-", "kkkkkkkkdev"),
        ("test", "stkkkkkkkkkkktestaue", "stfnkkkkkkkkkkktest", "kv-kkkkkkkkkkk-test-", "kkkkkkkktest"),
        # 20 + 4 suffix characters: the 24 that Azure allows storage accounts and vaults.
        ("prod", "stkkkkkkkkkkkprodaue", "stfnkkkkkkkkkkkprod", "kv-kkkkkkkkkkk-prod-", "kkkkkkkkprod"),
    ],
)
def test_longest_allowed_config_gives_these_names(
    environment: str, storage: str, function_storage: str, key_vault: str, short: str
) -> None:
    names = build_names(config_for(LONGEST_PREFIX, environment, LONGEST_REGION))
    assert names.storage_account == storage + "{suffix}"
    assert names.function_storage_account == function_storage + "{suffix}"
    assert names.key_vault == key_vault + "{suffix}"
    assert names.action_group_short == short


@pytest.mark.parametrize(("environment", "length"), [("dev", 13), ("prod", 12)])
def test_a_prefix_too_long_for_the_names_fails_with_the_name_and_the_key(environment: str, length: int) -> None:
    with pytest.raises(ConfigError) as info:
        build_names(config_for("k" * length, environment, LONGEST_REGION))
    message = str(info.value)
    assert "Shorten data-platform:prefix" in message
    assert "Azure allows 3-24" in message


def test_names_follow_the_caf_pattern() -> None:
    names = build_names(config_for("konnektmack", "dev", "westeurope"))
    assert names.resource_group == "rg-konnektmack-dev-weu"
    assert names.storage_account == "stkonnektmackdevweu{suffix}"
    assert names.key_vault == "kv-konnektmack-dev-{suffix}"
    assert names.data_factory == "adf-konnektmack-dev-weu-{suffix}"
    assert names.function_app == "func-konnektmack-dev-weu-{suffix}"
    assert names.log_analytics == "log-konnektmack-dev-weu"
    assert names.app_insights == "appi-konnektmack-dev-weu"
    assert names.sql_server == "sql-konnektmack-dev-weu-{suffix}"


def test_every_region_code_fits_the_storage_name_budget() -> None:
    assert all(1 <= len(code) <= 3 for code in REGION_CODES.values())


@pytest.mark.parametrize(
    ("rule", "name", "fragment"),
    [
        ("storage_account", "st-has-hyphens", "lowercase letters and digits"),
        ("storage_account", "s" * 25, "is 25 characters; Azure allows 3-24"),
        ("key_vault", "kv--double", "single hyphens"),
        ("key_vault", "1kv", "starting with a letter"),
        ("data_factory", "-adf", "starting and ending with a letter or digit"),
        ("sql_server", "SQL-Upper", "lowercase letters"),
        ("action_group_short", "toolongshortname", "1-12"),
    ],
)
def test_name_rules_reject_what_azure_rejects(rule: str, name: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        RULES[rule].check(name)
    assert fragment in str(info.value)


def test_a_name_that_does_not_fit_fails_naming_the_prefix_key(monkeypatch: pytest.MonkeyPatch) -> None:
    tight = NameRule("storage account", 3, 20, r"[a-z0-9]+", "lowercase letters and digits")
    monkeypatch.setitem(RULES, "storage_account", tight)
    with pytest.raises(ConfigError) as info:
        build_names(config_for("konnektmack", "prod", "westeurope"))
    assert "data-platform:prefix" in str(info.value)
    assert "storage account" in str(info.value)


def test_resource_names_in_the_plan_pass_their_rules(plans) -> None:
    checks = {
        "azure-native:storage:StorageAccount": ("accountName", "storage_account"),
        "azure-native:keyvault:Vault": ("vaultName", "key_vault"),
        "azure-native:datafactory:Factory": ("factoryName", "data_factory"),
        "azure-native:web:WebApp": ("name", "function_app"),
        "azure-native:sql:Server": ("serverName", "sql_server"),
        "azure-native:resources:ResourceGroup": ("resourceGroupName", "resource_group"),
    }
    for plan in plans.values():
        for type_token, (key, rule) in checks.items():
            for reg in plan.by_type(type_token):
                RULES[rule].check(reg.inputs[key])
