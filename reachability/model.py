"""The reachability model: derive the platform's conversations from a plan and check each has an allowed path.

Edges (caller -> data plane, sub-resource):
- Function -> lake (`blob`, it writes bronze), host storage (`blob`, `queue`, `table`: the host's
  AzureWebJobsStorage), vault (`vault`: Key Vault references in app settings);
- factory -> lake (`dfs`), SQL (`sqlServer`), vault (`vault`), Function (`sites`);
- deploy agent -> SQL (`sqlServer`: `ops sql apply`), Function SCM (`sites`: the code publish), vault
  (`vault`: components/access_gate.py probes the vault's data plane until the deployer's role is effective).
  Secrets are written through ARM, which needs no network path to the vault (docs/networking.md).

A path is allowed when one of these holds:
1. public: the target's public endpoint is on and admits the caller. Storage and Key Vault admit
   everyone only with default action Allow; IP rules never help, since none of the callers has a
   fixed address. SQL admits Azure-hosted callers only through the 0.0.0.0 "Allow Azure services"
   rule (https://learn.microsoft.com/azure/azure-sql/database/firewall-configure#connections-from-inside-azure).
2. trusted service: Data Factory passes a storage firewall with `bypass: AzureServices`
   ("Trusted access for resources registered in your Microsoft Entra tenant", Data Factory listed:
   https://learn.microsoft.com/azure/storage/common/storage-network-security-trusted-azure-services)
   and a Key Vault firewall with `bypass: AzureServices` ("Trusted services", Data Factory listed:
   https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints#trusted-services).
   A Function app is trusted by neither.
3. private endpoint: a network.PrivateEndpoint to the target's sub-resource, with a zone group in
   the sub-resource's zone, and that zone linked to the VNet the caller is in (the Function app
   through `virtualNetworkSubnetId`, the agents through the pool's subnet)
   (https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration).
4. managed private endpoint: the factory's runtime sits in its managed VNet and a managed private
   endpoint to the target's sub-resource exists and is approved
   (https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint).

Only plan registrations are read (`.urn .type .name .inputs .parent .depends_on`, inputs
camelCase with "[secret]"/"[unknown]" placeholders), so the check runs offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from stack.private_dns import ZONE_BY_GROUP_ID

ZONES = ZONE_BY_GROUP_ID
"""Group id -> private DNS zone (stack/private_dns.py)."""

APPROVAL_KIND = "managed-private-endpoint-approval"
"""The `kind` input of components/endpoint_approval.py's dynamic resource."""

STORAGE = "azure-native:storage:StorageAccount"
VAULT = "azure-native:keyvault:Vault"
SQL = "azure-native:sql:Server"
SITE = "azure-native:web:WebApp"
FACTORY = "azure-native:datafactory:Factory"


class RegistrationLike(Protocol):
    """What the model reads of a plan registration (preview.mocks.Registration)."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    parent: str | None
    depends_on: list[str]


@dataclass(frozen=True)
class Node:
    """One end of a conversation."""

    kind: str
    """function, factory, agent, lake, host-storage, vault or sql."""
    name: str
    """The Azure name (or `deploy agent`)."""
    reg: RegistrationLike | None
    """Its registration; the agent's is the pool, None without one (a Microsoft-hosted agent)."""


@dataclass(frozen=True)
class Edge:
    """A conversation: caller -> target sub-resource, and why it happens."""

    caller: Node
    target: Node
    group_id: str
    purpose: str


@dataclass(frozen=True)
class Violation:
    """A conversation with no allowed path."""

    edge: Edge
    reason: str
    fix: str

    def __str__(self) -> str:
        e = self.edge
        return (
            f"{e.caller.kind} {e.caller.name} -> {e.target.kind} {e.target.name} ({e.group_id}, {e.purpose}): "
            f"no allowed network path: {self.reason}. To open one: {self.fix}"
        )


EDGES: tuple[tuple[str, str, str, str], ...] = (
    ("function", "lake", "blob", "writes bronze"),
    ("function", "host-storage", "blob", "Functions host storage"),
    ("function", "host-storage", "queue", "Functions host storage"),
    ("function", "host-storage", "table", "Functions host storage"),
    ("function", "vault", "vault", "Key Vault references"),
    ("factory", "lake", "dfs", "reads and writes the lake"),
    ("factory", "sql", "sqlServer", "loads SQL"),
    ("factory", "vault", "vault", "reads linked-service secrets"),
    ("factory", "function", "sites", "calls the generator"),
    ("agent", "sql", "sqlServer", "ops sql apply"),
    ("agent", "function", "sites", "code publish to the SCM host"),
    ("agent", "vault", "vault", "secrets-officer access probe"),
)


