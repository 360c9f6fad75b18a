"""Azure SQL: a serverless database with an Entra ID admin, or an existing database named in config."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import sql

from components.private_endpoint import PrivateEndpoint, data_plane_endpoints
from components.protection import apply_lock, stateful_options
from components.roles import assign_roles
from components.shared import Placement, PrivateEndpoints, RoleAssignment
from stack.config import SqlConfig, ip_rule_values
from stack.private_dns import DataPlane, GroupId

SQL_SUFFIX = ".database.windows.net"


@dataclass(frozen=True)
class SqlDatabaseArgs:
    """Inputs of the SQL component; with `sql.create` false only the names are used."""

    placement: Placement
    """Resource group, region, tags, protection and lock of a created server and database."""
    sql: SqlConfig
    """Create or use existing, the SKU, pausing, size and the Entra ID admin, from the stack config."""
    new_server_name: pulumi.Input[str]
    """Name of the server created when `sql.create` is true."""
    default_database_name: str
    """Database name unless `sql.databaseName` gives one."""
    tenant_id: pulumi.Input[str]
    """Entra ID tenant of the admin."""
    subscription_id: pulumi.Input[str] = ""
    """Subscription of an existing server, for its ARM id (the private endpoint's target)."""
    private: bool = False
    """Public network access off: reachable only through private endpoints (and managed ones)."""
    private_endpoints: PrivateEndpoints | None = None
    """Where the server's endpoint goes (an existing server's too); None: it has none."""
    role_assignments: Sequence[RoleAssignment] = ()
    """Roles on the server (an existing server's too) for principals the caller names; needs `subscription_id`."""


class SqlDatabase(pulumi.ComponentResource):
    """Entra-only authentication, TLS 1.2, and no firewall opening unless the stack config asks for one.

    Private stacks turn public access off and reach the server through its private endpoint. A public
    stack (dev) opens what its config says: `sql.allowAzureServices` (the 0.0.0.0 rule, which admits
    Azure-hosted callers of every tenant:
    https://learn.microsoft.com/azure/azure-sql/database/firewall-configure#connections-from-inside-azure)
    and `sql.allowedIpRanges` (one rule per range, for developers' machines).
    """

    server_fqdn: pulumi.Output[str]
    """Fully qualified server name, for the factory's linked service and `ops sql`."""
    database_name: pulumi.Output[str]
    """Name of the database."""
    server_id: pulumi.Output[str]
    """ARM id of the server (an existing one's too), the target of the factory's managed endpoint."""
    server_name: pulumi.Output[str]
    """Name of the server."""
    private_endpoints: dict[GroupId, PrivateEndpoint]
    """The server's private endpoint by group id (empty without `private_endpoints`), for callers to wait on."""

    def __init__(self, name: str, args: SqlDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:sql:SqlDatabase", name, {}, opts)
        config = args.sql
        database_name = config.database_name or args.default_database_name
        if config.create:
            server, database = self._create(name, args, database_name)
            server_name: pulumi.Output[str] = server.name
            self.database_name = database.name
            self.server_id = server.id
        else:
            server_name = pulumi.Output.from_input(config.server_name or "")
            self.database_name = pulumi.Output.from_input(database_name)
            self.server_id = pulumi.Output.concat(
                "/subscriptions/",
                args.subscription_id,
                f"/resourceGroups/{config.server_resource_group}/providers/Microsoft.Sql/servers/{config.server_name}",
            )

        self.server_name = server_name
        self.server_fqdn = pulumi.Output.concat(server_name, SQL_SUFFIX)
        assign_roles(
            name, args.role_assignments, scope=self.server_id, subscription_id=args.subscription_id, parent=self
        )
        self.private_endpoints = data_plane_endpoints(
            DataPlane.SQL,
            target_id=self.server_id,
            target_name=server_name,
            endpoints=args.private_endpoints,
            placement=args.placement,
            parent=self,
        )
        self.register_outputs({"server_fqdn": self.server_fqdn, "database_name": self.database_name})

    def _create(self, name: str, args: SqlDatabaseArgs, database_name: str) -> tuple[sql.Server, sql.Database]:
        """A server that only Entra ID can sign in to, its serverless database and its firewall rule."""
        placement, config = args.placement, args.sql
        server = sql.Server(
            f"{name}-server",
            server_name=args.new_server_name,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            version="12.0",
            minimal_tls_version="1.2",
            public_network_access="Disabled" if args.private else "Enabled",
            identity={"type": "SystemAssigned"},
            administrators={
                "administrator_type": "ActiveDirectory",
                "azure_ad_only_authentication": True,
                "login": config.admin_login or "",
                "sid": str(config.admin_object_id or ""),
                "tenant_id": args.tenant_id,
                "principal_type": "Group",
            },
            tags=placement.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        database = sql.Database(
            f"{name}-database",
            database_name=database_name,
            server_name=server.name,
            resource_group_name=placement.resource_group_name,
            location=placement.location,
            sku={"name": config.sku_name, "tier": "GeneralPurpose"},
            auto_pause_delay=config.auto_pause_delay_minutes,
            min_capacity=config.min_capacity,
            max_size_bytes=config.max_size_gb * 1024**3,
            zone_redundant=False,
            tags=placement.tags,
            opts=stateful_options(self, placement.protect),
        )
        self._firewall(name, args, server)
        apply_lock(f"{name}-lock", placement.lock, scope=database.id, what="SQL database", parent=self)
        return server, database

    def _firewall(self, name: str, args: SqlDatabaseArgs, server: sql.Server) -> None:
        """The openings the stack config asks for; none in a private stack (the config refuses them there)."""
        placement, config = args.placement, args.sql
        rules = [(f"{name}-allow-azure-services", "AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")]
        rules = rules if config.allow_azure_services else []
        for index, network in enumerate(config.allowed_ip_ranges):
            shown = ip_rule_values((network,))[0].replace("/", "-")
            rules.append((f"{name}-allow-{index}", f"allow-{shown}", str(network.network_address), str(network[-1])))
        for logical, rule_name, start, end in rules:
            sql.FirewallRule(
                logical,
                firewall_rule_name=rule_name,
                server_name=server.name,
                resource_group_name=placement.resource_group_name,
                start_ip_address=start,
                end_ip_address=end,
                opts=pulumi.ResourceOptions(parent=self),
            )
