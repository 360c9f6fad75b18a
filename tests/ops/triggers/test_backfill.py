"""`ops triggers start` refuses the first start of a tumbling window that would backfill too many windows."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ops.backfill import TumblingWindow
from tests.support.arm_server import ArmServer
from tests.support.triggers_cli import Cli, deployed_outputs

NOW = datetime.datetime(2026, 12, 4, 0, 20, tzinfo=datetime.UTC)
THREE_DAYS_BACK = "2026-12-01T00:00:00Z"
"""72 hourly windows before NOW: more than the default bound of 48."""
TUMBLING = "TumblingWindowTrigger"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ops.trigger_actions.clock", lambda: NOW)


def test_a_first_start_three_days_after_the_start_time_is_refused_and_nothing_changes(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi(deployed_outputs(["TR_Hourly", "TR_Daily"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK)
    server.add_trigger("TR_Daily")
    server.add_trigger("TR_Manual", runtime_state="Started")

    assert cli("start") == 2

    assert server.started() == ["TR_Manual"], "nothing is started or stopped"
    assert [a for a in server.actions("POST") if not a.endswith("queryTriggerRuns")] == []
    query = next(r.body for r in server.requests if r.action == "POST queryTriggerRuns")
    assert query["filters"] == [{"operand": "TriggerName", "operator": "Equals", "values": ["TR_Hourly"]}]
    assert query["lastUpdatedAfter"].startswith("2026-12-01T00:00:00")
    assert query["lastUpdatedBefore"].startswith("2026-12-04T00:20:00")
    err = capsys.readouterr().err
    assert (
        "error: trigger 'TR_Hourly': it has never run, and a first start would backfill 72 hour window(s) since its "
        "startTime 2026-12-01T00:00:00Z (more than --max-backfill-windows 48); not started. "
        "Set dataFactory.triggerStartTime in Pulumi.<stack>.yaml to a recent hour and deploy (`pulumi up`), "
        "or pass --max-backfill-windows 72 to accept the backfill" in err
    )


def test_a_larger_max_backfill_windows_accepts_the_backfill(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path]
) -> None:
    pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK)

    assert cli("start", "--max-backfill-windows", "100") == 0

    assert server.started() == ["TR_Hourly"]


def test_a_trigger_that_ran_before_resumes_without_the_bound(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path]
) -> None:
    pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK, runs=["2026-12-02T01:00:04Z"])
    server.add_trigger("TR_Other", type=TUMBLING, runs=["2026-12-03T01:00:04Z"])  # another trigger's runs

    assert cli("start") == 0

    assert server.started() == ["TR_Hourly"]


def test_only_the_named_triggers_runs_count(server: ArmServer, cli: Cli, pulumi: Callable[..., Path]) -> None:
    pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK)
    server.add_trigger("TR_Other", type=TUMBLING, runs=["2026-12-03T01:00:04Z"])

    assert cli("start") == 2

    assert server.started() == []


def test_a_recent_start_time_starts_at_once(server: ArmServer, cli: Cli, pulumi: Callable[..., Path]) -> None:
    pulumi(deployed_outputs(["TR_Hourly", "TR_Later"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time="2026-12-02T00:00:00Z")  # 48 windows: the bound
    server.add_trigger("TR_Later", type=TUMBLING, start_time="2027-01-01T00:00:00Z")  # in the future

    assert cli("start") == 0

    assert server.started() == ["TR_Hourly", "TR_Later"]
    assert server.actions("POST queryTriggerRuns") == [], "within the bound nothing needs asking"


def test_restore_starts_a_recorded_tumbling_window_whatever_its_backfill(
    server: ArmServer, cli: Cli, tmp_path: Path
) -> None:
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time="2026-01-01T00:00:00Z")
    (tmp_path / ".triggers-dev.json").write_text(
        json.dumps({"factory_id": server.coordinates.resource_id, "started": ["TR_Hourly"]})
    )

    assert cli("start", "--restore", "--max-backfill-windows", "0") == 0

    assert server.started() == ["TR_Hourly"]
    assert server.actions("POST queryTriggerRuns") == []


def test_a_negative_max_backfill_windows_is_a_usage_error(
    server: ArmServer, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("start", "--max-backfill-windows", "-1") == 2
    err = capsys.readouterr().err
    assert (
        "error: python -m ops triggers start: argument --max-backfill-windows: '-1' is not a whole number of windows"
        in err
    )
    assert "(see `python -m ops triggers start --help`)" in err
    assert server.requests == []


@pytest.mark.parametrize(
    ("frequency", "interval", "now", "windows"),
    [
        ("Hour", 1, "2026-12-04T00:20:00Z", 72),
        ("Hour", 2, "2026-12-04T00:20:00Z", 36),
        ("Minute", 15, "2026-12-01T01:59:00Z", 7),
        ("Month", 1, "2027-03-01T00:00:00Z", 3),
        ("Month", 1, "2027-02-28T23:00:00Z", 2),
        ("Hour", 1, "2026-11-30T00:00:00Z", 0),
    ],
)
def test_the_windows_are_counted_from_the_start_time_to_now(
    frequency: str, interval: int, now: str, windows: int
) -> None:
    window = TumblingWindow(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC), frequency, interval)
    assert window.windows_until(datetime.datetime.fromisoformat(now)) == windows
