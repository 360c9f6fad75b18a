"""Network rules: private data planes outside dev, and no firewall opening wider than one caller.

Issue 11's baseline: in test and prod every data plane is reached through private endpoints only, so
its public network access is Disabled; and no stack opens a firewall to a whole cloud or the internet.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from policy.rules.view import (
    SQL_FIREWALL_RULE,
    SQL_SERVER,
    STORAGE_ACCOUNT,
    VAULT,
    WEB_APP,
    Report,
    Resource,
    Rule,
    shown,
    stack_environment,
)
from policy.settings import PolicySettings
from policy.values import is_known
from preview.inputs import get

PRIVATE_ENVIRONMENTS = ("test", "prod")

_KINDS: dict[str, str] = {
    STORAGE_ACCOUNT: "storage account",
    VAULT: "key vault",
    SQL_SERVER: "SQL server",
    WEB_APP: "function app",
}


def _public_network_access(res: Resource) -> Any:
    if res.type == VAULT:
        return get(res.props, "properties", "publicNetworkAccess")
    return res.props.get("publicNetworkAccess")


def private_data_planes(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type not in _KINDS or stack_environment(settings, [res]) not in PRIVATE_ENVIRONMENTS:
        return
    value = _public_network_access(res)
    if is_known(value) and value != "Disabled":
        key = "properties.publicNetworkAccess" if res.type == VAULT else "publicNetworkAccess"
        report(
            f"{_KINDS[res.type]} '{res.label}': {key} is {shown(value)}; in test and prod it must be 'Disabled' "
            "(reached through its private endpoints; network.privateNetworking: true)"
        )


def _whole_range(value: Any) -> bool:
    try:
        return isinstance(value, str) and IPv4Network(value, strict=False).prefixlen == 0
    except ValueError:
        return False


def no_wide_firewall_openings(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type == SQL_FIREWALL_RULE:
        start, end = res.props.get("startIpAddress"), res.props.get("endIpAddress")
        if start == "0.0.0.0" and end == "255.255.255.255":
            report(f"SQL firewall rule '{res.label}' admits every IPv4 address; admit named ranges only")
        elif (start, end) == ("0.0.0.0", "0.0.0.0") and stack_environment(settings, [res]) in PRIVATE_ENVIRONMENTS:
            report(
                f"SQL firewall rule '{res.label}' is the 0.0.0.0 'Allow Azure services' rule, which admits callers "
                "of every Azure tenant; test and prod reach SQL through its private endpoint (sql.allowAzureServices)"
            )
        return
    if res.type == STORAGE_ACCOUNT:
        ranges = [rule.get("iPAddressOrRange") for rule in get(res.props, "networkRuleSet", "ipRules") or []]
    elif res.type == VAULT:
        ranges = [rule.get("value") for rule in get(res.props, "properties", "networkAcls", "ipRules") or []]
    else:
        return
    for value in ranges:
        if _whole_range(value):
            report(f"{_KINDS[res.type]} '{res.label}': ip rule {value} admits every IPv4 address; admit named ranges")


RULES: tuple[Rule, ...] = (
    Rule(
        "network-private-data-planes",
        "In test and prod, storage accounts, the Key Vault, the SQL server and the Function app have public "
        "network access Disabled.",
        "Test and prod data planes are reached through private endpoints only, so a leaked credential or a "
        "mis-set firewall cannot expose them to the internet (issue 11).",
        "resource",
        private_data_planes,
    ),
    Rule(
        "network-no-wide-firewall-openings",
        "No firewall rule admits every IPv4 address (0.0.0.0/0, or SQL 0.0.0.0-255.255.255.255), and outside "
        "dev no SQL 0.0.0.0 'Allow Azure services' rule exists.",
        "Such rules open a data plane to the internet, or to every tenant's Azure resources "
        "(https://learn.microsoft.com/azure/azure-sql/database/firewall-configure#connections-from-inside-azure).",
        "resource",
        no_wide_firewall_openings,
    ),
)
