"""The security baseline: every rule with what it requires and the reason it exists.

Each rule is a plain function over a `Resource` view (resource rules) or the list of all
resources (stack rules). `build_policies(settings)` wraps each one in a pulumi_policy
`ResourceValidationPolicy` / `StackValidationPolicy` whose `validate` turns the args that
Pulumi (or `policy.offline`) passes into that view. Nothing here constructs a `PolicyPack`.

Values that are unknown until deployment ("[unknown]") are never reported: Pulumi runs the
pack again during `pulumi up`, when they are known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.settings import PolicyConfigError, PolicySettings
from policy.values import (
    KEY_VAULT_REFERENCE,
    SECRET,
    UNKNOWN,
    get,
    is_known,
    is_secret_input_key,
    is_secret_setting_name,
    iter_strings,
    normalize_type,
    plain,
    secret_kind,
)
from preview.schema import is_taggable
from stack.tags import REQUIRED_TAGS

PACK_NAME = "data-platform-security-baseline"

STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
VAULT = "azure-native:keyvault:Vault"
VAULT_ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
VAULT_SECRET = "azure-native:keyvault:Secret"
WEB_APP = "azure-native:web:WebApp"
WEB_APP_SLOT = "azure-native:web:WebAppSlot"
FACTORY = "azure-native:datafactory:Factory"
LINKED_SERVICE = "azure-native:datafactory:LinkedService"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
LOCK = "azure-native:authorization:ManagementLockByScope"
SQL_DATABASE = "azure-native:sql:Database"

LAKE_CONTAINERS = frozenset({"bronze", "silver"})
"""Containers that make a storage account the data lake."""

PRIVILEGED_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a4-ab89-5b3abc4a9d4b": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
}

# Child names first: a container's inputs carry its account's name too.
_OWN_NAME_KEYS = (
    "containerName",
    "secretName",
    "linkedServiceName",
    "databaseName",
    "accountName",
    "vaultName",
    "factoryName",
    "serverName",
    "name",
    "resourceGroupName",
)
_RESOURCE_GROUP_SCOPE = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+(/.*)?$", re.IGNORECASE)
_SUBSCRIPTION_SCOPE = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)
_MANAGEMENT_GROUP_SCOPE = re.compile(r"^/providers/Microsoft\.Management/managementGroups/", re.IGNORECASE)


# ------------------------------------------------------------------ the view the rules read


@dataclass
class Resource:
    """One resource as a rule sees it: plain props (unknowns as "[unknown]"), protect, dependencies by URN."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: ResourceValidationArgs) -> Resource:
        return cls(
            type=normalize_type(args.resource_type),
            name=args.name,
            urn=args.urn,
            props=plain(args.props),
            protect=bool(getattr(args.opts, "protect", False)),
        )

    @classmethod
    def from_policy_resource(cls, resource: PolicyResource) -> Resource:
        return cls(
            type=normalize_type(resource.resource_type),
            name=resource.name,
            urn=resource.urn,
            props=plain(resource.props),
            protect=bool(getattr(resource.opts, "protect", False)),
            dependencies=[dep.urn for dep in resource.dependencies or []],
            property_dependencies={
                key: [dep.urn for dep in deps] for key, deps in (resource.property_dependencies or {}).items()
            },
        )

    @property
    def label(self) -> str:
        """The Azure name where the inputs carry it, else the logical name."""
        for key in _OWN_NAME_KEYS:
            value = self.props.get(key)
            if isinstance(value, str) and is_known(value):
                return value
        return self.name

    @property
    def tags(self) -> Any:
        return self.props.get("tags")


Report = Callable[[str], None]
"""Report one violation of a resource rule (on that resource)."""
StackReport = Callable[[str, str | None], None]
"""Report one violation of a stack rule, on a resource URN (or None: the stack)."""


def _environment(settings: PolicySettings, resources: Iterable[Resource]) -> str | None:
    """The stack's environment: from its config, else from the resources' `environment` tag."""
    if settings.environment:
        return settings.environment
    for resource in resources:
        tags = resource.tags
        if isinstance(tags, Mapping):
            value = tags.get("environment")
            if isinstance(value, str) and is_known(value):
                return value
    return None


