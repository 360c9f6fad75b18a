"""Which time-zone ids the config and the ADF content accept: Windows ids (CLDR's mapping), exactly as written."""

from __future__ import annotations

import pytest
from tzlocal.windows_tz import win_tz

from stack.config import ConfigError
from stack.time_zones import is_time_zone, time_zone_hint
from tests.support.stack_config import stack_config

WINDOWS_IDS = [
    "UTC",
    "UTC-11",
    "UTC+12",
    "GMT Standard Time",
    "Greenwich Standard Time",
    "W. Europe Standard Time",
    "FLE Standard Time",
    "Pacific Standard Time",
    "India Standard Time",
    "Tokyo Standard Time",
]
"""Windows ids as ADF's time-zone option lists them
(https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option)."""


@pytest.mark.parametrize("value", WINDOWS_IDS)
def test_windows_ids_are_accepted(value: str) -> None:
    assert is_time_zone(value)


def test_every_id_of_the_cldr_windows_mapping_is_accepted() -> None:
    assert len(win_tz) > 100
    assert [value for value in win_tz if not is_time_zone(value)] == []


@pytest.mark.parametrize(
    "value",
    [
        "w. europe standard time",  # ids are matched as written
        "utc",
        "UTC ",
        " UTC",
        "Etc/UTC",  # IANA names, which the mapping translates to, are not Windows ids
        "Europe/Berlin",
        "GMT",
        "UTC+01",
        "Coordinated Universal Time",  # the display name, not the id
        "",
    ],
)
def test_other_spellings_and_iana_names_are_refused(value: str) -> None:
    assert not is_time_zone(value)


def test_the_hint_names_the_value_and_the_closest_ids() -> None:
    assert time_zone_hint("w. europe standard time") == (
        "'w. europe standard time' is not a Windows time-zone id (e.g. 'UTC', 'W. Europe Standard Time'); "
        "did you mean 'W. Europe Standard Time', 'E. Europe Standard Time', 'Central Europe Standard Time'?"
    )
    assert time_zone_hint("Etc/UTC").endswith("; did you mean 'UTC'?")
    assert time_zone_hint("Mars/Olympus") == (
        "'Mars/Olympus' is not a Windows time-zone id (e.g. 'UTC', 'W. Europe Standard Time')"
    )


@pytest.mark.parametrize("value", ["W. Europe Standard Time", "UTC-11"])
def test_the_stack_config_takes_a_windows_id(value: str) -> None:
    assert stack_config("dev", **{"data-platform:timeZone": value}).time_zone == value


@pytest.mark.parametrize("value", ["Europe/Berlin", "utc"])
def test_the_stack_config_refuses_another_id_naming_the_key(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        stack_config("dev", **{"data-platform:timeZone": value})
    message = str(info.value)
    assert "timeZone" in message
    assert f"'{value}' is not a Windows time-zone id" in message
