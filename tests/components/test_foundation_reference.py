"""The platform's view of its foundation: one stack reference, same organization and stack, every output required."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
from pulumi_azure_native import resources

from components.foundation_reference import FoundationOutputError, read_foundation
from components.network import DEFAULT_ZONES
from preview.mocks import STACK_REFERENCE, PlatformMocks, RecordingMonitor, Registration, offline_program

ZONE_IDS = {zone: f"/zones/{zone}" for zone in DEFAULT_ZONES}
OUTPUTS: dict[str, Any] = {
    "resource_group_name": "rg-from-foundation",
    "vnet_id": "/vnet",
    "private_endpoints_subnet_id": "/vnet/subnets/snet-private-endpoints",
    "function_app_subnet_id": "/vnet/subnets/snet-function-app",
    "agents_subnet_id": "/vnet/subnets/snet-agents",
    "zone_ids": ZONE_IDS,
    "agent_pool_name": "mdp-x",
}


class _Recording(PlatformMocks):
    def __init__(self, outputs: dict[str, Any]) -> None:
        super().__init__("test", {"data-platform-foundation/test": outputs})
        self.references: list[str] = []

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == STACK_REFERENCE:
            self.references.append(str(args.inputs.get("name")))
        return super().new_resource(args)


def _read(outputs: dict[str, Any]) -> tuple[list[Registration], list[str]]:
    """Read the foundation in stack `test` of organization `contoso`, and use each output in a resource's inputs."""
    mocks = _Recording(outputs)
    monitor = RecordingMonitor(mocks)
    settings.reset_options(project="data-platform", stack="test", preview=True)
    pulumi_mocks.set_mocks(
        mocks, project="data-platform", stack="test", preview=True, monitor=monitor, organization="contoso"
    )

    def program() -> None:
        parent = pulumi.ComponentResource("test:index:Parent", "parent")
        foundation = read_foundation(parent)
        resources.ResourceGroup(
            "uses",
            resource_group_name=foundation.resource_group_name,
            tags={
                "subnet": foundation.private_endpoints_subnet_id,
                "zone": foundation.zone_ids["privatelink.vaultcore.azure.net"],
                "pool": foundation.agent_pool_name,
            },
        )

    try:
        _sync_await(run_pulumi_func(offline_program(program)))
    finally:
        settings.reset_options()
    return monitor.registrations, mocks.references


def test_the_platform_reads_its_own_stack_in_the_foundation_project_of_its_organization() -> None:
    registrations, references = _read(OUTPUTS)
    assert references == ["contoso/data-platform-foundation/test"]
    (uses,) = [reg for reg in registrations if reg.name == "uses"]
    assert uses.inputs["resourceGroupName"] == "rg-from-foundation"
    assert uses.inputs["tags"] == {
        "subnet": "/vnet/subnets/snet-private-endpoints",
        "zone": "/zones/privatelink.vaultcore.azure.net",
        "pool": "mdp-x",
    }


@pytest.mark.parametrize("missing", ["resource_group_name", "private_endpoints_subnet_id", "agent_pool_name"])
def test_an_output_the_foundation_lacks_stops_the_program_naming_it(missing: str) -> None:
    outputs = {key: value for key, value in OUTPUTS.items() if key != missing}
    with pytest.raises(
        FoundationOutputError, match=rf"contoso/data-platform-foundation/test has no output '{missing}'"
    ):
        _read(outputs)


def test_a_zone_the_foundation_lacks_stops_the_program_naming_it() -> None:
    zones = {zone: zone_id for zone, zone_id in ZONE_IDS.items() if "vaultcore" not in zone}
    with pytest.raises(FoundationOutputError, match=r"no output 'zone_ids.privatelink.vaultcore.azure.net'"):
        _read({**OUTPUTS, "zone_ids": zones})
