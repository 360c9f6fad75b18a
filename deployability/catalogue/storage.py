"""Storage accounts: tiers, hierarchical-namespace features, network rules, soft delete and lifecycle policies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deployability.rule import Finding, Rule, number
from preview.view import UNKNOWN, PlanView, Registration, ResourceType, get, known_str
from stack.azure_limits import (
    HNS_FEATURES,
    HNS_UNSUPPORTED_BLOB_SERVICE,
    STORAGE_IP_RULES,
    STORAGE_IP_RULES_MAX,
    STORAGE_SOFT_DELETE_DAYS,
    ip_rule_problems,
)
from stack.evidence import Source
from stack.name_rules import NAME_RULES

ACCESS_TIERS_PAGE = "https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview"
LIFECYCLE_PAGE = "https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview"
LIFECYCLE_STRUCTURE_PAGE = "https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-policy-structure"

NO_ARCHIVE_SKUS = frozenset({"Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS", "Premium_ZRS"})
TIER_ACTIONS = ("tierToCool", "tierToCold", "tierToArchive")
ACTION_TARGETS = ("baseBlob", "snapshot", "version")


def _account_of(view: PlanView, reg: Registration) -> Registration | None:
    return view.storage_account(reg.inputs.get("accountName"))


def _blob_service_of(view: PlanView, account: Registration | None) -> Registration | None:
    name = view.own_name(account) if account is not None else None
    if name is None:
        return None
    return next(
        (
            reg
            for reg in view.of_type(ResourceType.BLOB_SERVICE)
            if str(reg.inputs.get("accountName", "")).lower() == name.lower()
        ),
        None,
    )


def _rules_of(policy: Registration) -> list[dict[str, Any]]:
    rules = get(policy.inputs, "policy", "rules")
    return [rule for rule in (rules if isinstance(rules, list) else []) if isinstance(rule, dict)]


def _archive_tier(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        account = _account_of(view, reg)
        sku = get(account.inputs, "sku", "name") if account else None
        if sku not in NO_ARCHIVE_SKUS:
            continue
        for rule in _rules_of(reg):
            actions = get(rule, "definition", "actions") or {}
            for target in ACTION_TARGETS:
                if isinstance(get(actions, target, "tierToArchive"), dict):
                    yield reg, f"rule {get(rule, 'name')!r} tiers {target} to Archive on a {sku} account"


def _default_access_tier(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.STORAGE_ACCOUNT):
        tier = reg.inputs.get("accessTier")
        if isinstance(tier, str) and tier not in ("Hot", "Cool", "Premium", UNKNOWN):
            yield reg, f"accessTier is {tier!r}"


def _hns(account: Registration | None) -> bool:
    return account is not None and account.inputs.get("isHnsEnabled") is True


def _hns_features(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.BLOB_SERVICE):
        if not _hns(_account_of(view, reg)):
            continue
        for path, feature in HNS_UNSUPPORTED_BLOB_SERVICE.items():
            if get(reg.inputs, *path.split(".")) is True:
                yield reg, f"{path} is true: {feature} is not supported on a hierarchical-namespace account"


HNS_KINDS = ("StorageV2", "BlockBlobStorage")


def _hns_kind(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.STORAGE_ACCOUNT):
        kind = known_str(reg.inputs.get("kind"))
        if _hns(reg) and kind and kind not in HNS_KINDS:
            yield reg, f"isHnsEnabled on a {kind} account; a hierarchical namespace needs {' or '.join(HNS_KINDS)}"
        for flag, feature in (("isSftpEnabled", "SFTP"), ("isNfsV3Enabled", "NFS 3.0")):
            if reg.inputs.get(flag) is True and not _hns(reg):
                yield reg, f"{flag} is true without isHnsEnabled: {feature} needs a hierarchical namespace"


STORAGE_VNET_RULES_MAX = 400
STORAGE_RESOURCE_RULES_MAX = 200


def _ip_rules(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.STORAGE_ACCOUNT):
        rules = get(reg.inputs, "networkRuleSet", "ipRules")
        values = [known_str(get(rule, "iPAddressOrRange")) for rule in (rules if isinstance(rules, list) else [])]
        known = [value for value in values if value]
        for problem in ip_rule_problems(known, max_rules=STORAGE_IP_RULES_MAX, refuse_small_prefixes=True):
            yield reg, f"networkRuleSet.ipRules: {problem}"
        for key, most in (
            ("virtualNetworkRules", STORAGE_VNET_RULES_MAX),
            ("resourceAccessRules", STORAGE_RESOURCE_RULES_MAX),
        ):
            entries = get(reg.inputs, "networkRuleSet", key)
            if isinstance(entries, list) and len(entries) > most:
                yield reg, f"networkRuleSet.{key}: {len(entries)} rules; Azure allows {most}"


def _soft_delete(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.BLOB_SERVICE):
        for key in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy"):
            policy = reg.inputs.get(key)
            if isinstance(policy, dict) and policy.get("enabled") is not False:
                problem = STORAGE_SOFT_DELETE_DAYS.problem(policy.get("days"))
                if problem:
                    yield reg, f"{key}: {problem}"


def _point_in_time_restore(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.BLOB_SERVICE):
        if get(reg.inputs, "restorePolicy", "enabled") is not True:
            continue
        if reg.inputs.get("isVersioningEnabled") is not True:
            yield reg, "restorePolicy is enabled without isVersioningEnabled"
        if get(reg.inputs, "changeFeed", "enabled") is not True:
            yield reg, "restorePolicy is enabled without changeFeed.enabled"
        soft_delete = number(get(reg.inputs, "deleteRetentionPolicy", "days"))
        restore = number(get(reg.inputs, "restorePolicy", "days"))
        if get(reg.inputs, "deleteRetentionPolicy", "enabled") is not True:
            yield reg, "restorePolicy is enabled without deleteRetentionPolicy (blob soft delete)"
        elif soft_delete is not None and restore is not None and restore >= soft_delete:
            yield reg, f"restorePolicy.days {restore:g} is not below deleteRetentionPolicy.days {soft_delete:g}"


LIFECYCLE_RULES_MAX = 100
LIFECYCLE_RULE_NAME_MAX = 256
LIFECYCLE_PREFIXES_MAX = 10
BLOB_TYPES = ("blockBlob", "appendBlob")


def _lifecycle_rules(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        rules = _rules_of(reg)
        if not 1 <= len(rules) <= LIFECYCLE_RULES_MAX:
            yield reg, f"{len(rules)} rules; a policy holds 1 to {LIFECYCLE_RULES_MAX}"
        seen: set[str] = set()
        for rule in rules:
            name = rule.get("name")
            if not isinstance(name, str) or not 1 <= len(name) <= LIFECYCLE_RULE_NAME_MAX:
                yield reg, f"rule name {name!r} is not 1-{LIFECYCLE_RULE_NAME_MAX} characters"
            elif name in seen:
                yield reg, f"rule name {name!r} is used twice (names are unique in a policy, case-sensitive)"
            else:
                seen.add(name)
            if rule.get("type") != "Lifecycle":
                yield reg, f"rule {name!r} has type {rule.get('type')!r}; the only type is 'Lifecycle'"
            blob_types = get(rule, "definition", "filters", "blobTypes")
            if not isinstance(blob_types, list) or not blob_types:
                yield reg, f"rule {name!r} has no filters.blobTypes (required)"
            else:
                for blob_type in blob_types:
                    if blob_type not in BLOB_TYPES:
                        yield reg, f"rule {name!r}: blobTypes {blob_type!r} is not one of {', '.join(BLOB_TYPES)}"


_CONTAINER = NAME_RULES[ResourceType.BLOB_CONTAINER]


def _lifecycle_prefixes(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        owner = _account_of(view, reg)
        account = view.own_name(owner) if owner is not None else None
        containers = {
            str(container.inputs.get("containerName"))
            for container in view.of_type(ResourceType.BLOB_CONTAINER)
            if account and str(container.inputs.get("accountName", "")).lower() == account.lower()
        }
        for rule in _rules_of(reg):
            prefixes = get(rule, "definition", "filters", "prefixMatch")
            prefixes = prefixes if isinstance(prefixes, list) else []
            if len(prefixes) > LIFECYCLE_PREFIXES_MAX:
                yield (
                    reg,
                    f"rule {rule.get('name')!r} has {len(prefixes)} prefixes; Azure allows {LIFECYCLE_PREFIXES_MAX}",
                )
            for prefix in prefixes:
                text = known_str(prefix)
                if text is None:
                    continue
                container = text.split("/", 1)[0]
                if _CONTAINER.problem(container) and "/" in text:
                    yield reg, f"prefix {text!r} does not start with a container name"
                elif "/" in text and containers and container not in containers:
                    yield (
                        reg,
                        (
                            f"prefix {text!r} names container {container!r}, which the account does not have "
                            f"(it has {', '.join(sorted(containers))}; prefixes are case-sensitive)"
                        ),
                    )


def _conditions(rule: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(target, action, condition) for every action of a lifecycle rule."""
    actions = get(rule, "definition", "actions") or {}
    for target in ACTION_TARGETS:
        for action, condition in (get(actions, target) or {}).items():
            if isinstance(condition, dict):
                yield target, action, condition


