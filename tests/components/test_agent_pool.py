"""The deploy agents' pool: stateless agents in the agents subnet, in a Dev Center project, serving one organization,
created once the DevOpsInfrastructure service principal may join the VNet."""

from __future__ import annotations

import pytest

from components.agent_pool import AgentPool, AgentPoolArgs
from components.shared import Placement
from preview.mocks import Registration
from stack.network_config import AgentPoolConfig
from tests.support.component_plan import build, only, schema_violations

VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"
SUBNET = f"{VNET}/subnets/snet-agents"
DEVOPS_INFRASTRUCTURE = "2f6d8c1a-4b3e-4d5f-9a7b-8c9d0e1f2a3b"
# Microsoft's ids of the two built-in roles (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


@pytest.fixture(scope="module")
def registrations() -> list[Registration]:
    args = AgentPoolArgs(
        placement=Placement(resource_group_name="rg", location="westeurope", tags={"environment": "test"}),
        pool=AgentPoolConfig(
            organization_url="https://dev.azure.com/contoso",
            projects=("data-platform",),
            maximum_concurrency=2,
            vm_size="Standard_D2ads_v5",
            image="ubuntu-24.04/latest",
        ),
        pool_name="mdp-konnektmack-test",
        dev_center_name="dc-konnektmack-test",
        project_name="dcp-konnektmack-test",
        subnet_id=SUBNET,
        vnet_id=VNET,
        devops_infrastructure_principal_id=DEVOPS_INFRASTRUCTURE,
        subscription_id="s",
    )
    return build(lambda: AgentPool("agents", args))


def test_pool_runs_in_the_agents_subnet(registrations: list[Registration]) -> None:
    fabric = only(registrations, "azure-native:devopsinfrastructure:Pool").inputs["fabricProfile"]
    assert fabric["kind"] == "Vmss"
    assert fabric["networkProfile"] == {"subnetId": SUBNET}
    assert fabric["sku"] == {"name": "Standard_D2ads_v5"}


def test_pool_belongs_to_the_dev_center_project_it_creates(registrations: list[Registration]) -> None:
    pool = only(registrations, "azure-native:devopsinfrastructure:Pool")
    project = only(registrations, "azure-native:devcenter:Project")
    assert pool.inputs["devCenterProjectResourceId"].endswith("/projects/dcp-konnektmack-test")
    assert project.urn in pool.depends_on
    assert project.inputs["devCenterId"].endswith("/providers/Microsoft.DevCenter/devcenters/dc-konnektmack-test")


def test_pool_serves_the_configured_organization_and_projects_with_stateless_agents(
    registrations: list[Registration],
) -> None:
    pool = only(registrations, "azure-native:devopsinfrastructure:Pool").inputs
    assert pool["poolName"] == "mdp-konnektmack-test"
    assert pool["maximumConcurrency"] == 2
    assert pool["agentProfile"] == {"kind": "Stateless"}
    assert pool["organizationProfile"] == {
        "kind": "AzureDevOps",
        "organizations": [{"url": "https://dev.azure.com/contoso", "parallelism": 2, "projects": ["data-platform"]}],
    }


def test_every_child_is_parented_to_the_component(registrations: list[Registration]) -> None:
    component = only(registrations, "data-platform:deploy:AgentPool")
    assert all(reg.parent == component.urn for reg in registrations if reg is not component)


def test_every_input_is_known_to_the_installed_sdk(registrations: list[Registration]) -> None:
    assert schema_violations(registrations) == []


def test_the_devops_infrastructure_principal_gets_reader_and_network_contributor_on_the_vnet_alone(
    registrations: list[Registration],
) -> None:
    grants = [reg for reg in registrations if reg.type == "azure-native:authorization:RoleAssignment"]
    assert sorted(reg.inputs["roleDefinitionId"].rsplit("/", 1)[1] for reg in grants) == sorted(
        [READER, NETWORK_CONTRIBUTOR]
    )
    for grant in grants:
        assert grant.inputs["scope"] == VNET
        assert grant.inputs["principalId"] == DEVOPS_INFRASTRUCTURE
        assert grant.inputs["principalType"] == "ServicePrincipal"


def test_the_pool_is_created_after_both_grants(registrations: list[Registration]) -> None:
    pool = only(registrations, "azure-native:devopsinfrastructure:Pool")
    grants = {reg.urn for reg in registrations if reg.type == "azure-native:authorization:RoleAssignment"}
    assert len(grants) == 2
    assert grants <= set(pool.depends_on)
