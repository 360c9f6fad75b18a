"""The wired stacks: take one part of a path out of a real plan and the rule names the conversation it cut."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from ops.plan import all_checks_but, run_plan
from preview.mocks import Registration
from preview.plan import Plan
from preview.view import PlanView
from reachability import ReachabilityError, Violation
from reachability import check as reachability_check
from stack.errors import InputError
from tests.support.checkout import PROJECT_DIR


def check(regs: list[Registration]) -> list[Violation]:
    return reachability_check(PlanView.of_registrations(regs))


def cut(plan: Plan, drop: Callable[[Registration], bool]) -> set[tuple[str, str, str]]:
    """The conversations without a path once the registrations `drop` selects are gone."""
    kept = [reg for reg in plan.all_resources if not drop(reg)]
    assert len(kept) < len(plan.all_resources), "the test removed nothing"
    return {(v.edge.caller.kind, v.edge.target.kind, v.edge.group_id) for v in check(kept)}


def named(*names: str) -> Callable[[Registration], bool]:
    return lambda reg: reg.name in names


def edited(plan: Plan, name: str, change: Callable[[dict[str, Any]], None]) -> list[Registration]:
    (target,) = [reg for reg in plan.all_resources if reg.name == name]
    inputs = copy.deepcopy(target.inputs)
    change(inputs)
    return [dataclasses.replace(reg, inputs=inputs) if reg is target else reg for reg in plan.all_resources]


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        (("platform-pe-lake-blob-endpoint",), {("function", "lake", "blob")}),
        (("platform-pe-host-queue-endpoint",), {("function", "host-storage", "queue")}),
        (("platform-pe-host-table-dns",), {("function", "host-storage", "table")}),
        (("platform-pe-vault-vault-endpoint",), {("function", "vault", "vault"), ("agent", "vault", "vault")}),
        (("platform-pe-sql-sqlserver-endpoint",), {("agent", "sql", "sqlServer")}),
        (("platform-pe-function-sites-endpoint",), {("agent", "function", "sites")}),
        (("platform-network-zone-blob-link",), {("function", "lake", "blob"), ("function", "host-storage", "blob")}),
        (("platform-adf-network-mpe-lake-dfs",), {("factory", "lake", "dfs")}),
        (("platform-adf-network-mpe-sql-approval",), {("factory", "sql", "sqlServer")}),
        # A vault with public access off still admits the factory as a trusted service.
        (("platform-adf-network-mpe-vault",), set()),
        (
            ("platform-agents-pool",),
            {("agent", "sql", "sqlServer"), ("agent", "function", "sites"), ("agent", "vault", "vault")},
        ),
    ],
)
def test_removing_one_part_of_a_private_path_from_the_test_plan_cuts_exactly_its_conversations(
    plans: dict[str, Plan], removed: tuple[str, ...], expected: set[tuple[str, str, str]]
) -> None:
    assert cut(plans["test"], named(*removed)) == expected


def test_a_linked_service_without_connect_via_runs_on_the_public_runtime_and_is_cut_off(plans: dict[str, Plan]) -> None:
    regs = edited(
        plans["test"],
        "platform-adf-content-linkedService-LS_AzureSql",
        lambda inputs: inputs["properties"].pop("connectVia"),
    )
    found = {(v.edge.caller.kind, v.edge.target.kind, v.edge.group_id, v.edge.runtime) for v in check(regs)}
    assert {(caller, target, group, runtime.name if runtime else None) for caller, target, group, runtime in found} == {
        ("factory", "sql", "sqlServer", "AutoResolveIntegrationRuntime")
    }


def test_a_data_flow_activity_without_a_runtime_runs_on_the_public_runtime_and_is_cut_off(
    plans: dict[str, Plan],
) -> None:
    def drop_runtime(inputs: dict[str, Any]) -> None:
        (activity,) = inputs["activities"]
        activity.pop("integrationRuntime")

    regs = edited(plans["prod"], "platform-adf-content-pipeline-PL_Events_BronzeToSilver", drop_runtime)
    (violation,) = check(regs)
    assert violation.edge.runtime is not None and violation.edge.runtime.name == "AutoResolveIntegrationRuntime"
    assert (violation.edge.target.kind, violation.edge.group_id) == ("lake", "dfs")
    assert "pipeline PL_Events_BronzeToSilver, activity CleanseBatchToSilver (data flow)" in violation.edge.purpose


def test_a_function_app_without_vnet_integration_reaches_no_private_data_plane(plans: dict[str, Plan]) -> None:
    regs = edited(plans["prod"], "platform-generator-app", lambda inputs: inputs.pop("virtualNetworkSubnetId"))
    assert {(v.edge.caller.kind, v.edge.target.kind) for v in check(regs)} == {
        ("function", "lake"),
        ("function", "host-storage"),
        ("function", "vault"),
    }


def test_dev_reaches_sql_only_through_its_azure_services_rule(plans: dict[str, Plan]) -> None:
    assert cut(plans["dev"], named("platform-sql-allow-azure-services")) == {
        ("factory", "sql", "sqlServer"),
        ("agent", "sql", "sqlServer"),
    }


def test_a_dev_lake_that_denies_by_default_cuts_off_the_function_but_not_the_trusted_factory(
    plans: dict[str, Plan],
) -> None:
    regs = edited(plans["dev"], "platform-lake-account", lambda i: i["networkRuleSet"].update(defaultAction="Deny"))
    assert {(v.edge.caller.kind, v.edge.target.kind) for v in check(regs)} == {("function", "lake")}


def test_ops_plan_fails_with_both_ends_and_the_fix_when_a_stack_leaves_private_networking_without_opening_up() -> None:
    with pytest.raises(ReachabilityError) as raised:
        # The security baseline would refuse this stack too; the reachability check is what is under test.
        run_plan(
            "test",
            PROJECT_DIR,
            config_overrides={"data-platform:network": {"privateNetworking": False}},
            checks=all_checks_but("policy"),
        )
    assert isinstance(raised.value, InputError)
    message = str(raised.value)
    assert "function func-konnektmack-test-weu-" in message and "-> lake stkonnektmacktestweu" in message
    assert "To open one: a private endpoint to stkonnektmacktestweu" in message
    assert "agent deploy agent -> sql sql-konnektmack-test-weu-" in message


def test_the_check_accepts_the_committed_stacks(plans: dict[str, Plan]) -> None:
    for plan in plans.values():
        assert check(plan.all_resources) == []