def _shown(value: Any) -> str:
    return "not set" if value is None else repr(value)


# ------------------------------------------------------------------ storage


def storage_https_only(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != STORAGE_ACCOUNT:
        return
    value = res.props.get("enableHttpsTrafficOnly")
    if is_known(value) and value is not True:
        report(f"storage account '{res.label}': enableHttpsTrafficOnly is {_shown(value)}; it must be true")


def storage_min_tls(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != STORAGE_ACCOUNT:
        return
    value = res.props.get("minimumTlsVersion")
    if is_known(value) and value not in ("TLS1_2", "TLS1_3"):
        report(f"storage account '{res.label}': minimumTlsVersion is {_shown(value)}; it must be TLS1_2 or later")


def storage_no_public_blob_access(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type == STORAGE_ACCOUNT:
        value = res.props.get("allowBlobPublicAccess")
        if is_known(value) and value is not False:
            report(f"storage account '{res.label}': allowBlobPublicAccess is {_shown(value)}; it must be false")
    elif res.type == BLOB_CONTAINER:
        value = res.props.get("publicAccess")
        if is_known(value) and value not in (None, "None"):
            report(f"blob container '{res.label}': publicAccess is {value!r}; it must be None")


def storage_shared_key_disabled(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != STORAGE_ACCOUNT:
        return
    value = res.props.get("allowSharedKeyAccess")
    if is_known(value) and value is not False:
        report(f"storage account '{res.label}': allowSharedKeyAccess is {_shown(value)}; it must be false")


def _refers_to(child: Resource, parent: Resource, key: str) -> bool:
    """Whether `child.props[key]` names `parent` (by value, or by dependency while the value is unknown)."""
    theirs, ours = child.props.get(key), parent.props.get(key)
    if isinstance(theirs, str) and is_known(theirs) and isinstance(ours, str) and is_known(ours):
        return theirs.lower() == ours.lower()
    if parent.urn in child.property_dependencies.get(key, []):
        return True
    return not is_known(theirs) and parent.urn in child.dependencies


def lake_accounts(resources: Sequence[Resource]) -> list[Resource]:
    """Storage accounts that are the data lake: they hold a bronze or silver container, or have HNS on."""
    containers = [
        r
        for r in resources
        if r.type == BLOB_CONTAINER and str(r.props.get("containerName")).lower() in LAKE_CONTAINERS
    ]
    return [
        account
        for account in resources
        if account.type == STORAGE_ACCOUNT
        and (
            account.props.get("isHnsEnabled") is True
            or any(_refers_to(container, account, "accountName") for container in containers)
        )
    ]


def storage_lake_hns(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    for lake in lake_accounts(resources):
        value = lake.props.get("isHnsEnabled")
        if is_known(value) and value is not True:
            report(
                f"storage account '{lake.label}' holds the lake's bronze/silver containers but isHnsEnabled is "
                f"{_shown(value)}; the lake must have a hierarchical namespace (ADLS Gen2)",
                lake.urn,
            )


def storage_lake_soft_delete(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    services = [r for r in resources if r.type == BLOB_SERVICE]
    for lake in lake_accounts(resources):
        mine = [s for s in services if _refers_to(s, lake, "accountName")]
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
                        f"blob service of storage account '{lake.label}': {policy}.enabled is {_shown(value)}; "
                        "soft delete must be on",
                        service.urn,
                    )


# ------------------------------------------------------------------ key vault


def keyvault_rbac(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != VAULT:
        return
    value = get(res.props, "properties", "enableRbacAuthorization")
    if is_known(value) and value is not True:
        report(f"key vault '{res.label}': properties.enableRbacAuthorization is {_shown(value)}; it must be true")


def keyvault_soft_delete(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != VAULT:
        return
    value = get(res.props, "properties", "enableSoftDelete")
    if is_known(value) and value is not True:
        report(f"key vault '{res.label}': properties.enableSoftDelete is {_shown(value)}; it must be true")


def keyvault_purge_protection_in_prod(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != VAULT or _environment(settings, [res]) != "prod":
        return
    value = get(res.props, "properties", "enablePurgeProtection")
    if is_known(value) and value is not True:
        report(
            f"key vault '{res.label}': properties.enablePurgeProtection is {_shown(value)}; "
            "it must be true in prod (keyVault.purgeProtection: true)"
        )


def keyvault_no_access_policies(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type == VAULT:
        policies = get(res.props, "properties", "accessPolicies")
        if isinstance(policies, list) and policies:
            report(
                f"key vault '{res.label}' has {len(policies)} access polic{'y' if len(policies) == 1 else 'ies'}; "
                "grant access with Azure RBAC role assignments instead"
            )
    elif res.type == VAULT_ACCESS_POLICY:
        report(f"'{res.name}' is a Key Vault access policy; grant access with Azure RBAC role assignments instead")


# ------------------------------------------------------------------ function app


def _is_function_app(res: Resource) -> bool:
    kind = res.props.get("kind")
    return res.type in (WEB_APP, WEB_APP_SLOT) and isinstance(kind, str) and "functionapp" in kind.lower()


def functionapp_https_only(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    value = res.props.get("httpsOnly")
    if is_known(value) and value is not True:
        report(f"function app '{res.label}': httpsOnly is {_shown(value)}; it must be true")


def functionapp_ftps_disabled(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    value = get(res.props, "siteConfig", "ftpsState")
    if value is None and get(res.props, "functionAppConfig") is not None:
        # Flex Consumption (the only plan with functionAppConfig) has no FTP and refuses ftpsState:
        # https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
        return
    if is_known(value) and value != "Disabled":
        report(f"function app '{res.label}': siteConfig.ftpsState is {_shown(value)}; it must be Disabled")


def functionapp_min_tls(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    for key in ("minTlsVersion", "scmMinTlsVersion"):
        value = get(res.props, "siteConfig", key)
        if key == "scmMinTlsVersion" and value is None:
            continue
        if is_known(value) and value not in ("1.2", "1.3"):
            report(f"function app '{res.label}': siteConfig.{key} is {_shown(value)}; it must be 1.2 or later")


def _has_managed_identity(props: Mapping[str, Any]) -> bool | None:
    kind = get(props, "identity", "type")
    if not is_known(kind) or not is_known(props.get("identity")):
        return None
    return isinstance(kind, str) and ("SystemAssigned" in kind or "UserAssigned" in kind)


def functionapp_managed_identity(res: Resource, report: Report, settings: PolicySettings) -> None:
    if _is_function_app(res) and _has_managed_identity(res.props) is False:
        report(
            f"function app '{res.label}': identity.type is {_shown(get(res.props, 'identity', 'type'))}; "
            "it needs a SystemAssigned or UserAssigned managed identity"
        )


def functionapp_no_inline_secrets(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    settings_list = get(res.props, "siteConfig", "appSettings")
    for entry in settings_list if isinstance(settings_list, list) else []:
        name, value = get(entry, "name"), get(entry, "value")
        if not isinstance(name, str) or not isinstance(value, str) or not is_known(value) or value == "":
            continue
        if KEY_VAULT_REFERENCE.match(value) or name.upper() == "APPLICATIONINSIGHTS_CONNECTION_STRING":
            # Not a secret: https://learn.microsoft.com/azure/azure-monitor/app/connection-strings
            continue
        kind = secret_kind(value)
        if kind:
            report(
                f"function app '{res.label}': app setting {name} holds {kind} in plain text; "
                "use a Key Vault reference (@Microsoft.KeyVault(SecretUri=...))"
            )
        elif is_secret_setting_name(name):
            shown = "a Pulumi secret" if value == SECRET else "a plain value"
            report(
                f"function app '{res.label}': app setting {name} names a secret but holds {shown}, not a "
                "Key Vault reference (@Microsoft.KeyVault(SecretUri=...))"
            )
    strings = get(res.props, "siteConfig", "connectionStrings")
    for entry in strings if isinstance(strings, list) else []:
        name, value = get(entry, "name"), get(entry, "connectionString")
        if isinstance(value, str) and value and is_known(value) and not KEY_VAULT_REFERENCE.match(value):
            report(
                f"function app '{res.label}': connection string {name} is inlined; "
                "use a Key Vault reference (@Microsoft.KeyVault(SecretUri=...))"
            )


# ------------------------------------------------------------------ data factory

# Linked-service properties that carry a credential; each must be an AzureKeyVaultSecret reference.
_LINKED_SERVICE_SECRETS = frozenset(
    k.lower()
    for k in (
        "password",
        "accountKey",
        "servicePrincipalKey",
        "servicePrincipalCredential",
        "sasToken",
        "sasUri",
        "clientSecret",
        "functionKey",
        "apiKey",
        "accessKey",
        "secretAccessKey",
        "sessionToken",
        "accessToken",
        "privateKey",
        "passPhrase",
        "encryptedCredential",
        "embeddedCertData",
        "credString",
    )
)
_CONNECTION_STRING_SECRET = re.compile(
    r"(?i)(?:^|;)\s*(AccountKey|Password|Pwd|SharedAccessSignature|SharedAccessKey)\s*=\s*[^;\s]"
)


def _is_key_vault_reference(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("type") == "AzureKeyVaultSecret"


def _inline_credentials(value: Any, path: str) -> Iterable[str]:
    """Paths (with what is wrong) of credentials inlined below a linked service's properties."""
    if isinstance(value, Mapping):
        if value.get("type") == "SecureString":
            yield f"{path} is an inline SecureString"
            return
        for key, item in value.items():
            child = f"{path}.{key}"
            lowered = str(key).lower()
            if lowered in _LINKED_SERVICE_SECRETS:
                if item is None or item == "" or item == UNKNOWN or _is_key_vault_reference(item):
                    continue
                if isinstance(item, Mapping) and item.get("type") == "SecureString":
                    yield f"{child} is an inline SecureString"
                else:
                    yield f"{child} is inlined"
            elif lowered == "connectionstring" and isinstance(item, str):
                found = _CONNECTION_STRING_SECRET.search(item)
                if found:
                    yield f"{child} carries {found.group(1)}="
            else:
                yield from _inline_credentials(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _inline_credentials(item, f"{path}[{index}]")


def datafactory_managed_identity(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type == FACTORY and _has_managed_identity(res.props) is False:
        report(
            f"data factory '{res.label}': identity.type is {_shown(get(res.props, 'identity', 'type'))}; "
            "it needs a SystemAssigned or UserAssigned managed identity"
        )


def datafactory_no_inline_credentials(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != LINKED_SERVICE:
        return
    for problem in _inline_credentials(res.props.get("properties"), "properties"):
        report(
            f"linked service '{res.label}': {problem}; every secret must come from Key Vault "
            "(an AzureKeyVaultSecret reference through the Key Vault linked service)"
        )


def datafactory_public_network_access(res: Resource, report: Report, settings: PolicySettings) -> None:
    wanted = settings.data_factory_public_network_access
    if res.type != FACTORY or wanted is None:
        return
    expected = "Enabled" if wanted else "Disabled"
    value = res.props.get("publicNetworkAccess")
    if is_known(value) and value != expected:
        report(
            f"data factory '{res.label}': publicNetworkAccess is {_shown(value)} but the stack config says "
            f"dataFactory.publicNetworkAccess: {'true' if wanted else 'false'} ({expected})"
        )


# ------------------------------------------------------------------ role assignments


def role_assignment_scope(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != ROLE_ASSIGNMENT:
        return
    scope = res.props.get("scope")
    if not isinstance(scope, str) or not is_known(scope) or _RESOURCE_GROUP_SCOPE.match(scope.strip()):
        return
    stripped = scope.strip()
    if stripped in ("", "/"):
        what = "the tenant root"
    elif _SUBSCRIPTION_SCOPE.match(stripped):
        what = "a whole subscription"
    elif _MANAGEMENT_GROUP_SCOPE.match(stripped):
        what = "a management group"
    else:
        what = "not a resource group or a resource"
    report(f"role assignment '{res.name}': scope {scope!r} is {what}; scope it to a resource group or a resource")


def role_assignment_no_privileged_workloads(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != ROLE_ASSIGNMENT:
        return
    role_id = res.props.get("roleDefinitionId")
    principal_type = res.props.get("principalType")
    if not isinstance(role_id, str) or not is_known(role_id):
        return
    role = PRIVILEGED_ROLES.get(role_id.rstrip("/").rsplit("/", 1)[-1].lower())
    if role is None or principal_type not in (None, "ServicePrincipal"):
        return
    who = "a workload identity (principalType ServicePrincipal)" if principal_type else "a principal of unset type"
    report(
        f"role assignment '{res.name}' grants {role} to {who}; "
        "grant the narrowest data-plane or built-in role the workload needs"
    )


# ------------------------------------------------------------------ prod protection


def _stateful(resources: Sequence[Resource]) -> list[tuple[str, Resource]]:
    lakes = lake_accounts(resources)
    found: list[tuple[str, Resource]] = [("data lake storage account", lake) for lake in lakes]
    found += [("Key Vault", r) for r in resources if r.type == VAULT]
    found += [("SQL database", r) for r in resources if r.type == SQL_DATABASE]
    return found


def _arm_suffix(res: Resource) -> str | None:
    """The end of the resource's ARM id, built from its inputs (for when the id itself is not known)."""
    p = res.props
    parts: tuple[Any, ...]
    if res.type == STORAGE_ACCOUNT:
        parts = (p.get("resourceGroupName"), "providers/Microsoft.Storage/storageAccounts", p.get("accountName"))
    elif res.type == VAULT:
        parts = (p.get("resourceGroupName"), "providers/Microsoft.KeyVault/vaults", p.get("vaultName"))
    elif res.type == SQL_DATABASE:
        parts = (
            p.get("resourceGroupName"),
            "providers/Microsoft.Sql/servers",
            p.get("serverName"),
            "databases",
            p.get("databaseName"),
        )
    else:
        return None
    texts = [part for part in parts if isinstance(part, str) and part and is_known(part)]
    if len(texts) != len(parts):
        return None
    return ("/resourceGroups/" + "/".join(texts)).lower()


def _locks(lock: Resource, res: Resource) -> bool:
    scope = lock.props.get("scope")
    if isinstance(scope, str) and is_known(scope):
        scope = scope.rstrip("/").lower()
        own_id = res.props.get("id")
        if isinstance(own_id, str) and is_known(own_id):
            return scope == own_id.rstrip("/").lower()
        suffix = _arm_suffix(res)
        return suffix is not None and scope.endswith(suffix)
    return res.urn in lock.property_dependencies.get("scope", []) or res.urn in lock.dependencies


def prod_stateful_protected(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    if _environment(settings, resources) != "prod":
        return
    for what, res in _stateful(resources):
        if not res.protect:
            report(f"{what} '{res.label}' is not protected; set protect: true in prod", res.urn)


def prod_stateful_locked(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    if _environment(settings, resources) != "prod":
        return
    locks = [r for r in resources if r.type == LOCK and r.props.get("level") in ("CanNotDelete", "ReadOnly")]
    for what, res in _stateful(resources):
        if not any(_locks(lock, res) for lock in locks):
            report(
                f"{what} '{res.label}' has no CanNotDelete management lock (ManagementLockByScope whose scope is "
                "its id); add one in prod",
                res.urn,
            )


# ------------------------------------------------------------------ everywhere


def required_tags(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not is_taggable(res.type):
        return
    tags = res.tags
    if not is_known(tags):
        return
    present = tags if isinstance(tags, Mapping) else {}
    missing = [tag for tag in REQUIRED_TAGS if not present.get(tag)]
    if missing:
        report(f"'{res.label}' ({res.type}) is missing required tag(s): {', '.join(missing)}")


def _skips_secret_scan(res: Resource) -> bool:
    return res.type.startswith(("pulumi:providers:", "pulumi:pulumi:"))


def no_plaintext_secrets(res: Resource, report: Report, settings: PolicySettings) -> None:
    if _skips_secret_scan(res):
        return
    for path, key, value in iter_strings(res.props):
        if res.type == VAULT_SECRET and path == "properties.value":
            # The designated place for a secret. Offline we can see whether it was marked secret; a real
            # preview hands the pack decrypted values, so there it is the program's job (put_secret).
            if settings.secrets_masked and value not in (SECRET, UNKNOWN):
                report(f"Key Vault secret '{res.label}': properties.value is not a Pulumi secret")
            continue
        if value in (SECRET, UNKNOWN) or value == "":
            continue
        kind = secret_kind(value)
        if kind:
            report(f"'{res.label}' ({res.type}): {path} holds {kind} in plain text")
        elif is_secret_input_key(key) and not KEY_VAULT_REFERENCE.match(value):
            report(f"'{res.label}' ({res.type}): {path} is a credential in plain text; make it a Pulumi secret")


# ------------------------------------------------------------------ the rule table


@dataclass(frozen=True)
class Rule:
    name: str
    requires: str
    """What the rule requires, one sentence."""
    reason: str
    """Why the rule exists."""
    kind: Literal["resource", "stack"]
    check: Callable[..., None]

    @property
    def description(self) -> str:
        return f"{self.requires} Reason: {self.reason}"


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
    Rule(
        "keyvault-rbac-authorization",
        "Key Vaults use Azure RBAC for data-plane access (enableRbacAuthorization: true).",
        "Vault access policies are all-or-nothing per vault and sit outside the role assignments that are reviewed.",
        "resource",
        keyvault_rbac,
    ),
    Rule(
        "keyvault-soft-delete",
        "Key Vaults have soft delete on (enableSoftDelete: true).",
        "A deleted vault or secret must be recoverable within the retention period.",
        "resource",
        keyvault_soft_delete,
    ),
    Rule(
        "keyvault-purge-protection-in-prod",
        "In prod, Key Vaults have purge protection on (enablePurgeProtection: true).",
        "Without it a soft-deleted vault can be purged at once, destroying production secrets irrecoverably.",
        "resource",
        keyvault_purge_protection_in_prod,
    ),
    Rule(
        "keyvault-no-access-policies",
        "Key Vaults carry no access policies, and no AccessPolicy resources exist.",
        "Access policies bypass RBAC; with RBAC authorization on they are ignored and only mislead reviewers.",
        "resource",
        keyvault_no_access_policies,
    ),
    Rule(
        "functionapp-https-only",
        "Function apps redirect HTTP to HTTPS (httpsOnly: true).",
        "Function keys and payloads must not cross the network in clear text.",
        "resource",
        functionapp_https_only,
    ),
    Rule(
        "functionapp-ftps-disabled",
        "Function apps have FTP/FTPS deployment disabled (siteConfig.ftpsState: Disabled; Flex sites have no FTP).",
        "FTP deployment uses basic-auth publishing credentials; deployments go through the pipeline only.",
        "resource",
        functionapp_ftps_disabled,
    ),
    Rule(
        "functionapp-min-tls-1-2",
        "Function apps (and their SCM site) require TLS 1.2 or later.",
        "TLS 1.0/1.1 are deprecated and have known weaknesses.",
        "resource",
        functionapp_min_tls,
    ),
    Rule(
        "functionapp-managed-identity",
        "Function apps have a managed identity.",
        "The app reaches storage and Key Vault with Entra ID tokens instead of keys or connection strings.",
        "resource",
        functionapp_managed_identity,
    ),
    Rule(
        "functionapp-no-inline-secrets",
        "Function app settings that hold secrets are Key Vault references, never values.",
        "App settings are readable by anyone with read access to the site's configuration and land in deployment "
        "logs; Key Vault references keep the secret in the vault, rotated and audited.",
        "resource",
        functionapp_no_inline_secrets,
    ),
    Rule(
        "datafactory-managed-identity",
        "Data factories have a managed identity.",
        "Linked services authenticate as the factory's identity and read secrets from Key Vault with it.",
        "resource",
        datafactory_managed_identity,
    ),
    Rule(
        "datafactory-no-inline-credentials",
        "Data Factory linked services take every secret from Key Vault (AzureKeyVaultSecret references).",
        "Inline credentials (SecureString, account keys, passwords in connection strings) are stored in the factory "
        "definition, exported with ARM templates and visible to every factory contributor.",
        "resource",
        datafactory_no_inline_credentials,
    ),
    Rule(
        "datafactory-public-network-access",
        "The data factory's publicNetworkAccess is what the stack config says (dataFactory.publicNetworkAccess).",
        "Network exposure is a reviewed, per-environment decision; drift from the config opens the factory silently.",
        "resource",
        datafactory_public_network_access,
    ),
    Rule(
        "role-assignment-scope",
        "Role assignments are scoped to a resource group or a resource, never a subscription or above.",
        "Least privilege: subscription-wide grants reach every other workload in the subscription.",
        "resource",
        role_assignment_scope,
    ),
    Rule(
        "role-assignment-no-privileged-workloads",
        "Workload identities (principalType ServicePrincipal) are never granted Owner, Contributor or User Access "
        "Administrator.",
        "A compromised workload with a control-plane role can change, delete or re-permission the whole platform.",
        "resource",
        role_assignment_no_privileged_workloads,
    ),
    Rule(
        "prod-stateful-protected",
        "In prod, the data lake account, the Key Vault and the SQL database are protected (protect: true).",
        "A refactor or a mistaken `pulumi destroy` must not be able to delete production data.",
        "stack",
        prod_stateful_protected,
    ),
    Rule(
        "prod-stateful-locked",
        "In prod, the data lake account, the Key Vault and the SQL database carry a CanNotDelete management lock.",
        "Pulumi's protect only guards Pulumi; the lock also stops deletes from the portal, CLI and other tools.",
        "stack",
        prod_stateful_locked,
    ),
    Rule(
        "required-tags",
        f"Every taggable resource carries the tags {', '.join(REQUIRED_TAGS)}.",
        "Cost allocation, ownership and incident routing rely on them.",
        "resource",
        required_tags,
    ),
    Rule(
        "no-plaintext-secrets",
        "No resource input holds a secret in plain text (keys, passwords, SAS tokens, connection strings with keys, "
        "JWTs, private keys).",
        "Plain-text inputs are stored unencrypted in the Pulumi state and shown in previews and diffs.",
        "resource",
        no_plaintext_secrets,
    ),
)

RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)


def _resource_validate(
    rule: Rule, settings: PolicySettings
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        rule.check(Resource.from_args(args), lambda message: report_violation(message, None), settings)

    return validate


def _stack_validate(rule: Rule, settings: PolicySettings) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [Resource.from_policy_resource(r) for r in args.resources]
        rule.check(resources, report_violation, settings)

    return validate


def build_policies(settings: PolicySettings | None = None) -> list[Policy]:
    """One pulumi_policy policy per rule, at the enforcement level the stack's settings give it."""
    settings = settings or PolicySettings()
    unknown = sorted(set(settings.overrides) - set(RULE_NAMES))
    if unknown:
        raise PolicyConfigError(
            f"policy overrides name unknown rule(s): {', '.join(unknown)}; rules: {', '.join(RULE_NAMES)}"
        )
    policies: list[Policy] = []
    for rule in RULES:
        level = EnforcementLevel(settings.enforcement(rule.name))
        if rule.kind == "resource":
            policies.append(
                ResourceValidationPolicy(
                    name=rule.name,
                    description=rule.description,
                    validate=_resource_validate(rule, settings),
                    enforcement_level=level,
                )
            )
        else:
            policies.append(
                StackValidationPolicy(
                    name=rule.name,
                    description=rule.description,
                    validate=_stack_validate(rule, settings),
                    enforcement_level=level,
                )
            )
    return policies


__all__ = ["PACK_NAME", "RULES", "RULE_NAMES", "Resource", "Rule", "build_policies", "lake_accounts"]
