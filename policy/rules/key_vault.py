"""Key Vault rules: RBAC instead of access policies, soft delete, and purge protection in prod."""

from __future__ import annotations

from policy.rules.view import VAULT, VAULT_ACCESS_POLICY, Report, Resource, Rule, shown, stack_environment
from policy.settings import PolicySettings
from policy.values import is_known
from preview.inputs import get


def keyvault_rbac(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != VAULT:
        return
    value = get(res.props, "properties", "enableRbacAuthorization")
    if is_known(value) and value is not True:
        report(f"key vault '{res.label}': properties.enableRbacAuthorization is {shown(value)}; it must be true")


def keyvault_soft_delete(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != VAULT:
        return
    value = get(res.props, "properties", "enableSoftDelete")
    if is_known(value) and value is not True:
        report(f"key vault '{res.label}': properties.enableSoftDelete is {shown(value)}; it must be true")


def keyvault_purge_protection_in_prod(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != VAULT or stack_environment(settings, [res]) != "prod":
        return
    value = get(res.props, "properties", "enablePurgeProtection")
    if is_known(value) and value is not True:
        report(
            f"key vault '{res.label}': properties.enablePurgeProtection is {shown(value)}; "
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


RULES: tuple[Rule, ...] = (
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
)
