"""Names and tags: Azure's naming table per type, reserved words, unique names, tag limits."""

from __future__ import annotations

from typing import Any

import pytest

from preview.plan import Plan
from preview.resource_types import ResourceType
from stack.name_rules import ACTION_GROUP_SHORT_NAME, NAME_RULES, POOL_NAME_RULES
from stack.naming import RULES as NAMING_RULES
from tests.support.catalogue import details, edited, fired
from tests.support.registrations import reg

# type token -> (names Azure accepts, names it refuses), each from the type's row of the naming pages.
SAMPLES: dict[str, tuple[list[str], list[str]]] = {
    ResourceType.RESOURCE_GROUP: (["rg-a", "rg_(a).b", "x" * 90, "grüße"], ["rg.", "x" * 91, "rg/a", ""]),
    ResourceType.DEPLOYMENT: (["deploy-1_(a).b", "x" * 64], ["x" * 65, "a b", ""]),
    ResourceType.STORAGE_ACCOUNT: (["abc", "st" + "1" * 22], ["ab", "Stx", "st-x", "x" * 25]),
    ResourceType.BLOB_SERVICE: (["default"], ["Default", "other"]),
    ResourceType.MANAGEMENT_POLICY: (["default"], ["policy"]),
    ResourceType.BLOB_CONTAINER: (
        ["bronze", "a-b-c", "$web", "x" * 63],
        ["Bronze", "a--b", "-ab", "ab-", "ab", "x" * 64],
    ),
    ResourceType.VAULT: (["kv-a1", "abc"], ["1kv", "kv--a", "kv-", "ab", "x" * 25]),
    ResourceType.VAULT_SECRET: (["generator-function-key", "1a"], ["a_b", "a.b", "x" * 128]),
    ResourceType.SQL_SERVER: (["sql-a-1", "a"], ["Sql", "-a", "a-", "a_b", "x" * 64]),
    ResourceType.SQL_DATABASE: (["db 1", "db_(x)"], ["db.", "db ", "a/b", "a?b", "a\x01", "x" * 129]),
    ResourceType.SQL_FIREWALL_RULE: (["allow-203.0.113.5", "AllowAllWindowsAzureIps"], ["a;b", "rule.", "a:b"]),
    ResourceType.APP_SERVICE_PLAN: (["asp-a", "x" * 60], ["asp_a", "asp.a", "x" * 61]),
    ResourceType.WEB_APP: (["func-a-1", "ab"], ["a", "-a", "a-", "a_b", "x" * 61]),
    ResourceType.APP_INSIGHTS: (["appi a.b"], ["a%b", "a.", "a ", "a?b", "x" * 261]),
    ResourceType.ACTION_GROUP: (["ag-a (x)"], ["a:b", "a+b", "a.", "x" * 261]),
    ResourceType.METRIC_ALERT: (["alert-a b"], ["a#b", "a@b", "a{b", "a*b", "a."]),
    ResourceType.LOG_ANALYTICS_WORKSPACE: (["log-a", "abcd"], ["abc", "-abcd", "abcd-", "a_bcd", "x" * 64]),
    ResourceType.LOCK: (["do-not-delete", "a(1)_b.c"], ["lock.", "a b", "x" * 91]),
    ResourceType.VIRTUAL_NETWORK: (["vnet-a_", "a.b"], ["a", "_ab", "ab-", "a b", "x" * 65]),
    ResourceType.SUBNET: (["snet-function-app", "a"], ["-a", "a.", "a b", "x" * 81]),
    ResourceType.PRIVATE_ENDPOINT: (["pe-a.b_c"], ["a", "-ab", "ab."]),
    ResourceType.PRIVATE_DNS_ZONE: (
        ["privatelink.blob.core.windows.net", "a_b.c-d"],
        ["localhost", "a..b", "a b.c", ".".join(["a"] * 35), ("x" * 64) + ".com"],
    ),
    ResourceType.VIRTUAL_NETWORK_LINK: (["link-vnet-a"], ["-link", "link.", "x" * 81]),
    ResourceType.FACTORY: (["adf-a-1", "abc"], ["ab", "adf--a", "-adf", "adf_a", "x" * 64]),
    ResourceType.INTEGRATION_RUNTIME: (["ir-managed"], ["ir", "ir--a", "ir_a", "-ir"]),
    ResourceType.LINKED_SERVICE: (["LS_DataLake"], ["1LS", "LS-Lake", "LS.Lake", "LS#1", "x" * 261]),
    ResourceType.DATASET: (["DS_Events"], ["DS-Events", "_DS", "DS:1"]),
    ResourceType.DATA_FLOW: (["DF_Events_BronzeToSilver"], ["DF-Events", "DF+1"]),
    ResourceType.PIPELINE: (["PL_Archive-SqlToLake"], ["1PL", "PL/a", "PL.a", "PL*"]),
    ResourceType.TRIGGER: (["TR_Daily", "1Trigger"], ["_TR", "TR?", "TR%a"]),
    ResourceType.DEV_CENTER: (["dc-a", "x" * 26], ["dc", "-dc", "dc_a", "x" * 27]),
    ResourceType.DEV_CENTER_PROJECT: (["dcp-a_b.c"], ["dc", "-dcp", "dcp a", "x" * 64]),
    ResourceType.AGENT_POOL: (["mdp-a.1", "Mdp"], ["-mdp", "mdp_a", "ab", "x" * 45]),
}


