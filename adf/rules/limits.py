"""The ADF limits that have changed over time, as a dated table: the value, the day it was read, and its history.

Activities per pipeline went from 40 to 80 (March 2024: default 80, 120 on request) to 120 (default and maximum);
the tumbling window minimum interval went from 15 to 5 minutes. `python -m ops plan` warns once the table is older
than its stated age, naming the page to read again; it never fails on age alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from adf.rules.sources import LIMITS, READ_ON
from stack.facts import DatedTable, register


@dataclass(frozen=True)
class DatedLimit:
    """One limit as the table holds it today, and what the page said before."""

    value: int
    history: tuple[tuple[str, int], ...]
    """(when, value) pairs, oldest first, ending with today's value."""


ADF_LIMITS = register(
    DatedTable(
        subject="ADF limits that change (activities per pipeline, tumbling window minimum interval)",
        read_on=READ_ON,
        source=f"{LIMITS.url} ({LIMITS.version})",
        refresh_command=(
            f"read {LIMITS.url} (the rows 'Maximum activities per pipeline' and 'Minimum tumbling window trigger "
            "interval', default limit) and update adf/rules/limits.py"
        ),
        max_age_days=180,
    )
)

ACTIVITIES_PER_PIPELINE = DatedLimit(
    value=120,
    history=(("before 2024-03", 40), ("2024-03-19: default 80, 120 on request", 80), ("2026-08-04", 120)),
)
"""Maximum activities per pipeline, counting the inner activities of containers: the limits page's default
limit, which applies unless support raises it, 120 with a maximum of 120 (ms.date 2026-08-04)."""

TUMBLING_WINDOW_MINUTES = DatedLimit(value=5, history=(("earlier includes", 15), ("by 2024-03-19", 5)))
"""The shortest tumbling window, in minutes: the limits page's default (5 min) and the tumbling window page's
'The minimum window interval is 5 minutes' (the REST reference still says 15)."""
