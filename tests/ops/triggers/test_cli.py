"""`ops triggers`: sign-in, where the factory's coordinates come from, and how a failure to find them ends."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError

from tests.support.arm_server import (
    FACTORY,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    ArmServer,
)
from tests.support.fake_pulumi import fake_pulumi
from tests.support.triggers_cli import REFUSAL, Cli, deployed_outputs


def test_a_failed_sign_in_exits_3_and_says_how_to_sign_in(
    server: ArmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class SignedOut:
        def get_token(self, *scopes: str, **kwargs: Any) -> Any:
            raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token from the credentials.")

    monkeypatch.setattr("ops.factory.make_credential", SignedOut)

    assert cli("stop") == 3

    err = capsys.readouterr().err
    assert "sign-in failed: DefaultAzureCredential failed to retrieve a token" in err
    assert "az login" in err
    assert server.requests == []


def test_without_flags_or_the_pulumi_cli_the_error_says_which_flags_to_pass(
    server: ArmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    assert cli("stop", coordinates=False) == 2

    err = capsys.readouterr().err
    assert "the Pulumi CLI is not installed" in err
    assert "pass --subscription, --resource-group, --factory" in err
    assert server.requests == []


def test_coordinates_come_from_the_stack_outputs(
    server: ArmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server.add_trigger("TR_A", runtime_state="Started")
    outputs = {"subscription_id": SUBSCRIPTION, "resource_group_name": RESOURCE_GROUP, "factory_name": FACTORY}
    calls = tmp_path / "pulumi-calls"
    fake_pulumi(tmp_path / "bin", f"echo \"$PWD $*\" >> {calls}\necho '{json.dumps(outputs)}'\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")

    assert cli("stop", "--project-dir", str(tmp_path), coordinates=False) == 0

    assert calls.read_text().split() == [str(tmp_path), "stack", "output", "--json", "--stack", "dev"]
    assert server.started() == []


def test_a_failing_pulumi_cli_is_reported_with_the_flags_to_pass(
    server: ArmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_pulumi(tmp_path / "bin", "echo \"error: no stack named 'dev' found\" >&2\nexit 255\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")

    assert cli("stop", coordinates=False) == 2

    err = capsys.readouterr().err
    assert "`pulumi stack output --json --stack dev` failed (error: no stack named 'dev' found)" in err
    assert "pass --subscription, --resource-group, --factory" in err


def test_json_envelope_of_a_stop(server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    server.add_trigger("TR_A", runtime_state="Started")
    server.add_trigger("TR_B")

    assert cli("stop", "--json") == 0

    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "command": "triggers stop",
        "ok": True,
        "exitCode": 0,
        "errors": [],
        "action": "stop",
        "factory": server.coordinates.resource_id,
        "started": [],
        "stopped": ["TR_A"],
        "unchanged": ["TR_B"],
        "failed": [],
    }
    assert "stopped TR_A" in captured.err, "the report goes to stderr under --json"


def test_json_envelope_of_a_start_with_failures_of_two_kinds(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(["TR_Daily", "TR_Landing"]))
    server.add_trigger("TR_Daily", refuse_start=REFUSAL)
    server.add_trigger("TR_Landing", type="BlobEventsTrigger", subscribe_stuck=True)

    assert cli("start", "--restore", "--json", "--event-wait-seconds", "0") == 2, "no recording: input"
    assert json.loads(capsys.readouterr().out)["errors"][0]["kind"] == "input"

    assert cli("start", "--json", "--event-wait-seconds", "0.05", "--poll-seconds", "0.05") == 3

    document = json.loads(capsys.readouterr().out)
    assert (document["command"], document["ok"], document["exitCode"]) == ("triggers start", False, 3)
    assert document["failed"] == ["TR_Daily", "TR_Landing"]
    assert [(e["kind"], e["exitCode"]) for e in document["errors"]] == [("azure", 3), ("timeout", 4)]
    assert document["errors"][0]["message"].startswith("trigger 'TR_Daily': Azure refused to start it: ")
    assert document["errors"][1]["message"].startswith("trigger 'TR_Landing': its event subscription is still ")
