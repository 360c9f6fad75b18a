"""`python -m ops rehearse` and the rehearsal as a check of `ops plan`: what they print, the `--json` envelope, and
exit 2 when blocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from delivery.stages import Agent, AgentKind, Stage
from ops import rehearse
from ops.cli.exit_codes import ExitCode
from ops.cli.main import main as ops_main
from ops.plan import CHECK_NAMES, CHECKS, checks_named, run_checks
from preview.plan import Plan
from preview.resource_types import ResourceType
from rehearsal import Blocked, Rehearsal, RehearsalError
from stack.errors import InputError
from tests.support.checkout import PROJECT_DIR
from tests.support.registrations import reg, view_of

NO_CHANGES = "0 refused, 0 replaced (0 holding data unannounced), 0 changed in place, 0 created, 0 deleted"
PASSED = "rehearsal passed: every stage's agent exists and every operation reaches what it needs when it runs"


def rehearse_cli(*args: str) -> int:
    return ops_main(["rehearse", *args, "--project-dir", str(PROJECT_DIR)])


def test_rehearse_prints_the_pipelines_stages_their_steps_and_each_first_run_of_the_test_stack(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert rehearse_cli("--stack", "test") == ExitCode.OK
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line for line in lines if line.startswith("stage ")] == [
        "stage preview_foundation_test: foundation/ stack test, on Microsoft-hosted agent (ubuntu-24.04)",
        "stage deploy_foundation_test: foundation/ stack test, on Microsoft-hosted agent (ubuntu-24.04)",
        "stage preview_test: the platform stack test, on pool mdp-konnektmack-test-weu",
        "stage deploy_test: the platform stack test, on pool mdp-konnektmack-test-weu",
    ]
    deploy = lines[
        lines.index("stage deploy_test: the platform stack test, on pool mdp-konnektmack-test-weu") : lines.index(
            "first run of each pipeline, on the runtime each connection runs on:"
        )
    ]
    steps = [line.split(":")[0].strip() for line in deploy if line.startswith("  ") and not line.startswith("   ")]
    assert steps == [
        "its agent",
        "az provider register",
        "ops triggers stop",
        "pulumi up",
        "ops sql apply",
        "ops triggers start",
        "ops triggers start --restore",
    ]
    for operation in ("the vault access probe", "the code publish", "the host-key read"):
        assert any(line.strip().startswith(f"{operation} (") for line in deploy), operation
    assert "  PL_Events_BronzeToSilver:" in lines
    assert err.strip().endswith(PASSED)


def test_rehearse_json_is_the_envelope_with_the_stages_lines_and_nothing_blocked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert rehearse_cli("--stack", "dev", "--json") == ExitCode.OK
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert set(document) == {"command", "ok", "exitCode", "errors", "project", "stack", "stages", "lines", "blocked"}
    assert (document["command"], document["ok"], document["exitCode"], document["errors"]) == ("rehearse", True, 0, [])
    assert (document["project"], document["stack"], document["blocked"]) == ("data-platform", "dev", [])
    assert [(s["name"], s["projectDir"], s["agent"]) for s in document["stages"]] == [
        ("preview_dev", ".", {"kind": "microsoft-hosted", "name": "ubuntu-24.04"}),
        ("deploy_dev", ".", {"kind": "microsoft-hosted", "name": "ubuntu-24.04"}),
    ]
    assert document["lines"][0] == "stage preview_dev: the platform stack dev, on Microsoft-hosted agent (ubuntu-24.04)"
    assert document["lines"][0] in err.splitlines(), "under --json the report goes to stderr"


def test_the_foundation_alone_rehearses_its_own_stages(capsys: pytest.CaptureFixture[str]) -> None:
    assert ops_main(["rehearse", "--stack", "prod", "--project-dir", str(PROJECT_DIR / "foundation")]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("stage ")] == [
        "stage preview_foundation_prod: foundation/ stack prod, on Microsoft-hosted agent (ubuntu-24.04)",
        "stage deploy_foundation_prod: foundation/ stack prod, on Microsoft-hosted agent (ubuntu-24.04)",
    ]
    assert "    every resource through ARM: no operation of this `pulumi up` calls a data plane" in lines


BLOCKED = Blocked(
    "deploy_x", "the vault access probe", "gate", "agent -> vault kv (vault)", "pe may not exist yet", "add pe"
)


def blocked_rehearsal(_stack: str, _project_dir: Path, _previous: object) -> rehearse.StackRehearsal:
    stage = Stage("deploy_x", "x", ".", Agent(AgentKind.POOL, "mdp-x"), None, (), ())
    return rehearse.StackRehearsal("data-platform", "x", (stage,), Rehearsal(("stage x",), (BLOCKED,)))


def test_rehearse_exits_2_naming_each_blocked_operation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(rehearse, "rehearse_stack", blocked_rehearsal)
    assert rehearse_cli("--stack", "x") == ExitCode.INPUT
    out, err = capsys.readouterr()
    assert out == "stage x\n"
    assert err.splitlines()[0].startswith("error: 1 operation(s) of the deploy cannot reach what they need")
    assert f"  - {BLOCKED}" in err.splitlines()
    assert PASSED not in err


def test_rehearse_json_lists_each_blocked_operation_and_its_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(rehearse, "rehearse_stack", blocked_rehearsal)
    assert rehearse_cli("--stack", "x", "--json") == ExitCode.INPUT
    document = json.loads(capsys.readouterr().out)
    assert (document["ok"], document["exitCode"]) == (False, 2)
    assert document["blocked"] == [
        {
            "stage": "deploy_x",
            "operation": "the vault access probe",
            "by": "gate",
            "conversation": "agent -> vault kv (vault)",
            "missing": "pe may not exist yet",
            "fix": "add pe",
        }
    ]
    (error,) = document["errors"]
    assert error["kind"] == "input" and str(BLOCKED) in error["message"]


def test_from_its_own_plan_the_rehearsal_lists_no_transition_and_leaves_the_stand_in_publish_out(
    plans: dict[str, Plan], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "plan-test.json"
    previous.write_text(json.dumps(plans["test"].document()))
    assert rehearse_cli("--stack", "test", "--from", str(previous)) == ExitCode.OK
    out = capsys.readouterr().out
    assert any(line.strip().startswith("the code publish (platform-generator-package)") for line in out.splitlines())
    assert f"transitions from {previous}: {NO_CHANGES}, 0 matched by alias" in out.splitlines()


def test_from_a_release_whose_transition_azure_refuses_the_rehearsal_exits_2(
    public_test: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "plan-test.json"
    previous.write_text(json.dumps(public_test.document()))
    assert rehearse_cli("--stack", "test", "--from", str(previous)) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "transition(s) from the previous release that Azure refuses or that replace data" in err
    assert "platform-adf-network-runtime (IntegrationRuntime ir-managed): properties.managedVirtualNetwork" in err


def test_a_from_that_is_no_plan_is_refused_with_exit_2_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "export.json"
    previous.write_text(json.dumps({"version": 3, "deployment": {}}))
    assert rehearse_cli("--stack", "test", "--from", str(previous)) == ExitCode.INPUT
    assert f"error: {previous}: this is a `pulumi stack export` file, not a plan" in capsys.readouterr().err


def test_the_stand_in_package_is_planned_only_for_the_platform_without_a_built_package(tmp_path: Path) -> None:
    overrides = rehearse.stand_in_package("test", PROJECT_DIR, tmp_path)
    assert list(overrides) == ["data-platform:functionApp"]
    assert overrides["data-platform:functionApp"]["packagePath"] == str(tmp_path / rehearse.STAND_IN_PACKAGE)
    assert rehearse.stand_in_package("test", PROJECT_DIR / "foundation", tmp_path) == {}


def test_the_rehearsal_is_the_last_check_of_every_plan_judges_the_environment_and_fails_it_as_bad_input() -> None:
    assert CHECK_NAMES[-1] == "rehearsal"
    (check,) = [check for check in CHECKS if check.name == "rehearsal"]
    assert check.environment
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
