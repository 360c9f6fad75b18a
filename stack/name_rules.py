"""Azure's naming rules, one entry per resource type token: length, characters, first and last character.

One table for the names the program builds (`stack/naming.py` checks each name against its type's entry
before anything is registered) and for every name in the plan (`deployability`: `resource-name-rules`).
Keys are the engine's type tokens (unversioned azure-native modules), spelled as `preview.resource_types`
spells them; this module imports nothing above `stack`.

Sources: "Naming rules and restrictions for Azure resources"
(https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), "Azure Data Factory
naming rules" (https://learn.microsoft.com/azure/data-factory/naming-rules) and, where a type is not on either
page, the REST specification's name pattern. Names are compared without regard to case everywhere ARM does.
A type whose name no page constrains is in `SILENT`, with why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from stack.evidence import Source

NAMES_PAGE = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules"
ADF_NAMES_PAGE = "https://learn.microsoft.com/azure/data-factory/naming-rules"

_CONTROL = r"\x00-\x1f\x7f"
_NON_ASCII = r"[^\x00-\x7f]"
"""The page allows 'Unicode characters that can be mapped to Punycode' in App Service names; any non-ASCII
character stands for them (the mapping itself is IdnMapping.GetAscii's)."""


def _excluding(forbidden: str, not_last: str = "") -> str:
    """Any characters but `forbidden` and control characters, the last also not one of `not_last`."""
    return f"[^{forbidden}{_CONTROL}]*[^{forbidden}{not_last}{_CONTROL}]"


@dataclass(frozen=True)
class NameRule:
    """What Azure accepts as the name of one resource type."""

    resource: str
    """The type as people call it, for messages."""
    min_length: int
    max_length: int
    pattern: str
    """A regular expression the whole name must match (re.fullmatch)."""
    allowed: str
    """The rule in words, for messages."""
    sources: tuple[Source, ...]

    def problem(self, name: str) -> str | None:
        """What is wrong with `name`, or None when Azure accepts it."""
        if not self.min_length <= len(name) <= self.max_length:
            return f"is {len(name)} characters; Azure allows {self.min_length}-{self.max_length}"
        if not re.fullmatch(self.pattern, name):
            return f"is invalid; Azure allows {self.allowed}"
        return None


def _names(says: str) -> tuple[Source, ...]:
    return (Source(NAMES_PAGE, says),)


_HYPHENATED = r"[a-zA-Z0-9](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]"
_NETWORK = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
_NETWORK_TEXT = "letters, digits, '_', '.' and '-', starting with a letter or digit, ending with a letter, digit or '_'"
_ADF_CHILD_FORBIDDEN = r".+?/<>*%&:\\#"

POOL_API_VERSION = "2025-01-21"
"""The Microsoft.DevOpsInfrastructure API version the installed azure-native uses for `Pool` (its docstring says
'Uses Azure REST API version 2025-01-21'; a test holds the two together)."""

POOL_NAME_RULES: Mapping[str, NameRule] = {
    # bicep-types-az, generated from the REST spec: pools@2023-10-30-preview name {pattern: "^[a-z][a-z0-9]*$"}.
    "2023-10-30-preview": NameRule(
        "Managed DevOps Pool",
        3,
        44,
        r"[a-z][a-z0-9]*",
        "lowercase letters and digits, starting with a letter",
        (
            Source(
                "https://learn.microsoft.com/azure/templates/microsoft.devopsinfrastructure/2023-10-30-preview/pools",
                "pools@2023-10-30-preview: name pattern ^[a-z][a-z0-9]*$",
            ),
        ),
    ),
    "2025-01-21": NameRule(
        "Managed DevOps Pool",
        3,
        44,
        r"[a-zA-Z0-9][a-zA-Z0-9.-]*",
        "letters, digits, '.' and '-', starting with a letter or digit",
        (
            Source(
                "https://learn.microsoft.com/azure/templates/microsoft.devopsinfrastructure/2025-01-21/pools",
                "pools@2025-01-21: name pattern ^[a-zA-Z0-9][a-zA-Z0-9-.]*$ (Azure/bicep-types-az, from the REST spec)",
            ),
            Source(
                "https://github.com/Azure/terraform-azurerm-avm-res-devopsinfrastructure-pool",
                "the spec states no length; Azure Verified Modules allow 3-44 characters",
            ),
        ),
    ),
}
"""The pool's name rule changed between API versions; the plan is judged by the version the SDK sends."""

NAME_RULES: Mapping[str, NameRule] = {
    "azure-native:resources:ResourceGroup": NameRule(
        "resource group",
        1,
        90,
        r"[\w\-.()]*[\w\-()]",
        "letters, digits, _-.() not ending in '.'",
        _names(
            "resourcegroups: 1-90; underscores, hyphens, periods, parentheses, letters or digits; not ending in '.'"
        ),
    ),
    "azure-native:resources:Deployment": NameRule(
        "deployment",
        1,
        64,
        r"[A-Za-z0-9_().-]+",
        "letters, digits, '_', '(', ')', '-' and '.'",
        _names("deployments: 1-64; alphanumerics, underscores, parentheses, hyphens and periods"),
    ),
    "azure-native:storage:StorageAccount": NameRule(
        "storage account",
        3,
        24,
        r"[a-z0-9]+",
        "lowercase letters and digits",
        _names("storageAccounts: global, 3-24, lowercase letters and numbers only"),
    ),
    "azure-native:storage:BlobServiceProperties": NameRule(
        "blob service", 7, 7, r"default", "only 'default'", _names("storageAccounts/blobServices: must be default")
    ),
    "azure-native:storage:ManagementPolicy": NameRule(
        "lifecycle management policy",
        7,
        7,
        r"default",
        "only 'default'",
        _names("storageAccounts/managementPolicies: must be default"),
    ),
    "azure-native:storage:BlobContainer": NameRule(
        "blob container",
        3,
        63,
        r"\$root|\$web|\$logs|[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]",
        "lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
        (
            *_names("blobServices/containers: 3-63; lowercase letters, numbers and hyphens; no consecutive hyphens"),
            Source(
                "https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata",
                "a container name starts and ends with a letter or number; every hyphen has a letter or number on both "
                "sides; a name against the rules gets 400 Bad Request",
            ),
        ),
    ),
    "azure-native:keyvault:Vault": NameRule(
        "Key Vault",
        3,
        24,
        r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]",
        "letters, digits and single hyphens, starting with a letter and ending with a letter or digit",
        _names(
            "vaults: global, 3-24; alphanumerics and hyphens; start with a letter, end with a letter or digit; "
            "no consecutive hyphens"
        ),
    ),
    "azure-native:keyvault:Secret": NameRule(
        "Key Vault secret",
        1,
        127,
        r"[a-zA-Z0-9-]+",
        "letters, digits and hyphens",
        _names("vaults/secrets: 1-127; alphanumerics and hyphens"),
    ),
    "azure-native:sql:Server": NameRule(
        "SQL server",
        1,
        63,
        r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?",
        "lowercase letters, digits and hyphens, not at either end",
        _names("servers: global, 1-63; lowercase letters, numbers and hyphens; can't start or end with a hyphen"),
    ),
    "azure-native:sql:Database": NameRule(
        "SQL database",
        1,
        128,
        _excluding(r"<>*%&:\\/?", r".\s"),
        "any characters but <>*%&:\\/? and control characters, not ending in '.' or a space",
        _names("servers/databases: 1-128; can't use <>*%&:\\/? or control characters; can't end with period or space"),
    ),
    "azure-native:sql:FirewallRule": NameRule(
        "SQL firewall rule",
        1,
        128,
        _excluding(r"<>*%&:;\\/?", r"."),
        "any characters but <>*%&:;\\/? and control characters, not ending in '.'",
        _names("servers/firewallRules: 1-128; can't use <>*%&:;\\/? or control characters; can't end with period"),
    ),
    "azure-native:web:AppServicePlan": NameRule(
        "App Service plan",
        1,
        60,
        rf"(?:[a-zA-Z0-9-]|{_NON_ASCII})+",
        "letters, digits and hyphens",
        _names("serverfarms: 1-60; alphanumerics, hyphens and Unicode characters that can be mapped to Punycode"),
    ),
    "azure-native:web:WebApp": NameRule(
        "Function app",
        2,
        60,
        rf"(?:[a-zA-Z0-9]|{_NON_ASCII})(?:[a-zA-Z0-9-]|{_NON_ASCII})*(?:[a-zA-Z0-9]|{_NON_ASCII})",
        "letters, digits and hyphens, not at either end",
        _names(
            "sites: global, 2-60; alphanumerics, hyphens and Punycode-mappable Unicode; can't start or end with "
            "a hyphen"
        ),
    ),
    "azure-native:applicationinsights:Component": NameRule(
        "Application Insights",
        1,
        260,
        _excluding(r"%&\\?/", r".\s"),
        "any characters but %&\\?/ and control characters, not ending in '.' or a space",
        _names("components: 1-260; can't use %&\\?/ or control characters; can't end with space or period"),
    ),
    "azure-native:monitor:ActionGroup": NameRule(
        "action group",
        1,
        260,
        _excluding(r":<>+/&%\\?", r".\s"),
        "any characters but :<>+/&%\\? and control characters, not ending in '.' or a space",
        _names("actionGroups: 1-260; can't use :<>+/&%\\? or control characters; can't end with space or period"),
    ),
    "azure-native:monitor:MetricAlert": NameRule(
        "metric alert",
        1,
        260,
        _excluding(r"*#&+:<>?@%{}\\/", r".\s"),
        "any characters but *#&+:<>?@%{}\\/ and control characters, not ending in '.' or a space",
        _names("metricAlerts: 1-260; can't use *#&+:<>?@%{}\\/ or control characters; can't end with space or period"),
    ),
    "azure-native:operationalinsights:Workspace": NameRule(
        "Log Analytics workspace",
        4,
        63,
        r"[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]",
        "letters, digits and hyphens, starting and ending with a letter or digit",
        _names("workspaces: 4-63; alphanumerics and hyphens; start and end with alphanumeric"),
    ),
    "azure-native:authorization:ManagementLockByScope": NameRule(
        "management lock",
        1,
        90,
        r"[A-Za-z0-9._()-]*[A-Za-z0-9_()-]",
        "letters, digits, '.', '_', '-', '(' and ')', not ending in '.'",
        _names("locks: 1-90; alphanumerics, periods, underscores, hyphens and parentheses; can't end in period"),
    ),
    "azure-native:network:VirtualNetwork": NameRule(
        "virtual network",
        2,
        64,
        _NETWORK,
        _NETWORK_TEXT,
        _names(
            "virtualNetworks: 2-64; alphanumerics, underscores, periods, hyphens; start with alphanumeric; end "
            "alphanumeric or underscore"
        ),
    ),
    "azure-native:network:Subnet": NameRule(
        "subnet",
        1,
        80,
        _NETWORK,
        _NETWORK_TEXT,
        _names("virtualNetworks/subnets: 1-80; same characters and ends as a virtual network"),
    ),
    "azure-native:network:PrivateEndpoint": NameRule(
        "private endpoint",
        2,
        64,
        _NETWORK,
        _NETWORK_TEXT,
        _names("privateEndpoints: 2-64; same characters and ends as a virtual network"),
    ),
    "azure-native:privatedns:PrivateZone": NameRule(
        "private DNS zone",
        1,
        253,
        r"(?:[A-Za-z0-9_-]{1,63}\.){1,33}[A-Za-z0-9_-]{1,63}",
        "2 to 34 labels of 1-63 letters, digits, '_' and '-', separated by '.'",
        (
            *_names("privateDnsZones: 2 to 34 labels; each label alphanumerics, underscores and hyphens"),
            Source(
                "https://learn.microsoft.com/azure/dns/private-dns-overview",
                "single-label private zones aren't supported; at most 34 labels",
            ),
        ),
    ),
    "azure-native:privatedns:VirtualNetworkLink": NameRule(
        "private DNS zone link",
        1,
        80,
        _NETWORK,
        _NETWORK_TEXT,
        _names("privateDnsZones/virtualNetworkLinks: 1-80; same characters and ends as a virtual network"),
    ),
    "azure-native:datafactory:Factory": NameRule(
        "Data Factory",
        3,
        63,
        r"[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*",
        "letters, digits and single hyphens, starting and ending with a letter or digit",
        (
            *_names("factories: global, 3-63; alphanumerics and hyphens; start and end with alphanumeric"),
            Source(ADF_NAMES_PAGE, "factory: 3-63; letters, numbers and '-'; every '-' between letters or numbers"),
        ),
    ),
    "azure-native:datafactory:IntegrationRuntime": NameRule(
        "integration runtime",
        3,
        63,
        r"[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*",
        "letters, digits and single hyphens, starting and ending with a letter or digit",
        (
            *_names("factories/integrationRuntimes: 3-63; alphanumerics and hyphens; start and end alphanumeric"),
            Source(ADF_NAMES_PAGE, "integration runtime: letters, numbers and '-', no consecutive dashes"),
        ),
    ),
    **{
        f"azure-native:datafactory:{kind}": NameRule(
            f"Data Factory {label}",
            1,
            260,
            rf"[A-Za-z][^{_ADF_CHILD_FORBIDDEN}\-{_CONTROL}]*",
            "a letter first, then any characters but .+?/<>*%&:\\#, '-' and control characters",
            (
                *_names(f"factories/{kind.lower()}s: 1-260; can't use <>*#.%&:\\+?/ or control characters"),
                Source(
                    ADF_NAMES_PAGE,
                    "objects start with a letter; dashes aren't allowed in linked services, datasets and data flows",
                ),
            ),
        )
        for kind, label in (("LinkedService", "linked service"), ("Dataset", "dataset"), ("DataFlow", "data flow"))
    },
    "azure-native:datafactory:Pipeline": NameRule(
        "Data Factory pipeline",
        1,
        260,
        rf"[A-Za-z][^{_ADF_CHILD_FORBIDDEN}{_CONTROL}]*",
        "a letter first, then any characters but .+?/<>*%&:\\# and control characters",
        (
            *_names("factories/pipelines: 1-260; can't use <>*#.%&:\\+?/ or control characters"),
            Source(ADF_NAMES_PAGE, "object names start with a letter"),
        ),
    ),
    "azure-native:datafactory:Trigger": NameRule(
        "Data Factory trigger",
        1,
        260,
        rf"[A-Za-z0-9][^{_ADF_CHILD_FORBIDDEN}{_CONTROL}]*",
        "a letter or digit first, then any characters but .+?/<>*%&:\\# and control characters",
        _names("factories/triggers: 1-260; can't use <>*#.%&:\\+?/ or control characters; start with alphanumeric"),
    ),
    "azure-native:devcenter:DevCenter": NameRule(
        "Dev Center",
        3,
        26,
        r"[a-zA-Z0-9][a-zA-Z0-9-]{2,25}",
        "letters, digits and hyphens, starting with a letter or digit",
        (
            Source(
                "https://learn.microsoft.com/azure/templates/microsoft.devcenter/2023-10-01-preview/devcenters",
                "devcenters: 3-26, pattern ^[a-zA-Z0-9][a-zA-Z0-9-]{2,25}$",
            ),
        ),
    ),
    "azure-native:devcenter:Project": NameRule(
        "Dev Center project",
        3,
        63,
        r"[a-zA-Z0-9][a-zA-Z0-9_.-]{2,62}",
        "letters, digits, '_', '.' and '-', starting with a letter or digit",
        (
            Source(
                "https://learn.microsoft.com/azure/templates/microsoft.devcenter/projects",
                "projects: 3-63, pattern ^[a-zA-Z0-9][a-zA-Z0-9-_.]{2,62}$",
            ),
        ),
    ),
    "azure-native:devopsinfrastructure:Pool": POOL_NAME_RULES[POOL_API_VERSION],
}
"""Every type whose name a page constrains, by type token."""

