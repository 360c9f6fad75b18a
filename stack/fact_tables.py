"""Every dated fact table of the project (stack/facts.py), which the offline plan checks for age."""

from __future__ import annotations

from stack.facts import DatedTable
from stack.regions import REGIONS

DATED_TABLES: tuple[DatedTable, ...] = (REGIONS,)
