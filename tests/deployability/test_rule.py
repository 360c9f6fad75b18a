"""The helpers the deployability rules share: a subnet's planned network, its name, the Flex Consumption plans."""

from __future__ import annotations

from deployability.rule import flex_plans, subnet_and_network, subnet_name
from preview.mocks import Registration
from preview.resource_types import ResourceType
from preview.view import UNKNOWN, PlanView
from tests.support.registrations import PROVIDERS, RESOURCE_GROUP, reg

NETWORK_ID = f"{PROVIDERS}/Microsoft.Network/virtualNetworks/vnet-a"
SUBNET_ID = f"{NETWORK_ID}/subnets/snet-apps"


def network() -> Registration:
    return reg(ResourceType.VIRTUAL_NETWORK, "vnet", virtualNetworkName="vnet-a", resourceGroupName=RESOURCE_GROUP)


def test_a_planned_subnet_comes_with_its_planned_network() -> None:
    vnet = network()
    subnet = reg(
        ResourceType.SUBNET,
        "subnet",
        subnetName="snet-apps",
        virtualNetworkName="vnet-a",
        resourceGroupName=RESOURCE_GROUP,
    )
    view = PlanView.of_registrations([vnet, subnet])
    assert subnet_and_network(view, SUBNET_ID) == (subnet, vnet)


def test_a_subnet_the_plan_does_not_hold_finds_its_network_from_the_id_in_any_case() -> None:
    vnet = network()
    view = PlanView.of_registrations([vnet])
    assert subnet_and_network(view, SUBNET_ID) == (None, vnet)
    assert subnet_and_network(view, SUBNET_ID.replace("/subnets/", "/SUBNETS/")) == (None, vnet)


def test_an_id_that_names_no_subnet_or_is_unknown_finds_nothing() -> None:
    view = PlanView.of_registrations([network()])
    assert subnet_and_network(view, f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake") == (None, None)
    assert subnet_and_network(view, UNKNOWN) == (None, None)
    assert subnet_and_network(view, None) == (None, None)


def test_a_subnet_name_is_the_last_segment_of_a_subnet_id_only() -> None:
    assert subnet_name(SUBNET_ID) == "snet-apps"
    assert subnet_name(SUBNET_ID + "/") == "snet-apps"
    assert subnet_name(SUBNET_ID.replace("/subnets/", "/Subnets/")) == "snet-apps"
    assert subnet_name(NETWORK_ID) is None
    assert subnet_name(UNKNOWN) is None
    assert subnet_name("") is None


def test_a_plan_is_flex_consumption_by_its_sku_name_or_tier_and_a_plan_without_a_sku_is_not() -> None:
    plans = [
        reg(ResourceType.APP_SERVICE_PLAN, "by-name", name="a", sku={"name": "FC1"}),
        reg(ResourceType.APP_SERVICE_PLAN, "by-tier", name="b", sku={"tier": "FlexConsumption"}),
        reg(ResourceType.APP_SERVICE_PLAN, "premium", name="c", sku={"name": "EP1", "tier": "ElasticPremium"}),
        reg(ResourceType.APP_SERVICE_PLAN, "unknown", name="d", sku=UNKNOWN),
        reg(ResourceType.APP_SERVICE_PLAN, "none", name="e"),
    ]
    assert [plan.name for plan in flex_plans(PlanView.of_registrations(plans))] == ["by-name", "by-tier"]
