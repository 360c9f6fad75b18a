"""The composed platform: every stack plans, and the rules that hold across all components."""

from __future__ import annotations

import json
import re

import pytest

from ops.plan import run_plan
from preview import schema
from preview.mocks import MOCK_SUBSCRIPTION_ID
from preview.plan import Plan
from stack.tags import REQUIRED_TAGS
from tests.conftest import STACKS, by_urn, one
from tests.support.checkout import PROJECT_DIR

STATEFUL = ("azure-native:storage:StorageAccount", "azure-native:keyvault:Vault", "azure-native:sql:Database")


COMPONENTS = {
    ("data-platform:index:DataPlatform", "platform", None),
    ("data-platform:monitoring:Monitoring", "platform-monitoring", "platform"),
    ("data-platform:storage:DataLake", "platform-lake", "platform"),
    ("data-platform:sql:SqlDatabase", "platform-sql", "platform"),
    ("data-platform:security:KeyVault", "platform-key-vault", "platform"),
    ("data-platform:compute:FunctionApp", "platform-generator", "platform"),
    ("data-platform:integration:DataFactory", "platform-adf", "platform"),
    ("data-platform:integration:DataFactoryContent", "platform-adf-content", "platform-adf"),
    ("data-platform:integration:FactoryNetwork", "platform-adf-network", "platform-adf"),
}
PRIVATE_ENDPOINTS = {
    ("lake", "blob", "platform-lake"),
    ("lake", "dfs", "platform-lake"),
    ("host", "blob", "platform-generator"),
    ("host", "queue", "platform-generator"),
    ("host", "table", "platform-generator"),
    ("vault", "vault", "platform-key-vault"),
    ("sql", "sqlserver", "platform-sql"),
    ("function", "sites", "platform-generator"),
}
"""Each data plane's private endpoints, under the component that owns the data plane."""
PUBLIC_COMPONENTS = {("data-platform:core:ResourceGroup", "platform-rg", "platform")}
"""What a public stack (dev) creates itself: its resource group."""
PRIVATE_COMPONENTS = {
    ("data-platform:network:PrivateEndpoint", f"platform-pe-{target}-{group}", owner)
    for target, group, owner in PRIVATE_ENDPOINTS
}
"""What a private stack (test, prod) adds: a private endpoint per data-plane sub-resource. Its resource group, VNet
and pool come from its foundation (tests/foundation)."""
DEPLOYED_UNDER = "data-platform:index:DataPlatform$data-platform:network:PrivateEndpoint"
"""The type part of the private endpoints' URNs in the deployed stacks, where the platform created them."""


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_composes_the_same_components_under_the_root(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    names = {reg.urn: reg.name for reg in plan.resources}
    components = {
        (reg.type, reg.name, names.get(reg.parent or ""))
        for reg in plan.resources
        if reg.type.startswith("data-platform:")
    }
    assert components == COMPONENTS | (PUBLIC_COMPONENTS if stack == "dev" else PRIVATE_COMPONENTS)


@pytest.mark.parametrize("stack", ("test", "prod"))
def test_each_moved_endpoint_answers_to_the_urn_it_was_deployed_under(plans: dict[str, Plan], stack: str) -> None:
    """The endpoints were the platform's own children; their alias lets the engine move, not replace, them."""
    endpoints = {reg.name: reg for reg in plans[stack].by_type("data-platform:network:PrivateEndpoint")}
    assert len(endpoints) == len(PRIVATE_ENDPOINTS)
    for target, group, _owner in PRIVATE_ENDPOINTS:
        name = f"platform-pe-{target}-{group}"
        deployed = f"urn:pulumi:{stack}::data-platform::{DEPLOYED_UNDER}::{name}"
        assert endpoints[name].urn != deployed
        assert endpoints[name].aliases == [deployed]


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_document_lists_every_resources_aliases(plans: dict[str, Plan], stack: str) -> None:
    document = plans[stack].document()["resources"]
    assert all(isinstance(resource["aliases"], list) for resource in document)
    aliased = {resource["name"] for resource in document if resource["aliases"]}
    expected = set() if stack == "dev" else {f"platform-pe-{target}-{group}" for target, group, _ in PRIVATE_ENDPOINTS}
    assert aliased == expected


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


def test_planning_twice_gives_identical_output(plans: dict[str, Plan]) -> None:
    first = json.dumps(plans["test"].document(), sort_keys=True)  # the session's plan of test, made earlier
    second = json.dumps(run_plan("test", PROJECT_DIR).document(), sort_keys=True)
    assert first == second


def test_random_suffix_is_shared_by_every_globally_unique_name(dev: Plan) -> None:
    account = one(dev, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"]
    match = re.fullmatch(r"stkonnektmackdevweu([a-z0-9]{4})", account)
    assert match, account
    suffix = match.group(1)
    assert one(dev, "azure-native:storage:StorageAccount", "host-storage").inputs["accountName"] == (
        f"stfnkonnektmackdev{suffix}"
    )
    assert one(dev, "azure-native:keyvault:Vault").inputs["vaultName"] == f"kv-konnektmack-dev-{suffix}"
    assert one(dev, "azure-native:datafactory:Factory").inputs["factoryName"] == f"adf-konnektmack-dev-weu-{suffix}"
    assert one(dev, "azure-native:web:WebApp").inputs["name"] == f"func-konnektmack-dev-weu-{suffix}"
    assert one(dev, "azure-native:sql:Server").inputs["serverName"] == f"sql-konnektmack-dev-weu-{suffix}"
