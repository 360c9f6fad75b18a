"""`ops plan` warns about every dated table of Azure facts older than its age, naming the refresh command; a stale
table never fails the plan. Days are frozen: nothing here depends on today's date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import stack.facts
from ops.plan import run_plan, stale_fact_warnings
from stack.facts import registered
from tests.support.checkout import PROJECT_DIR

REFRESH_COMMANDS = (
    "az functionapp list-flexconsumption-locations --output table",
    "az functionapp list-flexconsumption-runtimes --location <region> --runtime <language>",
    "az monitor diagnostic-settings categories list --resource <resource id>",
)


def test_no_warning_on_the_day_the_tables_were_read() -> None:
    newest = max(table.read_on for table in registered())
    assert stale_fact_warnings(newest) == []


def test_each_table_warns_the_day_after_its_age_and_not_on_its_last_day() -> None:
    for table in registered():
        last_day = table.read_on + timedelta(days=table.max_age_days)
        assert table.staleness_warning(last_day + timedelta(days=1)) in [
            line.removeprefix("warning: facts: ") for line in stale_fact_warnings(last_day + timedelta(days=1))
        ]
        assert table.staleness_warning(last_day) not in [
            line.removeprefix("warning: facts: ") for line in stale_fact_warnings(last_day)
        ]


def test_a_year_later_every_table_warns_with_its_refresh_command() -> None:
    lines = stale_fact_warnings(date(2028, 1, 1))
    assert len(lines) == len(registered()) >= 6
    assert all(line.startswith("warning: facts: ") for line in lines)
    for command in REFRESH_COMMANDS:
        assert any(command in line for line in lines), command


def test_ops_plan_prints_the_warnings_and_still_plans(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(stack.facts, "today", lambda: date(2028, 1, 1))
    plan = run_plan("dev", PROJECT_DIR, checks=("deployability",))
    assert plan.resources
    err = capsys.readouterr().err
    assert "warning: facts: Flex Consumption regions was read on 2026-12-06" in err
    assert "compare it with `az functionapp list-flexconsumption-locations --output table`" in err
