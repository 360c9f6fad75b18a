"""The storage rules, detail by detail, on hand-made registrations: each SKU and tier the lists hold, each lifecycle
target and action, names compared as Azure compares them, and each limit at its bound."""

from __future__ import annotations

from typing import Any

import pytest

from preview.mocks import Registration
from preview.view import UNKNOWN, ResourceType
from tests.support.catalogue import fired
from tests.support.registrations import reg


def account(name: str = "stlake", sku: str = "Standard_LRS", **inputs: Any) -> Registration:
    base = {"accountName": name, "sku": {"name": sku}, "kind": "StorageV2", "isHnsEnabled": True}
    return reg(ResourceType.STORAGE_ACCOUNT, f"account-{name}", **{**base, **inputs})


def lifecycle(*rules: dict[str, Any], account_name: str = "stlake") -> Registration:
    return reg(
        ResourceType.MANAGEMENT_POLICY,
        "lifecycle",
        accountName=account_name,
        managementPolicyName="default",
        policy={"rules": list(rules)},
    )


def rule(name: str = "archive", blob_types: Any = ("blockBlob",), prefixes: Any = None, **actions: Any) -> dict:
    filters: dict[str, Any] = {"blobTypes": list(blob_types) if isinstance(blob_types, tuple) else blob_types}
    if prefixes is not None:
        filters["prefixMatch"] = prefixes
    return {"name": name, "type": "Lifecycle", "definition": {"filters": filters, "actions": actions}}


def blob_service(account_name: str = "stlake", **inputs: Any) -> Registration:
    return reg(
        ResourceType.BLOB_SERVICE, "blob-service", accountName=account_name, blobServicesName="default", **inputs
    )


# --- Archive tier and redundancy ------------------------------------------------------------------------------------

NO_ARCHIVE = ["Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS", "Premium_ZRS"]
"""ZRS, GZRS and RA-GZRS have no Archive tier (https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview)."""


@pytest.mark.parametrize("sku", NO_ARCHIVE)
@pytest.mark.parametrize("target", ["baseBlob", "snapshot", "version"])
def test_tiering_to_archive_fires_on_each_zone_redundant_sku_for_each_target(sku: str, target: str) -> None:
    actions: dict[str, Any] = {target: {"tierToArchive": {"daysAfterModificationGreaterThan": 30}}}
    archive = rule(**actions)
    assert fired([account(sku=sku), lifecycle(archive)], "storage-archive-tier-redundancy") == [
        f"rule 'archive' tiers {target} to Archive on a {sku} account"
    ]


@pytest.mark.parametrize("sku", ["Standard_LRS", "Standard_GRS", "Standard_RAGRS"])
def test_tiering_to_archive_is_quiet_on_skus_that_have_it(sku: str) -> None:
    archive = rule(baseBlob={"tierToArchive": {"daysAfterModificationGreaterThan": 30}})
    assert fired([account(sku=sku), lifecycle(archive)], "storage-archive-tier-redundancy") == []


@pytest.mark.parametrize("sku", NO_ARCHIVE)
def test_tiering_to_cold_is_quiet_on_zone_redundant_skus(sku: str) -> None:
    cold = rule(baseBlob={"tierToCold": {"daysAfterModificationGreaterThan": 30}})
    assert fired([account(sku=sku), lifecycle(cold)], "storage-archive-tier-redundancy") == []


def test_the_account_is_found_by_its_name_in_any_case() -> None:
    archive = rule(baseBlob={"tierToArchive": {"daysAfterModificationGreaterThan": 30}})
    regs = [account(sku="Standard_ZRS"), lifecycle(archive, account_name="STLAKE")]
    assert fired(regs, "storage-archive-tier-redundancy") == [
        "rule 'archive' tiers baseBlob to Archive on a Standard_ZRS account"
    ]


def test_the_sku_is_read_from_its_name_not_its_tier() -> None:
    archive = rule(baseBlob={"tierToArchive": {"daysAfterModificationGreaterThan": 30}})
    by_tier = account()
    by_tier.inputs["sku"] = {"name": "Standard_LRS", "tier": "Standard_ZRS"}
    assert fired([by_tier, lifecycle(archive)], "storage-archive-tier-redundancy") == []


# --- the account's default tier and its namespace --------------------------------------------------------------------


@pytest.mark.parametrize("tier", ["Hot", "Cool", "Premium", UNKNOWN, None])
def test_hot_cool_and_premium_are_default_tiers(tier: Any) -> None:
    assert fired([account(accessTier=tier)], "storage-default-access-tier") == []


@pytest.mark.parametrize("tier", ["Cold", "Archive"])
def test_cold_and_archive_are_not_default_tiers(tier: str) -> None:
    assert fired([account(accessTier=tier)], "storage-default-access-tier") == [f"accessTier is {tier!r}"]


