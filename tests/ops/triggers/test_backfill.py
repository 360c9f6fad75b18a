"""`ops triggers start` refuses the first start of a tumbling window that would backfill too many windows."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from azure.core.exceptions import HttpResponseError

from ops import backfill, triggers
from ops.backfill import MAX_BACKFILL_WINDOWS, TumblingWindow
from ops.factory import Factory, connect
from ops.trigger_actions import start_triggers
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


# --- the details: what is judged, where the bound lies, what a start time can look like ---------------------------


class NoRuns:
    """A factory whose trigger-runs query answers that the trigger never ran; records each query."""

    resource_group = "rg"
    name = "adf"

    def __init__(self) -> None:
        self.queries: list[Any] = []
        self.client = SimpleNamespace(trigger_runs=SimpleNamespace(query_by_factory=self._query))

    def _query(self, resource_group: str, factory: str, query: Any) -> Any:
        self.queries.append(query)
        return SimpleNamespace(value=[])


def refusal_of(window: TumblingWindow, limit: int = MAX_BACKFILL_WINDOWS) -> str | None:
    return backfill.refusal(cast(Factory, NoRuns()), "TR", window, NOW, limit)


@pytest.mark.parametrize(
    ("frequency", "interval", "span_of_48", "unit"),
    [
        ("Minute", 1, datetime.timedelta(minutes=48), "minute"),
        ("Minute", 15, datetime.timedelta(hours=12), "15 minute"),
        ("Hour", 1, datetime.timedelta(hours=48), "hour"),
        ("Hour", 2, datetime.timedelta(hours=96), "2 hour"),
    ],
)
def test_48_windows_start_and_49_are_refused_for_each_fixed_frequency(
    frequency: str, interval: int, span_of_48: datetime.timedelta, unit: str
) -> None:
    window_size = span_of_48 / 48
    at_the_bound = TumblingWindow(NOW - span_of_48, frequency, interval)
    almost_49 = TumblingWindow(NOW - span_of_48 - window_size + datetime.timedelta(seconds=1), frequency, interval)
    past_the_bound = TumblingWindow(NOW - span_of_48 - window_size, frequency, interval)

    assert (at_the_bound.windows_until(NOW), almost_49.windows_until(NOW)) == (48, 48)
    assert refusal_of(at_the_bound) is None
    assert refusal_of(almost_49) is None
    reason = refusal_of(past_the_bound)
    assert reason is not None
    assert f"a first start would backfill 49 {unit} window(s) since its startTime" in reason
    assert "--max-backfill-windows 49 to accept the backfill" in reason


@pytest.mark.parametrize(("interval", "unit"), [(1, "month"), (3, "3 month")])
def test_48_monthly_windows_start_and_49_are_refused(interval: int, unit: str) -> None:
    def months_back(count: int) -> datetime.datetime:
        month = NOW.year * 12 + NOW.month - 1 - count
        return NOW.replace(year=month // 12, month=month % 12 + 1)

    assert refusal_of(TumblingWindow(months_back(48 * interval), "Month", interval)) is None
    reason = refusal_of(TumblingWindow(months_back(49 * interval), "Month", interval))
    assert reason is not None and f"would backfill 49 {unit} window(s)" in reason


@pytest.mark.parametrize(
    ("start", "now", "windows"),
    [
        ("2026-12-01T10:00:00+00:00", "2027-03-01T10:00:00+00:00", 3),  # the same day and time: a whole month each
        ("2026-12-01T10:00:00+00:00", "2027-03-01T09:59:00+00:00", 2),  # a minute early on the same day
        ("2026-12-15T00:00:00+00:00", "2027-03-14T23:00:00+00:00", 2),  # a day early
        ("2026-12-01T00:00:00+00:00", "2027-12-01T00:00:00+00:00", 4),  # interval 3: twelve months, four windows
        ("2026-12-15T10:00:00+00:00", "2026-12-20T10:00:00+00:00", 0),  # later in the same month: none yet
        ("2026-12-15T10:00:00+00:00", "2027-01-15T09:59:00+00:00", 0),  # next month, a minute short: none yet
    ],
)
def test_monthly_windows_count_whole_months_from_the_start_day_and_time(start: str, now: str, windows: int) -> None:
    interval = 3 if windows == 4 else 1
    window = TumblingWindow(datetime.datetime.fromisoformat(start), "Month", interval)
    assert window.windows_until(datetime.datetime.fromisoformat(now)) == windows


@pytest.mark.parametrize("frequency", ["Minute", "Hour", "Month"])
def test_a_start_time_in_the_future_or_now_backfills_nothing(frequency: str) -> None:
    for start in (NOW, NOW + datetime.timedelta(days=400)):
        window = TumblingWindow(start, frequency, 1)
        assert window.windows_until(NOW) == 0
        assert refusal_of(window, limit=0) is None


def test_an_interval_below_one_counts_no_windows() -> None:
    assert TumblingWindow(NOW - datetime.timedelta(days=3), "Hour", 0).windows_until(NOW) == 0


def test_within_the_bound_the_factory_is_not_asked_for_runs() -> None:
    factory = NoRuns()
    window = TumblingWindow(NOW - datetime.timedelta(hours=48), "Hour", 1)
    assert backfill.refusal(cast(Factory, factory), "TR", window, NOW, 48) is None
    assert factory.queries == []
    assert backfill.refusal(cast(Factory, factory), "TR", window, NOW, 47) is not None
    assert len(factory.queries) == 1


def tumbling_properties(trigger_type: str = TUMBLING, start_time: Any = THREE_DAYS_BACK, interval: Any = 1) -> Any:
    """A trigger's properties as list_by_factory returns them (only what the backfill reads)."""
    return SimpleNamespace(
        type=trigger_type,
        type_properties=SimpleNamespace(start_time=start_time, frequency="Hour", interval=interval),
    )


