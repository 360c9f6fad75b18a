"""`ops run` and `run_pipeline()` against the fake ARM: the run id, parameters, progress, and how a run ends."""

from __future__ import annotations

import io
import json
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console

from ops import runs
from ops.cli.main import main
from ops.cli.run_display import RunDisplay
from ops.factory import Factory, connect
from ops.run_result import ActivityState, RunResult
from stack.errors import AzureRefusedError
from tests.support.arm_server import (
    FACTORY,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    Activity,
    ArmServer,
    FakeCredential,
    RunFrame,
)

Cli = Callable[..., int]
SOURCE_MISSING = {
    "errorCode": "2200",
    "message": "ErrorCode=UserErrorSourceBlobNotExists,'The required Blob is missing. Container: landing, "
    "Path: events/2025-01-31.csv.'",
    "failureType": "UserError",
    "target": "Copy_Events",
}
INNER_FAILED = {
    "errorCode": "",
    "message": "Activity failed because an inner activity failed",
    "failureType": "UserError",
    "target": "ForEach_Table",
}


@pytest.fixture
def factory(server: ArmServer, tls: tuple[Path, Path]) -> Iterator[Factory]:
    with connect(
        server.coordinates,
        credential=FakeCredential(),
        endpoint=server.endpoint,
        polling_interval=0,
        connection_verify=str(tls[0]),
        retry_total=0,
    ) as connected:
        yield connected


@pytest.fixture
def cli(server: ArmServer, monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path]) -> Cli:
    """`run <argv>` for stack dev against the fake factory, signed in with the fake credential."""
    monkeypatch.setattr("ops.factory.make_credential", FakeCredential)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))

    def run(*argv: str) -> int:
        where = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]
        extra = ["--stack", "dev", *where, "--endpoint", server.endpoint, "--poll-seconds", "0"]
        return main(["run", *extra, *argv])

    return run


def succeeding() -> list[RunFrame]:
    return [
        RunFrame("Queued"),
        RunFrame("InProgress", [Activity("Copy_Events", "InProgress")]),
        RunFrame(
            "InProgress",
            [
                Activity("Copy_Events", "Succeeded"),
                Activity("Transform", "InProgress", type="ExecuteDataFlow", started=2),
            ],
        ),
        RunFrame(
            "Succeeded",
            [
                Activity("Copy_Events", "Succeeded"),
                Activity("Transform", "Succeeded", type="ExecuteDataFlow", started=2, ended=3),
            ],
        ),
    ]


def failing() -> list[RunFrame]:
    """A ForEach whose inner copy fails: the ForEach fails later, with a message that says nothing."""
    running = [
        Activity("ForEach_Table", "InProgress", type="ForEach"),
        Activity("Copy_Events", "InProgress", started=1),
    ]
    failed = [
        Activity("ForEach_Table", "Failed", type="ForEach", error=INNER_FAILED, ended=10),
        Activity("Copy_Events", "Failed", error=SOURCE_MISSING, started=1, ended=5),
    ]
    return [
        RunFrame("InProgress", running),
        RunFrame(
            "Failed",
            failed,
            message="Operation on target ForEach_Table failed: Activity failed because an inner activity failed",
        ),
    ]


