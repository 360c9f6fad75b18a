"""Each network rule (and each other rule that depends on the environment) in every kind of stack.

The environment comes from the stack's config (`data-platform:environment`: the committed dev, test and prod, and
any personal or review stack with the environment it copies); with no config, from the resources' `environment`
tag. Hand-made resources keep these tests fast; tests/policy/rules/test_network.py judges the real plans.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from preview.mocks import Registration
from preview.view import UNKNOWN, ResourceType
from stack.config import PlatformConfig
from tests.policy.fixtures import evaluate, of_rule, stack_config
from tests.support.registrations import reg

PRIVATE = "network-private-data-planes"
WIDE = "network-no-wide-firewall-openings"
PURGE = "keyvault-purge-protection-in-prod"
PROTECTED = "prod-stateful-protected"


@cache
def config_of(environment: str) -> PlatformConfig:
    """A stack whose environment is `environment`: the committed stack, or a personal stack copied from another."""
    if environment.startswith("personal-"):
        kind = environment.removeprefix("personal-")
        return stack_config("dev", **{"data-platform:environment": kind})
    return stack_config(environment)


STACKS = ["dev", "test", "prod", "personal-dev", "personal-test", "personal-prod"]
PRIVATE_STACKS = ["test", "prod", "personal-test", "personal-prod"]
PUBLIC_STACKS = ["dev", "personal-dev"]


def messages(regs: list[Registration], rule: str, config: PlatformConfig | None) -> list[str]:
    return [violation.message for violation in of_rule(evaluate(regs, config), rule)]


DATA_PLANES = [
    (ResourceType.STORAGE_ACCOUNT, "storage account", "accountName", ("publicNetworkAccess",)),
    (ResourceType.VAULT, "key vault", "vaultName", ("properties", "publicNetworkAccess")),
    (ResourceType.SQL_SERVER, "SQL server", "serverName", ("publicNetworkAccess",)),
    (ResourceType.WEB_APP, "function app", "name", ("publicNetworkAccess",)),
]


def data_plane(type_token: str, own_name: str, path: tuple[str, ...], value: Any, **inputs: Any) -> Registration:
    props: dict[str, Any] = {own_name: "plane-1", **inputs}
    if value is not None:
        target = props
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return reg(type_token, "plane", **props)


@pytest.mark.parametrize("stack", PRIVATE_STACKS)
@pytest.mark.parametrize(("type_token", "kind", "own_name", "path"), DATA_PLANES)
@pytest.mark.parametrize(("value", "shown"), [("Enabled", "'Enabled'"), (None, "not set")])
def test_a_data_plane_open_to_the_public_fires_in_every_private_stack(
    stack: str, type_token: str, kind: str, own_name: str, path: tuple[str, ...], value: Any, shown: str
) -> None:
    regs = [data_plane(type_token, own_name, path, value)]
    assert messages(regs, PRIVATE, config_of(stack)) == [
        f"{kind} 'plane-1': {'.'.join(path)} is {shown}; in test and prod it must be 'Disabled' "
        "(reached through its private endpoints; network.privateNetworking: true)"
    ]


@pytest.mark.parametrize("stack", PRIVATE_STACKS)
@pytest.mark.parametrize(("type_token", "kind", "own_name", "path"), DATA_PLANES)
@pytest.mark.parametrize("value", ["Disabled", UNKNOWN])
def test_a_closed_or_not_yet_known_data_plane_is_quiet_in_private_stacks(
    stack: str, type_token: str, kind: str, own_name: str, path: tuple[str, ...], value: str
) -> None:
    assert messages([data_plane(type_token, own_name, path, value)], PRIVATE, config_of(stack)) == []


@pytest.mark.parametrize("stack", PUBLIC_STACKS)
@pytest.mark.parametrize(("type_token", "kind", "own_name", "path"), DATA_PLANES)
def test_dev_stacks_may_open_their_data_planes(
    stack: str, type_token: str, kind: str, own_name: str, path: tuple[str, ...]
) -> None:
    assert messages([data_plane(type_token, own_name, path, "Enabled")], PRIVATE, config_of(stack)) == []


def test_the_vault_is_judged_by_its_properties_not_a_top_level_key() -> None:
    top_level = reg(ResourceType.VAULT, "vault", vaultName="kv-1", publicNetworkAccess="Disabled")
    assert messages([top_level], PRIVATE, config_of("prod")) == [
        "key vault 'kv-1': properties.publicNetworkAccess is not set; in test and prod it must be 'Disabled' "
        "(reached through its private endpoints; network.privateNetworking: true)"
    ]


@pytest.mark.parametrize("type_token", [ResourceType.FACTORY, ResourceType.LOG_ANALYTICS_WORKSPACE])
def test_other_resources_are_not_data_planes_of_this_rule(type_token: str) -> None:
    regs = [reg(type_token, "other", publicNetworkAccess="Enabled")]
    assert messages(regs, PRIVATE, config_of("prod")) == []


@pytest.mark.parametrize(("tag", "fires"), [("prod", True), ("test", True), ("dev", False), (UNKNOWN, False)])
def test_without_stack_config_the_environment_tag_decides(tag: str, fires: bool) -> None:
    regs = [reg(ResourceType.STORAGE_ACCOUNT, "lake", accountName="st1", tags={"environment": tag})]
    assert bool(messages(regs, PRIVATE, None)) is fires
    assert messages([reg(ResourceType.STORAGE_ACCOUNT, "lake", accountName="st1")], PRIVATE, None) == []


def test_the_stack_config_wins_over_the_environment_tag() -> None:
    tagged_prod = [reg(ResourceType.STORAGE_ACCOUNT, "lake", accountName="st1", tags={"environment": "prod"})]
    assert messages(tagged_prod, PRIVATE, config_of("dev")) == []
    tagged_dev = [reg(ResourceType.STORAGE_ACCOUNT, "lake", accountName="st1", tags={"environment": "dev"})]
    assert len(messages(tagged_dev, PRIVATE, config_of("prod"))) == 1


# --- firewall openings ---------------------------------------------------------------------------------------------


def sql_rule(start: str, end: str) -> Registration:
    return reg(ResourceType.SQL_FIREWALL_RULE, "fw-1", startIpAddress=start, endIpAddress=end)


@pytest.mark.parametrize("stack", STACKS)
def test_a_sql_rule_for_every_address_fires_in_every_stack(stack: str) -> None:
    assert messages([sql_rule("0.0.0.0", "255.255.255.255")], WIDE, config_of(stack)) == [
        "SQL firewall rule 'fw-1' admits every IPv4 address; admit named ranges only"
    ]


@pytest.mark.parametrize("stack", PRIVATE_STACKS)
def test_the_allow_azure_services_rule_fires_in_every_private_stack(stack: str) -> None:
    assert messages([sql_rule("0.0.0.0", "0.0.0.0")], WIDE, config_of(stack)) == [
        "SQL firewall rule 'fw-1' is the 0.0.0.0 'Allow Azure services' rule, which admits callers of every Azure "
        "tenant; test and prod reach SQL through its private endpoint (sql.allowAzureServices)"
    ]


@pytest.mark.parametrize("stack", PUBLIC_STACKS)
def test_dev_stacks_may_allow_azure_services(stack: str) -> None:
    assert messages([sql_rule("0.0.0.0", "0.0.0.0")], WIDE, config_of(stack)) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0.0.0.0", "255.255.255.254"),
        ("0.0.0.1", "255.255.255.255"),
        ("0.0.0.1", "0.0.0.1"),
        ("203.0.113.0", "203.0.113.255"),
    ],
)
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_sql_rule_for_a_named_range_is_quiet(stack: str, start: str, end: str) -> None:
    assert messages([sql_rule(start, end)], WIDE, config_of(stack)) == []


IP_RULE_HOLDERS = [
    (
        "storage account",
        lambda ranges: reg(
            ResourceType.STORAGE_ACCOUNT,
            "account",
            accountName="st1",
            networkRuleSet={"ipRules": [{"iPAddressOrRange": value, "action": "Allow"} for value in ranges]},
        ),
    ),
    (
        "key vault",
        lambda ranges: reg(
            ResourceType.VAULT,
            "vault",
            vaultName="st1",
            properties={"publicNetworkAccess": "Disabled", "networkAcls": {"ipRules": [{"value": v} for v in ranges]}},
        ),
    ),
]


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize(("kind", "holder"), IP_RULE_HOLDERS)
@pytest.mark.parametrize("whole", ["0.0.0.0/0", "10.0.0.0/0"])
def test_an_ip_rule_for_every_address_fires_in_every_stack(stack: str, kind: str, holder: Any, whole: str) -> None:
    regs = [holder(["203.0.113.0/24", whole])]
    assert messages(regs, WIDE, config_of(stack)) == [
        f"{kind} 'st1': ip rule {whole} admits every IPv4 address; admit named ranges"
    ]


@pytest.mark.parametrize(("kind", "holder"), IP_RULE_HOLDERS)
@pytest.mark.parametrize("ranges", [["0.0.0.0/1", "128.0.0.0/1"], ["203.0.113.5"], ["not an address"], [UNKNOWN]])
def test_named_ip_rules_are_quiet(kind: str, holder: Any, ranges: list[str]) -> None:
    assert messages([holder(ranges)], WIDE, config_of("prod")) == []


def test_ip_rules_under_another_key_are_not_read() -> None:
    """The storage account's rules are networkRuleSet.ipRules[].iPAddressOrRange, the vault's value."""
    storage = reg(
        ResourceType.STORAGE_ACCOUNT, "a", accountName="st1", networkRuleSet={"ipRules": [{"value": "0.0.0.0/0"}]}
    )
    vault = reg(
        ResourceType.VAULT,
        "v",
        vaultName="kv1",
        properties={"networkAcls": {"ipRules": [{"iPAddressOrRange": "0.0.0.0/0"}]}},
    )
    assert messages([storage, vault], WIDE, config_of("dev")) == []


# --- the other rules that depend on the environment ----------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("value", [False, None])
def test_purge_protection_is_required_in_prod_stacks_only(stack: str, value: Any) -> None:
    properties = {"enablePurgeProtection": value} if value is not None else {}
    regs = [reg(ResourceType.VAULT, "vault", vaultName="kv-1", properties=properties)]
    expected = (
        [
            "key vault 'kv-1': properties.enablePurgeProtection is "
            f"{'False' if value is False else 'not set'}; it must be true in prod (keyVault.purgeProtection: true)"
        ]
        if stack.endswith("prod")
        else []
    )
    assert messages(regs, PURGE, config_of(stack)) == expected


@pytest.mark.parametrize("stack", STACKS)
def test_unprotected_stateful_resources_fire_in_prod_stacks_only(stack: str) -> None:
    regs = [reg(ResourceType.VAULT, "vault", vaultName="kv-1", properties={"enablePurgeProtection": True})]
    expected = ["Key Vault 'kv-1' is not protected; set protect: true in prod"] if stack.endswith("prod") else []
    assert messages(regs, PROTECTED, config_of(stack)) == expected


@pytest.mark.parametrize("stack", STACKS)
def test_unlocked_stateful_resources_fire_in_prod_stacks_only(stack: str) -> None:
    regs = [
        reg(ResourceType.VAULT, "vault", protect=True, vaultName="kv-1", properties={"enablePurgeProtection": True})
    ]
    expected = (
        [
            "Key Vault 'kv-1' has no CanNotDelete management lock (ManagementLockByScope whose scope is its id); "
            "add one in prod"
        ]
        if stack.endswith("prod")
        else []
    )
    assert messages(regs, "prod-stateful-locked", config_of(stack)) == expected


def test_a_stack_rule_takes_the_first_known_environment_tag() -> None:
    regs = [
        reg(ResourceType.VAULT, "vault", vaultName="kv-1", tags={"environment": UNKNOWN}),
        reg(ResourceType.LOG_ANALYTICS_WORKSPACE, "logs", tags={"environment": "prod"}),
    ]
    assert messages(regs, PROTECTED, None) == ["Key Vault 'kv-1' is not protected; set protect: true in prod"]
