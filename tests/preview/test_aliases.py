"""Aliases in the plan: each old URN a moved or renamed resource answers to, as the engine derives it.

Each case plans a program twice: as it was (the baseline) and after a refactor that keeps the old
place in `aliases`. The baseline URNs come from the first run, so every expectation is a URN the
mock engine really gave, not one computed by the code under test.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest

from preview.mocks import Registration
from tests.support.component_plan import build


class Box(pulumi.ComponentResource):
    """A component with one child named after it, `<name>-item`, as the platform names its children."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Box", name, {}, opts)
        Item(f"{name}-item", pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


class Item(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Item", name, {}, opts)
        self.register_outputs({})


def _urns(program: Callable[[], object]) -> dict[str, Registration]:
    return {reg.name: reg for reg in build(program)}


def test_a_resource_without_aliases_lists_none() -> None:
    assert _urns(lambda: Box("box"))["box"].aliases == []


def test_a_resource_moved_under_a_new_parent_answers_to_its_baseline_urn() -> None:
    def before() -> None:
        Item("moved", pulumi.ResourceOptions(parent=Box("old-home")))
        Item("new-home")

    def after() -> None:
        old_home = Box("old-home")
        Item("moved", pulumi.ResourceOptions(parent=Item("new-home"), aliases=[pulumi.Alias(parent=old_home)]))

    baseline, moved = _urns(before)["moved"], _urns(after)["moved"]
    assert moved.urn != baseline.urn
    assert moved.aliases == [baseline.urn]


def test_a_renamed_parent_passes_its_old_name_to_the_children_named_after_it() -> None:
    baseline = _urns(lambda: Box("lake"))
    renamed = _urns(lambda: Box("data-lake", pulumi.ResourceOptions(aliases=[pulumi.Alias(name="lake")])))
    assert renamed["data-lake"].aliases == [baseline["lake"].urn]
    # The child's own URN changed with its name; the engine maps it to the old one through its parent.
    assert renamed["data-lake-item"].aliases == [baseline["lake-item"].urn]


def test_children_inherit_a_moved_parents_alias_under_its_old_parent() -> None:
    def before() -> None:
        Box("box", pulumi.ResourceOptions(parent=Item("old-home")))
        Box("new-home")

    def after() -> None:
        old_home = Item("old-home")
        Box("box", pulumi.ResourceOptions(parent=Box("new-home"), aliases=[pulumi.Alias(parent=old_home)]))

    baseline, moved = _urns(before), _urns(after)
    assert moved["box"].aliases == [baseline["box"].urn]
    # Under the mock engine's URN rule the child's URN names only its parent's type, so it did not change
    # and the alias it inherits equals it: nothing to list.
    assert moved["box-item"].urn == baseline["box-item"].urn
    assert moved["box-item"].aliases == []


def test_an_alias_to_no_parent_stands_for_the_resource_at_the_root() -> None:
    baseline = _urns(lambda: Item("item"))
    moved = _urns(lambda: Item("item", pulumi.ResourceOptions(parent=Box("home"), aliases=[pulumi.Alias(parent=None)])))
    assert moved["item"].aliases == [baseline["item"].urn]


def test_an_alias_given_as_a_urn_is_listed_as_given() -> None:
    old = "urn:pulumi:test::data-platform::test:index:Other::somewhere"
    assert _urns(lambda: Item("item", pulumi.ResourceOptions(aliases=[old])))["item"].aliases == [old]


def test_azure_natives_own_type_aliases_are_left_out_and_the_programs_are_kept() -> None:
    from pulumi_azure_native import storage

    def account(name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        storage.StorageAccount(
            name,
            account_name="stunit",
            resource_group_name="rg",
            kind="StorageV2",
            sku={"name": "Standard_LRS"},
            opts=opts,
        )

    baseline = _urns(lambda: account("lake"))
    assert baseline["lake"].aliases == [], "the SDK's API-version aliases are not the program's"
    renamed = _urns(lambda: account("data-lake", pulumi.ResourceOptions(aliases=[pulumi.Alias(name="lake")])))
    assert renamed["data-lake"].aliases == [baseline["lake"].urn]


@pytest.mark.parametrize(
    "alias",
    [
        pulumi.Alias(type_="azure-native:storage:OldAccount", name="lake"),
        pulumi.Alias(type_="azure-native:storage:OldAccount", parent=None),
        pulumi.Alias(type_="azure-native:storage:OldAccount", stack="old-stack"),
        pulumi.Alias(type_="azure-native:storage:OldAccount", project="old-project"),
    ],
    ids=["name", "parent", "stack", "project"],
)
def test_a_type_alias_that_also_names_another_place_is_the_programs_and_kept(alias: pulumi.Alias) -> None:
    from pulumi_azure_native import storage

    def account() -> None:
        storage.StorageAccount(
            "data-lake",
            account_name="stunit",
            resource_group_name="rg",
            kind="StorageV2",
            sku={"name": "Standard_LRS"},
            opts=pulumi.ResourceOptions(parent=Box("home"), aliases=[alias]),
        )

    (listed,) = _urns(account)["data-lake"].aliases
    assert "azure-native:storage:OldAccount::" in listed


def test_the_sdks_stack_capture_is_back_once_the_offline_program_ends() -> None:
    from pulumi.runtime import resource as resource_runtime

    captured = resource_runtime._get_stack_trace
    seen: list[object] = []
    build(lambda: seen.append(resource_runtime._get_stack_trace))
    assert seen and seen[0] is not captured, "the program ran with the SDK's stack capture"
    assert resource_runtime._get_stack_trace is captured


def test_a_components_own_alias_to_an_azure_native_type_is_kept() -> None:
    """Only azure-native's resources carry the SDK's type-token aliases; a component's alias is the program's."""
    old = pulumi.Alias(type_="azure-native:storage:StorageAccount")
    (listed,) = _urns(lambda: Box("lake", pulumi.ResourceOptions(aliases=[old])))["lake"].aliases
    assert listed.endswith("$azure-native:storage:StorageAccount::lake")


def test_the_sdks_stack_capture_is_back_when_the_offline_program_fails() -> None:
    from pulumi.runtime import resource as resource_runtime

    captured = resource_runtime._get_stack_trace

    def fails() -> None:
        raise ValueError("the program stops")

    with pytest.raises(Exception, match="the program stops"):
        build(fails)
    assert resource_runtime._get_stack_trace is captured
