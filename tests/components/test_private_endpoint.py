"""A private endpoint: one connection to (target, group id) in the endpoints' subnet, published in the matching zone."""

from __future__ import annotations

import pytest

from components.private_endpoint import (
    ZONE_BY_GROUP_ID,
    MissingZoneError,
    PrivateEndpoint,
    PrivateEndpointArgs,
    UnknownGroupIdError,
)
from stack.errors import InputError
from tests.support.component_plan import build, only, schema_violations

LAKE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlake"
SUBNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe"
ZONES = {
    zone: f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/{zone}"
    for zone in ZONE_BY_GROUP_ID.values()
}


def _args(group_id: str, zone_ids: dict[str, str] = ZONES) -> PrivateEndpointArgs:
    return PrivateEndpointArgs(
        resource_group_name="rg",
        location="westeurope",
        endpoint_name=f"pe-stlake-{group_id}",
        target_resource_id=LAKE,
        group_id=group_id,
        subnet_id=SUBNET,
        zone_ids=zone_ids,
        tags={"environment": "test"},
    )


def test_the_group_id_table_matches_microsofts_zone_names() -> None:
    assert ZONE_BY_GROUP_ID["dfs"] == "privatelink.dfs.core.windows.net"
    assert ZONE_BY_GROUP_ID["vault"] == "privatelink.vaultcore.azure.net"
    assert ZONE_BY_GROUP_ID["sqlServer"] == "privatelink.database.windows.net"
    assert ZONE_BY_GROUP_ID["sites"] == "privatelink.azurewebsites.net"


def test_endpoint_connects_the_target_group_from_the_endpoints_subnet() -> None:
    regs = build(lambda: PrivateEndpoint("lake-dfs", _args("dfs")))
    component = only(regs, "data-platform:network:PrivateEndpoint")
    endpoint = only(regs, "azure-native:network:PrivateEndpoint")
    assert endpoint.parent == component.urn
    assert endpoint.inputs["subnet"] == {"id": SUBNET}
    (connection,) = endpoint.inputs["privateLinkServiceConnections"]
    assert connection["privateLinkServiceId"] == LAKE
    assert connection["groupIds"] == ["dfs"]


def test_zone_group_registers_the_endpoint_in_the_zone_of_its_group() -> None:
    regs = build(lambda: PrivateEndpoint("lake-dfs", _args("dfs")))
    group = only(regs, "azure-native:network:PrivateDnsZoneGroup")
    assert group.parent == only(regs, "data-platform:network:PrivateEndpoint").urn
    assert group.inputs["privateEndpointName"] == "pe-stlake-dfs"
    (config,) = group.inputs["privateDnsZoneConfigs"]
    assert config["privateDnsZoneId"] == ZONES["privatelink.dfs.core.windows.net"]


def test_an_unknown_group_id_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(UnknownGroupIdError, match=r"group_id 'mongo' has no private DNS zone; allowed: blob, dfs") as e:
        build(lambda: PrivateEndpoint("x", _args("mongo")))
    assert isinstance(e.value, InputError)


def test_a_network_without_the_zone_is_refused_naming_the_zones_it_has() -> None:
    only_blob = {"privatelink.blob.core.windows.net": ZONES["privatelink.blob.core.windows.net"]}
    with pytest.raises(MissingZoneError, match=r"x: zone_ids has no zone privatelink\.vaultcore\.azure\.net") as e:
        build(lambda: PrivateEndpoint("x", _args("vault", zone_ids=only_blob)))
    assert isinstance(e.value, InputError)
    assert "it has: privatelink.blob.core.windows.net" in str(e.value)


def test_every_input_is_known_to_the_installed_sdk() -> None:
    assert schema_violations(build(lambda: PrivateEndpoint("kv", _args("vault")))) == []
