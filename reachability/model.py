"""The reachability model: the platform's conversations in a plan, and the network paths that allow each.

Edges (caller -> data plane, private-link group id):
- Function -> lake (`blob`, it writes bronze), host storage (`blob`, `queue`, `table`: the host's
  AzureWebJobsStorage), vault (`vault`: Key Vault references in app settings);
- factory -> whatever its ADF content connects to, on the runtime that makes each connection
  (`reachability/factory.py`): each linked service on its `connectVia` runtime (AutoResolve, the public Azure
  runtime, without one), each data flow activity on its `integrationRuntime`;
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
4. managed private endpoint: the runtime that makes the connection sits in the factory's managed VNet and a
   managed private endpoint of that factory to the target's sub-resource exists and is approved on the target
   (https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint).

Each allowed path is a `Route`: how, and the planned resources it runs through, so that the rehearsal
(`rehearsal/`) can tell whether they all exist at a given moment of a deploy.

Everything is read from the plan's view (`preview.view.PlanView`): resources referred to by ARM id are
resolved through it, so a reference counts only when it points at the very resource in the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from preview.view import PlanView, Registration, ResourceType, get
from reachability.factory import Runtime, factory_uses
from stack.private_dns import ZONE_BY_GROUP_ID, DataPlane, GroupId

APPROVAL_KIND = "managed-private-endpoint-approval"
"""The `kind` input of components/endpoint_approval.py's dynamic resource."""


class NodeKind(StrEnum):
    """One end of a conversation: a caller, a data plane, or (the Function) both."""

    FUNCTION = DataPlane.FUNCTION.value
    FACTORY = "factory"
    AGENT = "agent"
    LAKE = DataPlane.LAKE.value
    HOST_STORAGE = DataPlane.HOST_STORAGE.value
    VAULT = DataPlane.VAULT.value
    SQL = DataPlane.SQL.value


@dataclass(frozen=True)
class Node:
    """One end of a conversation."""

    kind: NodeKind
    name: str
    """The Azure name (or `deploy agent`)."""
    reg: Registration | None
    """Its registration; the agent's is the pool, None without one (a Microsoft-hosted agent)."""


@dataclass(frozen=True)
class Edge:
    """A conversation: caller -> target sub-resource, and why it happens."""

    caller: Node
    target: Node
    group_id: GroupId
    purpose: str
    runtime: Runtime | None = None
    """The factory's integration runtime that makes the connection; None for the other callers."""


@dataclass(frozen=True)
class Route:
    """One allowed network path of a conversation: how, and the planned resources it runs through."""

    kind: str
    parts: tuple[Registration, ...]


EDGES: tuple[tuple[NodeKind, NodeKind, GroupId, str], ...] = (
    (NodeKind.FUNCTION, NodeKind.LAKE, GroupId.BLOB, "writes bronze"),
    (NodeKind.FUNCTION, NodeKind.HOST_STORAGE, GroupId.BLOB, "Functions host storage"),
    (NodeKind.FUNCTION, NodeKind.HOST_STORAGE, GroupId.QUEUE, "Functions host storage"),
    (NodeKind.FUNCTION, NodeKind.HOST_STORAGE, GroupId.TABLE, "Functions host storage"),
    (NodeKind.FUNCTION, NodeKind.VAULT, GroupId.VAULT, "Key Vault references"),
    (NodeKind.AGENT, NodeKind.SQL, GroupId.SQL_SERVER, "ops sql apply"),
    (NodeKind.AGENT, NodeKind.FUNCTION, GroupId.SITES, "code publish to the SCM host"),
    (NodeKind.AGENT, NodeKind.VAULT, GroupId.VAULT, "secrets-officer access probe"),
)

_KIND_OF_TYPE: Mapping[str, NodeKind] = {
    ResourceType.VAULT: NodeKind.VAULT,
    ResourceType.SQL_SERVER: NodeKind.SQL,
    ResourceType.FACTORY: NodeKind.FACTORY,
}


def _kind(reg: Registration) -> NodeKind | None:
    if reg.type == ResourceType.STORAGE_ACCOUNT:
        return NodeKind.LAKE if reg.inputs.get("isHnsEnabled") is True else NodeKind.HOST_STORAGE
    if reg.type == ResourceType.WEB_APP and "functionapp" in str(reg.inputs.get("kind", "")):
        return NodeKind.FUNCTION
    return _KIND_OF_TYPE.get(reg.type)


def nodes(view: PlanView) -> dict[NodeKind, Node]:
    """The conversation ends in the plan, the first of each kind; the deploy agent always exists."""
    found: dict[NodeKind, Node] = {}
    for reg in view.registrations:
        kind = _kind(reg)
        if kind is not None and kind not in found:
            found[kind] = Node(kind, view.own_name(reg) or reg.name, reg)
    pool = next(iter(view.of_type(ResourceType.AGENT_POOL)), None)
    found[NodeKind.AGENT] = Node(NodeKind.AGENT, "deploy agent", pool)
    return found


