"""A schedule trigger's timeZone: a Windows id, and outside UTC start and end times without the UTC 'Z'.

ADF's time-zone option (https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option)
takes UTC times as yyyy-MM-ddTHH:mm:ssZ and other zones' local times without the Z.
"""

from __future__ import annotations

from typing import Any

import pytest

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


@pytest.mark.parametrize("zone", ["UTC", "W. Europe Standard Time", "UTC-11", "GMT Standard Time"])
def test_a_windows_id_is_accepted(zone: str) -> None:
    assert problems(timeZone=zone, startTime="2026-01-01T00:00:00") == []


def test_no_time_zone_is_utc() -> None:
    assert problems(timeZone=None, startTime="2026-01-01T00:00:00Z", endTime="2027-01-01T00:00:00Z") == []


def test_utc_takes_times_with_the_z() -> None:
    assert problems(timeZone="UTC", startTime="2026-01-01T00:00:00Z", endTime="2027-01-01T00:00:00Z") == []


@pytest.mark.parametrize("zone", ["w. europe standard time", "utc", "Europe/Berlin", "Etc/UTC"])
def test_another_spelling_or_an_iana_name_is_refused(zone: str) -> None:
    (problem,) = problems(timeZone=zone, startTime="2026-01-01T00:00:00")
    assert problem.startswith(f"{WHERE}.timeZone: '{zone}' is not a Windows time-zone id")


def test_a_time_zone_that_is_not_text_is_refused() -> None:
    (problem,) = problems(timeZone=1, startTime="2026-01-01T00:00:00")
    assert problem.startswith(f"{WHERE}.timeZone: '1' is not a Windows time-zone id")


@pytest.mark.parametrize("zone", ["W. Europe Standard Time", "UTC-11", "GMT Standard Time"])
@pytest.mark.parametrize("key", ["startTime", "endTime"])
def test_outside_utc_a_time_with_the_z_is_refused(zone: str, key: str) -> None:
    times = {"startTime": "2026-01-01T00:00:00", "endTime": "2027-01-01T00:00:00"}
    times[key] += "Z"
    assert problems(timeZone=zone, **times) == [
        f"{WHERE}.{key}: '{times[key]}' ends with 'Z' (UTC) but timeZone is '{zone}'; write the local time "
        f"without the Z, e.g. '{times[key][:-1]}'"
    ]


def test_outside_utc_a_lower_case_z_is_refused_too() -> None:
    found = problems(timeZone="W. Europe Standard Time", startTime="2026-01-01T00:00:00z")
    assert (
        f"{WHERE}.startTime: '2026-01-01T00:00:00z' ends with 'Z' (UTC) but timeZone is 'W. Europe Standard Time'; "
        "write the local time without the Z, e.g. '2026-01-01T00:00:00'"
    ) in found
