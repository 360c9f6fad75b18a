"""The foundation: planned offline first, its exports answer the platform's stack reference, and it refuses what it
cannot deploy before registering anything."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ops.cli.main import main
from ops.plan import run_plan
from preview.mocks import STACK_REFERENCE, Registration
from preview.plan import Plan, copy_program, run_program
from stack.errors import ConfigError
from stack.foundation import (
    FOUNDATION_PROJECT,
    FoundationMissingError,
    FoundationOutput,
    foundation_config,
    foundation_dir,
)
from stack.pool_quota import PoolQuotaError
from tests.support.checkout import PROJECT_DIR

PRIVATE = ("test", "prod")


@pytest.fixture(scope="module")
def foundations() -> dict[str, Plan]:
    """Each private stack's foundation, planned alone with every check."""
    return {stack: run_plan(stack, foundation_dir(PROJECT_DIR)) for stack in PRIVATE}


def named(plan: Plan, name: str) -> Registration:
    (found,) = [reg for reg in plan.resources if reg.name == name]
    return found


@pytest.mark.parametrize("stack", PRIVATE)
def test_the_foundation_holds_the_group_the_network_and_the_pool_at_its_root(
    foundations: dict[str, Plan], stack: str
) -> None:
    plan = foundations[stack]
    assert plan.project == FOUNDATION_PROJECT
    roots = {reg.name for reg in plan.resources if reg.parent == plan.stack_urn}
    assert roots == {"platform-rg", "platform-network", "platform-agents"}
    group = named(plan, "platform-rg-group")
    assert group.inputs["resourceGroupName"] == f"rg-konnektmack-{stack}-weu"
    assert group.retain_on_delete, "the platform deploys into the group: the foundation never deletes it"


@pytest.mark.parametrize("stack", PRIVATE)
def test_the_exports_are_the_contract_and_name_the_foundations_own_resources(
    foundations: dict[str, Plan], stack: str
) -> None:
    plan = foundations[stack]
    outputs = plan.outputs
    assert set(outputs) == {key.value for key in FoundationOutput}
    ids = {reg.inputs.get("subnetName"): reg for reg in plan.by_type("azure-native:network:Subnet")}
    assert outputs["agents_subnet_id"].endswith("/subnets/snet-agents")
    assert outputs["function_app_subnet_id"].endswith("/subnets/snet-function-app")
    assert outputs["private_endpoints_subnet_id"].endswith("/subnets/snet-private-endpoints")
    assert set(ids) == {"snet-agents", "snet-function-app", "snet-private-endpoints"}
    zones = {reg.inputs["privateZoneName"] for reg in plan.by_type("azure-native:privatedns:PrivateZone")}
    assert set(outputs["zone_ids"]) == zones
    assert outputs["agent_pool_name"] == named(plan, "platform-agents-pool").inputs["poolName"]
    assert outputs["resource_group_name"] == f"rg-konnektmack-{stack}-weu"


