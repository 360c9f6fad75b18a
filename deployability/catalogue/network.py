"""Private endpoints (the VNet's and the factory's managed ones), private DNS zones and their VNet links."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from deployability.rule import Finding, Rule, arm_type, location_of, subnet_and_network
from preview.view import PlanView, Registration, ResourceType, get, known_str
from stack.evidence import Source
from stack.private_dns import ZONE_BY_GROUP_ID as ZONES

DNS_PAGE = "https://learn.microsoft.com/azure/private-link/private-endpoint-dns"
OVERVIEW_PAGE = "https://learn.microsoft.com/azure/private-link/private-endpoint-overview"
LIMITS_PAGE = "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits"


def _storage_groups() -> frozenset[str]:
    services = ("blob", "table", "queue", "file", "web", "dfs")
    return frozenset({*services, *(f"{service}_secondary" for service in services)})


GROUP_IDS: Mapping[str, frozenset[str]] = {
    "microsoft.storage/storageaccounts": _storage_groups(),
    "microsoft.keyvault/vaults": frozenset({"vault"}),
    "microsoft.sql/servers": frozenset({"sqlServer"}),
    "microsoft.web/sites": frozenset({"sites"}),
    "microsoft.datafactory/factories": frozenset({"dataFactory", "portal"}),
}
"""Private-link sub-resources (group ids) by target type, from the private DNS zone values page."""
NO_PRIVATE_LINK_PLAN_TIERS = ("Dynamic",)
"""App Service plan tiers whose sites take no private endpoint: the Consumption plan (Y1)."""


def _connections(reg: Registration) -> Iterator[tuple[str | None, list[Any]]]:
    """(target id, group ids) of a private endpoint's connections, or of a factory's managed private endpoint."""
    if reg.type == ResourceType.MANAGED_PRIVATE_ENDPOINT:
        properties = reg.inputs.get("properties") or {}
        yield known_str(get(properties, "privateLinkResourceId")), [get(properties, "groupId")]
        return
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for connection in reg.inputs.get(key) or []:
            groups = get(connection, "groupIds")
            yield known_str(get(connection, "privateLinkServiceId")), groups if isinstance(groups, list) else []


def _group_ids(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.PRIVATE_ENDPOINT, ResourceType.MANAGED_PRIVATE_ENDPOINT):
        for target, groups in _connections(reg):
            target_type = arm_type(target)
            allowed = GROUP_IDS.get(target_type or "")
            if allowed is None:
                continue
            lowered = {group.lower() for group in allowed}
            if len(groups) != 1 and reg.type == ResourceType.PRIVATE_ENDPOINT:
                yield (
                    reg,
                    f"connection to {target_type} has {len(groups)} group ids; a first-party target takes exactly one",
                )
            for group in groups:
                text = known_str(group)
                if (
                    text
                    and text.lower() not in lowered
                    and not (target_type == "microsoft.web/sites" and text.lower().startswith("sites-"))
                ):
                    yield (
                        reg,
                        f"group id {text!r} is not a sub-resource of {target_type}; "
                        f"it has {', '.join(sorted(allowed))}",
                    )


def _site_plan(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.PRIVATE_ENDPOINT, ResourceType.MANAGED_PRIVATE_ENDPOINT):
        for target, _groups in _connections(reg):
            site = view.resource(target)
            if site is None or site.type != ResourceType.WEB_APP:
                continue
            plan = view.resource(site.inputs.get("serverFarmId"))
            tier = get(plan.inputs, "sku", "tier") if plan else None
            if tier in NO_PRIVATE_LINK_PLAN_TIERS:
                yield reg, f"targets '{site.name}', whose plan is {tier} (Consumption): it takes no private endpoint"


def _endpoint_region(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.PRIVATE_ENDPOINT):
        _subnet, network = subnet_and_network(view, get(reg.inputs, "subnet", "id"))
        endpoint, vnet = location_of(reg), location_of(network)
        if endpoint and vnet and endpoint != vnet:
            yield reg, f"endpoint is in {endpoint}, its VNet '{network.name if network else ''}' in {vnet}"


def _zone_matches_group(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.PRIVATE_DNS_ZONE_GROUP):
        endpoint = view.arm_parent(reg)
        if endpoint is None or endpoint.type != ResourceType.PRIVATE_ENDPOINT:
            continue
        connections = endpoint.inputs.get("privateLinkServiceConnections") or []
        wanted = {ZONES.get(g, "") for c in connections for g in (get(c, "groupIds") or [])} - {""}
        configs = reg.inputs.get("privateDnsZoneConfigs") or []
        zones = {(known_str(get(c, "privateDnsZoneId")) or "").rstrip("/").rsplit("/", 1)[-1].lower() for c in configs}
        zones.discard("")
        if wanted and zones and not wanted <= zones:
            yield reg, f"registers in {', '.join(sorted(zones))}; its group id needs {', '.join(sorted(wanted))}"


ZONE_GROUPS_PER_ENDPOINT = 1
ZONES_PER_GROUP = 5


def _zone_group_limits(view: PlanView) -> Iterator[Finding]:
    per_endpoint: dict[str, list[Registration]] = {}
    for reg in view.of_type(ResourceType.PRIVATE_DNS_ZONE_GROUP):
        configs = reg.inputs.get("privateDnsZoneConfigs")
        if isinstance(configs, list) and len(configs) > ZONES_PER_GROUP:
            yield reg, f"{len(configs)} DNS zones in one zone group; Azure allows {ZONES_PER_GROUP}"
        endpoint = known_str(reg.inputs.get("privateEndpointName"))
        group = known_str(reg.inputs.get("resourceGroupName")) or ""
        if endpoint:
            per_endpoint.setdefault(f"{group.lower()}/{endpoint.lower()}", []).append(reg)
    for groups in per_endpoint.values():
        for reg in groups[ZONE_GROUPS_PER_ENDPOINT:]:
            yield reg, f"a second DNS zone group on one private endpoint (with '{groups[0].name}'); Azure allows one"


REGISTRATION_ZONES_PER_VNET = 1
LINKS_PER_ZONE = 1000
REGISTRATION_LINKS_PER_ZONE = 100


def _links(view: PlanView) -> Iterator[tuple[Registration, str, str]]:
    for reg in view.of_type(ResourceType.VIRTUAL_NETWORK_LINK):
        vnet = known_str(get(reg.inputs, "virtualNetwork", "id"))
        zone = known_str(reg.inputs.get("privateZoneName"))
        group = known_str(reg.inputs.get("resourceGroupName")) or ""
        if vnet and zone:
            yield reg, vnet.rstrip("/").lower(), f"{group.lower()}/{zone.lower()}"


def _auto_registration(view: PlanView) -> Iterator[Finding]:
    registering: dict[str, list[Registration]] = {}
    for reg, vnet, _zone in _links(view):
        if reg.inputs.get("registrationEnabled") is True:
            registering.setdefault(vnet, []).append(reg)
    for links in registering.values():
        for reg in links[REGISTRATION_ZONES_PER_VNET:]:
            yield (
                reg,
                (
                    f"a second zone with auto-registration for one VNet (with '{links[0].name}'): "
                    "'A virtual network can only be linked to 1 Private DNS zone(s) with auto-registration enabled'"
                ),
            )


def _link_limits(view: PlanView) -> Iterator[Finding]:
    pairs: dict[tuple[str, str], Registration] = {}
    per_zone: dict[str, list[Registration]] = {}
    for reg, vnet, zone in _links(view):
        if (vnet, zone) in pairs:
            yield reg, f"links the same zone and VNet as '{pairs[(vnet, zone)].name}'; a VNet is linked to a zone once"
        else:
            pairs[(vnet, zone)] = reg
        per_zone.setdefault(zone, []).append(reg)
    for links in per_zone.values():
        for reg in links[LINKS_PER_ZONE:]:
            yield reg, f"{len(links)} VNet links on one zone; Azure allows {LINKS_PER_ZONE}"
        registering = [reg for reg in links if reg.inputs.get("registrationEnabled") is True]
        for reg in registering[REGISTRATION_LINKS_PER_ZONE:]:
            yield (
                reg,
                f"{len(registering)} auto-registration links on one zone; Azure allows {REGISTRATION_LINKS_PER_ZONE}",
            )


_DNS_LINKS = Source(
    "https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links",
    "a virtual network can be linked to a zone once; a VNet can be the registration network of one zone only",
)
_DNS_LIMITS = Source(
    LIMITS_PAGE,
    "private DNS: 1,000 virtual network links per zone; 100 links with auto-registration per zone; a VNet can be "
    "linked with auto-registration to 1 zone",
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="private-endpoint-dns-zone-matches-group",
        types=(ResourceType.PRIVATE_DNS_ZONE_GROUP,),
        reason="A private endpoint is resolved through the private DNS zone of its group id; records in another zone "
        "are never looked up, so callers keep resolving the public address.",
        fix="Register the endpoint's zone group in the zone of its group id (stack/private_dns.py ZONE_BY_GROUP_ID).",
        sources=(
            Source(
                DNS_PAGE,
                "each sub-resource (group id) has its zone: blob -> privatelink.blob.core.windows.net, "
                "vault -> privatelink.vaultcore.azure.net, sqlServer -> privatelink.database.windows.net, "
                "sites -> privatelink.azurewebsites.net, ...",
            ),
        ),
        check=_zone_matches_group,
    ),
    Rule(
        name="private-endpoint-group-id",
        types=(ResourceType.PRIVATE_ENDPOINT, ResourceType.MANAGED_PRIVATE_ENDPOINT),
        reason="A private endpoint (or a factory's managed private endpoint) connects to exactly one sub-resource its "
        "target offers: blob, dfs, queue, table, file or web on storage, vault on Key Vault, sqlServer on SQL, "
        "sites on a site.",
        fix="Use the target's group id (stack/private_dns.py ENDPOINT_GROUPS).",
        sources=(
            Source(DNS_PAGE, "the sub-resources each service offers, with their zones"),
            Source(
                "https://github.com/hashicorp/terraform-provider-azurerm/issues/5820",
                "ARM 400 OnlyOneGroupIdPermitted: 'Only one group Id is permitted when connecting to a first-party "
                "resource'",
            ),
            Source(
                "https://github.com/Azure/azure-cli/issues/15136",
                "ARM: MissingParameterOnPrivateLinkServiceConnection, 'is missing required parameter group Id'",
            ),
        ),
        check=_group_ids,
    ),
    Rule(
        name="private-endpoint-site-plan",
        types=(ResourceType.PRIVATE_ENDPOINT, ResourceType.MANAGED_PRIVATE_ENDPOINT),
        reason="A site on the Consumption plan takes no private endpoint and no VNet; an endpoint to it is refused.",
        fix="Host the site on Flex Consumption (or Premium) before giving it private endpoints.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan",
                "virtual networks: Consumption not supported, Flex Consumption supported",
            ),
            Source(
                "https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint",
                "managed private endpoints reach Azure Functions on the Premium plan (the page does not mention Flex "
                "Consumption, which supports inbound private endpoints; no refusal of it is recorded)",
            ),
        ),
        check=_site_plan,
    ),
    Rule(
        name="private-endpoint-vnet-region",
        types=(ResourceType.PRIVATE_ENDPOINT,),
        reason="A private endpoint is created in the region of its virtual network (the target may be elsewhere).",
        fix="Give the endpoint its VNet's location.",
        sources=(
            Source(
                OVERVIEW_PAGE,
                "the private endpoint must be deployed in the same region and subscription as "
                "the virtual network; the private-link resource can be in another region",
            ),
        ),
        check=_endpoint_region,
    ),
    Rule(
        name="private-endpoint-zone-group-limits",
        types=(ResourceType.PRIVATE_DNS_ZONE_GROUP,),
        reason="A private endpoint takes one DNS zone group, and a zone group at most five zones.",
        fix="Put every zone of an endpoint in its one zone group.",
        sources=(
            Source(
                LIMITS_PAGE,
                "Private Link: private DNS zone groups linked to a private endpoint 1; DNS zones in each group 5",
            ),
        ),
        check=_zone_group_limits,
    ),
    Rule(
        name="private-dns-auto-registration",
        types=(ResourceType.VIRTUAL_NETWORK_LINK,),
        reason="A VNet can auto-register its VMs in one private DNS zone only; a second registration link is refused "
        "(Conflict).",
        fix="Keep registrationEnabled false on the privatelink zones (components/network.py).",
        sources=(
            _DNS_LINKS,
            _DNS_LIMITS,
            Source(
                "https://github.com/Azure/terraform-azurerm-caf-enterprise-scale/issues/157",
                'ARM: Code="Conflict" Message="A virtual network can only be linked to 1 Private DNS zone(s) with '
                'auto-registration enabled"',
            ),
        ),
        check=_auto_registration,
    ),
    Rule(
        name="private-dns-link-limits",
        types=(ResourceType.VIRTUAL_NETWORK_LINK,),
        reason="A zone is linked to a VNet once, takes at most 1,000 links, of which at most 100 auto-register.",
        fix="Link each zone to each VNet once.",
        sources=(_DNS_LINKS, _DNS_LIMITS),
        check=_link_limits,
    ),
)