def test_every_entry_of_the_naming_table_has_samples() -> None:
    assert set(SAMPLES) == set(NAME_RULES)


@pytest.mark.parametrize("type_token", sorted(SAMPLES))
def test_each_type_accepts_its_valid_names_and_refuses_the_others(type_token: str) -> None:
    rule = NAME_RULES[type_token]
    valid, invalid = SAMPLES[type_token]
    assert [name for name in valid if rule.problem(name)] == []
    assert [name for name in invalid if rule.problem(name) is None] == []


def test_the_pool_name_rule_of_the_older_api_version_took_lowercase_letters_and_digits_only() -> None:
    older = POOL_NAME_RULES["2023-10-30-preview"]
    assert older.problem("mdppool1") is None
    assert older.problem("mdp-pool") and older.problem("Mdp") and older.problem("1mdp")


def test_the_action_group_short_name_has_at_most_12_characters() -> None:
    assert ACTION_GROUP_SHORT_NAME.problem("x" * 12) is None
    assert ACTION_GROUP_SHORT_NAME.problem("x" * 13) == "is 13 characters; Azure allows 1-12"


def test_the_names_stack_naming_builds_are_checked_with_the_same_table() -> None:
    pairs = {
        "storage_account": ResourceType.STORAGE_ACCOUNT,
        "key_vault": ResourceType.VAULT,
        "data_factory": ResourceType.FACTORY,
        "function_app": ResourceType.WEB_APP,
        "sql_server": ResourceType.SQL_SERVER,
        "virtual_network": ResourceType.VIRTUAL_NETWORK,
        "agent_pool": ResourceType.AGENT_POOL,
    }
    for key, type_token in pairs.items():
        ours, azure = NAMING_RULES[key], NAME_RULES[type_token]
        assert (ours.min_length, ours.max_length, ours.pattern) == (azure.min_length, azure.max_length, azure.pattern)


# ------------------------------------------------------------------ the rules over the plan


def test_names_fire_for_a_storage_account_with_a_hyphen_and_a_lake_container_in_capitals(dev: Plan) -> None:
    regs = edited(dev, "platform-lake-account", lambda inputs: inputs.update(accountName="st-lake"))
    regs = [*regs]
    found = details(regs, "resource-name-rules")
    assert found == [
        (
            "platform-lake-account",
            "the storage account name 'st-lake' is invalid; Azure allows lowercase letters and digits",
        )
    ]
    regs = edited(dev, "platform-lake-bronze", lambda inputs: inputs.update(containerName="Bronze"))
    assert fired(regs, "resource-name-rules") == [
        "the blob container name 'Bronze' is invalid; Azure allows lowercase letters, digits and single hyphens, "
        "starting and ending with a letter or digit"
    ]