@pytest.mark.parametrize("hns", [UNKNOWN, "true", 1, None, False])
def test_only_a_namespace_known_to_be_on_forbids_versioning(hns: Any) -> None:
    regs = [account(isHnsEnabled=hns), blob_service(isVersioningEnabled=True)]
    assert fired(regs, "storage-hns-unsupported-features") == []


def test_a_namespace_that_is_on_forbids_versioning_found_by_the_accounts_name_in_any_case() -> None:
    regs = [account(), blob_service("StLake", isVersioningEnabled=True)]
    assert fired(regs, "storage-hns-unsupported-features") == [
        "isVersioningEnabled is true: blob versioning is not supported on a hierarchical-namespace account"
    ]


@pytest.mark.parametrize("kind", ["StorageV2", "BlockBlobStorage"])
def test_each_kind_that_takes_a_namespace_is_quiet(kind: str) -> None:
    assert fired([account(kind=kind)], "storage-hns-account-kind") == []


@pytest.mark.parametrize("kind", ["Storage", "BlobStorage", "FileStorage"])
def test_other_kinds_with_a_namespace_fire(kind: str) -> None:
    assert fired([account(kind=kind)], "storage-hns-account-kind") == [
        f"isHnsEnabled on a {kind} account; a hierarchical namespace needs StorageV2 or BlockBlobStorage"
    ]


# --- network rules ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "most"), [("virtualNetworkRules", 400), ("resourceAccessRules", 200)])
def test_network_rule_counts_stop_at_their_limit(key: str, most: int) -> None:
    at_limit = account(networkRuleSet={key: [{"id": str(i)} for i in range(most)]})
    assert fired([at_limit], "storage-ip-rules") == []
    past = account(networkRuleSet={key: [{"id": str(i)} for i in range(most + 1)]})
    assert fired([past], "storage-ip-rules") == [f"networkRuleSet.{key}: {most + 1} rules; Azure allows {most}"]


def test_storage_ip_rules_refuse_31_and_32_prefixes() -> None:
    regs = [account(networkRuleSet={"ipRules": [{"iPAddressOrRange": "203.0.113.4/31"}]})]
    (detail,) = fired(regs, "storage-ip-rules")
    assert detail.startswith("networkRuleSet.ipRules: 203.0.113.4/31")


# --- soft delete and point-in-time restore ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"])
@pytest.mark.parametrize(("days", "fires"), [(0, True), (1, False), (365, False), (366, True)])
def test_soft_delete_keeps_1_to_365_days_in_both_policies(key: str, days: int, fires: bool) -> None:
    for policy in ({"enabled": True, "days": days}, {"days": days}):
        inputs: dict[str, Any] = {key: policy}
        found = fired([blob_service(**inputs)], "storage-soft-delete-days")
        assert found == ([f"{key}: soft delete retention (days) is {days}; Azure allows 1-365"] if fires else [])


@pytest.mark.parametrize("key", ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"])
def test_a_disabled_soft_delete_policy_is_not_judged(key: str) -> None:
    inputs: dict[str, Any] = {key: {"enabled": False, "days": 0}}
    assert fired([blob_service(**inputs)], "storage-soft-delete-days") == []


def restorable(**inputs: Any) -> Registration:
    base: dict[str, Any] = {
        "restorePolicy": {"enabled": True, "days": 6},
        "isVersioningEnabled": True,
        "changeFeed": {"enabled": True},
        "deleteRetentionPolicy": {"enabled": True, "days": 7},
    }
    return blob_service(**{**base, **inputs})


def test_point_in_time_restore_with_its_prerequisites_is_quiet() -> None:
    assert fired([restorable()], "storage-point-in-time-restore-prerequisites") == []
    assert fired([restorable(restorePolicy={"enabled": UNKNOWN})], "storage-point-in-time-restore-prerequisites") == []


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"isVersioningEnabled": None}, "restorePolicy is enabled without isVersioningEnabled"),
        ({"isVersioningEnabled": UNKNOWN}, "restorePolicy is enabled without isVersioningEnabled"),
        ({"changeFeed": {}}, "restorePolicy is enabled without changeFeed.enabled"),
        ({"changeFeed": {"enabled": UNKNOWN}}, "restorePolicy is enabled without changeFeed.enabled"),
        (
            {"deleteRetentionPolicy": {"days": 7}},
            "restorePolicy is enabled without deleteRetentionPolicy (blob soft delete)",
        ),
        (
            {"deleteRetentionPolicy": {"enabled": UNKNOWN, "days": 7}},
            "restorePolicy is enabled without deleteRetentionPolicy (blob soft delete)",
        ),
        (
            {"restorePolicy": {"enabled": True, "days": 7}},
            "restorePolicy.days 7 is not below deleteRetentionPolicy.days 7",
        ),
    ],
)
def test_point_in_time_restore_needs_each_prerequisite_known_to_be_on(change: dict[str, Any], detail: str) -> None:
    assert fired([restorable(**change)], "storage-point-in-time-restore-prerequisites") == [detail]


