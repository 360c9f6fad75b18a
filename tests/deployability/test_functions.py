"""Flex Consumption: region, scale, runtime, one app per plan, slots, settings and the integration subnet."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from preview.plan import Plan
from preview.resource_types import ResourceType
from tests.support.catalogue import details, edited, fired, one_of, replaced
from tests.support.registrations import reg

FLEX_REGIONS = (
    *("australiaeast", "australiasoutheast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastasia"),
    *("eastus", "eastus2", "francecentral", "germanywestcentral", "italynorth", "japaneast", "koreacentral"),
    *("northcentralus", "northeurope", "norwayeast", "southafricanorth", "southcentralus", "southeastasia"),
    *("southindia", "spaincentral", "swedencentral", "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope"),
    *("westus", "westus2", "westus3"),
)
"""The 31 regions `az functionapp list-flexconsumption-locations` listed when stack/azure_limits.py's table was read,
written out here, not read from that table: a region the table loses fails its case."""
FLEX_LOW_SCALE_REGIONS = ("australiaeast", "westeurope", "westus2")
"""Where a Flex Consumption app may scale to fewer than 40 instances (the table's low-scale regions)."""
FLEX_INSTANCE_MEMORY_MB = (512, 2048, 4096)
"""Flex Consumption's instance sizes (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan)."""
FLEX_RUNTIMES = {
    "dotnet-isolated": ("8.0", "9.0", "10.0"),
    "java": ("11", "17", "21"),
    "node": ("20", "22"),
    "powershell": ("7.4",),
    "python": ("3.10", "3.11", "3.12", "3.13", "3.14"),
}
"""The stacks and versions Flex Consumption runs, as `az functionapp list-flexconsumption-runtimes` listed them."""


APP = "platform-generator-app"
PLAN = "platform-generator-plan"
SUBNET = "platform-network-function-app"


def scaled(plan: Plan, location: str, **scale: Any) -> list[str]:
    def change(inputs: dict[str, Any]) -> None:
        inputs["location"] = location
        inputs["functionAppConfig"]["scaleAndConcurrency"].update(scale)

    return fired(edited(plan, APP, change), "flex-scale")


def test_region_fires_for_the_plan_and_the_app_outside_the_flex_regions(dev: Plan) -> None:
    regs = replaced(replaced(dev.all_resources, PLAN, location="switzerlandnorth"), APP, location="switzerlandnorth")
    found = details(regs, "flex-region")
    assert [name for name, _ in found] == [APP, PLAN]
    assert all(detail.startswith("Flex Consumption is not offered in switzerlandnorth") for _, detail in found)


@pytest.mark.parametrize("location", FLEX_REGIONS)
def test_region_is_quiet_in_every_flex_region(dev: Plan, location: str) -> None:
    assert fired(replaced(dev.all_resources, PLAN, location=location), "flex-region") == []


def test_region_compares_the_display_form_of_a_location(dev: Plan) -> None:
    assert fired(replaced(dev.all_resources, PLAN, location="West Europe"), "flex-region") == []


def test_scale_fires_below_40_where_the_region_keeps_the_floor_and_is_quiet_at_40(dev: Plan) -> None:
    assert scaled(dev, "northeurope", maximumInstanceCount=39) == [
        "maximumInstanceCount 39 is outside 40-1000, what Flex Consumption allows in northeurope"
    ]
    assert scaled(dev, "northeurope", maximumInstanceCount=40) == []


@pytest.mark.parametrize("location", FLEX_LOW_SCALE_REGIONS)
def test_scale_is_quiet_down_to_1_in_the_regions_that_allow_it(dev: Plan, location: str) -> None:
    assert scaled(dev, location, maximumInstanceCount=1) == []
    assert scaled(dev, location, maximumInstanceCount=0) == [
        f"maximumInstanceCount 0 is outside 1-1000, what Flex Consumption allows in {location}"
    ]


def test_scale_fires_above_1000(dev: Plan) -> None:
    assert scaled(dev, "westeurope", maximumInstanceCount=1000) == []
    assert scaled(dev, "westeurope", maximumInstanceCount=1001)[0].startswith("maximumInstanceCount 1001 is outside")


@pytest.mark.parametrize("memory", FLEX_INSTANCE_MEMORY_MB)
def test_scale_is_quiet_for_each_instance_size(dev: Plan, memory: int) -> None:
    assert scaled(dev, "westeurope", instanceMemoryMB=memory) == []


def test_scale_fires_for_a_memory_size_flex_does_not_have(dev: Plan) -> None:
    assert scaled(dev, "westeurope", instanceMemoryMB=1024) == [
        "instanceMemoryMB 1024 is not an instance size; sizes: 512, 2048, 4096"
    ]


def runtime(plan: Plan, name: str, version: str) -> list[str]:
    return fired(
        edited(
            plan, APP, lambda inputs: inputs["functionAppConfig"].update(runtime={"name": name, "version": version})
        ),
        "flex-runtime-version",
    )


@pytest.mark.parametrize(("name", "version"), [(n, v) for n, vs in FLEX_RUNTIMES.items() for v in vs])
def test_runtime_is_quiet_for_every_listed_version(dev: Plan, name: str, version: str) -> None:
    assert runtime(dev, name, version) == []


def test_runtime_fires_for_an_unlisted_version_and_stack_and_ignores_the_case_of_the_stack(dev: Plan) -> None:
    assert runtime(dev, "python", "3.9") == [
        "python 3.9 is not supported; Flex Consumption runs 3.10, 3.11, 3.12, 3.13, 3.14"
    ]
    assert runtime(dev, "Python", "3.11") == []
    assert runtime(dev, "dotnet", "8.0")[0].startswith("runtime 'dotnet' is not a Flex Consumption stack")


def test_one_app_per_plan_fires_for_a_second_app_on_the_plan(dev: Plan) -> None:
    app = one_of(dev, APP)
    twin = dataclasses.replace(
        app, urn=app.urn + "-twin", name=APP + "-twin", inputs={**app.inputs, "name": "func-twin"}
    )
    assert details([*dev.all_resources, twin], "flex-one-app-per-plan") == [
        (APP + "-twin", f"shares its Flex Consumption plan with '{APP}'")
    ]
    # The plan's id in other letter case is the same plan: ARM ids ignore case.
    shouting = dataclasses.replace(twin, inputs={**twin.inputs, "serverFarmId": app.inputs["serverFarmId"].upper()})
    assert details([*dev.all_resources, shouting], "flex-one-app-per-plan") == [
        (APP + "-twin", f"shares its Flex Consumption plan with '{APP}'")
    ]


def test_scale_is_not_judged_where_the_app_has_no_location(dev: Plan) -> None:
    """Without a location the floor is unknown (40, or 1 in the low-scale regions): 5 instances may be fine."""

    def unplaced(inputs: dict[str, Any]) -> None:
        inputs.pop("location")
        inputs["functionAppConfig"].update(scaleAndConcurrency={"maximumInstanceCount": 5})

    regs = edited(dev, APP, unplaced)
    assert fired(regs, "flex-scale") == []


def test_one_app_per_plan_is_quiet_for_an_app_on_another_plan(dev: Plan) -> None:
    app = one_of(dev, APP)
    other = dataclasses.replace(
        app,
        urn=app.urn + "-other",
        name="other",
        inputs={**app.inputs, "name": "func-other", "serverFarmId": app.inputs["serverFarmId"] + "-2"},
    )
    assert fired([*dev.all_resources, other], "flex-one-app-per-plan") == []


def test_no_slots_fires_for_a_slot_of_the_flex_app_and_is_quiet_for_another_site(dev: Plan) -> None:
    slot = reg(ResourceType.WEB_APP_SLOT, "slot", name=one_of(dev, APP).inputs["name"], slot="staging")
    assert fired([*dev.all_resources, slot], "flex-no-slots") == [
        f"is a deployment slot of the Flex Consumption app '{APP}'"
    ]
    elsewhere = reg(ResourceType.WEB_APP_SLOT, "slot", name="some-other-site", slot="staging")
    assert fired([*dev.all_resources, elsewhere], "flex-no-slots") == []


@pytest.mark.parametrize("setting", ["WEBSITE_TIME_ZONE", "TZ", "tz", "WEBSITE_LOAD_CERTIFICATES"])
def test_app_settings_fire_for_time_zones_and_certificates(dev: Plan, setting: str) -> None:
    regs = edited(dev, APP, lambda inputs: inputs["siteConfig"]["appSettings"].append({"name": setting, "value": "x"}))
    (detail,) = fired(regs, "flex-app-settings-unsupported")
    assert detail.startswith(f"app setting {setting} (")


# ------------------------------------------------------------------ the integration subnet (prod is private)


def in_subnet(plan: Plan, subnet_id: str) -> list[Any]:
    return edited(plan, APP, lambda inputs: inputs.update(virtualNetworkSubnetId=subnet_id))


def test_subnet_name_fires_for_an_underscore_and_is_quiet_for_the_committed_name(prod: Plan) -> None:
    site = one_of(prod, APP)
    renamed = site.inputs["virtualNetworkSubnetId"].replace("snet-function-app", "snet_function_app")
    assert fired(in_subnet(prod, renamed), "flex-vnet-subnet-name") == [
        "integration subnet name 'snet_function_app' contains '_'"
    ]
    assert fired(prod.all_resources, "flex-vnet-subnet-name") == []


def test_dedicated_fires_for_a_private_endpoint_an_extra_delegation_and_the_pool_in_the_subnet(prod: Plan) -> None:
    subnet_id = one_of(prod, APP).inputs["virtualNetworkSubnetId"]
    endpoint = "platform-pe-lake-blob-endpoint"
    regs = edited(prod, endpoint, lambda inputs: inputs.update(subnet={"id": subnet_id}))
    assert fired(regs, "flex-vnet-subnet-dedicated") == [
        f"integration subnet also holds the private endpoint '{endpoint}'"
    ]

    def delegate_twice(inputs: dict[str, Any]) -> None:
        inputs["delegations"].append({"name": "web", "serviceName": "Microsoft.Web/serverFarms"})

    assert fired(edited(prod, SUBNET, delegate_twice), "flex-vnet-subnet-dedicated") == [
        "integration subnet is also delegated to Microsoft.Web/serverFarms"
    ]
    regs = edited(
        prod, "platform-agents-pool", lambda i: i["fabricProfile"]["networkProfile"].update(subnetId=subnet_id)
    )
    assert fired(regs, "flex-vnet-subnet-dedicated") == [
        "integration subnet also holds the Managed DevOps Pool 'platform-agents-pool'"
    ]


def test_subnet_size_fires_below_a_28_and_is_quiet_at_a_28(prod: Plan) -> None:
    assert fired(replaced(prod.all_resources, SUBNET, addressPrefix="10.20.0.64/29"), "flex-vnet-subnet-size") == [
        "integration subnet 10.20.0.64/29 is smaller than a /28"
    ]
    assert fired(replaced(prod.all_resources, SUBNET, addressPrefix="10.20.0.64/28"), "flex-vnet-subnet-size") == []


def test_vnet_region_fires_when_the_vnet_is_in_another_region(prod: Plan) -> None:
    regs = replaced(prod.all_resources, "platform-network-vnet", location="northeurope")
    assert fired(regs, "flex-vnet-region") == [
        "app is in westeurope, its integration VNet 'platform-network-vnet' in northeurope"
    ]
    assert (
        fired(replaced(prod.all_resources, "platform-network-vnet", location="West Europe"), "flex-vnet-region") == []
    )
