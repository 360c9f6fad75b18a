"""The ADLS Gen2 data lake: one storage account with bronze, silver and archive containers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import storage

from components.diagnostics import send_diagnostics
from components.private_endpoint import PrivateEndpoint, data_plane_endpoints
from components.protection import apply_lock, stateful_options
from components.roles import assign_roles
from components.shared import PlatformContext, PrivateEndpoints, RoleAssignment
from components.storage_hardening import HARDENED_STORAGE
from stack.config import StorageConfig, ip_rule_values
from stack.private_dns import DataPlane, GroupId

CONTAINERS = ("bronze", "silver", "archive")


@dataclass(frozen=True)
class DataLakeArgs:
    """Inputs of the data lake."""

    context: PlatformContext
    """Resource group, region, tags, protection, lock and where diagnostics go."""
    account_name: pulumi.Input[str]
    """Globally unique storage account name."""
    storage: StorageConfig
    """Redundancy, retention, archive tiers and network rules from the stack config."""
    private: bool = False
    """Public network access off: reachable only through private endpoints (and managed ones)."""
    private_endpoints: PrivateEndpoints | None = None
    """Where the lake's blob and dfs endpoints go; None: it has none."""
    role_assignments: Sequence[RoleAssignment] = ()
    """Roles on the storage account for principals the caller names."""


class DataLake(pulumi.ComponentResource):
    """StorageV2 with a hierarchical namespace, reachable only with Entra ID over TLS 1.2."""

    account_id: pulumi.Output[str]
    """ARM id of the storage account."""
    account_name: pulumi.Output[str]
    """Name of the storage account."""
    dfs_endpoint: pulumi.Output[str]
    """ADLS Gen2 (dfs) endpoint, for the factory's linked service."""
    blob_endpoint: pulumi.Output[str]
    """Blob endpoint, for the generator."""
    container_ids: dict[str, pulumi.Output[str]]
    """ARM id of each container by name, for grants scoped to one container."""
    private_endpoints: dict[GroupId, PrivateEndpoint]
    """The lake's private endpoints by group id (empty without `private_endpoints`), for callers to wait on."""

    def __init__(self, name: str, args: DataLakeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:storage:DataLake", name, {}, opts)
        context, config = args.context, args.storage

        account = self._account(name, args)
        blob_service = storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=context.resource_group_name,
            blob_services_name="default",
            delete_retention_policy={"enabled": True, "days": config.soft_delete_days},
            container_delete_retention_policy={"enabled": True, "days": config.soft_delete_days},
            opts=pulumi.ResourceOptions(parent=self),
        )
        containers = {
            container: storage.BlobContainer(
                f"{name}-{container}",
                account_name=account.name,
                resource_group_name=context.resource_group_name,
                container_name=container,
                public_access=storage.PublicAccess.NONE,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[blob_service], retain_on_delete=True),
            )
            for container in CONTAINERS
        }
        self._archive_lifecycle(name, args, account, containers["archive"])
        self.private_endpoints = data_plane_endpoints(
            DataPlane.LAKE,
            target_id=account.id,
            target_name=account.name,
            endpoints=args.private_endpoints,
            placement=context,
            parent=self,
        )
        self._diagnostics(name, context, account)
        apply_lock(f"{name}-lock", context.lock, scope=account.id, what="data lake", parent=self)
        assign_roles(
            name, args.role_assignments, scope=account.id, subscription_id=context.subscription_id, parent=self
        )

        self.account_id = account.id
        self.account_name = account.name
        self.dfs_endpoint = account.primary_endpoints.apply(lambda e: e.dfs)
        self.blob_endpoint = account.primary_endpoints.apply(lambda e: e.blob)
        self.container_ids = {container: resource.id for container, resource in containers.items()}
        self.register_outputs(
            {
                "account_id": self.account_id,
                "account_name": self.account_name,
                "dfs_endpoint": self.dfs_endpoint,
                "blob_endpoint": self.blob_endpoint,
            }
        )

    def _account(self, name: str, args: DataLakeArgs) -> storage.StorageAccount:
        """The account: HNS on, no shared keys, no public blobs, TLS 1.2 and infrastructure encryption."""
        context, config = args.context, args.storage
        network_rule_set: storage.NetworkRuleSetArgsDict = {
            "default_action": storage.DefaultAction(config.network_default_action),
            "bypass": "AzureServices",
            "ip_rules": [
                {"i_p_address_or_range": ip, "action": storage.Action.ALLOW}
                for ip in ip_rule_values(config.allowed_ip_ranges)
            ],
        }
        encryption: storage.EncryptionArgsDict = {
            "key_source": storage.KeySource.MICROSOFT_STORAGE,
            "require_infrastructure_encryption": True,
            "services": {
                "blob": {"enabled": True, "key_type": "Account"},
                "file": {"enabled": True, "key_type": "Account"},
            },
        }
        return storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=context.resource_group_name,
            location=context.location,
            kind=storage.Kind.STORAGE_V2,
            sku={"name": config.sku},
            access_tier=storage.AccessTier.HOT,
            is_hns_enabled=True,
            **HARDENED_STORAGE,
            public_network_access="Disabled" if args.private else "Enabled",
            network_rule_set=network_rule_set,
            encryption=encryption,
            tags=context.tags,
            opts=stateful_options(self, context.protect),
        )

    def _archive_lifecycle(
        self, name: str, args: DataLakeArgs, account: storage.StorageAccount, archive: storage.BlobContainer
    ) -> storage.ManagementPolicy:
        """Move `archive/` blobs to cool, then to archive, then delete them, after the configured days."""
        config = args.storage
        base_blob: storage.ManagementPolicyBaseBlobArgsDict = {
            "tier_to_cool": {"days_after_modification_greater_than": config.archive_cool_after_days}
        }
        # Archive exists only on LRS, GRS and RA-GRS; the config picks Cold for the others
        # (https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview,
        # https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview).
        coldest: storage.DateAfterModificationArgsDict = {
            "days_after_modification_greater_than": config.archive_tier_after_days
        }
        if config.archive_tier == "Archive":
            base_blob["tier_to_archive"] = coldest
        else:
            base_blob["tier_to_cold"] = coldest
        base_blob["delete"] = {"days_after_modification_greater_than": config.archive_delete_after_days}
        return storage.ManagementPolicy(
            f"{name}-archive-lifecycle",
            account_name=account.name,
            resource_group_name=args.context.resource_group_name,
            management_policy_name="default",
            policy={
                "rules": [
                    {
                        "name": "archive-cool-archive-delete",
                        "type": "Lifecycle",
                        "enabled": True,
                        "definition": {
                            "filters": {"blob_types": ["blockBlob"], "prefix_match": ["archive/"]},
                            "actions": {"base_blob": base_blob},
                        },
                    }
                ]
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[archive]),
        )

    def _diagnostics(self, name: str, context: PlatformContext, account: storage.StorageAccount) -> None:
        """Account metrics, and the blob service's read, write and delete logs."""
        send_diagnostics(
            f"{name}-diagnostics",
            context.diagnostic_settings,
            resource_uri=account.id,
            log_categories=(),
            metric_categories=("Transaction",),
            parent=self,
        )
        send_diagnostics(
            f"{name}-blob-diagnostics",
            context.diagnostic_settings,
            resource_uri=pulumi.Output.concat(account.id, "/blobServices/default"),
            log_categories=("StorageRead", "StorageWrite", "StorageDelete"),
            metric_categories=("Transaction",),
            parent=self,
        )
