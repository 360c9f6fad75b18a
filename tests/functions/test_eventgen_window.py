"""The timer's event window: any period that tiles a day, as the infrastructure derives it from the schedule."""

from __future__ import annotations

import pytest
from eventgen.settings import Settings, SettingsError


@pytest.mark.parametrize("minutes", ["15", "60", "120", "1440"])
def test_a_window_that_divides_the_day_is_accepted(minutes: str) -> None:
    assert Settings.from_env({"GENERATOR_WINDOW_MINUTES": minutes}).window_minutes == int(minutes)


@pytest.mark.parametrize("minutes", ["7", "100", "2880"])
def test_a_window_that_does_not_tile_the_day_is_refused(minutes: str) -> None:
    with pytest.raises(SettingsError, match="GENERATOR_WINDOW_MINUTES"):
        Settings.from_env({"GENERATOR_WINDOW_MINUTES": minutes})
