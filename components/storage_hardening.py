"""The security flags every storage account of the platform carries: the lake and the Function host storage.

Each is what an Azure built-in policy asks for (github.com/Azure/azure-policy, built-in-policies/policyDefinitions/
Storage/):
- HTTPS only: "Secure transfer to storage accounts should be enabled" (Storage_AuditForHTTPSEnabled_Audit.json);
- TLS 1.2: "Storage accounts should have the specified minimum TLS version" (StorageAccountMinimumTLSVersion_Audit);
- no anonymous blob access: "Configure your Storage account public access to be disallowed"
  (StorageAccountDisablePublicBlobAccess_Modify.json);
- no shared key, so every client signs in with Entra ID (and the portal too, by default): "Storage accounts should
  prevent shared key access" (StorageAccountAllowSharedKeyAccess_Audit.json);
- no object replication to another tenant: "Storage accounts should prevent cross tenant object replication"
  (StorageAccountAllowCrossTenantReplication_Audit.json).
policy/rules/storage.py checks the same flags on the plan.
"""

from __future__ import annotations

from typing import TypedDict

from pulumi_azure_native import storage


class StorageHardening(TypedDict):
    """The StorageAccount arguments that harden an account, typed so that `**HARDENED_STORAGE` is checked."""

    enable_https_traffic_only: bool
    minimum_tls_version: storage.MinimumTlsVersion
    allow_blob_public_access: bool
    allow_shared_key_access: bool
    default_to_o_auth_authentication: bool
    allow_cross_tenant_replication: bool


HARDENED_STORAGE: StorageHardening = {
    "enable_https_traffic_only": True,
    "minimum_tls_version": storage.MinimumTlsVersion.TLS1_2,
    "allow_blob_public_access": False,
    "allow_shared_key_access": False,
    "default_to_o_auth_authentication": True,
    "allow_cross_tenant_replication": False,
}
"""Spread into every storage.StorageAccount the platform creates."""
