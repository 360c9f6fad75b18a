"""`ops triggers`: sign-in, where the factory's coordinates come from, and how a failure to find them ends."""

from __future__ import annotations

import json
import os
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
from tests.support.triggers_cli import Cli


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
