"""`ops triggers start`: start what the deployed stack's enabled_triggers output names, stop every other."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.arm_server import (
    FACTORY,
    ArmServer,
)
from tests.support.fake_pulumi import fake_pulumi
from tests.support.triggers_cli import REFUSAL, Cli, deployed_outputs


def test_start_starts_the_enabled_triggers_and_stops_every_other_running_one(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(["TR_Daily", "TR_Landing"]))
    server.add_trigger("TR_Daily")
    server.add_trigger("TR_Hourly", runtime_state="Started")
    server.add_trigger("TR_Landing", type="BlobEventsTrigger", subscription="Disabled")
    server.add_trigger("TR_Manual", runtime_state="Started")  # made by hand in ADF Studio; no stack enables it
    state = tmp_path / ".triggers-dev.json"
    state.write_text(json.dumps({"factory_id": server.coordinates.resource_id, "started": ["TR_Hourly"]}))

    assert cli("start") == 0

    assert server.started() == ["TR_Daily", "TR_Landing"]
    posts = server.actions("POST")
    assert posts[:2] == ["POST triggers/TR_Hourly/stop", "POST triggers/TR_Manual/stop"]
    assert posts.index("POST triggers/TR_Landing/subscribeToEvents") < posts.index("POST triggers/TR_Landing/start")
    assert "POST triggers/TR_Daily/start" in posts
    assert not state.exists(), "a start without errors consumes the recording"
    out = capsys.readouterr().out
    assert "stack dev enables 2 trigger(s): TR_Daily, TR_Landing" in out
    assert "TR_Landing: event subscription is Enabled" in out


def test_a_trigger_the_config_enables_but_the_factory_lacks_is_an_error_and_nothing_changes(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(["TR_Daily", "TR_Hourly", "TR_Landing"]))
    server.add_trigger("TR_Daily")
    server.add_trigger("TR_Hourly", runtime_state="Started")

    assert cli("start") == 2

    err = capsys.readouterr().err
    assert f"trigger 'TR_Landing': does not exist in factory {FACTORY}; the factory has: TR_Daily, TR_Hourly" in err
    assert server.actions("POST") == []


def test_a_trigger_azure_refuses_to_start_is_named_with_azures_message_and_the_others_still_start(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(["TR_Daily", "TR_Hourly", "TR_Landing"]))
    server.add_trigger("TR_Daily", refuse_start=REFUSAL)
    server.add_trigger("TR_Hourly")
    server.add_trigger("TR_Landing", type="BlobEventsTrigger", subscription="Enabled")
    state = tmp_path / ".triggers-dev.json"
    state.write_text(json.dumps({"factory_id": server.coordinates.resource_id, "started": ["TR_Daily"]}))

    assert cli("start") == 3

    assert server.started() == ["TR_Hourly", "TR_Landing"]
    err = capsys.readouterr().err
    assert (
        "error: trigger 'TR_Daily': Azure refused to start it: TriggerStartFailed: "
        "Trigger TR_Daily cannot be started: pipeline 'PL_Ingest' is not published." in err
    )
    assert "1 failed: TR_Daily" in err
    assert state.exists(), "the recording is kept until a start succeeds"


def test_an_event_subscription_that_stays_provisioning_times_out_without_starting_the_trigger(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(["TR_Daily", "TR_Landing"]))
    server.add_trigger("TR_Daily")
    server.add_trigger("TR_Landing", type="BlobEventsTrigger", subscribe_stuck=True)

    assert cli("start", "--event-wait-seconds", "0.2", "--poll-seconds", "0.05") == 4

    err = capsys.readouterr().err
    assert "trigger 'TR_Landing': its event subscription is still Provisioning after 0.2 s; not started" in err
    assert server.actions("POST triggers/TR_Landing/subscribeToEvents") == [
        "POST triggers/TR_Landing/subscribeToEvents"
    ]
    assert "POST triggers/TR_Landing/start" not in server.actions()
    assert server.started() == ["TR_Daily"]
    assert server.trigger("TR_Landing").subscription == "Provisioning"


def test_start_reads_the_targets_and_the_coordinates_in_one_pulumi_call_not_from_the_stack_file(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No stack file in the project dir: the deployed stack's output is the only source of the targets.
    calls = pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Daily", runtime_state="Started")
    server.add_trigger("TR_Hourly")

    assert cli("start", "--project-dir", str(tmp_path), coordinates=False) == 0

    assert calls.read_text().splitlines() == [f"{tmp_path} stack output --json --stack dev"]
    assert server.started() == ["TR_Hourly"]
    assert "stack dev enables 1 trigger(s): TR_Hourly" in capsys.readouterr().out


def test_start_on_a_stack_deployed_without_an_enabled_triggers_output_is_a_usage_error(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = deployed_outputs([])
    del outputs["enabled_triggers"]
    pulumi(outputs)
    server.add_trigger("TR_Daily", runtime_state="Started")

    assert cli("start") == 2

    assert "error: stack 'dev' has no output enabled_triggers: deploy it with this program" in capsys.readouterr().err
    assert server.requests == []
    assert server.started() == ["TR_Daily"]


@pytest.mark.parametrize("value", ["TR_Daily", {"TR_Daily": True}, ["TR_Daily", 7], [""], None])
def test_start_refuses_an_enabled_triggers_output_that_is_not_a_list_of_names(
    value: Any, server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(value))
    server.add_trigger("TR_Daily")

    assert cli("start") == 2

    err = capsys.readouterr().err
    assert f"error: stack 'dev': output enabled_triggers is not a list of trigger names ({json.dumps(value)})" in err
    assert server.requests == []


def test_start_without_readable_stack_outputs_is_a_usage_error_even_when_flags_name_the_factory(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(script="echo \"error: no stack named 'dev' found\" >&2\nexit 255\n")

    assert cli("start") == 2

    err = capsys.readouterr().err
    assert "`pulumi stack output --json --stack dev` failed (error: no stack named 'dev' found)" in err
    assert "`triggers start` starts what the deployed stack enables (its enabled_triggers output)" in err
    assert server.requests == []


def test_start_on_a_stack_that_was_never_deployed_is_an_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_pulumi(tmp_path / "bin", "echo '{}'\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")

    assert cli("start", coordinates=False) == 2
    assert "has not been deployed" in capsys.readouterr().err
    assert cli("start") == 2, "flags naming the factory do not replace the enabled_triggers output"
    assert "stack 'dev' has no outputs: it has not been deployed" in capsys.readouterr().err