def _last_access(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        service = _blob_service_of(view, _account_of(view, reg))
        tracking = get(service.inputs, "lastAccessTimeTrackingPolicy", "enable") if service else None
        for rule in _rules_of(reg):
            for target, action, condition in _conditions(rule):
                if "daysAfterLastAccessTimeGreaterThan" in condition and tracking is not True:
                    yield (
                        reg,
                        (
                            f"rule {rule.get('name')!r}: {target}.{action} uses daysAfterLastAccessTimeGreaterThan, "
                            "but "
                            "the blob service has no lastAccessTimeTrackingPolicy enabled"
                        ),
                    )


def _tier_change_condition(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        for rule in _rules_of(reg):
            for target, action, condition in _conditions(rule):
                if "daysAfterLastTierChangeGreaterThan" in condition and action != "tierToArchive":
                    yield (
                        reg,
                        (
                            f"rule {rule.get('name')!r}: {target}.{action} uses daysAfterLastTierChangeGreaterThan, "
                            "which "
                            "only tierToArchive takes"
                        ),
                    )
            base = get(rule, "definition", "actions", "baseBlob") or {}
            if base.get("enableAutoTierToHotFromCool") is True and "daysAfterLastAccessTimeGreaterThan" not in (
                get(base, "tierToCool") or {}
            ):
                yield (
                    reg,
                    (
                        f"rule {rule.get('name')!r}: enableAutoTierToHotFromCool needs tierToCool with "
                        "daysAfterLastAccessTimeGreaterThan"
                    ),
                )


def _tiering_block_blobs(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        for rule in _rules_of(reg):
            blob_types = get(rule, "definition", "filters", "blobTypes") or []
            tiers = sorted({action for _target, action, _condition in _conditions(rule) if action in TIER_ACTIONS})
            if "appendBlob" in blob_types and tiers:
                yield reg, f"rule {rule.get('name')!r} tiers ({', '.join(tiers)}) append blobs; only block blobs tier"


_LIFECYCLE = Source(
    LIFECYCLE_STRUCTURE_PAGE,
    "a policy has 1 to 100 rules; a rule name is up to 256 characters, case-sensitive, unique in the policy; type is "
    "Lifecycle; blobTypes is required (blockBlob, appendBlob); up to 10 prefixes, each starting with a container "
    "name; daysAfterLastTierChangeGreaterThan only with tierToArchive; tiering only for block blobs (page dated "
    "2025-06-13)",
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="storage-archive-tier-redundancy",
        types=(ResourceType.MANAGEMENT_POLICY,),
        reason="ZRS, GZRS and RA-GZRS accounts have no Archive tier; a lifecycle rule that tiers to Archive fails.",
        fix="Tier to Cold (tierToCold) on these SKUs (config storage.archiveAccessTier, default by SKU).",
        sources=(
            Source(ACCESS_TIERS_PAGE, "the archive tier isn't supported for ZRS, GZRS or RA-GZRS accounts"),
            Source(LIFECYCLE_PAGE, "tierToArchive is not supported on ZRS, GZRS or RA-GZRS accounts"),
        ),
        check=_archive_tier,
    ),
    Rule(
        name="storage-default-access-tier",
        types=(ResourceType.STORAGE_ACCOUNT,),
        reason="An account's default access tier is Hot or Cool; Cold and Archive are set per blob only.",
        fix="Set accessTier Hot or Cool and tier blobs with a lifecycle policy.",
        sources=(Source(ACCESS_TIERS_PAGE, "only hot and cool can be the default access tier of an account"),),
        check=_default_access_tier,
    ),
    Rule(
        name="storage-hns-unsupported-features",
        types=(ResourceType.BLOB_SERVICE,),
        reason="A hierarchical-namespace (ADLS Gen2) account cannot enable blob versioning, change feed or "
        "point-in-time restore.",
        fix="Leave them off on the lake (soft delete and lifecycle management are supported).",
        sources=HNS_FEATURES,
        check=_hns_features,
    ),
    Rule(
        name="storage-hns-account-kind",
        types=(ResourceType.STORAGE_ACCOUNT,),
        reason="A hierarchical namespace needs a StorageV2 or BlockBlobStorage account, and SFTP and NFS 3.0 need a "
        "hierarchical namespace.",
        fix="Use kind StorageV2 with isHnsEnabled; enable SFTP or NFS 3.0 only on such an account.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/storage/blobs/create-data-lake-storage-account",
                "a Data Lake Storage account is a standard general-purpose v2 or premium block blob account with the "
                "hierarchical namespace enabled",
            ),
            Source(
                "https://learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts",
                "NFS 3.0 and SFTP are enabled on accounts with a hierarchical namespace",
            ),
        ),
        check=_hns_kind,
    ),
    Rule(
        name="storage-ip-rules",
        types=(ResourceType.STORAGE_ACCOUNT,),
        reason="Storage IP rules take public IPv4 addresses only, no /31 or /32 ranges, at most 400 of them (and "
        "400 virtual network rules, 200 resource instance rules).",
        fix="Use public addresses (single addresses without a prefix); reach private clients through private "
        "endpoints or VNet rules (storage.allowedIpRanges in config).",
        sources=(
            STORAGE_IP_RULES,
            Source(
                "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits",
                "storage account: 400 IP rules, 400 virtual network rules, 200 resource instance rules",
            ),
        ),
        check=_ip_rules,
    ),
    Rule(
        name="storage-soft-delete-days",
        types=(ResourceType.BLOB_SERVICE,),
        reason="Blob and container soft delete keep deleted data 1 to 365 days.",
        fix="Set storage.softDeleteDays between 1 and 365.",
        sources=STORAGE_SOFT_DELETE_DAYS.sources,
        check=_soft_delete,
    ),
    Rule(
        name="storage-point-in-time-restore-prerequisites",
        types=(ResourceType.BLOB_SERVICE,),
        reason="Point-in-time restore needs versioning, change feed and blob soft delete on, and restores fewer days "
        "back than soft delete keeps.",
        fix="Enable versioning, change feed and soft delete with more days than restorePolicy.days.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/storage/blobs/point-in-time-restore-overview",
                "point-in-time restore requires blob soft delete, versioning and change feed; its retention must be "
                "less than the soft delete retention",
            ),
        ),
        check=_point_in_time_restore,
    ),
    Rule(
        name="storage-lifecycle-rules",
        types=(ResourceType.MANAGEMENT_POLICY,),
        reason="A lifecycle policy holds 1 to 100 rules, each with a unique name of at most 256 characters, type "
        "Lifecycle and blobTypes blockBlob and/or appendBlob.",
        fix="Fix the rule in components/data_lake.py.",
        sources=(
            _LIFECYCLE,
            Source(
                "https://github.com/hashicorp/terraform-provider-azurerm/pull/17973",
                "the page says 'alphanumeric', but the API accepts other characters in rule names (tested by the "
                "provider's maintainers); only the length and uniqueness are judged",
            ),
        ),
        check=_lifecycle_rules,
    ),
    Rule(
        name="storage-lifecycle-prefix",
        types=(ResourceType.MANAGEMENT_POLICY,),
        reason="A lifecycle filter holds at most 10 prefixes, each starting with a container name; a prefix naming a "
        "container the account does not have matches nothing (prefixes are case-sensitive).",
        fix="Start each prefix with one of the account's containers, e.g. 'archive/'.",
        sources=(_LIFECYCLE,),
        check=_lifecycle_prefixes,
    ),
    Rule(
        name="storage-lifecycle-last-access-tracking",
        types=(ResourceType.MANAGEMENT_POLICY,),
        reason="A daysAfterLastAccessTimeGreaterThan condition needs last access time tracking on the blob service; "
        "without it ARM refuses the policy.",
        fix="Enable lastAccessTimeTrackingPolicy on the account's blob service, or use "
        "daysAfterModificationGreaterThan.",
        sources=(
            Source(
                f"{LIFECYCLE_PAGE}#move-data-based-on-last-accessed-time",
                "conditions on the last access time need last access time tracking enabled on the account; ARM "
                "answers 'Last access time based tracking policy must be enabled before using its specific actions "
                "in object lifecycle management policy' (error text recorded in public Terraform configurations)",
            ),
        ),
        check=_last_access,
    ),
    Rule(
        name="storage-lifecycle-condition-action",
        types=(ResourceType.MANAGEMENT_POLICY,),
        reason="daysAfterLastTierChangeGreaterThan is valid only with tierToArchive, and enableAutoTierToHotFromCool "
        "only with a tierToCool on daysAfterLastAccessTimeGreaterThan.",
        fix="Use the condition with the action it belongs to.",
        sources=(
            _LIFECYCLE,
            Source(LIFECYCLE_PAGE, "enableAutoTierToHotFromCool works only with daysAfterLastAccessTimeGreaterThan"),
        ),
        check=_tier_change_condition,
    ),
    Rule(
        name="storage-lifecycle-tiering-block-blobs",
        types=(ResourceType.MANAGEMENT_POLICY,),
        reason="Lifecycle tiering applies to block blobs only; append blobs can only be deleted.",
        fix="Tier with blobTypes ['blockBlob']; give append blobs a delete-only rule.",
        sources=(_LIFECYCLE,),
        check=_tiering_block_blobs,
    ),
)
