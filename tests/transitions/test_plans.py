"""The check on the program's real plans: a release against itself changes nothing, and flipping
`network.privateNetworking` on a deployed stack is refused because ADF cannot switch its runtime."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ops.cli.main import main
from preview.plan import Plan, copy_program, run_program
from preview.view import PlanView
from stack.files import read_stack_config
from tests.support.checkout import PROJECT_DIR
from transitions import TransitionsError, transitions

ADF_PAGE = "https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint"
NO_CHANGES = "0 refused, 0 replaced (0 holding data unannounced), 0 changed in place, 0 created, 0 deleted"


def private_dev_overrides() -> dict[str, Any]:
    """Dev's stack file, switched to private networking as a stack owner would edit it."""
    values, _ = read_stack_config(PROJECT_DIR, "dev")
    sql = {**json.loads(values["data-platform:sql"]), "allowAzureServices": False}
    pool = {
        "organizationUrl": "https://dev.azure.com/contoso-data",
        "devOpsInfrastructurePrincipalId": "2f6d8c1a-4b3e-4d5f-9a7b-8c9d0e1f2a3b",
        "subscription": "contoso-dev",
        "maximumConcurrency": 1,
    }
    network = {"privateNetworking": True, "agentPool": pool}
    return {"data-platform:network": network, "data-platform:sql": sql}


@pytest.mark.parametrize("stack", ["dev", "test", "prod"])
def test_each_committed_stack_against_its_own_plan_changes_nothing(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    report = transitions(json.loads(json.dumps(plan.document())), PlanView.of(plan), plan.config)
    assert not report.has_changes
    assert report.violations() == []


def test_ops_plan_from_its_own_json_passes_and_says_nothing_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--stack", "dev", "--json"]) == 0
    previous = tmp_path / "plan-dev.json"
    previous.write_text(capsys.readouterr().out)
    assert main(["plan", "--stack", "dev", "--from", str(previous)]) == 0
    assert f"transitions from {previous}: {NO_CHANGES}, 0 matched by alias" in capsys.readouterr().err


def private_dev(tmp_path: Path) -> Plan:
    """Dev planned as a stack owner would switch it to private networking: its stack file edited, and its
    foundation stack created (a private stack reads its network and pool from it)."""
    project = copy_program(tmp_path, PROJECT_DIR, stacks=("dev",))
    stack_file = project / "Pulumi.dev.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"].update(private_dev_overrides())
    stack_file.write_text(yaml.safe_dump(document))
    shutil.copy(project / "foundation" / "Pulumi.test.yaml", project / "foundation" / "Pulumi.dev.yaml")
    return run_program("dev", project)


def test_switching_dev_to_private_networking_is_refused_at_the_runtime(dev: Plan, tmp_path: Path) -> None:
    private = private_dev(tmp_path)
    report = transitions(dev.document(), PlanView.of(private), private.config)
    assert [(r.resource.azure_name, r.change.path) for r in report.failing_refusals] == [
        ("ir-managed", "properties.managedVirtualNetwork")
    ]
    with pytest.raises(TransitionsError) as info:
        report.check()
    assert ADF_PAGE in str(info.value)
    assert "absent -> {" in str(info.value)


def test_the_switch_back_to_public_is_refused_too(plans: dict[str, Plan], public_test: Plan) -> None:
    test, public = plans["test"], public_test
    report = transitions(test.document(), PlanView.of(public), public.config)
    assert [r.refusal.name for r in report.failing_refusals] == ["adf-runtime-managed-network"]
    assert "-> absent" in str(report.failing_refusals[0].change)


def test_ops_plan_from_a_public_release_of_a_private_stack_exits_2_naming_the_runtime(
    public_test: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "plan-test.json"
    previous.write_text(json.dumps(public_test.document()))
    assert main(["plan", "--stack", "test", "--from", str(previous)]) == 2
    err = capsys.readouterr().err
    assert "error: 1 transition(s) from the previous release that Azure refuses or that replace data:" in err
    assert "platform-adf-network-runtime (IntegrationRuntime ir-managed): properties.managedVirtualNetwork" in err
    assert ADF_PAGE in err


def test_ops_plan_from_a_file_that_is_no_plan_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "export.json"
    previous.write_text(json.dumps({"version": 3, "deployment": {}}))
    assert main(["plan", "--stack", "dev", "--from", str(previous)]) == 2
    err = capsys.readouterr().err
    assert f"error: {previous}: this is a `pulumi stack export` file, not a plan" in err
    assert "checks passed" not in err  # refused before the stack was planned