def test_names_fire_for_an_adf_linked_service_with_a_dash(dev: Plan) -> None:
    regs = edited(
        dev, "platform-adf-content-linkedService-LS_DataLake", lambda i: i.update(linkedServiceName="LS-Lake")
    )
    (detail,) = fired(regs, "resource-name-rules")
    assert detail.startswith("the Data Factory linked service name 'LS-Lake' is invalid")


def test_names_are_quiet_on_the_committed_stacks_and_on_unknown_names(prod: Plan) -> None:
    assert fired(prod.all_resources, "resource-name-rules") == []
    unknown = reg(ResourceType.STORAGE_ACCOUNT, "acct", accountName="[unknown]")
    assert fired([unknown], "resource-name-rules") == []


DOCUMENTED_RESERVED_WORDS = (
    *("ACCESS", "APP_CODE", "APP_THEMES", "APP_DATA", "APP_GLOBALRESOURCES", "APP_LOCALRESOURCES"),
    *("APP_WEBREFERENCES", "APP_BROWSERS", "AZURE", "BING", "BIZSPARK", "BIZTALK", "CORTANA", "DIRECTX", "DOTNET"),
    *("DYNAMICS", "EXCEL", "EXCHANGE", "FOREFRONT", "GROOVE", "HOLOLENS", "HYPERV", "KINECT", "LYNC", "MSDN", "O365"),
    *("OFFICE", "OFFICE365", "ONEDRIVE", "ONENOTE", "OUTLOOK", "POWERPOINT", "SHAREPOINT", "SKYPE", "VISIO"),
    *("VISUALSTUDIO", "WEB.CONFIG", "XBOX"),
)
"""The words the page reserves as a whole word of a name, as it lists them (38), written out here rather than read
from the rule's table, so that a word the table loses fails its case
(https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-reserved-resource-name)."""


def test_the_page_lists_38_whole_words() -> None:
    assert len(set(DOCUMENTED_RESERVED_WORDS)) == len(DOCUMENTED_RESERVED_WORDS) == 38


@pytest.mark.parametrize("word", DOCUMENTED_RESERVED_WORDS)
def test_each_reserved_word_fires_as_a_whole_word_of_a_site_name(word: str) -> None:
    site = reg(ResourceType.WEB_APP, "site", name=f"func-{word.lower()}-1")
    assert fired([site], "resource-name-reserved-words") == [
        f"name 'func-{word.lower()}-1' uses the reserved word {word} (ReservedResourceName)"
    ]


@pytest.mark.parametrize(
    ("type_token", "name_input", "name", "expected"),
    [
        (ResourceType.STORAGE_ACCOUNT, "accountName", "stmicrosoftdata", "contains the reserved word MICROSOFT"),
        (ResourceType.VAULT, "vaultName", "kv-Windows-1", "contains the reserved word WINDOWS"),
        (ResourceType.SQL_SERVER, "serverName", "login-db", "starts with the reserved word LOGIN"),
        (ResourceType.FACTORY, "factoryName", "AZURE", "uses the reserved word AZURE"),
    ],
)
def test_reserved_words_fire_anywhere_at_the_start_or_whole_without_regard_to_case(
    type_token: str, name_input: str, name: str, expected: str
) -> None:
    inputs: dict[str, Any] = {name_input: name}
    resource = reg(type_token, "r", **inputs)
    assert fired([resource], "resource-name-reserved-words") == [f"name {name!r} {expected} (ReservedResourceName)"]


