"""Storage: hierarchical-namespace features, account kind, IP rules, soft delete, point-in-time restore, lifecycle."""

from __future__ import annotations

from typing import Any

import pytest

from preview.plan import Plan
from stack.azure_limits import HNS_UNSUPPORTED_BLOB_SERVICE
from tests.support.catalogue import edited, fired, replaced

LAKE = "platform-lake-account"
HOST = "platform-generator-host-storage"
BLOB_SERVICE = "platform-lake-blob-service"
LIFECYCLE = "platform-lake-archive-lifecycle"


def set_path(inputs: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        inputs = inputs.setdefault(key, {})
    inputs[last] = value


@pytest.mark.parametrize(("path", "feature"), sorted(HNS_UNSUPPORTED_BLOB_SERVICE.items()))
def test_hns_features_fire_for_each_feature_on_the_lake(dev: Plan, path: str, feature: str) -> None:
    regs = edited(dev, BLOB_SERVICE, lambda inputs: set_path(inputs, path, True))
    assert fired(regs, "storage-hns-unsupported-features") == [
        f"{path} is true: {feature} is not supported on a hierarchical-namespace account"
    ]


def test_hns_features_are_quiet_without_a_hierarchical_namespace_and_when_off(dev: Plan) -> None:
    regs = edited(dev, BLOB_SERVICE, lambda inputs: inputs.update(isVersioningEnabled=True))
    regs = replaced(regs, LAKE, isHnsEnabled=False)
    assert fired(regs, "storage-hns-unsupported-features") == []
    regs = edited(dev, BLOB_SERVICE, lambda inputs: inputs.update(isVersioningEnabled=False))
    assert fired(regs, "storage-hns-unsupported-features") == []


@pytest.mark.parametrize("kind", ["StorageV2", "BlockBlobStorage"])
def test_hns_kind_is_quiet_for_the_kinds_that_take_a_namespace(dev: Plan, kind: str) -> None:
    assert fired(replaced(dev.all_resources, LAKE, kind=kind), "storage-hns-account-kind") == []


@pytest.mark.parametrize("kind", ["Storage", "BlobStorage", "FileStorage"])
def test_hns_kind_fires_for_other_kinds(dev: Plan, kind: str) -> None:
    assert fired(replaced(dev.all_resources, LAKE, kind=kind), "storage-hns-account-kind") == [
        f"isHnsEnabled on a {kind} account; a hierarchical namespace needs StorageV2 or BlockBlobStorage"
    ]


@pytest.mark.parametrize(("flag", "feature"), [("isSftpEnabled", "SFTP"), ("isNfsV3Enabled", "NFS 3.0")])
def test_sftp_and_nfs_fire_without_a_namespace_and_are_quiet_with_one(dev: Plan, flag: str, feature: str) -> None:
    assert fired(replaced(dev.all_resources, HOST, **{flag: True}), "storage-hns-account-kind") == [
        f"{flag} is true without isHnsEnabled: {feature} needs a hierarchical namespace"
    ]
    assert fired(replaced(dev.all_resources, LAKE, **{flag: True}), "storage-hns-account-kind") == []


def with_ip_rules(plan: Plan, *values: str) -> list[str]:
    def change(inputs: dict[str, Any]) -> None:
        inputs["networkRuleSet"]["ipRules"] = [{"iPAddressOrRange": value, "action": "Allow"} for value in values]

    return fired(edited(plan, LAKE, change), "storage-ip-rules")


@pytest.mark.parametrize("private", ["10.1.2.3", "172.16.0.0/16", "172.31.255.255", "192.168.10.0/24"])
def test_ip_rules_fire_for_each_private_range(dev: Plan, private: str) -> None:
    assert with_ip_rules(dev, private) == [
        f"networkRuleSet.ipRules: {private} is in a private RFC 1918 range; IP rules take public addresses only"
    ]


@pytest.mark.parametrize("small", ["203.0.113.4/31", "203.0.113.5/32"])
def test_ip_rules_fire_for_31_and_32_prefixes(dev: Plan, small: str) -> None:
    (detail,) = with_ip_rules(dev, small)
    assert detail.endswith("give single addresses without a prefix")


def test_ip_rules_are_quiet_for_public_addresses_and_ranges_and_fire_past_400(dev: Plan) -> None:
    assert with_ip_rules(dev, "203.0.113.5", "198.51.100.0/24", "172.32.0.1") == []
    many = [f"203.0.{i // 250}.{i % 250}" for i in range(401)]
    assert with_ip_rules(dev, *many) == ["networkRuleSet.ipRules: 401 IP rules; Azure allows 400"]
    assert with_ip_rules(dev, *many[:400]) == []


def test_ip_rules_fire_for_ipv6(dev: Plan) -> None:
    assert with_ip_rules(dev, "2001:db8::1") == [
        "networkRuleSet.ipRules: 2001:db8::1 is IPv6; only IPv4 rules are supported"
    ]


@pytest.mark.parametrize("key", ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"])
def test_soft_delete_fires_outside_1_to_365_days_for_blobs_and_containers(dev: Plan, key: str) -> None:
    for days, expected in ((0, 1), (366, 1), (1, 0), (365, 0)):

        def change(inputs: dict[str, Any], days: int = days) -> None:
            inputs[key].update(days=days)

        assert len(fired(edited(dev, BLOB_SERVICE, change), "storage-soft-delete-days")) == expected, days


def test_soft_delete_is_quiet_when_the_policy_is_off(dev: Plan) -> None:
    regs = edited(dev, BLOB_SERVICE, lambda inputs: inputs["deleteRetentionPolicy"].update(enabled=False, days=0))
    assert fired(regs, "storage-soft-delete-days") == []


def restore(plan: Plan, **changes: Any) -> list[str]:
    def change(inputs: dict[str, Any]) -> None:
        inputs.update(
            restorePolicy={"enabled": True, "days": 6}, isVersioningEnabled=True, changeFeed={"enabled": True}
        )
        inputs["deleteRetentionPolicy"] = {"enabled": True, "days": 7}
        inputs.update(changes)

    return fired(edited(plan, BLOB_SERVICE, change), "storage-point-in-time-restore-prerequisites")


def test_point_in_time_restore_is_quiet_with_its_prerequisites(dev: Plan) -> None:
    assert restore(dev) == []


def test_point_in_time_restore_fires_for_each_missing_prerequisite(dev: Plan) -> None:
    assert restore(dev, isVersioningEnabled=False) == ["restorePolicy is enabled without isVersioningEnabled"]
    assert restore(dev, changeFeed={"enabled": False}) == ["restorePolicy is enabled without changeFeed.enabled"]
    assert restore(dev, deleteRetentionPolicy={"enabled": False}) == [
        "restorePolicy is enabled without deleteRetentionPolicy (blob soft delete)"
    ]
    assert restore(dev, restorePolicy={"enabled": True, "days": 7}) == [
        "restorePolicy.days 7 is not below deleteRetentionPolicy.days 7"
    ]


# ------------------------------------------------------------------ lifecycle


def first_rule(change: Any) -> Any:
    def apply(inputs: dict[str, Any]) -> None:
        change(inputs["policy"]["rules"][0])

    return apply


def test_lifecycle_rules_fire_for_a_duplicate_name_a_long_name_a_wrong_type_and_no_blob_types(dev: Plan) -> None:
    def duplicate(inputs: dict[str, Any]) -> None:
        inputs["policy"]["rules"].append(dict(inputs["policy"]["rules"][0]))

    assert fired(edited(dev, LIFECYCLE, duplicate), "storage-lifecycle-rules") == [
        "rule name 'archive-cool-archive-delete' is used twice (names are unique in a policy, case-sensitive)"
    ]
    assert fired(edited(dev, LIFECYCLE, first_rule(lambda r: r.update(name="r" * 257))), "storage-lifecycle-rules") == [
        f"rule name {'r' * 257!r} is not 1-256 characters"
    ]
    assert (
        fired(edited(dev, LIFECYCLE, first_rule(lambda r: r.update(name="r" * 256))), "storage-lifecycle-rules") == []
    )
    assert fired(edited(dev, LIFECYCLE, first_rule(lambda r: r.update(type="Other"))), "storage-lifecycle-rules") == [
        "rule 'archive-cool-archive-delete' has type 'Other'; the only type is 'Lifecycle'"
    ]
    no_types = first_rule(lambda r: r["definition"]["filters"].pop("blobTypes"))
    assert fired(edited(dev, LIFECYCLE, no_types), "storage-lifecycle-rules") == [
        "rule 'archive-cool-archive-delete' has no filters.blobTypes (required)"
    ]
    page_blobs = first_rule(lambda r: r["definition"]["filters"].update(blobTypes=["pageBlob"]))
    assert fired(edited(dev, LIFECYCLE, page_blobs), "storage-lifecycle-rules") == [
        "rule 'archive-cool-archive-delete': blobTypes 'pageBlob' is not one of blockBlob, appendBlob"
    ]


def test_lifecycle_rules_fire_for_an_empty_policy_and_past_100_rules(dev: Plan) -> None:
    assert fired(edited(dev, LIFECYCLE, lambda i: i["policy"].update(rules=[])), "storage-lifecycle-rules") == [
        "0 rules; a policy holds 1 to 100"
    ]

    def many(count: int) -> Any:
        def change(inputs: dict[str, Any]) -> None:
            rule = inputs["policy"]["rules"][0]
            inputs["policy"]["rules"] = [{**rule, "name": f"r{i}"} for i in range(count)]

        return change

    assert fired(edited(dev, LIFECYCLE, many(100)), "storage-lifecycle-rules") == []
    assert fired(edited(dev, LIFECYCLE, many(101)), "storage-lifecycle-rules") == ["101 rules; a policy holds 1 to 100"]


def prefixes(plan: Plan, *values: str) -> list[str]:
    change = first_rule(lambda r: r["definition"]["filters"].update(prefixMatch=list(values)))
    return fired(edited(plan, LIFECYCLE, change), "storage-lifecycle-prefix")


def test_lifecycle_prefix_fires_for_a_container_the_account_lacks_and_for_capitals(dev: Plan) -> None:
    assert prefixes(dev, "gold/") == [
        "prefix 'gold/' names container 'gold', which the account does not have (it has archive, bronze, silver; "
        "prefixes are case-sensitive)"
    ]
    assert prefixes(dev, "Archive/") == ["prefix 'Archive/' does not start with a container name"]
    assert prefixes(dev, "archive/2026/", "bronze/events/") == []


def test_lifecycle_prefix_fires_past_10_prefixes_and_for_a_prefix_without_a_container(dev: Plan) -> None:
    assert prefixes(dev, *[f"archive/{i}" for i in range(10)]) == []
    assert prefixes(dev, *[f"archive/{i}" for i in range(11)]) == [
        "rule 'archive-cool-archive-delete' has 11 prefixes; Azure allows 10"
    ]
    assert prefixes(dev, "/events/") == ["prefix '/events/' does not start with a container name"]


def test_last_access_fires_without_tracking_and_is_quiet_with_it(dev: Plan) -> None:
    by_access = first_rule(
        lambda r: r["definition"]["actions"]["baseBlob"].update(tierToCool={"daysAfterLastAccessTimeGreaterThan": 30})
    )
    regs = edited(dev, LIFECYCLE, by_access)
    assert fired(regs, "storage-lifecycle-last-access-tracking") == [
        "rule 'archive-cool-archive-delete': baseBlob.tierToCool uses daysAfterLastAccessTimeGreaterThan, but the blob "
        "service has no lastAccessTimeTrackingPolicy enabled"
    ]
    tracked = replaced(regs, BLOB_SERVICE, lastAccessTimeTrackingPolicy={"enable": True, "name": "AccessTimeTracking"})
    assert fired(tracked, "storage-lifecycle-last-access-tracking") == []


def test_tier_change_condition_fires_outside_tier_to_archive_and_is_quiet_with_it(dev: Plan) -> None:
    cool = first_rule(
        lambda r: r["definition"]["actions"]["baseBlob"].update(tierToCool={"daysAfterLastTierChangeGreaterThan": 7})
    )
    assert fired(edited(dev, LIFECYCLE, cool), "storage-lifecycle-condition-action") == [
        "rule 'archive-cool-archive-delete': baseBlob.tierToCool uses daysAfterLastTierChangeGreaterThan, which only "
        "tierToArchive takes"
    ]
    archive = first_rule(
        lambda r: r["definition"]["actions"]["baseBlob"].update(
            tierToArchive={"daysAfterModificationGreaterThan": 90, "daysAfterLastTierChangeGreaterThan": 7}
        )
    )
    assert fired(edited(dev, LIFECYCLE, archive), "storage-lifecycle-condition-action") == []


def test_auto_tier_to_hot_needs_a_last_access_cool_condition(dev: Plan) -> None:
    auto = first_rule(lambda r: r["definition"]["actions"]["baseBlob"].update(enableAutoTierToHotFromCool=True))
    assert fired(edited(dev, LIFECYCLE, auto), "storage-lifecycle-condition-action") == [
        "rule 'archive-cool-archive-delete': enableAutoTierToHotFromCool needs tierToCool with "
        "daysAfterLastAccessTimeGreaterThan"
    ]

    def with_access(rule: dict[str, Any]) -> None:
        rule["definition"]["actions"]["baseBlob"].update(
            enableAutoTierToHotFromCool=True, tierToCool={"daysAfterLastAccessTimeGreaterThan": 30}
        )

    assert fired(edited(dev, LIFECYCLE, first_rule(with_access)), "storage-lifecycle-condition-action") == []


def test_tiering_fires_for_append_blobs_and_is_quiet_for_delete_only(dev: Plan) -> None:
    append = first_rule(lambda r: r["definition"]["filters"].update(blobTypes=["blockBlob", "appendBlob"]))
    (detail,) = fired(edited(dev, LIFECYCLE, append), "storage-lifecycle-tiering-block-blobs")
    assert detail.startswith("rule 'archive-cool-archive-delete' tiers (tierToArchive, tierToCool) append blobs")

    def delete_only(rule: dict[str, Any]) -> None:
        rule["definition"]["filters"]["blobTypes"] = ["appendBlob"]
        rule["definition"]["actions"] = {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 30}}}

    assert fired(edited(dev, LIFECYCLE, first_rule(delete_only)), "storage-lifecycle-tiering-block-blobs") == []
