"""`python -m ops rehearse` and the rehearsal as a check of `ops plan`: what they print, and exit 2 when blocked."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ops import exit_codes, rehearse
from ops.__main__ import main as ops_main
from ops.plan import CHECK_NAMES, checks_named, run_checks
from preview.plan import Plan, run_program
from preview.resource_types import ResourceType
from rehearsal import Blocked, Rehearsal, RehearsalError
from stack.errors import InputError
from tests.support.registrations import reg, view_of

NO_CHANGES = "0 refused, 0 replaced (0 holding data unannounced), 0 changed in place, 0 created, 0 deleted"


def test_rehearse_prints_every_stage_step_and_first_run_of_the_test_stack(capsys: pytest.CaptureFixture[str]) -> None:
    assert ops_main(["rehearse", "--stack", "test"]) == exit_codes.OK
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "stage deploy_test (stack test) on pool agent mdp-konnektmack-test-weu"
    stage = lines[: lines.index("first run of each pipeline, on the runtime each connection runs on:")]
    steps = [line.split(":")[0].strip() for line in stage if line.startswith("  ") and not line.startswith("   ")]
    assert steps == [
        "python -m ops triggers stop",
        "pulumi up",
        "python -m ops sql apply",
        "python -m ops triggers start",
    ]
    for operation in ("the vault access probe", "the code publish", "the host-key read"):
        assert any(line.strip().startswith(f"{operation} (") for line in lines), operation
    assert "first run of each pipeline, on the runtime each connection runs on:" in lines
    assert "  PL_Events_BronzeToSilver:" in lines
    assert err.strip().endswith("rehearsal passed: every operation reaches what it needs when it runs")


def test_rehearse_exits_2_naming_each_blocked_operation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = Blocked(
        "deploy_x", "the vault access probe", "gate", "agent -> vault kv (vault)", "pe may not exist yet", "add pe"
    )
    found = rehearse.StackRehearsal(Rehearsal(("stage x",), (blocked,)))
    monkeypatch.setattr(rehearse, "rehearse_stack", lambda _stack, _previous: found)
    assert rehearse.main(argparse.Namespace(stack="x", previous=None)) == exit_codes.USAGE
    out, err = capsys.readouterr()
    assert out == "stage x\n"
    assert err.splitlines() == [
        "error: 1 operation(s) cannot reach what they need when they run:",
        f"  - {blocked}",
    ]


def test_from_its_own_plan_the_rehearsal_lists_no_transition_and_leaves_the_stand_in_publish_out(
    plans: dict[str, Plan], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "plan-test.json"
    previous.write_text(json.dumps(plans["test"].document()))
    assert ops_main(["rehearse", "--stack", "test", "--from", str(previous)]) == exit_codes.OK
    out = capsys.readouterr().out
    assert any(line.strip().startswith("the code publish (platform-generator-package)") for line in out.splitlines())
    assert f"transitions from {previous}: {NO_CHANGES}, 0 matched by alias" in out.splitlines()


def test_from_a_release_whose_transition_azure_refuses_the_rehearsal_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = run_program("test", config_overrides={"data-platform:network": {"privateNetworking": False}})
    previous = tmp_path / "plan-test.json"
    previous.write_text(json.dumps(public.document()))
    assert ops_main(["rehearse", "--stack", "test", "--from", str(previous)]) == exit_codes.USAGE
    err = capsys.readouterr().err
    assert "transition(s) from the previous release that Azure refuses or that replace data" in err
    assert "platform-adf-network-runtime (IntegrationRuntime ir-managed): properties.managedVirtualNetwork" in err


def test_a_from_that_is_no_plan_is_refused_with_exit_2_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "export.json"
    previous.write_text(json.dumps({"version": 3, "deployment": {}}))
    assert ops_main(["rehearse", "--stack", "test", "--from", str(previous)]) == exit_codes.USAGE
    assert f"error: {previous}: this is a `pulumi stack export` file, not a plan" in capsys.readouterr().err


def test_the_rehearsal_is_a_check_of_every_plan_and_fails_it_as_bad_input() -> None:
    assert CHECK_NAMES[-1] == "rehearsal"
    vault = reg(ResourceType.VAULT, "vault", vaultName="kv-x", properties={"publicNetworkAccess": "Disabled"})
    probe = reg(
        ResourceType.DYNAMIC, "gate", feeds={"probe_url": [vault]}, probe_url="https://kv-x.vault.azure.net/secrets"
    )
    with pytest.raises(RehearsalError) as raised:
        run_checks(view_of(vault, probe), checks_named(["rehearsal"]))
    assert isinstance(raised.value, InputError)
    message = str(raised.value)
    assert message.startswith("1 operation(s) of the deploy cannot reach what they need when they run")
    assert "the vault access probe (gate) cannot reach Microsoft-hosted agent -> vault kv-x (vault)" in message
