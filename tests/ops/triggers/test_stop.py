"""`ops triggers stop`: record the started triggers, then stop them; a repeated stop keeps the recording."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.arm_server import (
    TOKEN,
    ArmServer,
    FakeCredential,
)
from tests.support.fake_pulumi import fake_pulumi
from tests.support.triggers_cli import Cli, recording


def test_stop_records_then_stops_exactly_the_started_triggers(
    server: ArmServer, cli: Cli, credential: FakeCredential, tmp_path: Path
) -> None:
    server.page_size = 2
    for name in ("TR_A", "TR_C"):
        server.add_trigger(name, runtime_state="Started")
    for name in ("TR_B", "TR_D"):
        server.add_trigger(name)
    server.add_trigger("TR_E", type="BlobEventsTrigger", runtime_state="Started", subscription="Enabled")

    assert cli("stop") == 0

    document = recording(tmp_path / ".triggers-dev.json")
    assert document["started"] == ["TR_A", "TR_C", "TR_E"]
    assert document["factory_id"] == server.coordinates.resource_id
    assert server.started() == []
    assert server.actions("POST") == ["POST triggers/TR_A/stop", "POST triggers/TR_C/stop", "POST triggers/TR_E/stop"]
    assert server.actions("GET triggers") == ["GET triggers"] * 3, "three pages of two, through nextLink"
    # Each stop is an ARM long-running operation the SDK's poller followed to its end.
    actions = server.actions()
    first_stop = actions.index("POST triggers/TR_A/stop")
    assert actions[first_stop + 1].startswith("GET operationStatuses/")
    assert actions[first_stop + 3].startswith("GET operationResults/")
    assert {r.authorization for r in server.requests} == {f"Bearer {TOKEN}"}
    assert credential.scopes[0] == (f"{server.endpoint}/.default",)


def test_a_repeated_stop_keeps_the_recording_and_only_adds_to_it(server: ArmServer, cli: Cli, tmp_path: Path) -> None:
    server.add_trigger("TR_A", runtime_state="Started")
    server.add_trigger("TR_B")
    state = tmp_path / ".triggers-dev.json"
    assert cli("stop") == 0
    first = recording(state)

    assert cli("stop") == 0, "nothing is started any more"
    assert recording(state)["started"] == ["TR_A"]
    assert recording(state)["recorded_at"] == first["recorded_at"]

    server.trigger("TR_B").runtime_state = "Started"  # started by hand between two stops: it was running, keep it
    assert cli("stop") == 0
    assert recording(state)["started"] == ["TR_A", "TR_B"]
    assert server.started() == []


def test_stop_refuses_a_recording_of_another_factory(
    server: ArmServer, cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_trigger("TR_A", runtime_state="Started")
    state = tmp_path / ".triggers-dev.json"
    other = {"factory_id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.DataFactory/factories/z"}
    state.write_text(json.dumps({**other, "started": ["TR_Z"]}))

    assert cli("stop") == 2

    assert "records the triggers of /subscriptions/x/" in capsys.readouterr().err
    assert recording(state)["started"] == ["TR_Z"]
    assert server.actions("POST") == []
    assert server.started() == ["TR_A"]


def test_a_trigger_that_will_not_stop_is_reported_and_the_others_still_stop(
    server: ArmServer, cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_trigger("TR_A", runtime_state="Started", refuse_stop=(409, "Conflict", "Trigger TR_A is being updated."))
    server.add_trigger("TR_B", runtime_state="Started")

    assert cli("stop") == 3

    assert server.started() == ["TR_A"]
    assert "error: trigger 'TR_A': Azure refused to stop it: Conflict: Trigger TR_A is being updated." in (
        capsys.readouterr().err
    )
    assert recording(tmp_path / ".triggers-dev.json")["started"] == ["TR_A", "TR_B"]


def test_stop_on_a_stack_that_was_never_deployed_stops_nothing_and_succeeds(
    server: ArmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_pulumi(tmp_path / "bin", "echo '{}'\n")  # a new stack has no outputs
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    state_file = tmp_path / "state.json"

    assert cli("stop", "--state-file", str(state_file), coordinates=False) == 0

    assert "has not been deployed" in capsys.readouterr().out
    assert not state_file.exists()
    assert server.requests == []
