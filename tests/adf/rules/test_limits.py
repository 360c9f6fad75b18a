"""The dated table of ADF limits: registered with its source and refresh instruction, stale after its stated age."""

from __future__ import annotations

from datetime import date, timedelta

from adf.rules.limits import ACTIVITIES_PER_PIPELINE, ADF_LIMITS, TUMBLING_WINDOW_MINUTES
from stack.facts import registered, stale_table_warnings


def test_the_table_is_registered_so_the_plan_can_warn_about_it() -> None:
    assert ADF_LIMITS in registered()


def test_the_table_names_the_limits_page_and_how_to_refresh_it() -> None:
    assert "azure-subscription-service-limits#azure-data-factory-limits" in ADF_LIMITS.source
    assert "Maximum activities per pipeline" in ADF_LIMITS.refresh_command
    assert "adf/rules/limits.py" in ADF_LIMITS.refresh_command
    assert ADF_LIMITS.read_on == date(2026, 12, 6)


def test_it_warns_the_day_after_its_stated_age_and_not_before() -> None:
    last_fresh_day = ADF_LIMITS.read_on + timedelta(days=ADF_LIMITS.max_age_days)
    assert stale_table_warnings([ADF_LIMITS], on=last_fresh_day) == []
    (warning,) = stale_table_warnings([ADF_LIMITS], on=last_fresh_day + timedelta(days=1))
    assert "ADF limits that change" in warning and ADF_LIMITS.refresh_command in warning


def test_each_history_ends_with_the_value_in_force() -> None:
    assert ACTIVITIES_PER_PIPELINE.history[-1][1] == ACTIVITIES_PER_PIPELINE.value == 120
    assert [value for _when, value in ACTIVITIES_PER_PIPELINE.history] == [40, 80, 120]
    assert TUMBLING_WINDOW_MINUTES.history[-1][1] == TUMBLING_WINDOW_MINUTES.value == 5
