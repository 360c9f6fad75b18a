"""Azure SQL: serverless service objectives, sizes and pausing; server firewall and TLS."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from deployability.rule import Finding, Rule, number
from preview.view import PlanView, Registration, ResourceType, get, known_str
from stack.azure_limits import (
    AUTO_PAUSE_MINUTES,
    AUTO_PAUSE_NEVER,
    SERVERLESS_OBJECTIVES,
    SQL_FIREWALL,
    SQL_FIREWALL_RULES_MAX,
    SQL_MAX_SIZE,
    SQL_SERVERLESS,
    SQL_SMALL_MAX_SIZES_MB,
    serverless_problems,
)
from stack.evidence import Source

CONNECTIVITY_PAGE = "https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings"
GIB = 1024**3
MIB = 1024**2


def _serverless(view: PlanView) -> Iterator[tuple[Registration, str]]:
    """The serverless databases (a GP_S_ objective) and their objective."""
    for reg in view.of_type(ResourceType.SQL_DATABASE):
        sku = known_str(get(reg.inputs, "sku", "name"))
        if sku and sku.upper().startswith("GP_S_"):
            yield reg, sku


def _objective(view: PlanView) -> Iterator[Finding]:
    for reg, sku in _serverless(view):
        max_size = number(reg.inputs.get("maxSizeBytes"))
        problems = serverless_problems(
            sku, number(reg.inputs.get("minCapacity")), max_size / GIB if max_size is not None else None
        )
        yield from ((reg, problem) for problem in problems)
        tier = known_str(get(reg.inputs, "sku", "tier"))
        if sku in SERVERLESS_OBJECTIVES and tier and tier != "GeneralPurpose":
            yield reg, f"sku.tier is {tier!r}; {sku} is a GeneralPurpose objective"


def _max_size(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.SQL_DATABASE):
        size = number(reg.inputs.get("maxSizeBytes"))
        if size is None:
            continue
        if size % GIB and size not in {mb * MIB for mb in SQL_SMALL_MAX_SIZES_MB}:
            yield reg, f"maxSizeBytes {size:.0f} is neither a whole number of GB nor 100, 250 or 500 MB"
        elif size <= 0:
            yield reg, f"maxSizeBytes {size:.0f} is not positive"


def _auto_pause(view: PlanView) -> Iterator[Finding]:
    for reg, _sku in _serverless(view):
        delay = reg.inputs.get("autoPauseDelay")
        problem = AUTO_PAUSE_MINUTES.problem(delay) if delay != AUTO_PAUSE_NEVER else None
        if problem:
            yield reg, f"{problem}, or {AUTO_PAUSE_NEVER} to never pause"


def _server_of(view: PlanView, rule: Registration) -> Registration | None:
    return view.arm_parent(rule) or next(iter(view.named(ResourceType.SQL_SERVER, rule.inputs.get("serverName"))), None)


def _firewall_public_access(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.SQL_FIREWALL_RULE):
        server = _server_of(view, reg)
        if server is not None and server.inputs.get("publicNetworkAccess") == "Disabled":
            yield reg, f"server '{server.name}' has publicNetworkAccess Disabled, which refuses every firewall rule"


def _firewall_ranges(view: PlanView) -> Iterator[Finding]:
    per_server: dict[str, list[Registration]] = {}
    for reg in view.of_type(ResourceType.SQL_FIREWALL_RULE):
        addresses = []
        for key in ("startIpAddress", "endIpAddress"):
            text = known_str(reg.inputs.get(key))
            try:
                addresses.append(ipaddress.IPv4Address(text) if text else None)
            except ValueError:
                yield reg, f"{key} {text!r} is not an IPv4 address"
                addresses.append(None)
        start, end = addresses
        if start is not None and end is not None and end < start:
            yield reg, f"endIpAddress {end} is below startIpAddress {start}"
        server = known_str(reg.inputs.get("serverName"))
        if server:
            per_server.setdefault(server.lower(), []).append(reg)
    for rules in per_server.values():
        for reg in rules[SQL_FIREWALL_RULES_MAX:]:
            yield reg, f"{len(rules)} firewall rules on one server; Azure allows {SQL_FIREWALL_RULES_MAX}"


RETIRED_TLS = ("1.0", "1.1")


def _minimal_tls(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.SQL_SERVER):
        version = known_str(reg.inputs.get("minimalTlsVersion"))
        if version in RETIRED_TLS:
            yield reg, f"minimalTlsVersion {version} is retired; the lowest is 1.2"


RULES: tuple[Rule, ...] = (
    Rule(
        name="sql-serverless-objective",
        types=(ResourceType.SQL_DATABASE,),
        reason="A serverless database's objective is one of GP_S_Gen5_1 ... _80 in the General Purpose tier; each "
        "supports min vCores from its own floor up to its max, and a max data size of its own.",
        fix="Set sql.skuName, sql.minCapacity and sql.maxSizeGb within the objective's limits.",
        sources=SQL_SERVERLESS,
        check=_objective,
    ),
    Rule(
        name="sql-max-size",
        types=(ResourceType.SQL_DATABASE,),
        reason="A database's max size is 100, 250 or 500 MB or a whole number of GB.",
        fix="Give sql.maxSizeGb in whole gigabytes.",
        sources=(SQL_MAX_SIZE,),
        check=_max_size,
    ),
    Rule(
        name="sql-auto-pause-delay",
        types=(ResourceType.SQL_DATABASE,),
        reason="A serverless database pauses after 15 to 10080 idle minutes, or never (-1).",
        fix="Set sql.autoPauseDelayMinutes to -1 or 15-10080.",
        sources=SQL_SERVERLESS[:2],
        check=_auto_pause,
    ),
    Rule(
        name="sql-firewall-public-access-disabled",
        types=(ResourceType.SQL_FIREWALL_RULE,),
        reason="With public network access Disabled, the server refuses to create or change any firewall rule "
        "(error 42101, DenyPublicEndpointEnabled).",
        fix="Create firewall rules only on servers with public access (sql.allowAzureServices and "
        "sql.allowedIpRanges are for stacks without private networking).",
        sources=(
            Source(
                CONNECTIVITY_PAGE,
                "with Deny public network access, adding or updating firewall rules fails with 42101: 'Unable to "
                "create or modify firewall rules when public network interface for the server is disabled'",
            ),
        ),
        check=_firewall_public_access,
    ),
    Rule(
        name="sql-firewall-rules",
        types=(ResourceType.SQL_FIREWALL_RULE,),
        reason="A server firewall rule runs between two IPv4 addresses, end not below start; a server takes at most "
        "128 rules.",
        fix="Fix sql.allowedIpRanges.",
        sources=(
            SQL_FIREWALL,
            Source(
                "https://learn.microsoft.com/rest/api/sql/firewall-rules/create-or-update",
                "startIpAddress and endIpAddress are IPv4; 0.0.0.0 stands for Azure-internal addresses",
            ),
        ),
        check=_firewall_ranges,
    ),
    Rule(
        name="sql-server-minimal-tls",
        types=(ResourceType.SQL_SERVER,),
        reason="TLS 1.0 and 1.1 are retired for Azure SQL: the minimal TLS version can't be set below 1.2.",
        fix="Set minimalTlsVersion 1.2 (or 1.3).",
        sources=(
            Source(
                CONNECTIVITY_PAGE,
                "minimal TLS version: 1.2 or 1.3 since TLS 1.0 and 1.1 were retired (31 Oct "
                "2024); clients below the minimum fail with 47072",
            ),
        ),
        check=_minimal_tls,
    ),
)