def node_of(reg: Registration, view: PlanView) -> Node | None:
    """The conversation end a planned resource is, if it is one."""
    kind = _kind(reg)
    return Node(kind, view.own_name(reg) or reg.name, reg) if kind is not None else None


def factory_edges(view: PlanView) -> list[Edge]:
    """The factory's conversations from its ADF content, one per runtime and target sub-resource (the first reason
    that makes it is named)."""
    factory = nodes(view).get(NodeKind.FACTORY)
    found: dict[tuple[str, str, str], Edge] = {}
    for use in factory_uses(view) if factory is not None else []:
        target = node_of(use.target.reg, view)
        key = (use.runtime.name.lower(), use.target.reg.urn, use.target.group_id)
        if factory is not None and target is not None and key not in found:
            purpose = f"{use.reason}, on {use.runtime.name}"
            found[key] = Edge(factory, target, use.target.group_id, purpose, use.runtime)
    return list(found.values())


def edges(view: PlanView) -> list[Edge]:
    """Every conversation whose two ends are in the plan."""
    ends = nodes(view)
    fixed = [Edge(ends[c], ends[t], group, why) for c, t, group, why in EDGES if c in ends and t in ends]
    return [*fixed, *factory_edges(view)]


def _acl(target: Node) -> Mapping[str, Any]:
    assert target.reg is not None
    inputs = target.reg.inputs
    found = get(inputs, "properties", "networkAcls") if target.kind == NodeKind.VAULT else inputs.get("networkRuleSet")
    return found if isinstance(found, Mapping) else {}


def _admits_azure(rule: Registration) -> bool:
    return rule.inputs.get("startIpAddress") == "0.0.0.0" and rule.inputs.get("endIpAddress") == "0.0.0.0"


def _public(target: Node, view: PlanView) -> tuple[Route | None, str]:
    assert target.reg is not None
    inputs = target.reg.inputs
    access = get(inputs, "properties", "publicNetworkAccess") if target.kind == NodeKind.VAULT else None
    if (access or inputs.get("publicNetworkAccess")) == "Disabled":
        return None, "public network access is Disabled"
    if target.kind == NodeKind.SQL:
        rule = next(
            (
                rule
                for rule in view.of_type(ResourceType.SQL_FIREWALL_RULE)
                if view.arm_parent(rule) is target.reg and _admits_azure(rule)
            ),
            None,
        )
        if rule is None:
            return None, "public, but no firewall rule admits Azure-hosted callers"
        return Route("the public endpoint's Azure services rule", (target.reg, rule)), ""
    if _acl(target).get("defaultAction", "Allow") == "Allow":
        return Route("public", (target.reg,)), ""
    return None, "the firewall denies by default and no IP rule can admit a caller without a fixed address"


def public_path(target: Node, view: PlanView) -> tuple[bool, str]:
    """Whether the target's public endpoint admits an Azure-hosted caller with no fixed address, and why not."""
    route, why = _public(target, view)
    return route is not None, why


def trusted_path(edge: Edge) -> bool:
    """Data Factory through `bypass: AzureServices` on storage or Key Vault (see the module docstring).

    A storage account with public network access Disabled admits private endpoints only, trusted services
    included ("Disabled": https://learn.microsoft.com/azure/storage/common/storage-network-security-set-default-access);
    a vault with it Disabled still admits trusted services (Vault `publicNetworkAccess`: "all traffic except
    private endpoint traffic and that that originates from trusted services will be blocked",
    https://learn.microsoft.com/dotnet/api/azure.provisioning.keyvault.keyvaultproperties.publicnetworkaccess).
    """
    if edge.caller.kind != NodeKind.FACTORY or edge.target.kind not in (
        NodeKind.LAKE,
        NodeKind.HOST_STORAGE,
        NodeKind.VAULT,
    ):
        return False
    assert edge.target.reg is not None
    # A storage account's own switch; a vault's sits under `properties` and does not stop trusted services.
    if edge.target.reg.inputs.get("publicNetworkAccess") == "Disabled":
        return False
    return "AzureServices" in str(_acl(edge.target).get("bypass", ""))


def caller_network(caller: Node, view: PlanView) -> tuple[Registration, Registration] | None:
    """The planned subnet and VNet the caller sends from (the Function app's integration subnet, the pool's)."""
    if caller.reg is None:
        return None
    if caller.kind == NodeKind.FUNCTION:
        subnet_id = caller.reg.inputs.get("virtualNetworkSubnetId")
    elif caller.kind == NodeKind.AGENT:
        subnet_id = get(caller.reg.inputs, "fabricProfile", "networkProfile", "subnetId")
    else:
        return None
    subnet = view.resource(subnet_id)
    if subnet is None or subnet.type != ResourceType.SUBNET:
        return None
    vnet = view.arm_parent(subnet)
    return (subnet, vnet) if vnet is not None else None


def _zone_name(zone: Registration | None, view: PlanView) -> str:
    return (view.own_name(zone) or "").lower() if zone is not None else ""


