"""The ADLS Gen2 data lake: one storage account with bronze, silver and archive containers."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import storage

from components.diagnostics import send_diagnostics
from components.protection import delete_lock, stateful_options

CONTAINERS = ("bronze", "silver", "archive")


@dataclass(frozen=True)
class DataLakeArgs:
    """Inputs of the data lake."""

    resource_group_name: pulumi.Input[str]
    """The resource group the account lives in."""
    location: str
    """Azure region."""
    account_name: pulumi.Input[str]
    """Globally unique storage account name."""
    sku: str
    """Redundancy, e.g. Standard_LRS in dev and Standard_ZRS in prod."""
    soft_delete_days: int
    """Retention of deleted blobs and containers."""
    archive_cool_after_days: int
    """Days after which `archive/` blobs move to the cool tier."""
    archive_tier_after_days: int
    """Days after which `archive/` blobs move to `archive_tier`."""
    archive_delete_after_days: int
    """Days after which `archive/` blobs are deleted."""
    network_default_action: str
    """Allow or Deny traffic that no rule admits; trusted Azure services always pass."""
    allowed_ip_ranges: tuple[str, ...]
    """IPv4 addresses or CIDR ranges admitted when the default action is Deny."""
    workspace_id: pulumi.Input[str]
    """Log Analytics workspace for diagnostics."""
    tags: dict[str, str]
    """Tags for every taggable child."""
    protect: bool
    """Protect the account and lock it against deletion."""
    archive_tier: str = "Archive"
    """Archive or Cold: ZRS, GZRS and RA-GZRS accounts have no Archive tier (stack.config.coldest_tier)."""


class DataLake(pulumi.ComponentResource):
    """StorageV2 with a hierarchical namespace, reachable only with Entra ID over TLS 1.2."""

    account_id: pulumi.Output[str]
    account_name: pulumi.Output[str]
    dfs_endpoint: pulumi.Output[str]
    blob_endpoint: pulumi.Output[str]
    container_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DataLakeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:storage:DataLake", name, {}, opts)

        account = storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=storage.Kind.STORAGE_V2,
            sku={"name": args.sku},
            access_tier=storage.AccessTier.HOT,
            is_hns_enabled=True,
            enable_https_traffic_only=True,
            minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_cross_tenant_replication=False,
            network_rule_set={
                "default_action": args.network_default_action,
                "bypass": "AzureServices",
                "ip_rules": [{"i_p_address_or_range": ip, "action": "Allow"} for ip in args.allowed_ip_ranges],
            },
            encryption={
                "key_source": storage.KeySource.MICROSOFT_STORAGE,
                "require_infrastructure_encryption": True,
                "services": {
                    "blob": {"enabled": True, "key_type": "Account"},
                    "file": {"enabled": True, "key_type": "Account"},
                },
            },
            tags=args.tags,
            opts=stateful_options(self, args.protect),
        )

        blob_service = storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            blob_services_name="default",
            delete_retention_policy={"enabled": True, "days": args.soft_delete_days},
            container_delete_retention_policy={"enabled": True, "days": args.soft_delete_days},
            opts=pulumi.ResourceOptions(parent=self),
        )

        containers = {
            container: storage.BlobContainer(
                f"{name}-{container}",
                account_name=account.name,
                resource_group_name=args.resource_group_name,
                container_name=container,
                public_access=storage.PublicAccess.NONE,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[blob_service], retain_on_delete=True),
            )
            for container in CONTAINERS
        }

        storage.ManagementPolicy(
            f"{name}-archive-lifecycle",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            management_policy_name="default",
            policy={
                "rules": [
                    {
                        "name": "archive-cool-archive-delete",
                        "type": "Lifecycle",
                        "enabled": True,
                        "definition": {
                            "filters": {"blob_types": ["blockBlob"], "prefix_match": ["archive/"]},
                            "actions": {
                                "base_blob": {
                                    "tier_to_cool": {
                                        "days_after_modification_greater_than": args.archive_cool_after_days
                                    },
                                    # https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview
                                    f"tier_to_{args.archive_tier.lower()}": {
                                        "days_after_modification_greater_than": args.archive_tier_after_days
                                    },
                                    "delete": {"days_after_modification_greater_than": args.archive_delete_after_days},
                                }
                            },
                        },
                    }
                ]
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[containers["archive"]]),
        )

        send_diagnostics(
            f"{name}-diagnostics",
            resource_uri=account.id,
            workspace_id=args.workspace_id,
            log_categories=(),
            metric_categories=("Transaction",),
            parent=self,
        )
        send_diagnostics(
            f"{name}-blob-diagnostics",
            resource_uri=pulumi.Output.concat(account.id, "/blobServices/default"),
            workspace_id=args.workspace_id,
            log_categories=("StorageRead", "StorageWrite", "StorageDelete"),
            metric_categories=("Transaction",),
            parent=self,
        )
        if args.protect:
            delete_lock(f"{name}-lock", scope=account.id, what="data lake", parent=self)

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