@pytest.mark.parametrize("trigger_type", ["ScheduleTrigger", "BlobEventsTrigger", "CustomEventsTrigger"])
def test_only_tumbling_windows_have_windows(trigger_type: str) -> None:
    assert backfill.tumbling_window(tumbling_properties(trigger_type)) is None
    assert backfill.tumbling_window(tumbling_properties()) == TumblingWindow(
        datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC), "Hour", 1
    )


@pytest.mark.parametrize(
    "start_time",
    [
        "2026-12-01T00:00:00Z",
        "2026-12-01T01:00:00+01:00",
        datetime.datetime(2026, 12, 1),  # the SDK's value for a startTime without an offset: UTC
        datetime.datetime(2026, 11, 30, 19, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    ],
)
def test_a_start_time_in_any_form_is_the_same_utc_instant(start_time: Any) -> None:
    window = backfill.tumbling_window(tumbling_properties(start_time=start_time))
    assert window is not None
    assert window.start_time == datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    assert window.windows_until(NOW) == 72
    reason = refusal_of(window)
    assert reason is not None and "since its startTime 2026-12-01T00:00:00Z (more than" in reason


@pytest.mark.parametrize(
    ("start_time", "interval"), [(None, 1), ("2026-12-01T00:00:00Z", None), (THREE_DAYS_BACK, "1")]
)
def test_a_trigger_without_a_start_time_or_a_whole_interval_is_not_judged(start_time: Any, interval: Any) -> None:
    assert backfill.tumbling_window(tumbling_properties(start_time=start_time, interval=interval)) is None


def test_a_tumbling_window_already_started_is_not_judged_again(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path]
) -> None:
    pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time="2026-01-01T00:00:00Z", runtime_state="Started")

    assert cli("start", "--max-backfill-windows", "0") == 0

    assert server.started() == ["TR_Hourly"]
    assert server.actions("POST") == [], "nothing is asked, started or stopped"


def test_a_tumbling_window_the_stack_does_not_enable_is_not_judged(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path]
) -> None:
    pulumi(deployed_outputs(["TR_Daily"]))
    server.add_trigger("TR_Daily")
    server.add_trigger("TR_Old", type=TUMBLING, start_time="2026-01-01T00:00:00Z")

    assert cli("start") == 0

    assert server.started() == ["TR_Daily"]
    assert server.actions("POST queryTriggerRuns") == []


@pytest.mark.parametrize("trigger_type", ["ScheduleTrigger", "BlobEventsTrigger", "CustomEventsTrigger"])
def test_other_trigger_types_start_whatever_the_bound(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], trigger_type: str
) -> None:
    pulumi(deployed_outputs(["TR_Other"]))
    server.add_trigger("TR_Other", type=trigger_type)

    assert cli("start", "--max-backfill-windows", "0") == 0

    assert server.started() == ["TR_Other"]
    assert server.actions("POST queryTriggerRuns") == []


@pytest.mark.parametrize(("limit", "code", "started"), [("72", 0, ["TR_Hourly"]), ("71", 2, [])])
def test_max_backfill_windows_accepts_exactly_its_number_of_windows(
    server: ArmServer, cli: Cli, pulumi: Callable[..., Path], limit: str, code: int, started: list[str]
) -> None:
    pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK)  # 72 windows

    assert cli("start", "--max-backfill-windows", limit) == code

    assert server.started() == started


def test_the_library_start_applies_the_default_bound_of_48(
    server: ArmServer, credential: object, tmp_path: Path
) -> None:
    server.add_trigger("TR_48", type=TUMBLING, start_time="2026-12-02T00:00:00Z")
    server.add_trigger("TR_49", type=TUMBLING, start_time="2026-12-01T23:00:00Z")

    outcome = triggers.start(
        server.coordinates,
        ["TR_48", "TR_49"],
        tmp_path / "state.json",
        endpoint=server.endpoint,
        poll_seconds=0,
        say=lambda _: None,
    )

    assert [(f.trigger, type(f.error).__name__) for f in outcome.failures] == [("TR_49", "BackfillRefusedError")]
    assert server.started() == []


def test_without_fail_fast_a_refused_trigger_stays_stopped_and_the_others_start(
    server: ArmServer, credential: object
) -> None:
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK)
    server.add_trigger("TR_Daily")

    with connect(server.coordinates, endpoint=server.endpoint, polling_interval=0.01) as factory:
        outcome = start_triggers(
            factory, ["TR_Hourly", "TR_Daily"], fail_fast_on_missing=False, now=lambda: NOW, say=lambda _: None
        )

    assert [f.trigger for f in outcome.failures] == ["TR_Hourly"]
    assert outcome.started == ["TR_Daily"]
    assert server.started() == ["TR_Daily"]


def test_trigger_runs_azure_will_not_report_leave_the_trigger_stopped(
    server: ArmServer,
    cli: Cli,
    pulumi: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def refused(*_args: Any) -> bool:
        raise HttpResponseError(message="AuthorizationFailed: no read permission on trigger runs")

    monkeypatch.setattr(backfill, "has_run", refused)
    pulumi(deployed_outputs(["TR_Hourly"]))
    server.add_trigger("TR_Hourly", type=TUMBLING, start_time=THREE_DAYS_BACK)

    assert cli("start") == 3

    assert server.started() == []
    assert "trigger 'TR_Hourly': Azure refused to report its trigger runs, so its backfill is unknown" in (
        capsys.readouterr().err
    )
