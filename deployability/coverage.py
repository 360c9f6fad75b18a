"""Which resource types the program can register, which rules judge each, and why a type has none.

The two tables of the documentation are rendered from here and the tests hold the committed text to them:
the catalogue in deployability/README.md (`catalogue_table`) and the coverage by type in README.md
(`coverage_table`). After changing a rule, print both and paste them:

    python -c "from deployability.coverage import catalogue_table; print(catalogue_table())"
    python -c "from deployability.coverage import coverage_table; print(coverage_table())"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlparse

from deployability.rules import RULES, Rule
from preview.resource_types import ResourceType
from stack.name_rules import NAME_RULES, SILENT

NAMING_RULE = "resource-name-rules"

PROGRAM_TYPES: tuple[str, ...] = (
    ResourceType.RESOURCE_GROUP,
    ResourceType.DEPLOYMENT,
    ResourceType.STORAGE_ACCOUNT,
    ResourceType.BLOB_SERVICE,
    ResourceType.BLOB_CONTAINER,
    ResourceType.MANAGEMENT_POLICY,
    ResourceType.VAULT,
    ResourceType.VAULT_SECRET,
    ResourceType.SQL_SERVER,
    ResourceType.SQL_DATABASE,
    ResourceType.SQL_FIREWALL_RULE,
    ResourceType.APP_SERVICE_PLAN,
    ResourceType.WEB_APP,
    ResourceType.WEB_APP_FTP_ALLOWED,
    ResourceType.WEB_APP_SCM_ALLOWED,
    ResourceType.WEB_APP_SLOT,
    ResourceType.FACTORY,
    ResourceType.INTEGRATION_RUNTIME,
    ResourceType.MANAGED_PRIVATE_ENDPOINT,
    ResourceType.LINKED_SERVICE,
    ResourceType.DATASET,
    ResourceType.DATA_FLOW,
    ResourceType.PIPELINE,
    ResourceType.TRIGGER,
    ResourceType.CREDENTIAL,
    ResourceType.LOG_ANALYTICS_WORKSPACE,
    ResourceType.APP_INSIGHTS,
    ResourceType.ACTION_GROUP,
    ResourceType.METRIC_ALERT,
    ResourceType.DIAGNOSTIC_SETTING,
    ResourceType.ROLE_ASSIGNMENT,
    ResourceType.LOCK,
    ResourceType.VIRTUAL_NETWORK,
    ResourceType.SUBNET,
    ResourceType.PRIVATE_ENDPOINT,
    ResourceType.PRIVATE_DNS_ZONE_GROUP,
    ResourceType.PRIVATE_DNS_ZONE,
    ResourceType.VIRTUAL_NETWORK_LINK,
    ResourceType.DEV_CENTER,
    ResourceType.DEV_CENTER_PROJECT,
    ResourceType.AGENT_POOL,
    ResourceType.RANDOM_STRING,
    ResourceType.DYNAMIC,
)
"""Every type the program can register, in any stack or with any optional config (ADF content included: a
factory's authoring files may hold integration runtimes, credentials and managed private endpoints; the slot is
listed because Flex refuses it, although the program creates none)."""

NO_RULE: Mapping[str, str] = {
    ResourceType.WEB_APP_FTP_ALLOWED: "its only input is `allow`; the child name is fixed ('ftp')",
    ResourceType.WEB_APP_SCM_ALLOWED: "its only input is `allow`; the child name is fixed ('scm')",
    ResourceType.CREDENTIAL: "ADF content: the content checks judge its authoring JSON; no page states name rules",
    ResourceType.RANDOM_STRING: "not an Azure resource (pulumi-random, kept in the state)",
    ResourceType.DYNAMIC: "our own code run by the engine (access gate, code publish, host keys, endpoint "
    "approval), tested in tests/components",
}
"""Types no rule judges, and why."""

NOTES: Mapping[str, str] = {
    ResourceType.ROLE_ASSIGNMENT: "name: a GUID (role-assignment-name-unique-guid)",
    **{type_token: f"name: {why}" for type_token, why in SILENT.items() if type_token in PROGRAM_TYPES},
}
"""What the table adds to a type's rules: a rule that a page does not give, and why."""


def rules_by_type(rules: Iterable[Rule] = RULES) -> dict[str, list[str]]:
    """Each program type -> the names of the rules that judge it, in catalogue order."""
    found: dict[str, list[str]] = {type_token: [] for type_token in PROGRAM_TYPES}
    for rule in rules:
        for type_token in rule.types:
            found.setdefault(str(type_token), []).append(rule.name)
    return found


def _label(url: str) -> str:
    parsed = urlparse(url)
    if parsed.netloc == "github.com":
        parts = parsed.path.strip("/").split("/")
        number = f"#{parts[3]}" if len(parts) > 3 and parts[2] in ("issues", "pull") else ""
        return f"{parts[0]}/{parts[1]}{number}" if len(parts) > 1 else parsed.path
    slug = parsed.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{slug}#{parsed.fragment}" if parsed.fragment else slug


def _links(rules: Iterable[Rule], type_token: str | None = None) -> str:
    """The rules' source pages; for the naming rule, only the pages of `type_token`'s own entry."""
    entry = NAME_RULES.get(type_token) if type_token is not None else None
    urls = dict.fromkeys(
        source.url
        for rule in rules
        for source in (entry.sources if entry is not None and rule.name == NAMING_RULE else rule.sources)
    )
    return ", ".join(f"[{_label(url)}]({url})" for url in urls)


def _short(type_token: str) -> str:
    return type_token.removeprefix("azure-native:")


def catalogue_table(rules: Iterable[Rule] = RULES) -> str:
    """The deployability/README.md table: every rule, what it judges, why, the fix and its sources."""
    lines = ["| rule | types | what Azure refuses or what breaks | fix | sources |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        types = "every named type" if rule.name == NAMING_RULE else ", ".join(f"`{_short(t)}`" for t in rule.types)
        sources = (
            _links([rule]) if rule.name != NAMING_RULE else "the pages of each type's entry in stack/name_rules.py"
        )
        lines.append(f"| `{rule.name}` | {types} | {rule.reason} | {rule.fix} | {sources} |")
    return "\n".join(lines)


def coverage_table(rules: Iterable[Rule] = RULES) -> str:
    """The README.md table: each type the program can register, its rules and their source pages."""
    rules = tuple(rules)
    by_name = {rule.name: rule for rule in rules}
    lines = ["| type | rules | source pages |", "| --- | --- | --- |"]
    for type_token, names in rules_by_type(rules).items():
        if not names:
            lines.append(f"| `{_short(type_token)}` | none: {NO_RULE[type_token]} | |")
            continue
        shown = ", ".join(f"`{name}`" for name in names)
        note = f" ({NOTES[type_token]})" if type_token in NOTES else ""
        links = _links((by_name[n] for n in names), type_token)
        lines.append(f"| `{_short(type_token)}` | {len(names)}: {shown}{note} | {links} |")
    return "\n".join(lines)
