"""Key Vault: soft delete, purge protection and network rules."""

from __future__ import annotations

from collections.abc import Iterator

from deployability.rule import Finding, Rule
from preview.view import PlanView, ResourceType, get, known_str
from stack.azure_limits import (
    KEY_VAULT_IP_RULES,
    KEY_VAULT_IP_RULES_MAX,
    KEY_VAULT_SOFT_DELETE_DAYS,
    KEY_VAULT_VNET_RULES_MAX,
    ip_rule_problems,
)
from stack.evidence import Source

SOFT_DELETE_PAGE = "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview"


def _retention(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.VAULT):
        problem = KEY_VAULT_SOFT_DELETE_DAYS.problem(get(reg.inputs, "properties", "softDeleteRetentionInDays"))
        if problem:
            yield reg, problem


def _switches(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.VAULT):
        if get(reg.inputs, "properties", "enableSoftDelete") is False:
            yield reg, "enableSoftDelete is false; soft delete can no longer be turned off"
        if get(reg.inputs, "properties", "enablePurgeProtection") is False:
            yield reg, "enablePurgeProtection is false; the property accepts only true (leave it out for off)"


def _network_rules(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.VAULT):
        rules = get(reg.inputs, "properties", "networkAcls", "ipRules")
        values = [known_str(get(rule, "value")) for rule in (rules if isinstance(rules, list) else [])]
        for problem in ip_rule_problems(
            [value for value in values if value], max_rules=KEY_VAULT_IP_RULES_MAX, refuse_small_prefixes=False
        ):
            yield reg, f"networkAcls.ipRules: {problem}"
        vnet_rules = get(reg.inputs, "properties", "networkAcls", "virtualNetworkRules")
        if isinstance(vnet_rules, list) and len(vnet_rules) > KEY_VAULT_VNET_RULES_MAX:
            yield (
                reg,
                f"networkAcls.virtualNetworkRules: {len(vnet_rules)} rules; Azure allows {KEY_VAULT_VNET_RULES_MAX}",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        name="keyvault-soft-delete-retention",
        types=(ResourceType.VAULT,),
        reason="A vault keeps deleted objects 7 to 90 days.",
        fix="Set keyVault.softDeleteDays between 7 and 90 (fixed once the vault exists).",
        sources=KEY_VAULT_SOFT_DELETE_DAYS.sources,
        check=_retention,
    ),
    Rule(
        name="keyvault-soft-delete-purge-protection-switches",
        types=(ResourceType.VAULT,),
        reason="Soft delete cannot be turned off, and enablePurgeProtection does not accept false (purge protection "
        "is irreversible; off is the property left out).",
        fix="Send enableSoftDelete true; send enablePurgeProtection only as true (components/key_vault.py).",
        sources=(
            Source(
                SOFT_DELETE_PAGE, "once soft delete is enabled it can't be disabled; soft delete is on for every vault"
            ),
            Source(
                "https://learn.microsoft.com/dotnet/api/azure.resourcemanager.keyvault.models.keyvaultproperties.enablepurgeprotection",
                "enabling purge protection is irreversible: the property does not accept false as its value",
            ),
        ),
        check=_switches,
    ),
    Rule(
        name="keyvault-ip-rules",
        types=(ResourceType.VAULT,),
        reason="Key Vault IP rules take public IPv4 addresses only, at most 1000 of them, and at most 200 virtual "
        "network rules.",
        fix="Use public addresses in keyVault.allowedIpRanges; reach private clients through the private endpoint.",
        sources=(KEY_VAULT_IP_RULES,),
        check=_network_rules,
    ),
)
