"""Names: CAF patterns, Azure's rules, and the longest config values that are allowed."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from stack.config import REGION_CODES, ConfigError, parse_config
from stack.files import read_stack_config
from stack.name_rules import NameRule
from stack.naming import RULES, build_names, check_name
from stack.stack_names import QUALIFIER_MAX_LENGTH, short_qualifier, stack_qualifier
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
    names = build_names(config_for(LONGEST_PREFIX, environment, LONGEST_REGION), environment)
    assert names.storage_account == storage + "{suffix}"
    assert names.function_storage_account == function_storage + "{suffix}"
    assert names.key_vault == key_vault + "{suffix}"
    assert names.action_group_short == short


@pytest.mark.parametrize(("environment", "length"), [("dev", 13), ("prod", 12)])
def test_a_prefix_too_long_for_the_names_fails_with_the_name_and_the_key(environment: str, length: int) -> None:
    with pytest.raises(ConfigError) as info:
        build_names(config_for("k" * length, environment, LONGEST_REGION), environment)
    message = str(info.value)
    assert "Shorten data-platform:prefix" in message
    assert "Azure allows 3-24" in message


def test_names_follow_the_caf_pattern() -> None:
    names = build_names(config_for("konnektmack", "dev", "westeurope"), "dev")
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
        check_name(RULES[rule], name)
    assert fragment in str(info.value)


def test_a_name_that_does_not_fit_fails_naming_the_prefix_key(monkeypatch: pytest.MonkeyPatch) -> None:
    tight = NameRule("storage account", 3, 20, r"[a-z0-9]+", "lowercase letters and digits", ())
    monkeypatch.setitem(RULES, "storage_account", tight)
    with pytest.raises(ConfigError) as info:
        build_names(config_for("konnektmack", "prod", "westeurope"), "prod")
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
                check_name(RULES[rule], reg.inputs[key])


# ---- stacks other than dev, test and prod

LONGEST_OWN_QUALIFIER = "abcdefghi-k"  # 11 characters: the longest stack name that is its own qualifier
HASHED_STACKS = ("Alice", "pr_123", "feature.login", "review-for-a-very-long-branch-name", "x" * 100, "___")


def names_of(stack: str, environment: str = "dev", prefix: str = "konnektmack", location: str = "westeurope"):
    return build_names(config_for(prefix, environment, location), stack)


@pytest.mark.parametrize("environment", ["dev", "test", "prod"])
@pytest.mark.parametrize("stack", [LONGEST_OWN_QUALIFIER, *HASHED_STACKS])
def test_every_name_of_any_stack_passes_its_rule_with_the_longest_prefix_and_region(
    stack: str, environment: str
) -> None:
    names = names_of(stack, environment, LONGEST_PREFIX, LONGEST_REGION)  # build_names checks every name
    assert dataclasses.asdict(names)  # and gives them all


def test_the_longest_own_qualifier_is_used_whole_and_fills_the_dev_center_name_exactly() -> None:
    names = names_of(LONGEST_OWN_QUALIFIER, prefix=LONGEST_PREFIX, location=LONGEST_REGION)
    assert names.dev_center == f"dc-{LONGEST_PREFIX}-{LONGEST_OWN_QUALIFIER}"
    assert len(names.dev_center) == RULES["dev_center"].max_length


def test_a_stack_name_one_character_longer_gets_a_hashed_qualifier_of_the_same_length() -> None:
    stack = LONGEST_OWN_QUALIFIER + "l"
    qualifier = stack_qualifier(stack)
    assert qualifier != stack
    assert re.fullmatch(r"abcdef-[0-9a-z]{4}", qualifier)


@pytest.mark.parametrize("stack", ["dev", "test", "prod", "alice", "pr-123", "a1-b2-c3"])
def test_a_short_lowercase_stack_name_is_its_own_qualifier(stack: str) -> None:
    assert stack_qualifier(stack) == stack


@pytest.mark.parametrize(
    ("stack", "stem"),
    [
        ("Alice", "alice-"),
        ("pr_123", "pr-123-"),
        ("feature.login", "featur-"),
        ("review-for-a-very-long-branch-name", "review-"),
        ("a--b", "a-b-"),
        ("___", ""),
    ],
)
def test_any_other_stack_name_gets_its_first_letters_and_a_hash(stack: str, stem: str) -> None:
    qualifier = stack_qualifier(stack)
    assert re.fullmatch(re.escape(stem) + r"[0-9a-z]{4}", qualifier), qualifier
    assert len(qualifier) <= QUALIFIER_MAX_LENGTH


def test_hashed_qualifiers_differ_between_names_that_differ_only_where_the_stem_cannot_tell() -> None:
    stacks = ["Alice", "alicE", "pr_123", "pr.123", "review-for-branch-a", "review-for-branch-b", "a--b", "a__b"]
    qualifiers = [stack_qualifier(stack) for stack in stacks]
    assert len(set(qualifiers)) == len(stacks), dict(zip(stacks, qualifiers, strict=True))


def test_the_qualifier_is_the_same_in_every_process() -> None:
    """Derived from the name alone (no per-process hash seed), so a stack keeps its names from run to run."""
    code = "from stack.stack_names import stack_qualifier; print(stack_qualifier('Alice'), stack_qualifier('pr_7'))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=PROJECT_DIR,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{stack_qualifier('Alice')} {stack_qualifier('pr_7')}\n"}


def test_every_name_of_a_personal_stack_differs_from_devs_but_the_24_character_ones_which_differ_by_suffix() -> None:
    dev, alice = dataclasses.asdict(names_of("dev")), dataclasses.asdict(names_of("alice"))
    same = {field for field in dev if dev[field] == alice[field]}
    assert same == {"storage_account", "function_storage_account", "key_vault"}
    assert all("{suffix}" in dev[field] for field in same)
    assert alice["resource_group"] == "rg-konnektmack-alice-weu"
    assert alice["dev_center"] == "dc-konnektmack-alice"


def test_the_action_group_short_name_is_the_qualifier_when_it_fits_else_the_hash() -> None:
    assert names_of("bob").action_group_short == "konnektmbob"
    assert names_of("alice").action_group_short == "konnektm" + short_qualifier("alice")
    assert short_qualifier("alice") != "alic"
    assert re.fullmatch(r"[0-9a-z]{4}", short_qualifier("alice"))
    assert short_qualifier("a-b") != short_qualifier("ab")
