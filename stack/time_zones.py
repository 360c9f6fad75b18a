"""Windows time-zone ids, which ADF schedule triggers take in `recurrence.timeZone` (e.g. "FLE Standard Time").

The ids come from the Unicode CLDR Windows-zone mapping as shipped by tzlocal (`tzlocal.windows_tz`, regenerated
from CLDR's windowsZones.xml each release), not from a hand list. ADF's time-zone option takes these ids:
https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option
"""

from __future__ import annotations

from difflib import get_close_matches

from tzlocal.windows_tz import win_tz


def is_time_zone(value: str) -> bool:
    """Whether `value` is a Windows time-zone id ("UTC", "W. Europe Standard Time", ...)."""
    return value in win_tz


def time_zone_hint(value: str) -> str:
    """Why `value` is refused, with the closest ids (the full list has over a hundred)."""
    close = get_close_matches(value, list(win_tz), n=3, cutoff=0.6)
    suggestion = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"'{value}' is not a Windows time-zone id (e.g. 'UTC', 'W. Europe Standard Time'){suggestion}"
