"""`ops triggers stop|start` against the fake ARM: what is recorded, started and stopped, and how failures end."""

from __future__ import annotations

import argparse
import json
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError

from ops import triggers
from ops.factory import connect
from tests.support.arm_server import (
    FACTORY,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TOKEN,
    ArmServer,
    FakeCredential,
)

Cli = Callable[..., int]
REFUSAL = (400, "TriggerStartFailed", "Trigger TR_Daily cannot be started: pipeline 'PL_Ingest' is not published.")


@pytest.fixture
def credential(monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path], tmp_path: Path) -> FakeCredential:
    """The CLI signs in with the fake credential and trusts the fake's certificate; state files land in tmp."""
    fake = FakeCredential()
    monkeypatch.setattr("ops.factory.make_credential", lambda: fake)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))
    monkeypatch.chdir(tmp_path)
    return fake


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ops triggers")
    triggers.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def cli(server: ArmServer, credential: FakeCredential) -> Cli:
    """`triggers <argv>` for stack dev, pointed at the fake factory."""

    def run(*argv: str, coordinates: bool = True) -> int:
        where = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]
        extra = [*(where if coordinates else []), "--endpoint", server.endpoint, "--poll-seconds", "0.01"]
        return triggers.main(parse([argv[0], "--stack", "dev", *argv[1:], *extra]))

    return run


def recording(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def fake_pulumi(bin_dir: Path, script: str) -> None:
    bin_dir.mkdir()
    executable = bin_dir / "pulumi"
    executable.write_text("#!/bin/sh\n" + script)
    executable.chmod(0o755)


def deployed_outputs(enabled_triggers: Any) -> dict[str, Any]:
    """The outputs of a deployed dev stack whose `enabled_triggers` output is the given value."""
    return {
        "subscription_id": SUBSCRIPTION,
        "resource_group_name": RESOURCE_GROUP,
        "factory_name": FACTORY,
        "enabled_triggers": enabled_triggers,
    }


@pytest.fixture
def pulumi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Path]:
    """Put a fake `pulumi` on PATH that prints `outputs` (or runs `script`); returns the log of its calls."""
    calls = tmp_path / "pulumi-calls"

    def install(outputs: dict[str, Any] | None = None, script: str | None = None) -> Path:
        body = script if script is not None else f"cat <<'JSON'\n{json.dumps(outputs)}\nJSON\n"
        fake_pulumi(tmp_path / "bin", f'echo "$PWD $*" >> {calls}\n{body}')
        monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
        return calls

    return install


# ---------------------------------------------------------------------------- stop


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


# ---------------------------------------------------------------------------- start


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

    assert cli("start", "--event-wait-seconds", "0.2") == 4

    err = capsys.readouterr().err
    assert "trigger 'TR_Landing': its event subscription is still Provisioning after 0.2 s; not started" in err
    assert server.actions("POST triggers/TR_Landing/subscribeToEvents") == [
        "POST triggers/TR_Landing/subscribeToEvents"
    ]
    assert "POST triggers/TR_Landing/start" not in server.actions()
    assert server.started() == ["TR_Daily"]
    assert server.trigger("TR_Landing").subscription == "Provisioning"


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


def test_restore_without_a_recording_is_a_usage_error(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("start", "--restore") == 2
    assert "no recording to restore; `triggers stop` writes it" in capsys.readouterr().err
    assert server.requests == []


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


# ---------------------------------------------------------------------------- coordinates


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


def test_help_documents_the_exit_codes() -> None:
    parser = argparse.ArgumentParser(prog="python -m ops triggers")
    triggers.add_arguments(parser)
    for action in ("stop", "start"):
        with pytest.raises(SystemExit):
            parser.parse_args([action, "--help"])
    text = parser.format_help()
    assert "exit codes:" in text
    for line in ("  0  success", "  2  bad input: flags, stack config", "  3  Azure refused", "  4  timed out"):
        assert line in text


# ---------------------------------------------------------------------------- the fake's contract


def test_the_fake_refuses_requests_without_a_bearer_token(server: ArmServer, tls: tuple[Path, Path]) -> None:
    url = f"{server.endpoint}{server.coordinates.resource_id}/triggers?api-version=2018-06-01"
    context = ssl.create_default_context(cafile=str(tls[0]))
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, context=context)
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["code"] == "AuthenticationFailed"


def test_the_subscribe_operation_is_an_lro_the_sdks_poller_follows(server: ArmServer, tls: tuple[Path, Path]) -> None:
    server.add_trigger("TR_Landing", type="BlobEventsTrigger", provisioning_reads=3)
    with connect(
        server.coordinates,
        credential=FakeCredential(),
        endpoint=server.endpoint,
        polling_interval=0,
        connection_verify=str(tls[0]),
        retry_total=0,
    ) as factory:
        poller = factory.client.triggers.begin_subscribe_to_events(RESOURCE_GROUP, FACTORY, "TR_Landing")
        assert poller.result().status == "Enabled"
    polls = server.actions("GET operationResults/")
    assert len(polls) == 3, "202 while Provisioning, then 200 with the status"


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


def test_start_on_a_stack_that_was_never_deployed_is_an_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_pulumi(tmp_path / "bin", "echo '{}'\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")

    assert cli("start", coordinates=False) == 2
    assert "has not been deployed" in capsys.readouterr().err
    assert cli("start") == 2, "flags naming the factory do not replace the enabled_triggers output"
    assert "stack 'dev' has no outputs: it has not been deployed" in capsys.readouterr().err
