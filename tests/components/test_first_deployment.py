"""The hour of a stack's first deployment: made once by the create, never moved, and a first trigger start from it
backfills next to nothing, on any day the stack is deployed (the clock is frozen here)."""

from __future__ import annotations

import datetime

import pytest

from components import first_deployment
from components.first_deployment import FirstDeploymentHour, _FirstDeploymentHourProvider, whole_hour
from ops.backfill import MAX_BACKFILL_WINDOWS, TumblingWindow
from tests.support.component_plan import build, only

DEPLOYED = datetime.datetime(2027, 3, 4, 5, 47, 12, tzinfo=datetime.UTC)
"""A frozen moment of a first deployment."""


@pytest.mark.parametrize(
    ("moment", "hour"),
    [
        (DEPLOYED, "2027-03-04T05:00:00Z"),
        (datetime.datetime(2027, 3, 4, 5, 0, 0, tzinfo=datetime.UTC), "2027-03-04T05:00:00Z"),
        (
            datetime.datetime(2027, 3, 4, 7, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
            "2027-03-04T05:00:00Z",
        ),
        (datetime.datetime(2027, 3, 4, 5, 59, 59), "2027-03-04T05:00:00Z"),
    ],
    ids=["utc", "on-the-hour", "offset", "naive-as-utc"],
)
def test_the_hour_is_the_whole_utc_hour_spelled_as_trigger_start_time_is(moment: datetime.datetime, hour: str) -> None:
    assert whole_hour(moment) == hour


def test_the_create_takes_the_hour_it_runs_in_and_no_diff_ever_moves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_FirstDeploymentHourProvider, "clock", staticmethod(lambda: DEPLOYED))
    provider = _FirstDeploymentHourProvider()
    created = provider.create({"kind": "first-deployment-hour", "hour": None})
    outs = created.outs or {}
    assert (created.id, outs["hour"]) == ("2027-03-04T05:00:00Z", "2027-03-04T05:00:00Z")
    later = provider.diff(created.id, outs, {"kind": "first-deployment-hour", "hour": None})
    assert later.changes is False and not later.replaces


@pytest.mark.parametrize("delay", [datetime.timedelta(minutes=20), datetime.timedelta(hours=47)])
def test_a_first_trigger_start_after_the_first_deployment_passes_the_backfill_guard(
    monkeypatch: pytest.MonkeyPatch, delay: datetime.timedelta
) -> None:
    monkeypatch.setattr(_FirstDeploymentHourProvider, "clock", staticmethod(lambda: DEPLOYED))
    hour = (_FirstDeploymentHourProvider().create({}).outs or {})["hour"]
    start = datetime.datetime.fromisoformat(hour.replace("Z", "+00:00"))
    windows = TumblingWindow(start, "Hour", 1).windows_until(DEPLOYED + delay)
    assert windows <= MAX_BACKFILL_WINDOWS


def test_a_fixed_date_in_the_stack_file_ages_past_the_guard_before_the_first_deployment() -> None:
    """What test and prod had: 2026-12-01, and a first deployment on the frozen day above."""
    committed = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    assert TumblingWindow(committed, "Hour", 1).windows_until(DEPLOYED) > MAX_BACKFILL_WINDOWS


def test_the_process_clock_is_utc() -> None:
    assert first_deployment.utc_now().tzinfo is datetime.UTC


def test_under_the_mocks_the_hour_is_unknown_until_the_first_deployment() -> None:
    """A preview has no hour yet: the output the create has not given is unknown, and the triggers' startTime with
    it (the offline plan shows `[unknown]`)."""
    seen: list[object] = []

    def program() -> None:
        FirstDeploymentHour("first").hour.apply(seen.append)

    registration = only(build(program), "pulumi-python:dynamic:Resource")
    assert registration.inputs["kind"] == "first-deployment-hour"
    assert seen == [], "an unknown output runs no apply in a preview"