# --- lifecycle rules -------------------------------------------------------------------------------------------------


def delete_after(days: int = 30) -> dict[str, Any]:
    return {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": days}}}


def test_a_policy_holds_1_to_100_rules() -> None:
    assert fired([lifecycle()], "storage-lifecycle-rules") == ["0 rules; a policy holds 1 to 100"]
    hundred = [rule(f"r{i}", **delete_after()) for i in range(100)]
    assert fired([lifecycle(*hundred)], "storage-lifecycle-rules") == []
    assert fired([lifecycle(*hundred, rule("r100", **delete_after()))], "storage-lifecycle-rules") == [
        "101 rules; a policy holds 1 to 100"
    ]


@pytest.mark.parametrize(
    ("name", "fires"), [("", True), ("r", False), ("r" * 256, False), ("r" * 257, True), (None, True)]
)
def test_a_rule_name_holds_1_to_256_characters(name: Any, fires: bool) -> None:
    found = fired([lifecycle(rule(name, **delete_after()))], "storage-lifecycle-rules")
    assert found == ([f"rule name {name!r} is not 1-256 characters"] if fires else [])


def test_rule_names_are_unique_and_case_sensitive() -> None:
    regs = [lifecycle(rule("archive", **delete_after()), rule("Archive", **delete_after()))]
    assert fired(regs, "storage-lifecycle-rules") == []
    regs = [lifecycle(rule("archive", **delete_after()), rule("archive", **delete_after(60)))]
    assert fired(regs, "storage-lifecycle-rules") == [
        "rule name 'archive' is used twice (names are unique in a policy, case-sensitive)"
    ]


@pytest.mark.parametrize("kind", [None, "lifecycle", "Delete"])
def test_the_only_rule_type_is_lifecycle(kind: Any) -> None:
    broken = {**rule(**delete_after()), "type": kind}
    assert fired([lifecycle(broken)], "storage-lifecycle-rules") == [
        f"rule 'archive' has type {kind!r}; the only type is 'Lifecycle'"
    ]


@pytest.mark.parametrize("blob_types", [[], None, "blockBlob"])
def test_blob_types_are_required_as_a_list(blob_types: Any) -> None:
    assert fired([lifecycle(rule(blob_types=blob_types, **delete_after()))], "storage-lifecycle-rules") == [
        "rule 'archive' has no filters.blobTypes (required)"
    ]


@pytest.mark.parametrize(
    ("blob_types", "bad"), [(("blockBlob",), None), (("appendBlob",), None), (("pageBlob",), "pageBlob")]
)
def test_blob_types_are_block_or_append_blobs(blob_types: tuple[str, ...], bad: str | None) -> None:
    found = fired([lifecycle(rule(blob_types=blob_types, **delete_after()))], "storage-lifecycle-rules")
    assert found == ([f"rule 'archive': blobTypes {bad!r} is not one of blockBlob, appendBlob"] if bad else [])


def containers(*names: str, account_name: str = "stlake") -> list[Registration]:
    return [
        reg(ResourceType.BLOB_CONTAINER, f"container-{name}", accountName=account_name, containerName=name)
        for name in names
    ]


def test_a_filter_holds_ten_prefixes() -> None:
    ten = [f"archive/p{i}" for i in range(10)]
    regs = [account(), *containers("archive"), lifecycle(rule(prefixes=ten, **delete_after()))]
    assert fired(regs, "storage-lifecycle-prefix") == []
    regs = [account(), *containers("archive"), lifecycle(rule(prefixes=[*ten, "archive/p10"], **delete_after()))]
    assert fired(regs, "storage-lifecycle-prefix") == ["rule 'archive' has 11 prefixes; Azure allows 10"]


def test_a_prefix_names_one_of_the_accounts_containers_exactly() -> None:
    own = [account(), *containers("archive", account_name="STLAKE"), *containers("other", account_name="stother")]
    assert fired([*own, lifecycle(rule(prefixes=["archive/old"], **delete_after()))], "storage-lifecycle-prefix") == []
    # The account's own name in capitals finds the same containers: ARM names ignore case.
    capitals = [account("StLake"), *containers("archive")]
    assert (
        fired([*capitals, lifecycle(rule(prefixes=["archive/old"], **delete_after()))], "storage-lifecycle-prefix")
        == []
    )
    assert fired(
        [*capitals, lifecycle(rule(prefixes=["other/old"], **delete_after()))], "storage-lifecycle-prefix"
    ) == [
        "prefix 'other/old' names container 'other', which the account does not have (it has archive; prefixes are "
        "case-sensitive)"
    ]
    assert fired([*own, lifecycle(rule(prefixes=["Archive/old"], **delete_after()))], "storage-lifecycle-prefix") == [
        "prefix 'Archive/old' does not start with a container name"
    ]
    assert fired([*own, lifecycle(rule(prefixes=["other/old"], **delete_after()))], "storage-lifecycle-prefix") == [
        "prefix 'other/old' names container 'other', which the account does not have (it has archive; prefixes are "
        "case-sensitive)"
    ]


def test_a_prefix_without_a_slash_may_be_the_start_of_any_name() -> None:
    regs = [account(), *containers("archive"), lifecycle(rule(prefixes=["Arch", "arch", UNKNOWN], **delete_after()))]
    assert fired(regs, "storage-lifecycle-prefix") == []


def last_access_rule(action: str = "tierToCool") -> dict[str, Any]:
    return rule(baseBlob={action: {"daysAfterLastAccessTimeGreaterThan": 30}})


def test_last_access_conditions_need_tracking_on_the_accounts_blob_service() -> None:
    tracked = blob_service("STLAKE", lastAccessTimeTrackingPolicy={"enable": True})
    assert fired([account(), tracked, lifecycle(last_access_rule())], "storage-lifecycle-last-access-tracking") == []
    tracked = blob_service("stlake", lastAccessTimeTrackingPolicy={"enable": True})
    regs = [account("StLake"), tracked, lifecycle(last_access_rule())]
    assert fired(regs, "storage-lifecycle-last-access-tracking") == []
    for policy in ({"enable": False}, {"enable": UNKNOWN}, {}):
        regs = [account(), blob_service(lastAccessTimeTrackingPolicy=policy), lifecycle(last_access_rule())]
        assert fired(regs, "storage-lifecycle-last-access-tracking") == [
            "rule 'archive': baseBlob.tierToCool uses daysAfterLastAccessTimeGreaterThan, but the blob service has no "
            "lastAccessTimeTrackingPolicy enabled"
        ]


@pytest.mark.parametrize("action", ["tierToCool", "tierToCold", "delete"])
def test_the_last_tier_change_condition_fires_with_every_action_but_archive(action: str) -> None:
    condition = {"daysAfterLastTierChangeGreaterThan": 7, "daysAfterModificationGreaterThan": 30}
    regs = [lifecycle(rule(baseBlob={action: condition}))]
    assert fired(regs, "storage-lifecycle-condition-action") == [
        f"rule 'archive': baseBlob.{action} uses daysAfterLastTierChangeGreaterThan, which only tierToArchive takes"
    ]
    regs = [lifecycle(rule(baseBlob={"tierToArchive": condition}))]
    assert fired(regs, "storage-lifecycle-condition-action") == []


def test_auto_tier_to_hot_needs_a_cool_tier_on_last_access() -> None:
    on_access = {"enableAutoTierToHotFromCool": True, "tierToCool": {"daysAfterLastAccessTimeGreaterThan": 30}}
    assert fired([lifecycle(rule(baseBlob=on_access))], "storage-lifecycle-condition-action") == []
    on_modification = {"enableAutoTierToHotFromCool": True, "tierToCool": {"daysAfterModificationGreaterThan": 30}}
    assert fired([lifecycle(rule(baseBlob=on_modification))], "storage-lifecycle-condition-action") == [
        "rule 'archive': enableAutoTierToHotFromCool needs tierToCool with daysAfterLastAccessTimeGreaterThan"
    ]
    for value in (False, UNKNOWN):
        off = {"enableAutoTierToHotFromCool": value, "tierToCool": {"daysAfterModificationGreaterThan": 30}}
        assert fired([lifecycle(rule(baseBlob=off))], "storage-lifecycle-condition-action") == []


@pytest.mark.parametrize("action", ["tierToCool", "tierToCold", "tierToArchive"])
@pytest.mark.parametrize("blob_types", [("appendBlob",), ("blockBlob", "appendBlob")])
def test_each_tiering_action_fires_for_append_blobs(action: str, blob_types: tuple[str, ...]) -> None:
    tiering = rule(blob_types=blob_types, baseBlob={action: {"daysAfterModificationGreaterThan": 30}})
    assert fired([lifecycle(tiering)], "storage-lifecycle-tiering-block-blobs") == [
        f"rule 'archive' tiers ({action}) append blobs; only block blobs tier"
    ]


def test_append_blobs_may_be_deleted_and_block_blobs_tiered() -> None:
    assert (
        fired([lifecycle(rule(blob_types=("appendBlob",), **delete_after()))], "storage-lifecycle-tiering-block-blobs")
        == []
    )
    tiering = rule(baseBlob={"tierToCold": {"daysAfterModificationGreaterThan": 30}})
    assert fired([lifecycle(tiering)], "storage-lifecycle-tiering-block-blobs") == []
