"""`ops triggers start --restore`: after a failed deployment, start exactly what `stop` recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.arm_server import (
    FACTORY,
    ArmServer,
)
from tests.support.triggers_cli import Cli, recording


def test_restore_after_a_failed_deploy_starts_exactly_the_triggers_that_ran_before(
    server: ArmServer, cli: Cli, tmp_path: Path
) -> None:
    server.add_trigger("TR_A", runtime_state="Started")
    server.add_trigger("TR_B")
    server.add_trigger("TR_C", type="BlobEventsTrigger", runtime_state="Started", subscription="Enabled")
    assert cli("stop") == 0

    # The deploy fails halfway: TR_C was replaced (new, stopped, unsubscribed), TR_New created stopped.
    server.add_trigger("TR_C", type="BlobEventsTrigger", subscription="Disabled")
    server.add_trigger("TR_New")
    assert cli("stop") == 0, "the retried pipeline stops again: nothing runs, the recording stays"
    server.trigger("TR_B").runtime_state = "Started"  # and someone started TR_B by hand meanwhile

    assert cli("start", "--restore") == 0

    assert server.started() == ["TR_A", "TR_C"]
    assert "POST triggers/TR_B/stop" in server.actions()
    assert server.actions("POST triggers/TR_C/subscribeToEvents")
    assert not (tmp_path / ".triggers-dev.json").exists()


def test_restore_goes_on_past_a_recorded_trigger_the_deploy_deleted_and_keeps_the_recording(
    server: ArmServer, cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_trigger("TR_A")
    state = tmp_path / ".triggers-dev.json"
    state.write_text(json.dumps({"factory_id": server.coordinates.resource_id, "started": ["TR_A", "TR_Gone"]}))

    assert cli("start", "--restore") == 2

    assert server.started() == ["TR_A"], "restoring what can be restored is the point of a restore"
    assert f"trigger 'TR_Gone': does not exist in factory {FACTORY}" in capsys.readouterr().err
    assert recording(state)["started"] == ["TR_A", "TR_Gone"]


def test_restore_without_a_recording_is_a_usage_error(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("start", "--restore") == 2
    assert "no recording to restore; `triggers stop` writes it" in capsys.readouterr().err
    assert server.requests == []
