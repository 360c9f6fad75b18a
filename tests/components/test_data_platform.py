"""The composed platform: every stack plans, and the rules that hold across all components."""

from __future__ import annotations

import json

import pytest

from ops.plan import run_plan
from preview import schema
from preview.mocks import MOCK_SUBSCRIPTION_ID
from preview.plan import Plan
from stack.tags import REQUIRED_TAGS
from tests.conftest import STACKS, by_urn, one

STATEFUL = ("azure-native:storage:StorageAccount", "azure-native:keyvault:Vault", "azure-native:sql:Database")


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_with_the_schema_check_on(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    assert plan.stack == stack
    types = {reg.type for reg in plan.resources}
    for component in ("DataLake", "KeyVault", "FunctionApp", "DataFactory", "SqlDatabase", "Monitoring"):
        assert any(t.endswith(f":{component}") for t in types), component
    checked = [r for r in plan.resources if r.custom and r.type.startswith(("azure-native:", "random:"))]
    assert checked and all(not schema.check_inputs(r.type, r.inputs) for r in checked)


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_resource_carries_the_required_tags(plans: dict[str, Plan], stack: str) -> None:
    taggable = [reg for reg in plans[stack].resources if reg.custom and schema.is_taggable(reg.type)]
    assert len(taggable) >= 10
    for reg in taggable:
        tags = reg.inputs.get("tags")
        assert isinstance(tags, dict), f"{reg.name} has no tags"
        assert set(REQUIRED_TAGS) <= set(tags), f"{reg.name} lacks {set(REQUIRED_TAGS) - set(tags)}"
        assert tags["environment"] == stack
        assert tags["managed-by"] == "pulumi"


@pytest.mark.parametrize("stack", STACKS)
def test_role_assignments_are_scoped_to_a_resource_never_the_subscription(plans: dict[str, Plan], stack: str) -> None:
    assignments = plans[stack].by_type("azure-native:authorization:RoleAssignment")
    assert len(assignments) >= 7
    for reg in assignments:
        scope = reg.inputs["scope"]
        assert scope.startswith(f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/"), scope
        assert "/providers/" in scope, f"{reg.name} is scoped to a whole resource group: {scope}"


def test_every_resource_hangs_under_a_component(dev: Plan) -> None:
    resources = by_urn(dev)
    for reg in dev.resources:
        if reg.type == "data-platform:index:DataPlatform":
            assert reg.parent == dev.stack_urn
            continue
        assert reg.parent in resources, f"{reg.name} has no parent component"
        if reg.custom:
            assert not resources[reg.parent].custom, f"{reg.name} is parented to a custom resource"


def test_stateful_resources_are_protected_and_retained_in_prod_only(plans: dict[str, Plan]) -> None:
    for type_token in STATEFUL:
        prod_resources = [r for r in plans["prod"].by_type(type_token) if "host-storage" not in r.name]
        dev_resources = [r for r in plans["dev"].by_type(type_token) if "host-storage" not in r.name]
        assert prod_resources and all(r.protect and r.retain_on_delete for r in prod_resources)
        assert dev_resources and all(not r.protect and r.retain_on_delete for r in dev_resources)
    locks = plans["prod"].by_type("azure-native:authorization:ManagementLockByScope")
    assert len(locks) == 3
    assert not plans["dev"].by_type("azure-native:authorization:ManagementLockByScope")


def test_no_secret_value_appears_in_plan_output(dev: Plan) -> None:
    text = json.dumps(dev.document())
    connection = one(dev, "azure-native:applicationinsights:Component")
    assert "InstrumentationKey=" not in text, "the App Insights connection string leaked"
    assert connection.inputs.get("connectionString") is None
    for secret in dev.by_type("azure-native:keyvault:Secret"):
        assert secret.inputs["properties"]["value"] == "[secret]"
    # The mock host key is derived from the app name; it must not be visible anywhere.
    app = one(dev, "azure-native:web:WebApp").inputs["name"]
    import hashlib

    host_key = hashlib.sha256(f"dev/{app}/default".encode()).hexdigest()
    assert host_key not in text


def test_planning_twice_gives_identical_output() -> None:
    first = json.dumps(run_plan("test").document(), sort_keys=True)
    second = json.dumps(run_plan("test").document(), sort_keys=True)
    assert first == second


def test_random_suffix_is_shared_by_every_globally_unique_name(dev: Plan) -> None:
    account = one(dev, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"]
    suffix = account[-4:]
    assert one(dev, "azure-native:keyvault:Vault").inputs["vaultName"].endswith(suffix)
    assert one(dev, "azure-native:datafactory:Factory").inputs["factoryName"].endswith(suffix)
    assert one(dev, "azure-native:web:WebApp").inputs["name"].endswith(suffix)
