"""Facts about Azure that change with time or region, kept as dated tables.

A fact read from a Microsoft page (which regions offer a plan, a limit that has grown) is right on the day it was
read. Each table carries that day, where it was read and the command that refreshes it; once it is older than its
stated age, `python -m ops plan` prints one warning naming the refresh command, so a stale fact is visible rather
than silently wrong. Staleness is never an error: a machine that cannot reach Azure must still plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DatedTable:
    """Where and when a table of facts was read, and how to read it again."""

    name: str
    """What the table holds, as the warning names it."""
    read_on: date
    """The day the facts were read."""
    source: str
    """The page (URL) or command output the facts come from."""
    refresh_command: str
    """The command, or the page to read, that gives today's facts."""
    max_age_days: int
    """After this many days the table is reported as stale."""

    def age_days(self, today: date) -> int:
        return (today - self.read_on).days

    def is_stale(self, today: date) -> bool:
        return self.age_days(today) > self.max_age_days

    def warning(self, today: date) -> str:
        return (
            f"{self.name} was read on {self.read_on.isoformat()} ({self.age_days(today)} days ago, older than "
            f"{self.max_age_days}) from {self.source}; refresh it with: {self.refresh_command}"
        )


_TABLES: dict[str, DatedTable] = {}


def register(table: DatedTable) -> DatedTable:
    """Record a table so `stale_warnings` reports it; modules that hold a table call this once, at import."""
    _TABLES[table.name] = table
    return table


def registered() -> tuple[DatedTable, ...]:
    return tuple(_TABLES.values())


def stale_warnings(today: date | None = None, tables: Iterable[DatedTable] | None = None) -> list[str]:
    """One warning per table older than its stated age."""
    day = today or date.today()
    return [table.warning(day) for table in (registered() if tables is None else tables) if table.is_stale(day)]
