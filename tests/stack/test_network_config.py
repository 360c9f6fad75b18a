"""The network config: closed by default, and an address plan that fits in its space, without overlaps, large enough."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from stack.network_config import NetworkConfig

POOL = {"organizationUrl": "https://dev.azure.com/contoso"}


def _config(**overrides: Any) -> NetworkConfig:
    return NetworkConfig.model_validate({"agentPool": POOL, **overrides})


def _error(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as info:
        _config(**overrides)
    return str(info.value)


def test_a_stack_that_says_nothing_is_private() -> None:
    assert _config().private_networking is True


def test_a_private_stack_without_an_agent_pool_is_refused_naming_the_key() -> None:
    with pytest.raises(ValidationError, match="agentPool is required when privateNetworking is true"):
        NetworkConfig.model_validate({})


def test_a_public_stack_needs_no_agent_pool() -> None:
    assert NetworkConfig.model_validate({"privateNetworking": False}).agent_pool is None


def test_the_default_plan_fits_the_default_space() -> None:
    config = _config()
    nets = config.subnets.networks()
    assert all(net.subnet_of(config.vnet_prefix) for net in nets.values())


def test_a_subnet_outside_the_address_space_is_named() -> None:
    message = _error(subnets={"agents": "10.30.0.0/27"})
    assert "subnets.agents 10.30.0.0/27 is not inside addressSpace 10.20.0.0/24" in message


def test_overlapping_subnets_are_named_both() -> None:
    message = _error(subnets={"functionApp": "10.20.0.0/26"})
    assert "subnets.privateEndpoints 10.20.0.0/27 overlaps subnets.functionApp 10.20.0.0/26" in message


def test_a_function_subnet_smaller_than_a_28_is_refused() -> None:
    message = _error(subnets={"functionApp": "10.20.0.64/29"})
    assert "subnets.functionApp 10.20.0.64/29 is a /29; VNet integration needs a /28 or larger" in message


def test_a_28_function_subnet_is_enough() -> None:
    assert _config(subnets={"functionApp": "10.20.0.64/28"}).subnets.function_app == "10.20.0.64/28"


def test_a_private_endpoint_subnet_without_room_for_every_endpoint_is_refused() -> None:
    message = _error(subnets={"privateEndpoints": "10.20.0.0/29"})
    assert "subnets.privateEndpoints 10.20.0.0/29 leaves 3 addresses" in message


def test_an_agents_subnet_smaller_than_the_pool_is_refused() -> None:
    message = _error(agentPool={**POOL, "maximumConcurrency": 30})
    assert "subnets.agents 10.20.0.128/27 leaves 27 addresses" in message
    assert "maximumConcurrency is 30" in message


def test_host_bits_and_ipv6_are_refused() -> None:
    assert "with its host bits zero" in _error(addressSpace="10.20.0.1/24")
    assert "IPv6" in _error(addressSpace="fd00::/64")


def test_unknown_keys_are_refused() -> None:
    assert "Extra inputs are not permitted" in _error(subnet={"agents": "10.20.0.128/27"})


def test_the_organization_must_be_an_azure_devops_url() -> None:
    assert "organizationUrl" in _error(agentPool={"organizationUrl": "https://github.com/contoso"})
