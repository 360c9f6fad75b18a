"""The plan's one view: each index, the component tree, the dependencies and the creation order."""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
import pytest
from pulumi_azure_native import resources, storage

from preview.inputs import UNKNOWN
from preview.mocks import MOCK_DEPLOYER_OBJECT_ID, Registration, identity_principal_id
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import DependencyCycleError, PlanView
from tests.policy.fixtures import stack_config
from tests.support.component_plan import build
from tests.support.registrations import PROVIDERS, STACK, component, reg, view_of

ACCOUNT = ResourceType.STORAGE_ACCOUNT
SERVER = ResourceType.SQL_SERVER
RULE = ResourceType.SQL_FIREWALL_RULE


def names(regs: Iterable[Registration]) -> list[str]:
    return [r.name for r in regs]


def name_set(regs: Iterable[Registration]) -> set[str]:
    return {r.name for r in regs}


# ------------------------------------------------------------------ indexes


def test_the_view_of_a_plan_holds_its_registrations_stack_and_config(dev: Plan) -> None:
    view = PlanView.of(dev)
    assert view.registrations == tuple(dev.resources)
    assert (view.stack_urn, view.config) == (dev.stack_urn, dev.config)
    lake = next(r for r in dev.resources if r.name == "platform-lake-account")
    assert view.by_urn[lake.urn] is lake


def test_of_type_lists_that_type_in_registration_order() -> None:
    first, other, second = reg(ACCOUNT, "a"), reg(SERVER, "s"), reg(ACCOUNT, "b")
    view = view_of(first, other, second)
    assert names(view.of_type(ACCOUNT)) == ["a", "b"]
    assert names(view.of_type(ACCOUNT, SERVER)) == ["a", "s", "b"]
    assert view.of_type(ResourceType.VAULT) == ()


def test_own_name_is_the_types_own_name_input_when_known() -> None:
    account = reg(ACCOUNT, "lake", accountName="stLake", resourceGroupName="rg")
    unknown = reg(ACCOUNT, "later", accountName=UNKNOWN)
    group = component("platform", accountName="not-azure")
    view = view_of(account, unknown, group)
    assert view.own_name(account) == "stLake"
    assert view.own_name(unknown) is None
    assert view.own_name(group) is None


def test_arm_ids_are_lowercased_and_looked_up_case_insensitively() -> None:
    account = reg(ACCOUNT, "lake", accountName="stLake")
    view = view_of(account)
    expected = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stLake"
    assert view.arm_id(account) == expected.lower()
    assert view.resource(expected) is account
    assert view.resource(expected.upper() + "/") is account
    assert view.resource(expected + "x") is None
    assert view.resource(UNKNOWN) is None
    assert view.resource(None) is None


def test_named_finds_by_type_and_azure_name_ignoring_case() -> None:
    account = reg(ACCOUNT, "lake", accountName="StLake")
    server = reg(SERVER, "sql", serverName="stlake")
    view = view_of(account, server)
    assert view.named(ACCOUNT, "stlake") == (account,)
    assert view.named(ACCOUNT, "STLAKE") == (account,)
    assert view.named(SERVER, "stlake") == (server,)
    assert view.named(ResourceType.VAULT, "stlake") == ()
    assert view.named(ACCOUNT, UNKNOWN) == ()
    assert view.storage_account("stLAKE") is account
    assert view.storage_account("other") is None


