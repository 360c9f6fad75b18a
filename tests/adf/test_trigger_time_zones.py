"""A schedule trigger's timeZone: a Windows id, and outside UTC start and end times without the UTC 'Z'.

ADF's time-zone option (https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option)
takes UTC times as yyyy-MM-ddTHH:mm:ssZ and other zones' local times without the Z.
"""

from __future__ import annotations

from typing import Any

from adf.trigger_checks import check_trigger
from tests.support.adf_items import schedule, tumbling_window

WHERE = "pipelines_json/trigger/TR_Schedule.json: properties.typeProperties.recurrence"


def problems(**recurrence: Any) -> list[str]:
    found: list[str] = []
    check_trigger(schedule(**recurrence), {}, found)
    return found


def test_a_local_start_and_an_end_with_the_z_are_reported_not_a_crash() -> None:
    assert problems(
        timeZone="W. Europe Standard Time", startTime="2026-01-01T00:00:00", endTime="2027-01-01T00:00:00Z"
    ) == [
        f"{WHERE}.endTime: '2027-01-01T00:00:00Z' ends with 'Z' (UTC) but timeZone is 'W. Europe Standard Time'; "
        "write the local time without the Z, e.g. '2027-01-01T00:00:00'"
    ]


def test_in_utc_an_end_without_the_z_before_a_start_with_it_is_out_of_order() -> None:
    assert problems(timeZone="UTC", startTime="2026-01-01T00:00:00Z", endTime="2025-12-31T00:00:00") == [
        f"{WHERE}.endTime: '2025-12-31T00:00:00' must be an ISO 8601 date-time after startTime"
    ]


def test_a_tumbling_window_compares_times_with_and_without_the_z_as_utc() -> None:
    found: list[str] = []
    check_trigger(tumbling_window(startTime="2026-01-01T00:00:00", endTime="2026-06-01T00:00:00Z"), {}, found)
    assert found == []
    check_trigger(tumbling_window(startTime="2026-01-01T00:00:00Z", endTime="2026-01-01T00:00:00"), {}, found)
    assert found == [
        "pipelines_json/trigger/TR_Window.json: properties.typeProperties.endTime: '2026-01-01T00:00:00' must be an "
        "ISO 8601 date-time after startTime"
    ]
