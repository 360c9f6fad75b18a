"""Storage rules: HTTPS and TLS, no anonymous or shared-key access, and a lake with HNS and soft delete."""

from __future__ import annotations

from collections.abc import Sequence

from policy.rules.view import (
    BLOB_CONTAINER,
    BLOB_SERVICE,
    STORAGE_ACCOUNT,
    Report,
    Resource,
    Rule,
    StackReport,
    lake_accounts,
    refers_to,
    shown,
)
from policy.settings import PolicySettings
from policy.values import is_known
from preview.inputs import get


def storage_https_only(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != STORAGE_ACCOUNT:
        return
    value = res.props.get("enableHttpsTrafficOnly")
    if is_known(value) and value is not True:
        report(f"storage account '{res.label}': enableHttpsTrafficOnly is {shown(value)}; it must be true")


def storage_min_tls(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != STORAGE_ACCOUNT:
        return
    value = res.props.get("minimumTlsVersion")
    if is_known(value) and value not in ("TLS1_2", "TLS1_3"):
        report(f"storage account '{res.label}': minimumTlsVersion is {shown(value)}; it must be TLS1_2 or later")


def storage_no_public_blob_access(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type == STORAGE_ACCOUNT:
        value = res.props.get("allowBlobPublicAccess")
        if is_known(value) and value is not False:
            report(f"storage account '{res.label}': allowBlobPublicAccess is {shown(value)}; it must be false")
    elif res.type == BLOB_CONTAINER:
        value = res.props.get("publicAccess")
        if is_known(value) and value not in (None, "None"):
            report(f"blob container '{res.label}': publicAccess is {value!r}; it must be None")


def storage_shared_key_disabled(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != STORAGE_ACCOUNT:
        return
    value = res.props.get("allowSharedKeyAccess")
    if is_known(value) and value is not False:
        report(f"storage account '{res.label}': allowSharedKeyAccess is {shown(value)}; it must be false")


def storage_lake_hns(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    for lake in lake_accounts(resources):
        value = lake.props.get("isHnsEnabled")
        if is_known(value) and value is not True:
            report(
                f"storage account '{lake.label}' holds the lake's bronze/silver containers but isHnsEnabled is "
                f"{shown(value)}; the lake must have a hierarchical namespace (ADLS Gen2)",
                lake.urn,
            )


def storage_lake_soft_delete(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    services = [r for r in resources if r.type == BLOB_SERVICE]
    for lake in lake_accounts(resources):
        mine = [s for s in services if refers_to(s, lake, "accountName")]
        if not mine:
            report(
                f"storage account '{lake.label}' has no blob service properties, so blob soft delete is off; "
                "add BlobServiceProperties with deleteRetentionPolicy and containerDeleteRetentionPolicy enabled",
                lake.urn,
            )
        for service in mine:
            for policy in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy"):
                value = get(service.props, policy, "enabled")
                if is_known(value) and is_known(service.props.get(policy)) and value is not True:
                    report(
                        f"blob service of storage account '{lake.label}': {policy}.enabled is {shown(value)}; "
                        "soft delete must be on",
                        service.urn,
                    )


RULES: tuple[Rule, ...] = (
    Rule(
        "storage-https-only",
        "Storage accounts accept HTTPS only (enableHttpsTrafficOnly: true).",
        "Plain HTTP exposes data and SAS/OAuth tokens on the wire.",
        "resource",
        storage_https_only,
    ),
    Rule(
        "storage-min-tls-1-2",
        "Storage accounts require TLS 1.2 or later (minimumTlsVersion: TLS1_2).",
        "TLS 1.0/1.1 are deprecated and have known weaknesses; Azure retires them.",
        "resource",
        storage_min_tls,
    ),
    Rule(
        "storage-no-public-blob-access",
        "Storage accounts disallow anonymous blob access and no container is public.",
        "Anonymous read access is the most common way lake data leaks to the internet.",
        "resource",
        storage_no_public_blob_access,
    ),
    Rule(
        "storage-shared-key-disabled",
        "Storage accounts disable shared-key access (allowSharedKeyAccess: false).",
        "Account keys grant full, unaudited, non-expiring access; Entra ID with RBAC is attributable and revocable.",
        "resource",
        storage_shared_key_disabled,
    ),
    Rule(
        "storage-lake-hierarchical-namespace",
        "The data lake account (the one holding bronze/silver) has a hierarchical namespace (isHnsEnabled: true).",
        "ADLS Gen2 gives directory ACLs and atomic renames the bronze/silver pipelines rely on; HNS cannot be "
        "turned on in place later without a migration.",
        "stack",
        storage_lake_hns,
    ),
    Rule(
        "storage-lake-soft-delete",
        "The data lake account has blob and container soft delete on (BlobServiceProperties delete retention).",
        "Soft delete is the only way back from an accidental or malicious delete of lake data.",
        "stack",
        storage_lake_soft_delete,
    ),
)
