"""Azure's limits on values the stack config sets, each with its source; the ones that change are dated tables.

The config validators (`stack/config_sections.py`, `stack/config.py`) refuse a value Azure would refuse before
any resource is registered; the deployability rules (`deployability/catalogue/`) read the same facts to judge
the plan itself, whatever code produced it. A fact that changes with time or region is registered as a
`stack.facts.DatedTable`, so `python -m ops plan` says when it is older than its stated age and names the command
that refreshes it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from stack.evidence import Source
from stack.facts import DatedTable, register

# ------------------------------------------------------------------ numeric bounds


@dataclass(frozen=True)
class Bounds:
    """An inclusive range Azure accepts for one property, and where it is stated."""

    what: str
    low: int
    high: int
    sources: tuple[Source, ...]

    def problem(self, value: object) -> str | None:
        """What is wrong with `value`, or None when it is inside the range (non-numbers are not judged)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if not self.low <= value <= self.high:
            return f"{self.what} is {value}; Azure allows {self.low}-{self.high}"
        return None


STORAGE_SOFT_DELETE_DAYS = Bounds(
    "soft delete retention (days)",
    1,
    365,
    (
        Source(
            "https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview",
            "blob and container soft delete keep deleted data 1 to 365 days",
        ),
    ),
)
KEY_VAULT_SOFT_DELETE_DAYS = Bounds(
    "softDeleteRetentionInDays",
    7,
    90,
    (
        Source(
            "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
            "retention is 7 to 90 days (default 90), set at creation and not changeable afterwards",
        ),
    ),
)
LOG_RETENTION_DAYS = Bounds(
    "retentionInDays",
    4,
    730,
    (
        Source(
            "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure",
            "analytics retention defaults to 30 days and goes up to 730; through the API it can be as low as 4 "
            "(31 days are included in the price); the legacy Free tier keeps 7 days",
        ),
    ),
)
FREE_TIER_RETENTION_DAYS = 7
POOL_MAXIMUM_CONCURRENCY = Bounds(
    "maximumConcurrency",
    1,
    10000,
    (
        Source(
            "https://learn.microsoft.com/azure/templates/microsoft.devopsinfrastructure/2025-01-21/pools",
            "maximumConcurrency: int, minValue 1, maxValue 10000 (REST spec via Azure/bicep-types-az)",
        ),
    ),
)

# ------------------------------------------------------------------ network rules (IP addresses)