def test_arm_parent_is_the_planned_resource_an_id_lies_below() -> None:
    group = reg(ResourceType.RESOURCE_GROUP, "group", resourceGroupName="rg")
    server = reg(SERVER, "sql", serverName="sql-x", resourceGroupName="rg")
    rule = reg(RULE, "rule", serverName="SQL-X", firewallRuleName="azure", resourceGroupName="rg")
    account = reg(ACCOUNT, "lake", accountName="stlake", resourceGroupName="rg")
    container = reg(ResourceType.BLOB_CONTAINER, "bronze", accountName="stlake", containerName="bronze")
    assignment = reg(
        ResourceType.ROLE_ASSIGNMENT,
        "role",
        scope=f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake",
        roleAssignmentName="00000000-0000-4000-8000-0000000000aa",
    )
    view = view_of(group, server, rule, account, container, assignment)
    assert view.arm_parent(rule) is server
    assert view.arm_parent(container) is account
    assert view.arm_parent(assignment) is account
    assert view.arm_parent(server) is group
    assert view.arm_parent(group) is None


def test_workload_principals_are_found_by_principal_id_ignoring_case() -> None:
    app = reg(ResourceType.WEB_APP, "app", name="func-x", identity={"type": "SystemAssigned"})
    plain = reg(ResourceType.WEB_APP, "plain", name="func-y")
    view = view_of(app, plain)
    principal = identity_principal_id(STACK, ResourceType.WEB_APP, "app")
    assert view.workload_principal(principal.upper()) is app
    assert view.workload_principal(identity_principal_id(STACK, ResourceType.WEB_APP, "plain")) is None
    assert view.workload_principal(UNKNOWN) is None


def test_the_deployer_comes_from_the_client_config_and_its_type_from_the_stack_config() -> None:
    configured = stack_config("dev", **{"data-platform:deployerPrincipalType": "Group"})
    assert view_of(config=configured).deployer_principal_type == "Group"
    assert view_of(config=stack_config("dev")).deployer_principal_type is None
    assert view_of().deployer_principal_type is None
    assert view_of().deployer_object_id == MOCK_DEPLOYER_OBJECT_ID


def test_app_settings_are_name_to_value() -> None:
    settings = [{"name": "A", "value": "1"}, {"name": "B"}, {"value": "nameless"}, "junk"]
    app = reg(ResourceType.WEB_APP, "app", siteConfig={"appSettings": settings})
    assert view_of(app).app_settings(app) == {"A": "1", "B": None}
    assert view_of(app).app_settings(reg(ResourceType.WEB_APP, "bare")) == {}


# ------------------------------------------------------------------ the component tree


def test_parent_children_and_descendants() -> None:
    platform = component("platform")
    lake = component("lake", parent=platform)
    account = reg(ACCOUNT, "account", parent=lake)
    vault = reg(ResourceType.VAULT, "vault", parent=platform)
    view = view_of(platform, lake, account, vault)
    assert view.parent(account) is lake
    assert view.parent(platform) is None
    assert view.children(platform) == (lake, vault)
    assert view.descendants(platform) == (lake, account, vault)
    assert view.children(account) == ()


# ------------------------------------------------------------------ dependencies


def test_dependencies_tell_input_feeding_from_explicit_ones() -> None:
    group = reg(ResourceType.RESOURCE_GROUP, "group")
    gate = reg(ResourceType.DYNAMIC, "gate")
    account = reg(ACCOUNT, "account", feeds={"resourceGroupName": [group]}, depends_on=[gate])
    view = view_of(group, gate, account)
    assert sorted(names(view.dependencies(account))) == ["gate", "group"]
    assert view.input_dependencies(account) == (group,)
    assert view.input_dependencies(account, "resourceGroupName") == (group,)
    assert view.input_dependencies(account, "location") == ()
    assert view.explicit_dependencies(account) == (gate,)
    assert view.dependents(group) == (account,)
    assert view.dependents(account) == ()