def _last(resource_id: Any) -> str:
    return str(resource_id or "").rstrip("/").rsplit("/", 1)[-1].lower()


def _own_name(reg: RegistrationLike) -> str:
    for key in ("accountName", "vaultName", "serverName", "factoryName", "name"):
        if isinstance(reg.inputs.get(key), str):
            return str(reg.inputs[key])
    return reg.name


def _kind(reg: RegistrationLike) -> str | None:
    if reg.type == STORAGE:
        return "lake" if reg.inputs.get("isHnsEnabled") is True else "host-storage"
    if reg.type == SITE and "functionapp" in str(reg.inputs.get("kind", "")):
        return "function"
    return {VAULT: "vault", SQL: "sql", FACTORY: "factory"}.get(reg.type)


def _nodes(regs: Sequence[RegistrationLike]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for reg in regs:
        kind = _kind(reg)
        if kind is not None:
            nodes.setdefault(kind, Node(kind, _own_name(reg), reg))
    pool = next((r for r in regs if r.type == "azure-native:devopsinfrastructure:Pool"), None)
    nodes["agent"] = Node("agent", "deploy agent", pool)
    return nodes


def edges(regs: Sequence[RegistrationLike]) -> list[Edge]:
    """Every conversation whose two ends are in the plan."""
    nodes = _nodes(regs)
    return [Edge(nodes[c], nodes[t], group, why) for c, t, group, why in EDGES if c in nodes and t in nodes]


def _acl(target: Node) -> dict[str, Any]:
    assert target.reg is not None
    inputs = target.reg.inputs
    found = inputs.get("properties", {}).get("networkAcls") if target.kind == "vault" else inputs.get("networkRuleSet")
    return found if isinstance(found, dict) else {}


def _public(target: Node, regs: Sequence[RegistrationLike]) -> tuple[bool, str]:
    """Whether the target's public endpoint admits an Azure-hosted caller with no fixed address."""
    assert target.reg is not None
    inputs = target.reg.inputs
    access = inputs.get("properties", {}).get("publicNetworkAccess") if target.kind == "vault" else None
    if (access or inputs.get("publicNetworkAccess")) == "Disabled":
        return False, "public network access is Disabled"
    if target.kind == "sql":
        azure = any(
            r.type == "azure-native:sql:FirewallRule"
            and r.inputs.get("serverName") == target.name
            and r.inputs.get("startIpAddress") == "0.0.0.0"
            and r.inputs.get("endIpAddress") == "0.0.0.0"
            for r in regs
        )
        return azure, "" if azure else "public, but no firewall rule admits Azure-hosted callers"
    if _acl(target).get("defaultAction", "Allow") == "Allow":
        return True, ""
    return False, "the firewall denies by default and no IP rule can admit a caller without a fixed address"


def _trusted(edge: Edge) -> bool:
    """Data Factory through `bypass: AzureServices` on storage or Key Vault (see the module docstring).

    A storage account with public network access Disabled admits private endpoints only, trusted services
    included ("Disabled": https://learn.microsoft.com/azure/storage/common/storage-network-security-set-default-access);
    a vault with it Disabled still admits trusted services (Vault `publicNetworkAccess`: "all traffic except
    private endpoint traffic and that that originates from trusted services will be blocked",
    https://learn.microsoft.com/dotnet/api/azure.provisioning.keyvault.keyvaultproperties.publicnetworkaccess).
    """
    if edge.caller.kind != "factory" or edge.target.kind not in ("lake", "host-storage", "vault"):
        return False
    assert edge.target.reg is not None
    if edge.target.kind != "vault" and edge.target.reg.inputs.get("publicNetworkAccess") == "Disabled":
        return False
    return "AzureServices" in str(_acl(edge.target).get("bypass", ""))


def _caller_vnet(caller: Node, regs: Sequence[RegistrationLike]) -> str | None:
    """The VNet the caller sends from, through the subnet it is integrated into."""
    if caller.reg is None:
        return None
    if caller.kind == "function":
        subnet_id = caller.reg.inputs.get("virtualNetworkSubnetId")
    elif caller.kind == "agent":
        subnet_id = caller.reg.inputs.get("fabricProfile", {}).get("networkProfile", {}).get("subnetId")
    else:
        return None
    for reg in regs:
        if (
            reg.type == "azure-native:network:Subnet"
            and subnet_id
            and str(reg.inputs.get("subnetName", "")).lower() == _last(subnet_id)
        ):
            return str(reg.inputs.get("virtualNetworkName", "")).lower()
    return None


def _targets(connection: dict[str, Any], edge: Edge) -> bool:
    return _last(
        connection.get("privateLinkServiceId")
    ) == edge.target.name.lower() and edge.group_id in connection.get("groupIds", [])


def _private_endpoint(edge: Edge, regs: Sequence[RegistrationLike]) -> tuple[bool, str]:
    zone = ZONES[edge.group_id]
    names = {
        str(r.inputs.get("privateEndpointName", ""))
        for r in regs
        if r.type == "azure-native:network:PrivateEndpoint"
        and any(_targets(c, edge) for c in r.inputs.get("privateLinkServiceConnections", []))
    }
    if not names:
        return False, f"no private endpoint for {edge.group_id}"
    registered = any(
        r.type == "azure-native:network:PrivateDnsZoneGroup"
        and r.inputs.get("privateEndpointName") in names
        and any(_last(c.get("privateDnsZoneId")) == zone for c in r.inputs.get("privateDnsZoneConfigs", []))
        for r in regs
    )
    if not registered:
        return False, f"the private endpoint is not registered in {zone}"
    vnet = _caller_vnet(edge.caller, regs)
    if vnet is None:
        return False, f"a private endpoint exists, but the {edge.caller.kind} is not in a VNet"
    linked = any(
        r.type == "azure-native:privatedns:VirtualNetworkLink"
        and r.inputs.get("privateZoneName") == zone
        and _last(r.inputs.get("virtualNetwork", {}).get("id")) == vnet
        for r in regs
    )
    return linked, "" if linked else f"{zone} is not linked to the {edge.caller.kind}'s VNet {vnet}"


def _managed_endpoint(edge: Edge, regs: Sequence[RegistrationLike]) -> tuple[bool, str]:
    if edge.caller.kind != "factory":
        return False, ""
    in_vnet = any(
        r.type == "azure-native:datafactory:IntegrationRuntime"
        and r.inputs.get("properties", {}).get("managedVirtualNetwork")
        for r in regs
    )
    endpoint = next(
        (
            r
            for r in regs
            if r.type == "azure-native:datafactory:ManagedPrivateEndpoint"
            and _last(r.inputs.get("properties", {}).get("privateLinkResourceId")) == edge.target.name.lower()
            and r.inputs.get("properties", {}).get("groupId") == edge.group_id
        ),
        None,
    )
    if not in_vnet or endpoint is None:
        return False, "no managed private endpoint from a managed-VNet runtime"
    approved = any(
        r.inputs.get("kind") == APPROVAL_KIND
        and endpoint.urn in r.depends_on
        and _last(r.inputs.get("targetResourceId")) == edge.target.name.lower()
        for r in regs
    )
    return approved, "" if approved else "the managed private endpoint is never approved on the target"


def _fix(edge: Edge) -> str:
    if edge.caller.kind == "factory":
        bypass = ", or bypass AzureServices on its firewall" if edge.target.kind != "sql" else ""
        return (
            f"a managed private endpoint ({edge.group_id}) from the factory's managed-VNet runtime, approved on "
            f"{edge.target.name}{bypass}"
        )
    where = "VNet-integrate the Function app" if edge.caller.kind == "function" else "run the step on the agent pool"
    return (
        f"a private endpoint to {edge.target.name} ({edge.group_id}) registered in {ZONES[edge.group_id]}, "
        f"that zone linked to the VNet, and {where} in that VNet"
    )


def check(registrations: Iterable[RegistrationLike]) -> list[Violation]:
    """Every conversation of the plan that has no allowed path."""
    regs = list(registrations)
    violations = []
    for edge in edges(regs):
        public, public_why = _public(edge.target, regs)
        if public or _trusted(edge):
            continue
        private, private_why = _private_endpoint(edge, regs)
        managed, managed_why = _managed_endpoint(edge, regs)
        if private or managed:
            continue
        reasons = "; ".join(why for why in (public_why, private_why, managed_why) if why)
        violations.append(Violation(edge, reasons, _fix(edge)))
    return violations
