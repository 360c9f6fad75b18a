"""The Key Vault: RBAC only, soft delete, purge protection where config asks, secrets written by the program."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import keyvault

from components.access_gate import AccessGate
from components.diagnostics import send_diagnostics
from components.private_endpoint import PrivateEndpoint, data_plane_endpoints
from components.protection import apply_lock, stateful_options
from components.roles import assign_roles
from components.shared import PlatformContext, PrivateEndpoints, RoleAssignment
from stack.config import KeyVaultConfig, detect_deployer_principal_type, ip_rule_values
from stack.private_dns import DataPlane, GroupId


@dataclass(frozen=True)
class KeyVaultArgs:
    """Inputs of the Key Vault."""

    context: PlatformContext
    """Resource group, region, tags, protection, lock, subscription and where the audit logs go."""
    key_vault: KeyVaultConfig
    """SKU, retention, purge protection and network rules from the stack config."""
    vault_name: pulumi.Input[str]
    """Globally unique vault name."""
    tenant_id: pulumi.Input[str]
    """Entra ID tenant that authorizes access."""
    deployer_object_id: pulumi.Input[str]
    """The identity running `pulumi up`; it gets Key Vault Secrets Officer."""
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret name -> value; values are wrapped as Pulumi secrets."""
    deployer_principal_type: str | None = None
    """User, ServicePrincipal or Group; None: detected (stack.config.detect_deployer_principal_type)."""
    private: bool = False
    """Public network access off: reachable only through private endpoints (and managed ones)."""
    private_endpoints: PrivateEndpoints | None = None
    """Where the vault's endpoint goes; None: it has none."""
    role_assignments: Sequence[RoleAssignment] = ()
    """Roles on the vault for principals the caller names, beside the deployer's Secrets Officer."""


def secret_reference(vault_uri: pulumi.Input[str], secret_name: str) -> pulumi.Output[str]:
    """An App Service Key Vault reference to the latest version of a secret."""
    return pulumi.Output.concat("@Microsoft.KeyVault(SecretUri=", vault_uri, "secrets/", secret_name, "/)")


def vault_properties(
    config: KeyVaultConfig, tenant_id: pulumi.Input[str], private: bool = False
) -> keyvault.VaultPropertiesArgsDict:
    """RBAC only, soft delete always on, no deployment access, network rules from the config."""
    properties: keyvault.VaultPropertiesArgsDict = {
        "tenant_id": tenant_id,
        "sku": {"family": keyvault.SkuFamily.A, "name": keyvault.SkuName(config.sku)},
        "enable_rbac_authorization": True,
        "enable_soft_delete": True,
        "soft_delete_retention_in_days": config.soft_delete_days,
        "enabled_for_deployment": False,
        "enabled_for_disk_encryption": False,
        "enabled_for_template_deployment": False,
        "public_network_access": "Disabled" if private else "Enabled",
        "network_acls": {
            "default_action": config.network_default_action,
            "bypass": "AzureServices",
            "ip_rules": [{"value": ip} for ip in ip_rule_values(config.allowed_ip_ranges)],
        },
    }
    if config.purge_protection:
        # Azure rejects an explicit false; leaving the key out means off.
        properties["enable_purge_protection"] = True
    return properties


class KeyVault(pulumi.ComponentResource):
    """A vault that authorizes with Azure RBAC only and holds the platform's secrets."""

    vault_id: pulumi.Output[str]
    """ARM id of the vault."""
    vault_name: pulumi.Output[str]
    """Name of the vault."""
    vault_uri: pulumi.Output[str]
    """Data-plane URI (https://<name>.vault.azure.net/), for Key Vault references."""
    write_gate: AccessGate
    """Completes once the deployer's Secrets Officer role is effective; every secret write waits for it."""
    private_endpoints: dict[GroupId, PrivateEndpoint]
    """The vault's private endpoint by group id (empty without `private_endpoints`), for callers to wait on."""

    def __init__(self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:security:KeyVault", name, {}, opts)
        context = args.context

        vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=args.vault_name,
            resource_group_name=context.resource_group_name,
            location=context.location,
            properties=vault_properties(args.key_vault, args.tenant_id, args.private),
            tags=context.tags,
            opts=stateful_options(self, context.protect),
        )
        self.private_endpoints = data_plane_endpoints(
            DataPlane.VAULT,
            target_id=vault.id,
            target_name=vault.name,
            endpoints=args.private_endpoints,
            placement=context,
            parent=self,
        )

        deployer = RoleAssignment(
            key="deployer-secrets-officer",
            role="Key Vault Secrets Officer",
            principal_id=args.deployer_object_id,
            # Explicit: the SDK sends "User" when unset and ARM refuses a mismatch (UnmatchedPrincipalType).
            principal_type=args.deployer_principal_type or detect_deployer_principal_type(),
        )
        assignments = assign_roles(
            name,
            [deployer, *args.role_assignments],
            scope=vault.id,
            subscription_id=context.subscription_id,
            parent=self,
        )
        officer = assignments[deployer.key]
        self.write_gate = AccessGate(
            f"{name}-secrets-officer-effective",
            probe_url=vault.properties.apply(lambda p: f"{p.vault_uri}secrets?api-version=7.4&maxresults=1"),
            token_scope="https://vault.azure.net/.default",
            role_assignment_id=officer.id,
            # The probe calls the data plane: in a private stack it needs the vault's private endpoint, registered
            # in DNS (the zone group waits for the zone's VNet link), before it runs.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[officer, *self.private_endpoints.values()]),
        )

        for secret_name, value in sorted(args.secrets.items()):
            put_secret(
                f"{name}-{secret_name}",
                secret_name=secret_name,
                value=value,
                vault_name=vault.name,
                resource_group_name=context.resource_group_name,
                gate=self.write_gate,
                tags=context.tags,
                parent=self,
            )

        send_diagnostics(
            f"{name}-diagnostics",
            context.diagnostic_settings,
            resource_uri=vault.id,
            log_categories=("AuditEvent", "AzurePolicyEvaluationDetails"),
            parent=self,
        )
        apply_lock(f"{name}-lock", context.lock, scope=vault.id, what="Key Vault", parent=self)

        self.vault_id = vault.id
        self.vault_name = vault.name
        self.vault_uri = vault.properties.apply(lambda p: p.vault_uri)
        self.register_outputs({"vault_id": self.vault_id, "vault_name": self.vault_name, "vault_uri": self.vault_uri})


def put_secret(
    name: str,
    *,
    secret_name: str,
    value: pulumi.Input[str],
    vault_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    gate: pulumi.Resource,
    tags: Mapping[str, str],
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
