"""Azure SQL: a serverless database with an Entra ID admin, or an existing database named in config."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import sql

from components.protection import delete_lock, stateful_options

SQL_SUFFIX = ".database.windows.net"


@dataclass(frozen=True)
class SqlDatabaseArgs:
    """Inputs of the SQL component; with `create` false only the names are used."""

    create: bool
    """Create the server and database, or use the existing ones."""
    resource_group_name: pulumi.Input[str]
    """Resource group of a created server."""
    location: str
    """Azure region."""
    server_name: pulumi.Input[str]
    """Server name (created, or existing)."""
    database_name: str
    """Database name (created, or existing)."""
    tenant_id: pulumi.Input[str]
    """Entra ID tenant of the admin."""
    admin_login: str
    """Display name of the Entra ID group that administers the server."""
    admin_object_id: str
    """Object id of that group."""
    sku_name: str
    """Serverless SKU, e.g. GP_S_Gen5_1."""
    auto_pause_delay_minutes: int
    """Minutes idle before the database pauses; -1 never pauses."""
    min_capacity: float
    """Minimum vCores while running."""
    max_size_gb: int
    """Maximum data size."""
    tags: dict[str, str]
    """Tags for every taggable child."""
    protect: bool
    """Protect the database and lock it against deletion."""


class SqlDatabase(pulumi.ComponentResource):
    """Entra-only authentication, TLS 1.2, and a firewall that admits only Azure services."""

    server_fqdn: pulumi.Output[str]
    database_name: pulumi.Output[str]
    connection_string: pulumi.Output[str]

    def __init__(self, name: str, args: SqlDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:sql:SqlDatabase", name, {}, opts)

        if args.create:
            server = sql.Server(
                f"{name}-server",
                server_name=args.server_name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                version="12.0",
                minimal_tls_version="1.2",
                public_network_access="Enabled",
                identity={"type": "SystemAssigned"},
                administrators={
                    "administrator_type": "ActiveDirectory",
                    "azure_ad_only_authentication": True,
                    "login": args.admin_login,
                    "sid": args.admin_object_id,
                    "tenant_id": args.tenant_id,
                    "principal_type": "Group",
                },
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            database = sql.Database(
                f"{name}-database",
                database_name=args.database_name,
                server_name=server.name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                sku={"name": args.sku_name, "tier": "GeneralPurpose"},
                auto_pause_delay=args.auto_pause_delay_minutes,
                min_capacity=args.min_capacity,
                max_size_bytes=args.max_size_gb * 1024**3,
                zone_redundant=False,
                tags=args.tags,
                opts=stateful_options(self, args.protect),
            )
            sql.FirewallRule(
                f"{name}-allow-azure-services",
                firewall_rule_name="AllowAllWindowsAzureIps",
                server_name=server.name,
                resource_group_name=args.resource_group_name,
                # 0.0.0.0-0.0.0.0 is Azure's documented marker for "Azure services", not the internet.
                start_ip_address="0.0.0.0",
                end_ip_address="0.0.0.0",
                opts=pulumi.ResourceOptions(parent=self),
            )
            if args.protect:
                delete_lock(f"{name}-lock", scope=database.id, what="SQL database", parent=self)
            server_name: pulumi.Output[str] = server.name
            database_name: pulumi.Output[str] = database.name
        else:
            server_name = pulumi.Output.from_input(args.server_name)
            database_name = pulumi.Output.from_input(args.database_name)

        self.server_fqdn = pulumi.Output.concat(server_name, SQL_SUFFIX)
        self.database_name = database_name
        # Identity-based: the caller's managed identity authenticates, so no password is involved.
        self.connection_string = pulumi.Output.concat(
            "Server=tcp:",
            self.server_fqdn,
            ",1433;Database=",
            database_name,
            ";Authentication=Active Directory Default;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;",
        )
        self.register_outputs({"server_fqdn": self.server_fqdn, "database_name": self.database_name})
