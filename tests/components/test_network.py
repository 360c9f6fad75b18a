"""The network component: one VNet, three subnets with their delegations, every zone linked to the VNet."""

from __future__ import annotations

import pytest

from components.network import Network, NetworkArgs
from components.private_endpoint import PrivateEndpoint, PrivateEndpointArgs
from preview.mocks import Registration
from tests.support.component_plan import build, of_type, only, schema_violations

VIRTUAL_NETWORK_LINK = "azure-native:privatedns:VirtualNetworkLink"
ARGS = NetworkArgs(
    resource_group_name="rg-net",
    location="westeurope",
    vnet_name="vnet-test",
    address_space="10.20.0.0/24",
    private_endpoints_prefix="10.20.0.0/27",
    function_app_prefix="10.20.0.64/26",
    agents_prefix="10.20.0.128/27",
    tags={"environment": "test"},
)


@pytest.fixture(scope="module")
def registrations() -> list[Registration]:
    return build(lambda: Network("net", ARGS))


def _subnets(registrations: list[Registration]) -> dict[str, dict]:
    return {reg.inputs["subnetName"]: reg.inputs for reg in of_type(registrations, "azure-native:network:Subnet")}


def test_every_child_is_parented_to_the_component(registrations: list[Registration]) -> None:
    component = only(registrations, "data-platform:network:Network")
    assert all(reg.parent == component.urn for reg in registrations if reg is not component)


def test_the_vnet_takes_the_configured_address_space_and_lists_no_subnets_inline(
    registrations: list[Registration],
) -> None:
    vnet = only(registrations, "azure-native:network:VirtualNetwork").inputs
    assert vnet["addressSpace"] == {"addressPrefixes": ["10.20.0.0/24"]}
    assert "subnets" not in vnet


def test_function_subnet_is_delegated_to_app_environments_as_flex_requires(registrations: list[Registration]) -> None:
    subnet = _subnets(registrations)["snet-function-app"]
    assert subnet["addressPrefix"] == "10.20.0.64/26"
    assert [d["serviceName"] for d in subnet["delegations"]] == ["Microsoft.App/environments"]


def test_agents_subnet_is_delegated_to_managed_devops_pools(registrations: list[Registration]) -> None:
    subnet = _subnets(registrations)["snet-agents"]
    assert [d["serviceName"] for d in subnet["delegations"]] == ["Microsoft.DevOpsInfrastructure/pools"]


def test_private_endpoint_subnet_has_no_delegation_and_applies_network_policies(
    registrations: list[Registration],
) -> None:
    subnet = _subnets(registrations)["snet-private-endpoints"]
    assert subnet["delegations"] == []
    assert subnet["privateEndpointNetworkPolicies"] == "Enabled"


def test_subnets_are_written_one_after_another(registrations: list[Registration]) -> None:
    by_name = {reg.inputs["subnetName"]: reg for reg in of_type(registrations, "azure-native:network:Subnet")}
    assert by_name["snet-private-endpoints"].urn in by_name["snet-function-app"].depends_on
    assert by_name["snet-function-app"].urn in by_name["snet-agents"].depends_on


def test_each_private_link_zone_exists_once_and_is_linked_to_the_vnet_without_registration(
    registrations: list[Registration],
) -> None:
    zones = sorted(
        reg.inputs["privateZoneName"] for reg in of_type(registrations, "azure-native:privatedns:PrivateZone")
    )
    assert zones == sorted(
        [
            "privatelink.blob.core.windows.net",
            "privatelink.dfs.core.windows.net",
            "privatelink.queue.core.windows.net",
            "privatelink.table.core.windows.net",
            "privatelink.file.core.windows.net",
            "privatelink.vaultcore.azure.net",
            "privatelink.database.windows.net",
            "privatelink.azurewebsites.net",
        ]
    )
    links = of_type(registrations, "azure-native:privatedns:VirtualNetworkLink")
    assert sorted(link.inputs["privateZoneName"] for link in links) == zones
    assert all(link.inputs["virtualNetwork"]["id"].endswith("/virtualNetworks/vnet-test") for link in links)
    assert all(link.inputs["registrationEnabled"] is False for link in links)


def test_zone_ids_are_exposed_by_zone_name() -> None:
    seen: dict[str, str] = {}

    def program() -> None:
        net = Network("net", ARGS)
        net.zone_ids["privatelink.vaultcore.azure.net"].apply(lambda v: seen.setdefault("vault", v))
        net.function_app_subnet_id.apply(lambda v: seen.setdefault("subnet", v))

    build(program)
    assert seen["vault"].endswith("/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net")
    assert seen["subnet"].endswith("/snet-function-app")


def test_every_input_is_known_to_the_installed_sdk(registrations: list[Registration]) -> None:
    assert schema_violations(registrations) == []


def test_a_zone_group_registered_in_a_zone_of_the_network_waits_for_that_zones_link() -> None:
    """A zone id is handed out once the zone is linked to the VNet, so an endpoint published in it resolves from
    inside the VNet as soon as it exists."""

    def network_with_an_endpoint() -> None:
        network = Network("net", ARGS)
        PrivateEndpoint(
            "pe",
            PrivateEndpointArgs(
                resource_group_name="rg-net",
                location="westeurope",
                endpoint_name="pe-stlake-blob",
                target_resource_id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
                group_id="blob",
                subnet_id=network.private_endpoints_subnet_id,
                zone_ids=network.zone_ids,
                tags={},
            ),
        )

    registrations = build(network_with_an_endpoint)
    zone_group = only(registrations, "azure-native:network:PrivateDnsZoneGroup")
    links = {reg.inputs["privateZoneName"]: reg.urn for reg in of_type(registrations, VIRTUAL_NETWORK_LINK)}
    assert links["privatelink.blob.core.windows.net"] in zone_group.property_dependencies["privateDnsZoneConfigs"]