def test_the_engine_records_input_feeding_and_explicit_dependencies() -> None:
    """The mock engine's monitor keeps the request's propertyDependencies beside its dependencies."""

    class Box(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("test:index:Box", name)
            self.inner = resources.ResourceGroup(f"{name}-inner", opts=pulumi.ResourceOptions(parent=self))
            self.register_outputs({})

    def program() -> None:
        group = resources.ResourceGroup("group", resource_group_name="rg-x")
        box = Box("box")
        storage.StorageAccount(
            "account",
            account_name="stx",
            resource_group_name=group.name,
            kind="StorageV2",
            sku={"name": "Standard_LRS"},
            opts=pulumi.ResourceOptions(depends_on=[box]),
        )

    regs = {r.name: r for r in build(program)}
    view = view_of(*regs.values())
    account = regs["account"]
    assert account.property_dependencies["resourceGroupName"] == [regs["group"].urn]
    assert view.input_dependencies(account) == (regs["group"],)
    # The SDK sends a dependency on a component as one on its children.
    assert view.explicit_dependencies(account) == (regs["box-inner"],)


# ------------------------------------------------------------------ creation order


def creation_plan() -> tuple[PlanView, dict[str, Registration]]:
    group = reg(ResourceType.RESOURCE_GROUP, "group")
    platform = component("platform")
    lake = component("lake", parent=platform, depends_on=[group])
    account = reg(ACCOUNT, "account", parent=lake, feeds={"resourceGroupName": [group]})
    nested = component("nested", parent=lake)
    container = reg(ResourceType.BLOB_CONTAINER, "container", parent=nested, feeds={"accountName": [account]})
    gate = reg(ResourceType.DYNAMIC, "gate", parent=platform)
    secret = reg(ResourceType.VAULT_SECRET, "secret", parent=platform, depends_on=[gate, lake])
    monitor = reg(ResourceType.RESOURCE_GROUP, "monitor")
    regs = [group, platform, lake, account, nested, container, gate, secret, monitor]
    return view_of(*regs), {r.name: r for r in regs}


def test_a_resource_waits_for_its_parent_and_its_explicit_and_input_feeding_dependencies() -> None:
    view, regs = creation_plan()
    assert name_set(view.waits_for(regs["account"])) == {"group", "lake"}
    assert name_set(view.waits_for(regs["container"])) == {"account", "nested"}


def test_a_component_dependency_stands_for_its_custom_children() -> None:
    view, regs = creation_plan()
    # lake's children: the account, and the container through the nested component; never a component itself.
    assert name_set(view.waits_for(regs["secret"])) == {"account", "container", "gate", "platform"}


def test_waves_hold_what_can_be_created_in_parallel_each_after_what_it_waits_for() -> None:
    view, _ = creation_plan()
    waves = view.waves()
    assert [name_set(wave) for wave in waves] == [
        {"group", "monitor", "platform"},
        {"gate", "lake"},
        {"account", "nested"},
        {"container"},
        {"secret"},
    ]
    assert view.creation_order() == tuple(reg_ for wave in waves for reg_ in wave)
    assert [wave == tuple(sorted(wave, key=lambda r: r.urn)) for wave in waves] == [True] * len(waves)


def test_prerequisites_are_everything_that_must_exist_first() -> None:
    view, regs = creation_plan()
    assert name_set(view.prerequisites(regs["container"])) == {"account", "group", "lake", "nested", "platform"}
    assert view.prerequisites(regs["monitor"]) == ()


def test_a_dependency_cycle_is_reported_with_the_resources_in_it() -> None:
    first = reg(ACCOUNT, "first")
    second = reg(ACCOUNT, "second", depends_on=[first])
    first.depends_on.append(second.urn)
    with pytest.raises(DependencyCycleError) as raised:
        view_of(first, second, reg(ACCOUNT, "bystander")).waves()
    assert {r.name for r in raised.value.cycle} == {"first", "second"}
    assert "wait for each other in a cycle: " in str(raised.value)
    assert "bystander" not in str(raised.value)


def test_the_committed_plan_has_a_creation_order(dev: Plan) -> None:
    view = PlanView.of(dev)
    placed: set[str] = set()
    for reg_ in view.creation_order():
        assert {dep.urn for dep in view.waits_for(reg_)} <= placed, reg_.name
        placed.add(reg_.urn)
    assert len(placed) == len(dev.resources)