def test_reserved_words_are_quiet_inside_a_word_after_the_start_and_on_types_without_an_endpoint() -> None:
    quiet = [
        reg(ResourceType.STORAGE_ACCOUNT, "a", accountName="stazuredata"),
        reg(ResourceType.WEB_APP, "b", name="func-bloglogin"),
        reg(ResourceType.SQL_SERVER, "c", serverName="sql-officer"),
        reg(ResourceType.VIRTUAL_NETWORK, "d", virtualNetworkName="vnet-microsoft"),
    ]
    assert fired(quiet, "resource-name-reserved-words") == []


def test_unique_fires_for_two_registrations_of_one_resource_and_for_a_global_name_in_two_groups() -> None:
    first = reg(ResourceType.VAULT, "vault-a", vaultName="kv-one", resourceGroupName="rg1")
    again = reg(ResourceType.VAULT, "vault-b", vaultName="KV-ONE", resourceGroupName="rg1")
    elsewhere = reg(ResourceType.VAULT, "vault-c", vaultName="Kv-One", resourceGroupName="rg2")
    found = details([first, again, elsewhere], "resource-name-unique")
    assert found[0][0] == "vault-b" and "is the same Azure resource as 'vault-a'" in found[0][1]
    # A global name is one host name, and DNS ignores case: 'Kv-One' elsewhere is 'kv-one' again.
    assert found[1] == ("vault-c", "Key Vault name 'Kv-One' is also the name of 'vault-a'")


def test_unique_is_quiet_for_one_name_in_two_groups_of_a_group_scoped_type_and_across_types() -> None:
    regs = [
        reg(ResourceType.VIRTUAL_NETWORK, "a", virtualNetworkName="vnet", resourceGroupName="rg1"),
        reg(ResourceType.VIRTUAL_NETWORK, "b", virtualNetworkName="vnet", resourceGroupName="rg2"),
        reg(ResourceType.VAULT, "c", vaultName="shared1"),
        reg(ResourceType.SQL_SERVER, "d", serverName="shared1"),
    ]
    assert fired(regs, "resource-name-unique") == []


def tagged(type_token: str, tags: dict[str, str]) -> list[str]:
    return fired([reg(type_token, "r", tags=tags)], "resource-tags")


def test_tags_fire_past_50_and_past_15_on_a_private_dns_zone() -> None:
    assert tagged(ResourceType.VAULT, {f"t{i}": "v" for i in range(50)}) == []
    assert tagged(ResourceType.VAULT, {f"t{i}": "v" for i in range(51)}) == ["51 tags; Azure allows 50 on this type"]
    assert tagged(ResourceType.PRIVATE_DNS_ZONE, {f"t{i}": "v" for i in range(15)}) == []
    assert tagged(ResourceType.PRIVATE_DNS_ZONE, {f"t{i}": "v" for i in range(16)}) == [
        "16 tags; Azure allows 15 on this type"
    ]


def test_tag_names_fire_past_512_and_past_128_on_a_storage_account() -> None:
    assert tagged(ResourceType.VAULT, {"n" * 512: "v"}) == []
    assert tagged(ResourceType.VAULT, {"n" * 513: "v"})[0].endswith("is 513 characters; Azure allows 512 here")
    assert tagged(ResourceType.STORAGE_ACCOUNT, {"n" * 128: "v"}) == []
    assert tagged(ResourceType.STORAGE_ACCOUNT, {"n" * 129: "v"})[0].endswith("Azure allows 128 here")


@pytest.mark.parametrize("character", list("<>%&\\?/"))
def test_each_forbidden_character_of_a_tag_name_fires(character: str) -> None:
    name = f"cost{character}center"
    assert tagged(ResourceType.VAULT, {name: "v"}) == [f"tag name {name!r} uses one of < > % & \\ ? /"]


def test_tag_values_fire_past_256() -> None:
    assert tagged(ResourceType.VAULT, {"owner": "v" * 256}) == []
    assert tagged(ResourceType.VAULT, {"owner": "v" * 257}) == [
        "tag 'owner' has a value of 257 characters; Azure allows 256"
    ]
