"""What a private platform stack reads from its foundation: resource group, subnets, DNS zones, agent pool.

The foundation (`foundation/`, stack/foundation.py) is deployed first, from a Microsoft-hosted agent; the platform
reads its outputs through a stack reference of the same organization and stack name
(https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences). Outputs a reference reads are known at preview,
so the platform's plan shows real ids. An output the foundation does not have fails the program with
FoundationOutputError: the foundation stack was not deployed (or not with this version) before the platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.network import DEFAULT_ZONES
from stack.errors import InputError
from stack.foundation import FOUNDATION_DIR_NAME, FoundationOutput, reference_name


class FoundationOutputError(InputError):
    """The foundation stack lacks an output the platform needs."""


@dataclass(frozen=True)
class Foundation:
    """The foundation's outputs, one typed field each."""

    reference: str
    """The fully qualified name of the foundation stack."""
    resource_group_name: pulumi.Output[str]
    """The environment's resource group: the foundation creates it, the platform deploys into it."""
    private_endpoints_subnet_id: pulumi.Output[str]
    function_app_subnet_id: pulumi.Output[str]
    agents_subnet_id: pulumi.Output[str]
    zone_ids: Mapping[str, pulumi.Output[str]]
    """Private DNS zone id by zone name, for every zone of `components.network.DEFAULT_ZONES`."""
    agent_pool_name: pulumi.Output[str]


def _required(reference: str, key: str, value: Any) -> Any:
    if value is None:
        raise FoundationOutputError(
            f"the foundation stack {reference} has no output '{key}': deploy the foundation "
            f'(`pulumi up --cwd {FOUNDATION_DIR_NAME} --stack {reference}`, README "Deploying") before this stack'
        )
    return value


def read_foundation(parent: pulumi.Resource) -> Foundation:
    """The running stack's foundation, read through one stack reference parented to `parent`."""
    name = reference_name(pulumi.get_organization(), pulumi.get_stack())
    ref = pulumi.StackReference(f"{pulumi.get_stack()}-foundation", name, opts=pulumi.ResourceOptions(parent=parent))

    def output(key: FoundationOutput) -> pulumi.Output[Any]:
        return ref.get_output(key.value).apply(lambda value: _required(name, key.value, value))

    zones = output(FoundationOutput.ZONE_IDS)

    def zone(zone_name: str) -> pulumi.Output[str]:
        return zones.apply(
            lambda ids: str(_required(name, f"{FoundationOutput.ZONE_IDS}.{zone_name}", ids.get(zone_name)))
        )

    return Foundation(
        reference=name,
        resource_group_name=output(FoundationOutput.RESOURCE_GROUP_NAME),
        private_endpoints_subnet_id=output(FoundationOutput.PRIVATE_ENDPOINTS_SUBNET_ID),
        function_app_subnet_id=output(FoundationOutput.FUNCTION_APP_SUBNET_ID),
        agents_subnet_id=output(FoundationOutput.AGENTS_SUBNET_ID),
        zone_ids={zone_name: zone(zone_name) for zone_name in DEFAULT_ZONES},
        agent_pool_name=output(FoundationOutput.AGENT_POOL_NAME),
    )


__all__ = ["Foundation", "FoundationOutputError", "read_foundation"]
