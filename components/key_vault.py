"""The Key Vault: RBAC only, soft delete, purge protection where config asks, secrets written by the program."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import keyvault

from components.access_gate import AccessGate
from components.diagnostics import send_diagnostics
from components.protection import delete_lock, stateful_options
from components.roles import assign_role
from stack.config import detect_deployer_principal_type


@dataclass(frozen=True)
class KeyVaultArgs:
    """Inputs of the Key Vault."""

    resource_group_name: pulumi.Input[str]
    """The resource group the vault lives in."""
    location: str
    """Azure region."""
    vault_name: pulumi.Input[str]
    """Globally unique vault name."""
    tenant_id: pulumi.Input[str]
    """Entra ID tenant that authorizes access."""
    subscription_id: pulumi.Input[str]
    """Subscription, for role definition ids."""
    deployer_object_id: pulumi.Input[str]
    """The identity running `pulumi up`; it gets Key Vault Secrets Officer."""
    sku: str
    """standard or premium."""
    soft_delete_days: int
    """Retention of deleted secrets (7-90 days)."""
    purge_protection: bool
    """Forbid purging before retention ends; cannot be turned off once on."""
    network_default_action: str
    """Allow or Deny traffic that no rule admits; trusted Azure services always pass."""
    allowed_ip_ranges: tuple[str, ...]
    """IPv4 addresses or CIDR ranges admitted when the default action is Deny."""
    workspace_id: pulumi.Input[str]
    """Log Analytics workspace for audit logs."""
    tags: dict[str, str]
    """Tags for every taggable child."""
    protect: bool
    """Protect the vault and lock it against deletion."""
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret name -> value; values are wrapped as Pulumi secrets."""
    deployer_principal_type: str | None = None
    """User, ServicePrincipal or Group; None: detected (stack.config.detect_deployer_principal_type)."""


def secret_reference(vault_uri: pulumi.Input[str], secret_name: str) -> pulumi.Output[str]:
    """An App Service Key Vault reference to the latest version of a secret."""
    return pulumi.Output.concat("@Microsoft.KeyVault(SecretUri=", vault_uri, "secrets/", secret_name, "/)")


class KeyVault(pulumi.ComponentResource):
    """A vault that authorizes with Azure RBAC only and holds the platform's secrets."""

    vault_id: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    vault_uri: pulumi.Output[str]
    secret_names: list[str]
    write_gate: AccessGate

    def __init__(self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:security:KeyVault", name, {}, opts)

        properties: dict[str, object] = {
            "tenant_id": args.tenant_id,
            "sku": {"family": "A", "name": args.sku},
            "enable_rbac_authorization": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": args.soft_delete_days,
            "enabled_for_deployment": False,
            "enabled_for_disk_encryption": False,
            "enabled_for_template_deployment": False,
            "public_network_access": "Enabled",
            "network_acls": {
                "default_action": args.network_default_action,
                "bypass": "AzureServices",
                "ip_rules": [{"value": ip} for ip in args.allowed_ip_ranges],
            },
        }
        if args.purge_protection:
            # Azure rejects an explicit false; leaving the key out means off.
            properties["enable_purge_protection"] = True
        vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=args.vault_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=properties,
            tags=args.tags,
            opts=stateful_options(self, args.protect),
        )

        officer = assign_role(
            f"{name}-deployer-secrets-officer",
            role="Key Vault Secrets Officer",
            scope=vault.id,
            principal_id=args.deployer_object_id,
            # Explicit: the SDK sends "User" when unset and ARM refuses a mismatch (UnmatchedPrincipalType).
            principal_type=args.deployer_principal_type or detect_deployer_principal_type(),
            subscription_id=args.subscription_id,
            parent=self,
        )
        self.write_gate = AccessGate(
            f"{name}-secrets-officer-effective",
            probe_url=vault.properties.apply(lambda p: f"{p.vault_uri}secrets?api-version=7.4&maxresults=1"),
            token_scope="https://vault.azure.net/.default",
            role_assignment_id=officer.id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[officer]),
        )

        for secret_name, value in sorted(args.secrets.items()):
            put_secret(
                f"{name}-{secret_name}",
                secret_name=secret_name,
                value=value,
                vault_name=vault.name,
                resource_group_name=args.resource_group_name,
                gate=self.write_gate,
                tags=args.tags,
                parent=self,
            )

        send_diagnostics(
            f"{name}-diagnostics",
            resource_uri=vault.id,
            workspace_id=args.workspace_id,
            log_categories=("AuditEvent", "AzurePolicyEvaluationDetails"),
            parent=self,
        )
        if args.protect:
            delete_lock(f"{name}-lock", scope=vault.id, what="Key Vault", parent=self)

        self.vault_id = vault.id
        self.vault_name = vault.name
        self.vault_uri = vault.properties.apply(lambda p: p.vault_uri)
        self.secret_names = sorted(args.secrets)
        self.register_outputs({"vault_id": self.vault_id, "vault_name": self.vault_name, "vault_uri": self.vault_uri})


def put_secret(
    name: str,
    *,
    secret_name: str,
    value: pulumi.Input[str],
    vault_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    gate: pulumi.Resource,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> keyvault.Secret:
    """Write one secret, as a Pulumi secret, after the deployer's access is effective."""
    return keyvault.Secret(
        name,
        secret_name=secret_name,
        vault_name=vault_name,
        resource_group_name=resource_group_name,
        properties={"value": pulumi.Output.secret(value), "content_type": "text/plain"},
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[gate], additional_secret_outputs=["properties"]),
    )
