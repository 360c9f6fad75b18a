"""Dated fact tables: facts copied from a source that changes (Azure's region list, ...), kept with when they were
read, where from and how to refresh them, so that a table nobody has refreshed for too long says so.

A table is data in the repository, reviewed like code; `DatedTable` is its label. The offline plan warns once a
table is older than its stated age: a warning, not a failure, because an old table is still right about everything
it lists, and only misses what appeared since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class DatedTable:
    """When and where a table's facts were read, how to read them again, and how old they may get."""

    subject: str
    """What the table holds and where it lives, for the warning: "the Azure region table (stack/regions.py)"."""
    read_on: date
    """The day the source was read."""
    source: str
    """The page (or other public source) the facts come from."""
    refresh_command: str
    """The command whose output the table is compared with to refresh it."""
    max_age_days: int
    """After this many days since `read_on`, the plan warns."""

    def age_days(self, today: date) -> int:
        return (today - self.read_on).days

    def is_stale(self, today: date) -> bool:
        return self.age_days(today) > self.max_age_days

    def staleness_warning(self, today: date) -> str | None:
        """One line when the table is older than `max_age_days`, naming the refresh command; None while it is not."""
        if not self.is_stale(today):
            return None
        return (
            f"{self.subject} was read on {self.read_on.isoformat()} from {self.source}, {self.age_days(today)} days "
            f"ago (refresh after {self.max_age_days}): compare it with `{self.refresh_command}` and update it"
        )


_REGISTERED: dict[str, DatedTable] = {}


def register(table: DatedTable) -> DatedTable:
    """Record a table where it is defined, so the plan warns about it whenever its module is in use."""
    _REGISTERED[table.subject] = table
    return table


def registered() -> tuple[DatedTable, ...]:
    """Every table registered by the modules imported so far (a table's staleness matters where it is used)."""
    return tuple(_REGISTERED.values())


def today() -> date:
    """Today's date in UTC: the one clock the staleness checks read (tests freeze it here)."""
    return datetime.now(UTC).date()


def stale_table_warnings(tables: Iterable[DatedTable] | None = None, on: date | None = None) -> list[str]:
    """The warning of each table (default: every registered one) older than its stated age, on `on` (default: today)."""
    day = on if on is not None else today()
    chosen = registered() if tables is None else tables
    return [warning for table in chosen if (warning := table.staleness_warning(day)) is not None]