@pytest.mark.parametrize("stack", PRIVATE)
def test_the_platform_deploys_into_the_foundations_group_subnets_and_zones(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    (foundation,) = plan.upstream
    outputs = foundation.outputs
    assert plan.by_type("azure-native:resources:ResourceGroup") == []
    assert plan.by_type("azure-native:network:VirtualNetwork") == []
    groups = {reg.inputs["resourceGroupName"] for reg in plan.resources if "resourceGroupName" in reg.inputs}
    assert groups == {outputs["resource_group_name"]}
    endpoints = plan.by_type("azure-native:network:PrivateEndpoint")
    assert endpoints and {reg.inputs["subnet"]["id"] for reg in endpoints} == {outputs["private_endpoints_subnet_id"]}
    zone_groups = plan.by_type("azure-native:network:PrivateDnsZoneGroup")
    used = {config["privateDnsZoneId"] for reg in zone_groups for config in reg.inputs["privateDnsZoneConfigs"]}
    assert used <= set(outputs["zone_ids"].values())
    (app,) = [reg for reg in plan.by_type("azure-native:web:WebApp")]
    assert app.inputs["virtualNetworkSubnetId"] == outputs["function_app_subnet_id"]


def test_dev_has_no_foundation_and_reads_none(plans: dict[str, Plan]) -> None:
    assert plans["dev"].upstream == ()
    assert plans["dev"].by_type("azure-native:resources:ResourceGroup")


def test_a_private_stack_without_a_foundation_stack_is_refused_before_anything_registers(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("test", "prod"))
    (tmp_path / "foundation" / "Pulumi.test.yaml").unlink()
    with pytest.raises(FoundationMissingError, match=r"foundation/Pulumi.test.yaml does not exist: create that stack"):
        run_program("test", tmp_path)


def test_a_stack_made_public_by_its_config_reads_no_foundation(public_test: Plan) -> None:
    plan = public_test
    assert plan.upstream == ()
    assert plan.by_type("azure-native:resources:ResourceGroup")


def test_own_keys_in_the_foundations_stack_file_are_refused_naming_where_they_belong() -> None:
    with pytest.raises(
        ConfigError, match=r"foundation/Pulumi.test.yaml: data-platform:prefix: .* set these keys there"
    ):
        foundation_config("test", PROJECT_DIR, {"data-platform:prefix": "other", "azure-native:location": "x"})


def test_a_public_stack_has_no_foundation() -> None:
    with pytest.raises(ConfigError, match=r"Pulumi.dev.yaml: .*privateNetworking: dev is not private"):
        foundation_config("dev", PROJECT_DIR, {})


def test_the_devops_infrastructure_principal_is_required(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("test", "prod"))
    text = (tmp_path / "Pulumi.test.yaml").read_text()
    (tmp_path / "Pulumi.test.yaml").write_text(re.sub(r"\n\s*devOpsInfrastructurePrincipalId: \S+", "", text))
    with pytest.raises(ConfigError, match=r"devOpsInfrastructurePrincipalId: required key is missing.*az ad sp list"):
        run_plan("test", tmp_path)


def test_a_principal_id_that_is_not_a_guid_is_refused_naming_the_key(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("test", "prod"))
    text = (tmp_path / "Pulumi.test.yaml").read_text()
    (tmp_path / "Pulumi.test.yaml").write_text(
        re.sub(r"devOpsInfrastructurePrincipalId: \S+", "devOpsInfrastructurePrincipalId: DevOpsInfrastructure", text)
    )
    with pytest.raises(ConfigError, match=r"network.agentPool.devOpsInfrastructurePrincipalId: not a GUID"):
        run_plan("test", tmp_path)


def test_ops_plan_of_test_fails_when_test_and_prod_overrun_their_shared_quota(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("test", "prod"))
    for stack in PRIVATE:
        path = tmp_path / f"Pulumi.{stack}.yaml"
        path.write_text(path.read_text().replace("maximumConcurrency: 1", "maximumConcurrency: 2"))
    with pytest.raises(PoolQuotaError, match=r"need 8 cores .* but the quota is 5") as info:
        run_plan("test", tmp_path)
    assert info.value.registered_before_failure == 0


def test_ops_plan_plans_the_foundation_itself_with_project_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "test", "--project-dir", str(foundation_dir(PROJECT_DIR)), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["project"] == FOUNDATION_PROJECT
    assert any(r["type"] == "azure-native:devopsinfrastructure:Pool" for r in document["resources"])


def test_ops_plan_refuses_a_project_without_pulumi_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "test", "--project-dir", str(tmp_path)]) == 2
    assert f"--project-dir {tmp_path}: no Pulumi.yaml there" in capsys.readouterr().err


def test_the_stack_reference_is_not_recorded_as_a_resource(plans: dict[str, Plan]) -> None:
    assert [reg for reg in plans["test"].resources if reg.type == STACK_REFERENCE] == []


def test_pulumi_runs_the_foundation_from_the_repositorys_virtualenv() -> None:
    """One set of installed packages for both projects: the one the pipeline installs requirements.txt into."""
    project = yaml.safe_load((foundation_dir(PROJECT_DIR) / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["name"] == FOUNDATION_PROJECT
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "../.venv"}}