ACTION_GROUP_SHORT_NAME = NameRule(
    "action group short name",
    1,
    12,
    r".+",
    "1-12 characters",
    (
        Source(
            "https://learn.microsoft.com/azure/templates/microsoft.insights/actiongroups",
            "groupShortName: required, at most 12 characters; used in SMS messages",
        ),
    ),
)
"""Not a resource name, but built with the names: `groupShortName` of the action group."""

SILENT: Mapping[str, str] = {
    "azure-native:authorization:RoleAssignment": "a GUID, unique in the tenant: rule role-assignment-name-unique-guid",
    "azure-native:monitor:DiagnosticSetting": "not on the naming-rules page; no other page states its name rules",
    "azure-native:network:PrivateDnsZoneGroup": "not on the naming-rules page; no other page states its name rules",
    "azure-native:datafactory:ManagedPrivateEndpoint": "not on either naming page; no other page states its rules",
    "azure-native:datafactory:CredentialOperation": "not on either naming page; no other page states its rules",
    "azure-native:web:WebAppFtpAllowed": "a fixed child name (the site's basic publishing policy, 'ftp')",
    "azure-native:web:WebAppScmAllowed": "a fixed child name (the site's basic publishing policy, 'scm')",
}
"""Types the plan can hold whose name no page constrains, and why no rule judges them."""