PRIVATE_RANGES = tuple(ipaddress.IPv4Network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
"""The RFC 1918 blocks, which storage and Key Vault refuse in IP rules."""

STORAGE_IP_RULES = Source(
    "https://learn.microsoft.com/azure/storage/common/storage-network-security-ip-address-range",
    "IP rules take public IPv4 only: no RFC 1918 ranges, no /31 or /32 prefixes (give single addresses "
    "instead); up to 400 IP rules per account (page dated 2025-06-18)",
)
KEY_VAULT_IP_RULES = Source(
    "https://learn.microsoft.com/azure/key-vault/general/network-security",
    "up to 1000 IPv4 rules and 200 virtual network rules; IP rules only for public addresses (no RFC 1918 "
    "ranges); IPv4 only. Older versions of the page also refused /31 and /32 and allowed 127 rules",
)
STORAGE_IP_RULES_MAX = 400
KEY_VAULT_IP_RULES_MAX = 1000
KEY_VAULT_VNET_RULES_MAX = 200


def ip_rule_problems(values: Iterable[str], *, max_rules: int, refuse_small_prefixes: bool) -> list[str]:
    """What a service with these IP-rule limits refuses among `values` (addresses or CIDR ranges, as sent)."""
    values = list(values)
    problems = [f"{len(values)} IP rules; Azure allows {max_rules}"] if len(values) > max_rules else []
    for value in values:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            problems.append(f"{value!r} is not an IPv4 address or CIDR range")
            continue
        if not isinstance(network, ipaddress.IPv4Network):
            problems.append(f"{value} is IPv6; only IPv4 rules are supported")
        elif any(network.subnet_of(block) for block in PRIVATE_RANGES):
            problems.append(f"{value} is in a private RFC 1918 range; IP rules take public addresses only")
        elif refuse_small_prefixes and "/" in value and network.prefixlen in (31, 32):
            problems.append(f"{value} is a /{network.prefixlen}; give single addresses without a prefix")
    return problems


SQL_FIREWALL_RULES_MAX = 128
SQL_FIREWALL = Source(
    "https://learn.microsoft.com/azure/azure-sql/database/firewall-configure",
    "at most 128 server-level IP firewall rules; the 0.0.0.0 'Allow Azure services' rule counts as one; "
    "start and end are IPv4 addresses, end not below start",
)

# ------------------------------------------------------------------ Azure SQL serverless


@dataclass(frozen=True)
class ServerlessObjective:
    """One General Purpose serverless service objective (`GP_S_Gen5_<max vCores>`)."""

    max_vcores: int
    min_vcores: float
    """The lowest `minCapacity` this objective accepts."""
    max_data_gb: int
    """The largest `maxSizeBytes`, in GB."""


SERVERLESS_OBJECTIVES: Mapping[str, ServerlessObjective] = {
    f"GP_S_Gen5_{vcores}": ServerlessObjective(vcores, minimum, max_gb)
    for vcores, minimum, max_gb in (
        (1, 0.5, 512),
        (2, 0.5, 1024),
        (4, 0.5, 1024),
        (6, 0.75, 1024),
        (8, 1.0, 2048),
        (10, 1.25, 2048),
        (12, 1.5, 3072),
        (14, 1.75, 3072),
        (16, 2.0, 3072),
        (18, 2.25, 3072),
        (20, 2.5, 3072),
        (24, 3.0, 4096),
        (32, 4.0, 4096),
        (40, 5.0, 4096),
        (80, 10.0, 4096),
    )
}
"""Min-max vCores and max data size per objective: the serverless General Purpose tables of the vCore limits page.
There is no GP_S_Gen5_3, _5, ... (the page lists exactly these)."""

SERVERLESS_OBJECTIVES_TABLE = register(
    DatedTable(
        subject="Azure SQL serverless service objectives (min vCores, max data size)",
        read_on=date(2026, 12, 6),
        source="https://learn.microsoft.com/azure/azure-sql/database/resource-limits-vcore-single-databases",
        refresh_command=(
            "az sql db list-editions -l <region> --edition GeneralPurpose --show-details max-size "
            "(or re-read the page's serverless tables)"
        ),
        max_age_days=365,
    )
)
SQL_SERVERLESS = (
    Source(
        "https://learn.microsoft.com/azure/azure-sql/database/resource-limits-vcore-single-databases",
        "GP_S_Gen5_n exists for n in 1,2,4,6,8,10,12,14,16,18,20,24,32,40,80; each lists its min-max vCores (e.g. "
        "0.75-6, 5-40) and max data size (512 GB for 1 vCore up to 4096 GB); auto-pause 15-10080 minutes",
    ),
    Source(
        "https://learn.microsoft.com/azure/azure-sql/database/serverless-tier-overview",
        "auto-pause delay: -1 disables pausing; otherwise 15 to 10080 minutes (older copies: 60, in steps of 10)",
    ),
    Source(
        "https://github.com/Azure/azure-cli/issues/26664",
        "ARM: \"The service level objective 'GP_S_Gen5_2' does not support the min capacity '2.5'\"",
    ),
)
AUTO_PAUSE_NEVER = -1
AUTO_PAUSE_MINUTES = Bounds("autoPauseDelay", 15, 10080, SQL_SERVERLESS)
SQL_SMALL_MAX_SIZES_MB = (100, 250, 500)
SQL_MAX_SIZE = Source(
    "https://learn.microsoft.com/sql/t-sql/statements/create-database-transact-sql?view=azuresqldb-current",
    "MAXSIZE is 100 MB, 250 MB, 500 MB or a whole number of GB (1 ... 4096 GB), up to the objective's max data size",
)


def serverless_problems(sku: str, min_capacity: float | None, max_size_gb: float | None) -> list[str]:
    """What a serverless database of this objective refuses in its min vCores and max data size."""
    objective = SERVERLESS_OBJECTIVES.get(sku)
    if objective is None:
        return [f"service objective {sku!r} does not exist; serverless objectives: {', '.join(SERVERLESS_OBJECTIVES)}"]
    problems = []
    if min_capacity is not None and not objective.min_vcores <= min_capacity <= objective.max_vcores:
        problems.append(
            f"minCapacity {min_capacity:g} is outside {objective.min_vcores:g}-{objective.max_vcores} vCores, what "
            f"{sku} supports"
        )
    if max_size_gb is not None and max_size_gb > objective.max_data_gb:
        problems.append(f"max data size {max_size_gb:g} GB is above {objective.max_data_gb} GB, the most {sku} allows")
    return problems


# ------------------------------------------------------------------ Flex Consumption

FLEX_PLAN_PAGE = "https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan"
FLEX_INSTANCE_MEMORY_MB = (512, 2048, 4096)
FLEX_MAXIMUM_INSTANCES = 1000
FLEX_LOWEST_MAXIMUM = 40
"""'The lowest maximum scale is currently 40. The highest currently supported value is 1000.'"""
FLEX_SCALE = (
    Source(FLEX_PLAN_PAGE, "instance memory is 512, 2048 or 4096 MB; maximum scale 40 (lowest) to 1000"),
    Source(
        "https://github.com/Azure/azure-functions-host/issues/10523",
        "Microsoft (2026-01-05): in West Europe, Australia East and West US 2 the maximum instance count can be set "
        "below 40 (down to 1); other regions follow over time",
    ),
    Source(
        "https://github.com/MicrosoftDocs/azure-docs/pull/128255",
        "2026-02-26: a page said the lowest maximum is 1 while the service enforced 40 elsewhere",
    ),
)

FLEX_REGIONS: frozenset[str] = frozenset(
    {
        "australiaeast",
        "australiasoutheast",
        "brazilsouth",
        "canadacentral",
        "centralindia",
        "centralus",
        "eastasia",
        "eastus",
        "eastus2",
        "francecentral",
        "germanywestcentral",
        "italynorth",
        "japaneast",
        "koreacentral",
        "northcentralus",
        "northeurope",
        "norwayeast",
        "southafricanorth",
        "southcentralus",
        "southeastasia",
        "southindia",
        "spaincentral",
        "swedencentral",
        "uaenorth",
        "uksouth",
        "ukwest",
        "westcentralus",
        "westeurope",
        "westus",
        "westus2",
        "westus3",
    }
)
"""Where Flex Consumption plans can be created (public regions)."""
FLEX_REGIONS_TABLE = register(
    DatedTable(
        subject="Flex Consumption regions",
        read_on=date(2026, 12, 6),
        source=(
            "Azure-Samples/functions-quickstart-python-http-azd infra/main.bicep (@allowed Flex regions); "
            f"{FLEX_PLAN_PAGE}#considerations ('not all regions are currently supported')"
        ),
        refresh_command="az functionapp list-flexconsumption-locations --output table",
        max_age_days=90,
    )
)
FLEX_LOW_SCALE_REGIONS: frozenset[str] = frozenset({"westeurope", "australiaeast", "westus2"})
"""The regions where `maximumInstanceCount` may go below `FLEX_LOWEST_MAXIMUM`."""
FLEX_LOW_SCALE_TABLE = register(
    DatedTable(
        subject="Flex Consumption regions allowing maximumInstanceCount below 40",
        read_on=date(2026, 12, 6),
        source="https://github.com/Azure/azure-functions-host/issues/10523 (Microsoft, 2026-01-05)",
        refresh_command=(
            f"re-read {FLEX_PLAN_PAGE}#considerations, or try `az functionapp scale config set "
            "--maximum-instance-count 1` on a Flex app in the region"
        ),
        max_age_days=60,
    )
)


def flex_lowest_maximum(region: str) -> int:
    """The lowest `maximumInstanceCount` a Flex Consumption app may have in `region`."""
    return 1 if region.lower() in FLEX_LOW_SCALE_REGIONS else FLEX_LOWEST_MAXIMUM


def flex_region_problem(region: str) -> str | None:
    """Why Flex Consumption cannot be used in `region`, or None when it can."""
    if region.lower() in FLEX_REGIONS:
        return None
    return f"Flex Consumption is not offered in {region}; regions: {', '.join(sorted(FLEX_REGIONS))}"


def flex_instance_problems(region: str, maximum_instances: object, memory_mb: object) -> list[str]:
    """What Flex Consumption refuses in an app's instance settings in `region`."""
    problems = []
    if isinstance(maximum_instances, int) and not isinstance(maximum_instances, bool):
        lowest = flex_lowest_maximum(region)
        if not lowest <= maximum_instances <= FLEX_MAXIMUM_INSTANCES:
            problems.append(
                f"maximumInstanceCount {maximum_instances} is outside {lowest}-{FLEX_MAXIMUM_INSTANCES}, what Flex "
                f"Consumption allows in {region}"
            )
    if isinstance(memory_mb, int) and not isinstance(memory_mb, bool) and memory_mb not in FLEX_INSTANCE_MEMORY_MB:
        problems.append(
            f"instanceMemoryMB {memory_mb} is not an instance size; sizes: "
            + ", ".join(str(size) for size in FLEX_INSTANCE_MEMORY_MB)
        )
    return problems


def flex_scale_problems(region: str, maximum_instances: object, memory_mb: object) -> list[str]:
    """What Flex Consumption refuses in `region` for an app with these instance settings."""
    problem = flex_region_problem(region)
    return [*([problem] if problem else []), *flex_instance_problems(region, maximum_instances, memory_mb)]


FLEX_RUNTIMES: Mapping[str, frozenset[str]] = {
    "dotnet-isolated": frozenset({"8.0", "9.0", "10.0"}),
    "java": frozenset({"11", "17", "21"}),
    "node": frozenset({"20", "22"}),
    "powershell": frozenset({"7.4"}),
    "python": frozenset({"3.10", "3.11", "3.12", "3.13", "3.14"}),
}
"""`functionAppConfig.runtime` name -> the versions Flex Consumption runs."""
FLEX_RUNTIMES_SOURCES = (
    Source(
        FLEX_PLAN_PAGE,
        "supported stacks: .NET isolated 8/9/10, Java 11/17/21, Node.js 20/22, PowerShell 7.4, "
        "Python 3.10/3.11/3.12; C# in-process is not supported",
    ),
    Source(
        "https://github.com/Azure/azure-functions-python-worker/issues/1588",
        "Microsoft (2025-07-31): Python 3.13 is supported on Flex Consumption, not on Linux Consumption",
    ),
    Source(
        "https://github.com/Azure/azure-functions-python-worker/issues/1701",
        "Microsoft (2026-07-07): Python 3.14 is GA (supported-languages page)",
    ),
)
FLEX_RUNTIMES_TABLE = register(
    DatedTable(
        subject="Flex Consumption language versions",
        read_on=date(2026, 12, 6),
        source=f"{FLEX_PLAN_PAGE}#supported-language-stack-versions; azure-functions-python-worker#1588, #1701",
        refresh_command="az functionapp list-flexconsumption-runtimes --location <region> --runtime <language>",
        max_age_days=90,
    )
)

# ------------------------------------------------------------------ storage features on a hierarchical namespace

HNS_UNSUPPORTED_BLOB_SERVICE: Mapping[str, str] = {
    "isVersioningEnabled": "blob versioning",
    "changeFeed.enabled": "change feed",
    "restorePolicy.enabled": "point-in-time restore",
}
"""Blob service properties a hierarchical-namespace account cannot enable, by property path."""
HNS_FEATURES_TABLE = register(
    DatedTable(
        subject="Blob features not supported with a hierarchical namespace",
        read_on=date(2026, 12, 6),
        source="https://learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts",
        refresh_command=(
            "re-read the 'Standard general-purpose v2 accounts' table, HNS column, of "
            "https://learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts"
        ),
        max_age_days=180,
    )
)
HNS_FEATURES = (
    Source(
        "https://learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts",
        "with HNS enabled, blob versioning, change feed, point-in-time restore, blob index tags, object replication "
        "and customer-provided keys are not yet supported (table dated 2022-09-20, the newest readable copy)",
    ),
    Source(
        "https://learn.microsoft.com/azure/storage/blobs/versioning-overview",
        "accounts with a hierarchical namespace enabled are not currently supported by blob versioning "
        "(hashicorp/terraform-provider-azurerm#19418 enforces the same)",
    ),
)
