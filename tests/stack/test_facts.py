"""Dated fact tables: quiet while young, one warning line naming the refresh command once old; `ops plan` says it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import stack.facts
from ops.cli.main import main
from stack.facts import DatedTable, registered, stale_table_warnings
from stack.regions import REGIONS

TABLE = DatedTable(
    subject="the sample table (somewhere.py)",
    read_on=date(2026, 1, 10),
    source="https://example.com/source",
    refresh_command="fetch-the-list --all",
    max_age_days=30,
)


def test_a_table_is_quiet_up_to_its_age_limit() -> None:
    assert TABLE.staleness_warning(date(2026, 2, 9)) is None  # 30 days
    assert not TABLE.is_stale(date(2026, 2, 9))


def test_one_day_past_its_age_limit_a_table_says_when_it_was_read_and_how_to_refresh_it() -> None:
    assert TABLE.staleness_warning(date(2026, 2, 10)) == (
        "the sample table (somewhere.py) was read on 2026-01-10 from https://example.com/source, 31 days ago "
        "(refresh after 30): compare it with `fetch-the-list --all` and update it"
    )


def test_stale_table_warnings_lists_only_the_old_ones() -> None:
    young = DatedTable("the young table", date(2026, 2, 1), "https://example.com", "refresh", 30)
    assert stale_table_warnings([TABLE, young], on=date(2026, 2, 20)) == [TABLE.staleness_warning(date(2026, 2, 20))]


def test_the_region_table_is_checked() -> None:
    assert REGIONS in registered()


def frozen(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(stack.facts, "today", lambda: day)


def test_ops_plan_warns_in_one_line_once_the_region_table_is_too_old(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frozen(monkeypatch, REGIONS.read_on + timedelta(days=REGIONS.max_age_days + 1))
    assert main(["plan", "--stack", "dev", "--names"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "region table" in line]
    assert lines == [f"warning: facts: {REGIONS.staleness_warning(REGIONS.read_on + timedelta(days=181))}"]
    assert REGIONS.refresh_command in lines[0]


def test_ops_plan_says_nothing_of_a_region_table_within_its_age(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frozen(monkeypatch, REGIONS.read_on + timedelta(days=REGIONS.max_age_days))
    assert main(["plan", "--stack", "dev", "--names"]) == 0
    assert "region table" not in capsys.readouterr().err
