"""ADF's time spans, `[d.]hh:mm:ss` (ActivityPolicy.timeout, Until's timeout, a tumbling window's delay), as the
REST API's pattern states them: `((\\d+)\\.)?(\\d\\d):(60|([0-5][0-9])):(60|([0-5][0-9]))`."""

from __future__ import annotations

import re

_TIMESPAN = re.compile(r"^(-)?(?:(\d+)\.)?(\d\d):(60|[0-5]\d):(60|[0-5]\d)$")

DAY = 86_400


def seconds(value: str, signed: bool = False) -> int | None:
    """The length of `value` in seconds, or None when it is not a time span (a sign only where `signed`)."""
    match = _TIMESPAN.match(value)
    if match is None or (match.group(1) and not signed):
        return None
    sign, days, hours, minutes, secs = match.groups()
    total = int(days or 0) * DAY + int(hours) * 3600 + int(minutes) * 60 + int(secs)
    return -total if sign else total


def timespan(total: int) -> str:
    """`d.hh:mm:ss` for a number of seconds (for messages)."""
    days, rest = divmod(total, DAY)
    return f"{days}.{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
