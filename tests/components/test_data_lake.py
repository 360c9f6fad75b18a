"""The data lake's security properties and wiring."""

from __future__ import annotations

from ops.plan import all_checks_but, run_plan
from preview.plan import Plan
from tests.conftest import one
from tests.support.checkout import PROJECT_DIR

ACCOUNT = "azure-native:storage:StorageAccount"


def test_lake_is_hns_storage_v2_reachable_only_with_entra_id_over_tls12(dev: Plan) -> None:
    lake = one(dev, ACCOUNT, "lake-account").inputs
    assert lake["kind"] == "StorageV2"
    assert lake["isHnsEnabled"] is True
    assert lake["enableHttpsTrafficOnly"] is True
    assert lake["minimumTlsVersion"] == "TLS1_2"
    assert lake["allowBlobPublicAccess"] is False
    assert lake["allowSharedKeyAccess"] is False
    assert lake["defaultToOAuthAuthentication"] is True


def test_containers_are_bronze_silver_archive_and_private(dev: Plan) -> None:
    containers = {reg.inputs["containerName"]: reg.inputs for reg in dev.by_type("azure-native:storage:BlobContainer")}
    assert {"bronze", "silver", "archive"} <= set(containers)
    assert all(c["publicAccess"] == "None" for c in containers.values())


def test_soft_delete_retention_follows_the_stack(plans: dict[str, Plan]) -> None:
    expected = {"dev": 7, "test": 14, "prod": 30}
    for stack, days in expected.items():
        service = one(plans[stack], "azure-native:storage:BlobServiceProperties").inputs
        assert service["deleteRetentionPolicy"] == {"enabled": True, "days": days}
        assert service["containerDeleteRetentionPolicy"] == {"enabled": True, "days": days}


def test_archive_lifecycle_is_cool_then_cold_then_delete_on_zone_redundant_prod(prod: Plan) -> None:
    policy = one(prod, "azure-native:storage:ManagementPolicy").inputs["policy"]
    (rule,) = policy["rules"]
    assert rule["definition"]["filters"]["prefixMatch"] == ["archive/"]
    base = rule["definition"]["actions"]["baseBlob"]
    assert base["tierToCool"]["daysAfterModificationGreaterThan"] == 30
    # Standard_RAGZRS has no Archive tier.
    assert base["tierToCold"]["daysAfterModificationGreaterThan"] == 180
    assert "tierToArchive" not in base
    assert base["delete"]["daysAfterModificationGreaterThan"] == 2555


def test_network_rules_follow_the_stack(plans: dict[str, Plan]) -> None:
    dev = one(plans["dev"], ACCOUNT, "lake-account").inputs
    prod = one(plans["prod"], ACCOUNT, "lake-account").inputs
    assert (dev["publicNetworkAccess"], dev["networkRuleSet"]["defaultAction"]) == ("Enabled", "Allow")
    assert (prod["publicNetworkAccess"], prod["networkRuleSet"]["defaultAction"]) == ("Disabled", "Deny")
    assert prod["networkRuleSet"]["bypass"] == "AzureServices"
    assert prod["networkRuleSet"]["ipRules"] == []


def test_allowed_ip_ranges_become_ip_rules() -> None:
    storage = {"networkDefaultAction": "Deny", "allowedIpRanges": ["198.51.100.0/24", "203.0.113.7"]}
    rules = one(unreachable_dev(**{"data-platform:storage": storage}), ACCOUNT, "lake-account").inputs
    assert rules["networkRuleSet"]["ipRules"] == [
        {"iPAddressOrRange": "198.51.100.0/24", "action": "Allow"},
        {"iPAddressOrRange": "203.0.113.7", "action": "Allow"},
    ]


def test_redundancy_follows_the_stack(plans: dict[str, Plan]) -> None:
    assert one(plans["dev"], ACCOUNT, "lake-account").inputs["sku"] == {"name": "Standard_LRS"}
    assert one(plans["prod"], ACCOUNT, "lake-account").inputs["sku"] == {"name": "Standard_RAGZRS"}


def test_blob_logs_go_to_the_workspace(dev: Plan) -> None:
    setting = one(dev, "azure-native:monitor:DiagnosticSetting", "lake-blob-diagnostics").inputs
    assert setting["resourceUri"].endswith("/blobServices/default")
    assert {log["category"] for log in setting["logs"]} == {"StorageRead", "StorageWrite", "StorageDelete"}
    assert "/workspaces/log-konnektmack-dev-weu" in setting["workspaceId"]


def unreachable_dev(**overrides: object) -> Plan:
    """Dev with overrides that cut the Function app off (a denying firewall without private endpoints)."""
    return run_plan("dev", PROJECT_DIR, config_overrides=overrides, checks=all_checks_but("reachability", "rehearsal"))
