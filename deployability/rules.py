"""The catalogue: what Azure refuses, or what breaks once deployed, that the provider schema cannot see.

Each rule names what it checks, why (the reason), what to do (the fix) and where the fact
comes from (a Microsoft document or a provider issue). `check` yields (resource, detail)
for every resource that breaks it. Values only known at deployment ("[unknown]") are
never reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from preview.view import UNKNOWN, PlanView, Registration, ResourceType, get, known_str
from stack.private_dns import ZONE_BY_GROUP_ID as ZONES

Finding = tuple[Registration, str]


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    """What Azure refuses, or what breaks."""
    fix: str
    sources: tuple[str, ...]
    check: Callable[[PlanView], Iterator[Finding]]


# ------------------------------------------------------------------ role assignments

PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal")


def _principal_type(view: PlanView) -> Iterator[Finding]:
    # pulumi-azure-native (2022-04-01 spec) sends "User" when principal_type is unset
    # (https://github.com/Azure/azure-rest-api-specs/issues/21664); ARM refuses a type that does not match
    # the principal with 400 UnmatchedPrincipalType (https://github.com/Azure/modern-web-app-pattern-dotnet/pull/129),
    # and managed identities are ServicePrincipal
    # (https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal).
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        kind = reg.inputs.get("principalType")
        principal = reg.inputs.get("principalId")
        owner = view.workload_principal(principal)
        if kind not in PRINCIPAL_TYPES:
            yield reg, f"principalType is {kind!r}; it must be one of {', '.join(PRINCIPAL_TYPES)}"
        elif owner is not None and kind != "ServicePrincipal":
            yield reg, f"principal is the managed identity of '{owner.name}' but principalType is {kind!r}"
        elif (
            principal == view.deployer_object_id
            and view.deployer_principal_type
            and kind != view.deployer_principal_type
        ):
            yield (
                reg,
                f"principal is the deployer (deployerPrincipalType {view.deployer_principal_type}) but "
                + (f"principalType is {kind!r}"),
            )


_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def _assignment_names(view: PlanView) -> Iterator[Finding]:
    # A role assignment's name must be a GUID, unique within the tenant even at a narrower scope:
    # https://learn.microsoft.com/azure/role-based-access-control/role-assignments#name
    seen: dict[str, Registration] = {}
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        name = known_str(reg.inputs.get("roleAssignmentName"))
        if name is None:
            continue
        if not _GUID.match(name):
            yield reg, f"roleAssignmentName {name!r} is not a GUID"
        elif name.lower() in seen:
            yield reg, f"roleAssignmentName {name} is also the name of '{seen[name.lower()].name}'"
        else:
            seen[name.lower()] = reg


def _grant_once(view: PlanView) -> Iterator[Finding]:
    # One (scope, principal, role definition) may be assigned once; a second name for it is refused with
    # 409 RoleAssignmentExists: https://learn.microsoft.com/azure/role-based-access-control/troubleshooting
    seen: dict[tuple[str, ...], Registration] = {}
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        parts = [known_str(reg.inputs.get(k)) for k in ("scope", "principalId", "roleDefinitionId")]
        if not all(parts):
            continue
        key = tuple(str(part).rstrip("/").lower() for part in parts)
        if key in seen:
            yield reg, f"assigns the same role to the same principal on the same scope as '{seen[key].name}'"
        else:
            seen[key] = reg


# ------------------------------------------------------------------ Flex Consumption function apps

# https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations;
# ARM answers 400 ExtendedCode 51021 "The following site configuration property (Site.SiteConfig.<Name>) for
# Flex Consumption sites is invalid" (https://github.com/Azure/terraform-azurerm-avm-res-web-site/issues/283,
# the module's fix: https://github.com/Azure/terraform-azurerm-avm-res-web-site/pull/345).
FLEX_REFUSED_SITE_CONFIG = {
    "ftpsState": "Flex Consumption has no FTP",
    "use32BitWorkerProcess": "32-bit is not supported",
    "alwaysOn": "not valid on Flex Consumption",
    "linuxFxVersion": "set functionAppConfig.runtime instead",
    "windowsFxVersion": "set functionAppConfig.runtime instead",
    "javaVersion": "set functionAppConfig.runtime.version instead",
    "powerShellVersion": "set functionAppConfig.runtime.version instead",
    "netFrameworkVersion": "set functionAppConfig.runtime.version instead",
    "functionAppScaleLimit": "set functionAppConfig.scaleAndConcurrency.maximumInstanceCount instead",
    "preWarmedInstanceCount": "set functionAppConfig.scaleAndConcurrency.alwaysReady instead",
}
FLEX_REFUSED_SITE = {"containerSize": "set functionAppConfig.scaleAndConcurrency.instanceMemoryMB instead"}

# Same deprecation table; WEBSITE_RUN_FROM_PACKAGE: "don't add it to apps on the Flex Consumption plan"
# (https://learn.microsoft.com/azure/azure-functions/run-functions-from-deployment-package).
FLEX_UNSUPPORTED_APP_SETTINGS = {
    "FUNCTIONS_EXTENSION_VERSION": "set by the platform",
    "FUNCTIONS_WORKER_RUNTIME": "set functionAppConfig.runtime.name instead",
    "FUNCTIONS_WORKER_RUNTIME_VERSION": "set functionAppConfig.runtime.version instead",
    "FUNCTIONS_MAX_HTTP_CONCURRENCY": "set functionAppConfig.scaleAndConcurrency.triggers.http instead",
    "FUNCTIONS_WORKER_PROCESS_COUNT": "not supported on Flex Consumption",
    "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED": "not supported on Flex Consumption",
    "WEBSITE_NODE_DEFAULT_VERSION": "set functionAppConfig.runtime instead",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING": "set functionAppConfig.deployment instead",
    "WEBSITE_CONTENTSHARE": "set functionAppConfig.deployment instead",
    "WEBSITE_RUN_FROM_PACKAGE": "Flex apps always run from the deployment package",
}


def _flex_sites(view: PlanView) -> Iterator[Registration]:
    for reg in view.of_type(ResourceType.WEB_APP):
        farm = view.resource(reg.inputs.get("serverFarmId"))
        sku = get(farm.inputs, "sku") if farm else None
        if isinstance(sku, dict) and (sku.get("name") == "FC1" or sku.get("tier") == "FlexConsumption"):
            yield reg


def _flex_site_config(view: PlanView) -> Iterator[Finding]:
    for reg in _flex_sites(view):
        site_config = reg.inputs.get("siteConfig") or {}
        for key, why in FLEX_REFUSED_SITE_CONFIG.items():
            if key in site_config:
                yield reg, f"siteConfig.{key} is set ({why})"
        for key, why in FLEX_REFUSED_SITE.items():
            if key in reg.inputs:
                yield reg, f"{key} is set ({why})"


def _flex_app_settings(view: PlanView) -> Iterator[Finding]:
    for reg in _flex_sites(view):
        for name in view.app_settings(reg):
            why = FLEX_UNSUPPORTED_APP_SETTINGS.get(name.upper())
            if why:
                yield reg, f"app setting {name} ({why})"


def _flex_function_app_config(view: PlanView) -> Iterator[Finding]:
    # "The FunctionAppConfig section was not specified in the request, which is required for Flex Consumption
    # sites": https://github.com/Azure/bicep-registry-modules/issues/3389
    for reg in _flex_sites(view):
        if not isinstance(reg.inputs.get("functionAppConfig"), dict):
            yield reg, "functionAppConfig is missing"


# ------------------------------------------------------------------ private networking

FLEX_DELEGATION = "Microsoft.App/environments"


def _flex_subnet_delegation(view: PlanView) -> Iterator[Finding]:
    # "The subnet delegation required by Flex Consumption apps is Microsoft.App/environments":
    # https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations
    for reg in _flex_sites(view):
        subnet = view.resource(reg.inputs.get("virtualNetworkSubnetId"))
        if subnet is None:
            continue
        delegations = subnet.inputs.get("delegations")
        services = {get(d, "serviceName") for d in (delegations if isinstance(delegations, list) else [])}
        if FLEX_DELEGATION not in services:
            shown = ", ".join(sorted(str(s) for s in services)) or "none"
            yield reg, f"integration subnet '{subnet.name}' is delegated to {shown}, not {FLEX_DELEGATION}"


def _private_endpoint_zone(view: PlanView) -> Iterator[Finding]:
    # Each private-link group id resolves through one zone (https://learn.microsoft.com/azure/private-link/private-endpoint-dns);
    # a zone group in another zone writes records no client looks up.
    for reg in view.of_type(ResourceType.PRIVATE_DNS_ZONE_GROUP):
        endpoint = view.arm_parent(reg)
        if endpoint is None or endpoint.type != ResourceType.PRIVATE_ENDPOINT:
            continue
        connections = endpoint.inputs.get("privateLinkServiceConnections") or []
        wanted = {ZONES.get(g, "") for c in connections for g in (get(c, "groupIds") or [])} - {""}
        configs = reg.inputs.get("privateDnsZoneConfigs") or []
        zones = {(known_str(get(c, "privateDnsZoneId")) or "").rstrip("/").rsplit("/", 1)[-1].lower() for c in configs}
        zones.discard("")
        if wanted and zones and not wanted <= zones:
            yield reg, f"registers in {', '.join(sorted(zones))}; its group id needs {', '.join(sorted(wanted))}"


# ------------------------------------------------------------------ app settings

_KEY_VAULT_REFERENCE = re.compile(r"^\s*@Microsoft\.KeyVault\(", re.IGNORECASE)


def _app_insights_direct(view: PlanView) -> Iterator[Finding]:
    # Not a secret: https://learn.microsoft.com/azure/azure-monitor/app/connection-strings. A reference resolves
    # with the app's identity, whose role is created after the site, and App Service caches what it resolved
    # (https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#rotation).
    for reg in view.of_type(ResourceType.WEB_APP):
        value = view.app_settings(reg).get("APPLICATIONINSIGHTS_CONNECTION_STRING")
        if isinstance(value, str) and _KEY_VAULT_REFERENCE.match(value):
            yield reg, "APPLICATIONINSIGHTS_CONNECTION_STRING is a Key Vault reference"


# ------------------------------------------------------------------ storage

# "The archive tier isn't supported for ZRS, GZRS, or RA-GZRS accounts":
# https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview and
# https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview
NO_ARCHIVE_SKUS = frozenset({"Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS", "Premium_ZRS"})


def _archive_tier(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.MANAGEMENT_POLICY):
        account = view.storage_account(reg.inputs.get("accountName"))
        sku = get(account.inputs, "sku", "name") if account else None
        if sku not in NO_ARCHIVE_SKUS:
            continue
        for rule in get(reg.inputs, "policy", "rules") or []:
            actions = get(rule, "definition", "actions") or {}
            for target in ("baseBlob", "snapshot", "version"):
                if isinstance(get(actions, target, "tierToArchive"), dict):
                    yield reg, f"rule {get(rule, 'name')!r} tiers {target} to Archive on a {sku} account"


def _default_access_tier(view: PlanView) -> Iterator[Finding]:
    # The default (account) access tier is Hot or Cool; Cold and Archive are blob-level only:
    # https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview
    for reg in view.of_type(ResourceType.STORAGE_ACCOUNT):
        tier = reg.inputs.get("accessTier")
        if isinstance(tier, str) and tier not in ("Hot", "Cool", "Premium", UNKNOWN):
            yield reg, f"accessTier is {tier!r}"


# ------------------------------------------------------------------ Data Factory triggers

_UTC_SUFFIX = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def _trigger_local_times(view: PlanView) -> Iterator[Finding]:
    # With a timeZone other than UTC, startTime/endTime are local wall-clock times 'yyyy-MM-ddTHH:mm:ss' without
    # 'Z': https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option
    for reg in view.of_type(ResourceType.TRIGGER):
        properties = reg.inputs.get("properties") or {}
        for where in (properties.get("recurrence"), properties):
            if not isinstance(where, dict) or where.get("timeZone") in (None, "UTC"):
                continue
            for key in ("startTime", "endTime"):
                value = known_str(where.get(key))
                if value and _UTC_SUFFIX.search(value):
                    yield reg, f"{key} {value} carries a UTC marker but timeZone is {where['timeZone']!r}"


RULES: tuple[Rule, ...] = (
    Rule(
        "role-assignment-principal-type",
        "The SDK sends principalType User when it is unset, and ARM refuses a type that does not match the "
        "principal (400 UnmatchedPrincipalType); a managed identity is a ServicePrincipal.",
        "Pass principal_type explicitly: ServicePrincipal for managed identities and the pipeline's identity "
        "(config deployerPrincipalType, or detected), User or Group otherwise.",
        (
            "https://github.com/Azure/azure-rest-api-specs/issues/21664",
            "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal",
        ),
        _principal_type,
    ),
    Rule(
        "role-assignment-name-unique-guid",
        "A role assignment name must be a GUID, unique within the tenant; a reused name fails.",
        "Name assignments with a GUID seeded with scope, principal and role (components.roles.assignment_guid, "
        "like Bicep's guid(scope, principalId, roleDefinitionId)).",
        ("https://learn.microsoft.com/azure/role-based-access-control/role-assignments#name",),
        _assignment_names,
    ),
    Rule(
        "role-assignment-grant-once",
        "The same role for the same principal on the same scope exists once; a second is refused with "
        "409 RoleAssignmentExists.",
        "Assign each (scope, principal, role) once.",
        ("https://learn.microsoft.com/azure/role-based-access-control/troubleshooting",),
        _grant_once,
    ),
    Rule(
        "flex-site-config-refused",
        "Flex Consumption refuses these site settings (400, ExtendedCode 51021, enforced region by region).",
        "Remove them; Flex takes runtime, scale and memory from functionAppConfig and has no FTP.",
        (
            "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations",
            "https://github.com/Azure/terraform-azurerm-avm-res-web-site/issues/283",
        ),
        _flex_site_config,
    ),
    Rule(
        "flex-app-settings-unsupported",
        "Flex Consumption does not support these app settings: they are ignored or overwritten, so the app does "
        "not run as configured.",
        "Remove them; use functionAppConfig (runtime, scaleAndConcurrency, deployment) instead.",
        (
            "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations",
            "https://learn.microsoft.com/azure/azure-functions/run-functions-from-deployment-package",
        ),
        _flex_app_settings,
    ),
    Rule(
        "flex-function-app-config-required",
        "A Flex Consumption site without functionAppConfig is refused (FunctionAppConfig section required).",
        "Set functionAppConfig with deployment storage, runtime and scaleAndConcurrency.",
        ("https://github.com/Azure/bicep-registry-modules/issues/3389",),
        _flex_function_app_config,
    ),
    Rule(
        "flex-vnet-subnet-delegation",
        "A Flex Consumption app integrates only with a subnet delegated to Microsoft.App/environments.",
        "Delegate the function subnet to Microsoft.App/environments (components/network.py) and register "
        "the Microsoft.App resource provider.",
        ("https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations",),
        _flex_subnet_delegation,
    ),
    Rule(
        "private-endpoint-dns-zone-matches-group",
        "A private endpoint is resolved through the private DNS zone of its group id; records in another zone "
        "are never looked up, so callers keep resolving the public address.",
        "Register the endpoint's zone group in the zone of its group id (stack/private_dns.py ZONE_BY_GROUP_ID).",
        ("https://learn.microsoft.com/azure/private-link/private-endpoint-dns",),
        _private_endpoint_zone,
    ),
    Rule(
        "appinsights-connection-string-direct",
        "The connection string is not a secret; as a Key Vault reference it cannot resolve before the app's "
        "identity and role exist, and App Service keeps the failed value cached.",
        "Set APPLICATIONINSIGHTS_CONNECTION_STRING to the component's connection string; keep "
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD for Entra-only ingestion.",
        (
            "https://learn.microsoft.com/azure/azure-monitor/app/connection-strings",
            "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#rotation",
        ),
        _app_insights_direct,
    ),
    Rule(
        "storage-archive-tier-redundancy",
        "ZRS, GZRS and RA-GZRS accounts have no Archive tier; a lifecycle rule that tiers to Archive fails.",
        "Tier to Cold (tierToCold) on these SKUs (config storage.archiveAccessTier, default by SKU).",
        (
            "https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview",
            "https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview",
        ),
        _archive_tier,
    ),
    Rule(
        "storage-default-access-tier",
        "An account's default access tier is Hot or Cool; Cold and Archive are set per blob only.",
        "Set accessTier Hot or Cool and tier blobs with a lifecycle policy.",
        ("https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview",),
        _default_access_tier,
    ),
    Rule(
        "trigger-local-time-without-z",
        "With a timeZone other than UTC, ADF takes startTime and endTime as local time without the 'Z' suffix.",
        "Write 'yyyy-MM-ddTHH:mm:ss' (no Z) for non-UTC zones, or use timeZone UTC.",
        ("https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option",),
        _trigger_local_times,
    ),
)

RULE_NAMES = tuple(rule.name for rule in RULES)
