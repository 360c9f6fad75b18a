"""The transitions report: matching by URN or alias, what fails and what is listed, and intended replacements."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from preview.mocks import Registration
from stack.config import PlatformConfig
from stack.errors import InputError
from tests.support.previous_plans import document_of, previous_of
from tests.support.registrations import component, reg, urn, view_of
from tests.support.stack_config import stack_config
from transitions import (
    FORCE_NEW_TABLE,
    IntendedReplacementError,
    PreviousPlanError,
    TransitionsError,
    transitions,
)

ACCOUNT = "azure-native:storage:StorageAccount"
ENDPOINT = "azure-native:network:PrivateEndpoint"
IR = "azure-native:datafactory:IntegrationRuntime"
ALERT = "azure-native:monitor:MetricAlert"

LAKE: dict[str, Any] = {
    "accountName": "stlake",
    "resourceGroupName": "rg",
    "location": "westeurope",
    "kind": "StorageV2",
}
RUNTIME: dict[str, Any] = {"factoryName": "adf", "resourceGroupName": "rg", "integrationRuntimeName": "ir-managed"}


def intending(*entries: dict[str, str]) -> PlatformConfig:
    return stack_config("dev", **{"data-platform:intendedReplacements": list(entries)})


def moved(registration: Registration, parent: Registration, *, alias: bool) -> Registration:
    """The same resource registered under another component, with or without an alias to where it was."""
    new_urn = urn(f"{parent.type}${registration.type}", registration.name)
    return replace(registration, urn=new_urn, parent=parent.urn, aliases=[registration.urn] if alias else [])


def test_a_moved_resource_with_an_alias_is_matched_not_deleted_and_created() -> None:
    endpoint = reg(ENDPOINT, "pe-lake-blob", privateEndpointName="pe-blob", resourceGroupName="rg")
    lake = component("lake")
    report = transitions(previous_of(endpoint), view_of(lake, moved(endpoint, lake, alias=True)))
    assert [move.old_urn for move in report.moved] == [endpoint.urn]
    assert (report.created, report.deleted, report.replacements, report.in_place) == ((), (), (), ())
    assert not report.has_changes


def test_without_the_alias_the_same_move_is_a_deletion_and_a_creation() -> None:
    endpoint = reg(ENDPOINT, "pe-lake-blob", privateEndpointName="pe-blob", resourceGroupName="rg")
    lake = component("lake")
    report = transitions(previous_of(endpoint), view_of(lake, moved(endpoint, lake, alias=False)))
    assert [resource.urn for resource in report.deleted] == [endpoint.urn]
    assert [resource.name for resource in report.created] == ["pe-lake-blob"]
    assert report.moved == ()


def test_a_moved_resource_is_still_compared_with_what_it_was() -> None:
    before = reg(IR, "runtime", **RUNTIME, properties={"type": "Managed"})
    factory = component("factory")
    after = moved(replace(before, inputs={**RUNTIME, "properties": {"type": "Managed", "description": "x"}}), factory,
                  alias=True)  # fmt: skip
    report = transitions(previous_of(before), view_of(factory, after))
    assert [str(change.change) for change in report.in_place] == ["properties.description: absent -> x"]


def test_a_replacement_of_a_resource_holding_data_fails_naming_it_and_the_key_to_set() -> None:
    before = reg(ACCOUNT, "platform-lake-account", **LAKE)
    after = reg(ACCOUNT, "platform-lake-account", **{**LAKE, "accountName": "stlake2"})
    report = transitions(previous_of(before), view_of(after))
    [replacement] = report.replacements
    assert replacement.fails
    [line] = report.violations()
    assert line.startswith("platform-lake-account (StorageAccount stlake2) would be replaced (accountName: stlake -> ")
    assert "a storage account holds the data in it" in line
    assert "name 'platform-lake-account' in data-platform:intendedReplacements with a reason" in line
    with pytest.raises(TransitionsError) as info:
        report.check()
    assert isinstance(info.value, InputError)
    assert str(info.value).startswith("1 transition(s) from the previous release that Azure refuses or that replace")


def test_the_same_replacement_passes_when_the_stack_names_it_as_intended() -> None:
    before = reg(ACCOUNT, "platform-lake-account", **LAKE)
    after = reg(ACCOUNT, "platform-lake-account", **{**LAKE, "accountName": "stlake2"})
    config = intending({"resource": "platform-lake-account", "reason": "the lake moves to a new account"})
    report = transitions(previous_of(before), view_of(after), config)
    report.check()
    [replacement] = report.replacements
    assert replacement.intent is not None and replacement.intent.reason == "the lake moves to a new account"
    assert any("intended: the lake moves to a new account" in line for line in report.lines())


def test_an_intended_replacement_may_name_the_resource_by_urn() -> None:
    before = reg(ACCOUNT, "platform-lake-account", **LAKE)
    after = reg(ACCOUNT, "platform-lake-account", **{**LAKE, "accountName": "stlake2"})
    config = intending({"resource": after.urn, "reason": "new account"})
    transitions(previous_of(before), view_of(after), config).check()


def test_a_replacement_of_what_holds_no_data_is_listed_and_passes() -> None:
    before = reg(ENDPOINT, "pe", privateEndpointName="pe", resourceGroupName="rg", subnet={"id": "/a"})
    after = reg(ENDPOINT, "pe", privateEndpointName="pe", resourceGroupName="rg", subnet={"id": "/b"})
    report = transitions(previous_of(before), view_of(after))
    report.check()
    assert [str(change) for replacement in report.replacements for change in replacement.because] == [
        "subnet.id: /a -> /b"
    ]


@pytest.mark.parametrize("option", ["protect", "retain_on_delete"])
def test_protected_or_retained_resources_count_as_holding_data(option: str) -> None:
    before = reg(ALERT, "alert", ruleName="a", resourceGroupName="rg")
    renamed = reg(ALERT, "alert", ruleName="b", resourceGroupName="rg")
    after = replace(renamed, protect=True) if option == "protect" else replace(renamed, retain_on_delete=True)
    report = transitions(previous_of(before), view_of(after))
    assert [replacement.fails for replacement in report.replacements] == [True]
    unprotected = transitions(previous_of(before), view_of(reg(ALERT, "alert", ruleName="b", resourceGroupName="rg")))
    assert [replacement.fails for replacement in unprotected.replacements] == [False]


def test_in_place_changes_are_listed_and_never_fail() -> None:
    before = reg(ACCOUNT, "lake", **LAKE, minimumTlsVersion="TLS1_0")
    after = reg(ACCOUNT, "lake", **LAKE, minimumTlsVersion="TLS1_2")
    report = transitions(previous_of(before), view_of(after))
    report.check()
    line = "lake (StorageAccount stlake): minimumTlsVersion: TLS1_0 -> TLS1_2"
    assert [str(change) for change in report.in_place] == [line]
    assert f"  in place: {line}" in report.lines()


def test_a_refused_transition_of_a_resource_named_as_intended_is_accepted_and_said() -> None:
    before = reg(IR, "platform-adf-network-runtime", **RUNTIME, properties={"type": "Managed"})
    after = reg(IR, "platform-adf-network-runtime", **RUNTIME,
                properties={"type": "Managed", "managedVirtualNetwork": {"referenceName": "default"}})  # fmt: skip
    assert transitions(previous_of(before), view_of(after)).violations()
    config = intending({"resource": "platform-adf-network-runtime", "reason": "recreated in the managed network"})
    report = transitions(previous_of(before), view_of(after), config)
    report.check()
    assert [refused.intent is not None for refused in report.refused] == [True]
    said = "  recreated on purpose (recreated in the managed network): "
    assert any(line.startswith(said) for line in report.lines())


def test_an_intended_replacement_that_names_no_resource_of_the_plan_is_a_config_error() -> None:
    lake = reg(ACCOUNT, "lake", **LAKE)
    config = intending({"resource": "lake", "reason": "x"}, {"resource": "no-such-thing", "reason": "y"})
    with pytest.raises(IntendedReplacementError) as info:
        transitions(previous_of(lake), view_of(lake), config)
    assert "Pulumi.t.yaml: data-platform:intendedReplacements[1].resource: 'no-such-thing' names no resource" in str(
        info.value
    )


def test_an_intended_replacement_the_release_does_not_need_is_a_note() -> None:
    lake = reg(ACCOUNT, "lake", **LAKE)
    report = transitions(previous_of(lake), view_of(lake), intending({"resource": "lake", "reason": "done"}))
    assert [intent.resource for intent in report.unused_intents] == ["lake"]
    assert any("names 'lake', which this release neither replaces nor recreates" in line for line in report.lines())


def test_a_previous_plan_of_another_stack_is_refused() -> None:
    lake = reg(ACCOUNT, "lake", **LAKE)
    document: dict[str, Any] = {**document_of(lake), "stack": "prod"}
    with pytest.raises(PreviousPlanError, match="is the plan of stack 'prod', not of 't'"):
        transitions(document, view_of(lake))


def test_the_parsed_document_is_accepted_as_well_as_the_previous_plan() -> None:
    before = reg(ACCOUNT, "lake", **LAKE)
    after = reg(ACCOUNT, "lake", **{**LAKE, "accountName": "stlake2"})
    assert (
        transitions(document_of(before), view_of(after)).violations()
        == transitions(previous_of(before), view_of(after)).violations()
    )


def test_components_are_neither_created_nor_deleted_resources() -> None:
    lake = reg(ACCOUNT, "lake", **LAKE)
    report = transitions(previous_of(component("old-component"), lake), view_of(component("new-component"), lake))
    assert (report.created, report.deleted) == ((), ())


def test_the_summary_warns_once_the_force_new_table_is_older_than_its_stated_age() -> None:
    lake = reg(ACCOUNT, "lake", **LAKE)
    report = transitions(previous_of(lake), view_of(lake))
    read = FORCE_NEW_TABLE.read_on
    fresh = report.lines(today=read + timedelta(days=FORCE_NEW_TABLE.max_age_days))
    stale = report.lines(today=read + timedelta(days=FORCE_NEW_TABLE.max_age_days + 1))
    assert not any("warning:" in line for line in fresh)
    assert [line for line in stale if "warning:" in line] == [
        f"  warning: {FORCE_NEW_TABLE.staleness_warning(read + timedelta(days=FORCE_NEW_TABLE.max_age_days + 1))}"
    ]