def _connects(endpoint: Registration, edge: Edge, view: PlanView) -> bool:
    connections = endpoint.inputs.get("privateLinkServiceConnections")
    return any(
        view.resource(get(connection, "privateLinkServiceId")) is edge.target.reg
        and edge.group_id in (get(connection, "groupIds") or [])
        for connection in (connections if isinstance(connections, list) else [])
    )


def _zones_registered(zone_group: Registration, zone: str, view: PlanView) -> list[Registration]:
    """The planned zones named `zone` that a zone group registers its endpoint in."""
    configs = zone_group.inputs.get("privateDnsZoneConfigs")
    listed = configs if isinstance(configs, list) else []
    found = [view.resource(get(config, "privateDnsZoneId")) for config in listed]
    return [reg for reg in found if reg is not None and _zone_name(reg, view) == zone]


def _private(edge: Edge, view: PlanView) -> tuple[list[Route], str]:
    """Every private route (endpoint, its zone group in the zone, the zone's link to the caller's VNet), or why none."""
    zone = ZONE_BY_GROUP_ID[edge.group_id]
    assert edge.target.reg is not None
    endpoints = [reg for reg in view.of_type(ResourceType.PRIVATE_ENDPOINT) if _connects(reg, edge, view)]
    if not endpoints:
        return [], f"no private endpoint for {edge.group_id}"
    registered = [
        (endpoint, zone_group, found)
        for zone_group in view.of_type(ResourceType.PRIVATE_DNS_ZONE_GROUP)
        for endpoint in endpoints
        if view.arm_parent(zone_group) is endpoint
        for found in _zones_registered(zone_group, zone, view)
    ]
    if not registered:
        return [], f"the private endpoint is not registered in {zone}"
    network = caller_network(edge.caller, view)
    if network is None:
        return [], f"a private endpoint exists, but the {edge.caller.kind} is not in a VNet"
    subnet, vnet = network
    routes = [
        Route("private endpoint", (edge.target.reg, endpoint, zone_group, found, link, subnet, vnet))
        for endpoint, zone_group, found in registered
        for link in view.of_type(ResourceType.VIRTUAL_NETWORK_LINK)
        if view.arm_parent(link) is found and view.resource(get(link.inputs, "virtualNetwork", "id")) is vnet
    ]
    shown = view.own_name(vnet) or vnet.name
    return routes, "" if routes else f"{zone} is not linked to the {edge.caller.kind}'s VNet {shown}"


def private_path(edge: Edge, view: PlanView) -> tuple[bool, str]:
    """A private endpoint to the target's sub-resource, registered in its zone, the zone linked to the caller's VNet."""
    routes, why = _private(edge, view)
    return bool(routes), why


def _managed(edge: Edge, view: PlanView) -> tuple[list[Route], str]:
    """Every managed route (runtime in the managed VNet, managed endpoint, its approval on the target), or why none."""
    factory, runtime = edge.caller.reg, edge.runtime
    if edge.caller.kind != NodeKind.FACTORY or factory is None or edge.target.reg is None:
        return [], ""
    in_vnet = runtime is not None and runtime.managed_vnet and runtime.reg is not None
    if runtime is None or runtime.reg is None or not in_vnet or runtime.factory is not factory:
        name = runtime.name if runtime is not None else "its runtime"
        return [], f"the connection runs on {name}, which is in no managed virtual network of the factory"
    endpoints = [
        reg
        for reg in view.of_type(ResourceType.MANAGED_PRIVATE_ENDPOINT)
        if view.arm_parent(reg) is factory
        and view.resource(get(reg.inputs, "properties", "privateLinkResourceId")) is edge.target.reg
        and get(reg.inputs, "properties", "groupId") == edge.group_id
    ]
    if not endpoints:
        return [], f"no managed private endpoint ({edge.group_id}) from the managed virtual network"
    routes = [
        Route("managed private endpoint", (edge.target.reg, runtime.reg, endpoint, approval))
        for endpoint in endpoints
        for approval in view.of_type(ResourceType.DYNAMIC)
        if approval.inputs.get("kind") == APPROVAL_KIND
        and endpoint in view.dependencies(approval)
        and view.resource(approval.inputs.get("targetResourceId")) is edge.target.reg
    ]
    return routes, "" if routes else "the managed private endpoint is never approved on the target"


def managed_path(edge: Edge, view: PlanView) -> tuple[bool, str]:
    """The connection's runtime in the factory's managed VNet and its managed private endpoint to the target,
    approved on the target."""
    routes, why = _managed(edge, view)
    return bool(routes), why


def routes(edge: Edge, view: PlanView) -> list[Route]:
    """Every allowed path of a conversation in this view, public first."""
    public, _ = _public(edge.target, view)
    assert edge.target.reg is not None
    found = [public] if public is not None else []
    if trusted_path(edge):
        found.append(Route("trusted service", (edge.target.reg,)))
    return [*found, *_private(edge, view)[0], *_managed(edge, view)[0]]
