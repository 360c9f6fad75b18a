"""Names and tags of every resource: Azure's naming table, reserved words, uniqueness, tag limits."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from deployability.rule import Finding, Rule
from preview.view import PlanView, Registration, ResourceType
from stack.evidence import Source
from stack.name_rules import NAME_RULES, NAMES_PAGE


def _names(view: PlanView) -> Iterator[Finding]:
    # stack/name_rules.py: one entry per type, from resource-name-rules and the ADF naming page.
    for reg in view.registrations:
        rule = NAME_RULES.get(reg.type)
        name = view.own_name(reg)
        if rule is None or name is None:
            continue
        problem = rule.problem(name)
        if problem:
            yield reg, f"the {rule.resource} name {name!r} {problem}"


RESERVED_PAGE = "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-reserved-resource-name"
RESERVED_WORDS = frozenset(
    [
        "ACCESS",
        "APP_CODE",
        "APP_THEMES",
        "APP_DATA",
        "APP_GLOBALRESOURCES",
        "APP_LOCALRESOURCES",
        "APP_WEBREFERENCES",
        "APP_BROWSERS",
        "AZURE",
        "BING",
        "BIZSPARK",
        "BIZTALK",
        "CORTANA",
        "DIRECTX",
        "DOTNET",
        "DYNAMICS",
        "EXCEL",
        "EXCHANGE",
        "FOREFRONT",
        "GROOVE",
        "HOLOLENS",
        "HYPERV",
        "KINECT",
        "LYNC",
        "MSDN",
        "O365",
        "OFFICE",
        "OFFICE365",
        "ONEDRIVE",
        "ONENOTE",
        "OUTLOOK",
        "POWERPOINT",
        "SHAREPOINT",
        "SKYPE",
        "VISIO",
        "VISUALSTUDIO",
        "WEB.CONFIG",
        "XBOX",
    ]
)
"""Reserved as a whole word of the name."""
RESERVED_ANYWHERE = ("MICROSOFT", "WINDOWS")
RESERVED_PREFIX = "LOGIN"
ENDPOINT_TYPES = (
    ResourceType.STORAGE_ACCOUNT,
    ResourceType.VAULT,
    ResourceType.SQL_SERVER,
    ResourceType.WEB_APP,
    ResourceType.FACTORY,
)
"""Types whose name becomes a host name (an accessible endpoint), which the reserved words apply to."""


def _reserved_problem(name: str) -> str | None:
    upper = name.upper()
    for word in RESERVED_ANYWHERE:
        if word in upper:
            return f"contains the reserved word {word}"
    if upper.startswith(RESERVED_PREFIX):
        return f"starts with the reserved word {RESERVED_PREFIX}"
    words = {upper, *re.split(r"[^A-Z0-9_.]+", upper), *re.split(r"[^A-Z0-9]+", upper)}
    reserved = sorted(words & RESERVED_WORDS)
    return f"uses the reserved word {reserved[0]}" if reserved else None


def _reserved(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(*ENDPOINT_TYPES):
        name = view.own_name(reg)
        problem = _reserved_problem(name) if name else None
        if problem:
            yield reg, f"name {name!r} {problem} (ReservedResourceName)"


GLOBAL_TYPES: Mapping[str, str] = {
    ResourceType.STORAGE_ACCOUNT: "storage account",
    ResourceType.VAULT: "Key Vault",
    ResourceType.SQL_SERVER: "SQL server",
    ResourceType.WEB_APP: "site",
    ResourceType.FACTORY: "Data Factory",
}
"""Types whose name is unique across Azure, not only in their resource group (the page's Scope: global)."""


def _unique(view: PlanView) -> Iterator[Finding]:
    seen_ids: dict[str, Registration] = {}
    seen_global: dict[tuple[str, str], Registration] = {}
    for reg in view.registrations:
        resource_id = view.arm_id(reg)
        if resource_id is None:
            continue
        if resource_id in seen_ids:
            yield reg, f"is the same Azure resource as '{seen_ids[resource_id].name}' ({resource_id})"
            continue
        seen_ids[resource_id] = reg
        name = view.own_name(reg)
        if reg.type in GLOBAL_TYPES and name:
            key = (reg.type, name.lower())
            if key in seen_global:
                yield reg, f"{GLOBAL_TYPES[reg.type]} name {name!r} is also the name of '{seen_global[key].name}'"
            else:
                seen_global[key] = reg


TAGS_PAGE = "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources"
TAGS_MAX = 50
TAGS_MAX_BY_TYPE: Mapping[str, int] = {ResourceType.PRIVATE_DNS_ZONE: 15}
TAG_NAME_MAX = 512
TAG_NAME_MAX_BY_TYPE: Mapping[str, int] = {ResourceType.STORAGE_ACCOUNT: 128}
TAG_VALUE_MAX = 256
TAG_NAME_FORBIDDEN = re.compile(r"[<>%&\\?/]")
TAGGED_TYPES = (
    ResourceType.RESOURCE_GROUP,
    ResourceType.DEPLOYMENT,
    ResourceType.STORAGE_ACCOUNT,
    ResourceType.VAULT,
    ResourceType.VAULT_SECRET,
    ResourceType.SQL_SERVER,
    ResourceType.SQL_DATABASE,
    ResourceType.APP_SERVICE_PLAN,
    ResourceType.WEB_APP,
    ResourceType.FACTORY,
    ResourceType.LOG_ANALYTICS_WORKSPACE,
    ResourceType.APP_INSIGHTS,
    ResourceType.ACTION_GROUP,
    ResourceType.METRIC_ALERT,
    ResourceType.VIRTUAL_NETWORK,
    ResourceType.PRIVATE_ENDPOINT,
    ResourceType.PRIVATE_DNS_ZONE,
    ResourceType.VIRTUAL_NETWORK_LINK,
    ResourceType.DEV_CENTER,
    ResourceType.DEV_CENTER_PROJECT,
    ResourceType.AGENT_POOL,
)
"""The types the program tags (stack/tags.py)."""


def _tags(view: PlanView) -> Iterator[Finding]:
    for reg in view.registrations:
        tags = reg.inputs.get("tags") if reg.type.startswith("azure-native:") else None
        if not isinstance(tags, dict):
            continue
        most = TAGS_MAX_BY_TYPE.get(reg.type, TAGS_MAX)
        if len(tags) > most:
            yield reg, f"{len(tags)} tags; Azure allows {most} on this type"
        name_max = TAG_NAME_MAX_BY_TYPE.get(reg.type, TAG_NAME_MAX)
        for key, value in tags.items():
            if len(key) > name_max:
                yield reg, f"tag name {key[:20]!r}... is {len(key)} characters; Azure allows {name_max} here"
            if TAG_NAME_FORBIDDEN.search(key):
                yield reg, f"tag name {key!r} uses one of < > % & \\ ? /"
            if isinstance(value, str) and len(value) > TAG_VALUE_MAX:
                yield reg, f"tag {key!r} has a value of {len(value)} characters; Azure allows {TAG_VALUE_MAX}"


RULES: tuple[Rule, ...] = (
    Rule(
        name="resource-name-rules",
        types=tuple(NAME_RULES),
        reason="Each resource type's name has a length, a set of characters and a first and last character "
        "Azure accepts; other names are refused.",
        fix="Build names in stack/naming.py (checked against the same table, stack/name_rules.py), or change the "
        "name the ADF content or component gives.",
        sources=tuple(dict.fromkeys(source for rule in NAME_RULES.values() for source in rule.sources)),
        check=_names,
    ),
    Rule(
        name="resource-name-reserved-words",
        types=ENDPOINT_TYPES,
        reason="A resource with an accessible endpoint cannot use a reserved or trademarked word in its name "
        "(ReservedResourceName), checked at creation even with the endpoint disabled. A reserved word is judged as "
        "the whole name or a part between separators; MICROSOFT and WINDOWS anywhere; LOGIN at the start.",
        fix="Choose a name without the word (the prefix in config is part of every name).",
        sources=(
            Source(
                RESERVED_PAGE,
                "reserved words (AZURE, BING, OFFICE, XBOX, ...) can't be names; MICROSOFT and WINDOWS can't appear "
                "anywhere; LOGIN can't start a name",
            ),
        ),
        check=_reserved,
    ),
    Rule(
        name="resource-name-unique",
        types=tuple(GLOBAL_TYPES),
        reason="Two registrations of one Azure resource overwrite each other; names of storage accounts, vaults, "
        "SQL servers, sites and factories are unique across Azure, so two of them cannot share one.",
        fix="Give each resource its own name.",
        sources=(
            Source(NAMES_PAGE, "the Scope column: global names are unique across Azure; names are case-insensitive"),
        ),
        check=_unique,
    ),
    Rule(
        name="resource-tags",
        types=TAGGED_TYPES,
        reason="A resource takes at most 50 tags (private DNS zones 15); a tag name holds at most 512 characters "
        "(128 on storage accounts) and none of < > % & \\ ? /; a value at most 256.",
        fix="Keep tags within the limits (stack/tags.py builds them from config owner and costCenter).",
        sources=(
            Source(
                TAGS_PAGE,
                "50 tag name-value pairs per resource; name 512 characters (storage accounts 128), value 256; tag "
                "names can't contain < > % & \\ ? /; Azure Private DNS zones support only 15 tags",
            ),
        ),
        check=_tags,
    ),
)