def test_run_prints_the_run_id_and_passes_parameters_as_json_or_strings(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_pipeline("PL_Ingest")

    code = cli(
        "PL_Ingest",
        "--param",
        "day=2025-01-31",
        "--param",
        "count=3",
        "--param",
        "full=true",
        "--param",
        'tables=["events","users"]',
        "--param",
        "label=NaN",
        "--param",
        "empty=",
    )

    assert code == 0
    (run_id,) = server.runs
    assert capsys.readouterr().out == f"{run_id}\n"
    assert server.runs[run_id].parameters == {
        "day": "2025-01-31",
        "count": 3,
        "full": True,
        "tables": ["events", "users"],
        "label": "NaN",
        "empty": "",
    }
    assert server.actions("GET pipelineruns") == [], "without --wait the command does not follow the run"


def test_wait_follows_the_run_to_success_and_shows_each_activitys_state(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    server.activity_page_size = 1  # activity runs come a page at a time, through continuationToken
    server.add_pipeline("PL_Ingest", succeeding())

    assert cli("PL_Ingest", "--wait") == 0

    captured = capsys.readouterr()
    (run_id,) = server.runs
    assert captured.out == f"{run_id}\n"
    progress = captured.err.splitlines()
    assert progress == [
        "PL_Ingest Queued | no activity started yet",
        "PL_Ingest InProgress | Copy_Events: InProgress",
        "PL_Ingest InProgress | Copy_Events: Succeeded, Transform: InProgress",
        "PL_Ingest Succeeded | Copy_Events: Succeeded, Transform: Succeeded",
        f"PL_Ingest run {run_id} Succeeded",
    ]
    assert len(server.actions(f"POST pipelineruns/{run_id}/queryActivityruns")) > len(
        server.actions("GET pipelineruns")
    )


def test_a_failed_run_exits_5_naming_the_failing_activity_and_its_error(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_pipeline("PL_Ingest", failing())

    assert cli("PL_Ingest", "--wait") == 5

    err = capsys.readouterr().err
    (run_id,) = server.runs
    assert (
        f"error: PL_Ingest run {run_id} Failed: activity 'Copy_Events' failed: 2200: "
        "ErrorCode=UserErrorSourceBlobNotExists,'The required Blob is missing." in err
    )


def test_a_cancelled_run_exits_5(server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    server.add_pipeline("PL_Ingest", [RunFrame("InProgress"), RunFrame("Cancelled", message="Cancelled by alice")])

    assert cli("PL_Ingest", "--wait") == 5

    assert "Cancelled: Cancelled by alice" in capsys.readouterr().err


def test_waiting_is_bounded_and_a_timeout_exits_4(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_pipeline(
        "PL_Ingest", [RunFrame("Queued"), RunFrame("InProgress", [Activity("Copy_Events", "InProgress")])]
    )

    assert cli("PL_Ingest", "--wait", "--timeout-seconds", "0.1", "--poll-seconds", "0.02") == 4

    assert "is still InProgress after 0.1 s; it goes on in Azure" in capsys.readouterr().err


def test_a_missing_pipeline_is_reported_with_azures_message(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("PL_Nope", "--wait") == 3

    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        f"error: pipeline 'PL_Nope': PipelineNotFound: Pipeline 'PL_Nope' does not exist in factory '{FACTORY}'."
        in captured.err
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (["no-equals-sign"], "--param 'no-equals-sign': expected NAME=VALUE"),
        (["=3"], "--param '=3': expected NAME=VALUE"),
        (["a=1", "a=2"], "--param a is given more than once"),
        (["day=1", "Day=2"], "--param Day is given more than once (as day; parameter names ignore case)"),
        (
            ['tables=[{"schema":"dbo",}]'],
            "--param tables: the value opens like JSON but is not JSON (Expecting property name enclosed in double "
            "quotes at line 1 column 18)",
        ),
        (['note="unterminated'], "--param note: the value opens like JSON but is not JSON (Unterminated string"),
    ],
    ids=["no-equals-sign", "no-name", "repeated", "repeated-in-another-case", "broken-json", "broken-json-string"],
)
def test_bad_params_exit_2_naming_the_parameter_before_anything_is_sent(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str], params: list[str], message: str
) -> None:
    server.add_pipeline("PL_Ingest")

    assert cli("PL_Ingest", *(arg for param in params for arg in ("--param", param))) == 2

    captured = capsys.readouterr()
    assert f"error: {message}" in captured.err
    assert captured.out == ""
    assert server.runs == {} and server.requests == []


def test_without_flags_or_the_pulumi_cli_the_error_says_which_flags_to_pass(
    server: ArmServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    assert main(["run", "PL_Ingest", "--stack", "dev", "--factory", FACTORY]) == 2

    err = capsys.readouterr().err
    assert "the Pulumi CLI is not installed" in err
    assert "pass --subscription, --resource-group" in err
    assert server.requests == []


# ---------------------------------------------------------------------------- the library


def test_run_pipeline_returns_the_outcome_and_reports_progress(server: ArmServer, factory: Factory) -> None:
    server.add_pipeline("PL_Ingest", failing())
    seen: list[RunResult] = []

    result = runs.run_pipeline(
        factory, "PL_Ingest", {"day": "2025-01-31"}, wait=True, poll_seconds=0, on_progress=seen.append
    )

    assert [r.status for r in seen] == ["Queued", "InProgress", "Failed"]
    assert result == seen[-1]
    assert result.run_id in server.runs
    assert result.status == "Failed" and not result.succeeded and not result.timed_out
    assert result.failed_activity == "Copy_Events", "the inner failure, not the ForEach that failed because of it"
    assert result.error is not None and result.error.startswith("2200: ErrorCode=UserErrorSourceBlobNotExists")
    assert [(a.name, a.type, a.status) for a in result.activities] == [
        ("ForEach_Table", "ForEach", "Failed"),
        ("Copy_Events", "Copy", "Failed"),
    ]


def test_run_pipeline_takes_coordinates_and_a_credential(
    server: ArmServer, monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path]
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))
    server.add_pipeline("PL_Ingest")

    result = runs.run_pipeline(server.coordinates, "PL_Ingest", credential=FakeCredential(), endpoint=server.endpoint)

    assert result.status == "Queued" and result.run_id in server.runs
    assert server.actions("POST") == ["POST pipelines/PL_Ingest/createRun"]


def test_run_pipeline_times_out_with_the_last_known_state(server: ArmServer, factory: Factory) -> None:
    server.add_pipeline("PL_Ingest", [RunFrame("InProgress", [Activity("Copy_Events", "InProgress")])])

    result = runs.run_pipeline(factory, "PL_Ingest", wait=True, timeout_seconds=0.05, poll_seconds=0.01)

    assert result.timed_out and result.status == "InProgress" and not result.finished
    assert [a.status for a in result.activities] == ["InProgress"]


def test_on_a_terminal_the_display_is_a_live_view_of_every_activity() -> None:
    screen = io.StringIO()
    display = RunDisplay(Console(file=screen, force_terminal=True, width=100))
    activities = (
        ActivityState("Copy_Events", "Copy", "Succeeded"),
        ActivityState("Transform", "ExecuteDataFlow", "InProgress"),
    )
    with display:
        display.update(RunResult("PL_Ingest", "run-1", "InProgress", activities))

    text = screen.getvalue()
    assert "\x1b[" in text, "rendered with terminal control codes"
    for expected in ("PL_Ingest", "run-1", "Copy_Events", "Succeeded", "Transform", "ExecuteDataFlow", "InProgress"):
        assert expected in text


def test_a_refusal_from_the_library_is_an_azure_refused_error(server: ArmServer, factory: Factory) -> None:
    with pytest.raises(AzureRefusedError) as info:
        runs.run_pipeline(factory, "PL_Nope")
    assert str(info.value).startswith("pipeline 'PL_Nope': PipelineNotFound: Pipeline 'PL_Nope' does not exist")


# ---------------------------------------------------------------------------- --json


def test_json_envelope_of_a_followed_run(server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    server.add_pipeline("PL_Ingest", succeeding())

    assert cli("PL_Ingest", "--wait", "--json") == 0

    captured = capsys.readouterr()
    document = json.loads(captured.out)
    (run_id,) = server.runs
    assert document == {
        "command": "run",
        "ok": True,
        "exitCode": 0,
        "errors": [],
        "pipeline": "PL_Ingest",
        "runId": run_id,
        "status": "Succeeded",
        "activities": [
            {"name": "Copy_Events", "type": "Copy", "status": "Succeeded", "error": None},
            {"name": "Transform", "type": "ExecuteDataFlow", "status": "Succeeded", "error": None},
        ],
        "failedActivity": None,
        "error": None,
        "timedOut": False,
    }
    assert run_id in captured.err, "the run id and the progress go to stderr, stdout holds only the envelope"


def test_json_envelope_of_a_failed_run_carries_the_error(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_pipeline("PL_Ingest", failing())

    assert cli("PL_Ingest", "--wait", "--json") == 5

    captured = capsys.readouterr()
    document = json.loads(captured.out)
    (run_id,) = server.runs
    assert (document["ok"], document["exitCode"], document["status"]) == (False, 5, "Failed")
    assert document["failedActivity"] == "Copy_Events"
    (error,) = document["errors"]
    assert (error["kind"], error["exitCode"]) == ("run-failed", 5)
    assert error["message"].startswith(f"PL_Ingest run {run_id} Failed: activity 'Copy_Events' failed: 2200: ")
    assert f"error: {error['message']}" in captured.err


def test_json_envelope_of_a_refusal(server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("PL_Nope", "--json") == 3

    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"command", "ok", "exitCode", "errors"}
    assert (document["command"], document["ok"], document["exitCode"]) == ("run", False, 3)
    assert [e["kind"] for e in document["errors"]] == ["azure"]


def test_ctrl_c_while_waiting_says_the_run_goes_on(
    server: ArmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_pipeline("PL_Ingest", [RunFrame("InProgress", [Activity("Copy_Events", "InProgress")])])

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runs, "_activity_runs", interrupt)  # Ctrl-C during the first poll
    handler = signal.getsignal(signal.SIGINT)
    try:
        assert cli("PL_Ingest", "--wait") == 130
    finally:
        signal.signal(signal.SIGINT, handler)
    captured = capsys.readouterr()
    (run_id,) = server.runs
    assert captured.out == f"{run_id}\n"
    assert captured.err.splitlines()[-1] == f"interrupted: stopped waiting; run {run_id} goes on in Azure"
