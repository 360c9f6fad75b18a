"""ADF's time spans, `[d.]hh:mm:ss` (ActivityPolicy.timeout, Until's timeout, a tumbling window's delay), as the
REST API's pattern states them: `((\\d+)\\.)?(\\d\\d):(60|([0-5][0-9])):(60|([0-5][0-9]))`.

ADF also accepts an hour of one digit: it published the Until timeout '2.0:01:00' unchanged
(https://github.com/justanalytics/EPS-Datalake/blob/1fa1af2a52a890c28b50b1b6e084f1085993c181/eps-adf-datalake-dev-001/ARMTemplateForFactory.json).
`seconds(..., one_digit_hour=True)` reads that form too, for the rule that warns about it."""

from __future__ import annotations

import re

_TIMESPAN = re.compile(r"^(-)?(?:(\d+)\.)?(\d\d):(60|[0-5]\d):(60|[0-5]\d)$")
_ONE_DIGIT_HOUR = re.compile(r"^(-)?(?:(\d+)\.)?(\d):(60|[0-5]\d):(60|[0-5]\d)$")

DAY = 86_400


def seconds(value: str, signed: bool = False, one_digit_hour: bool = False) -> int | None:
    """The length of `value` in seconds, or None when it is not a time span (a sign only where `signed`; an hour of
    one digit only where `one_digit_hour`)."""
    match = _TIMESPAN.match(value) or (_ONE_DIGIT_HOUR.match(value) if one_digit_hour else None)
    if match is None or (match.group(1) and not signed):
        return None
    sign, days, hours, minutes, secs = match.groups()
    total = int(days or 0) * DAY + int(hours) * 3600 + int(minutes) * 60 + int(secs)
    return -total if sign else total


def has_one_digit_hour(value: str) -> bool:
    """Whether `value` is a time span only with an hour of one digit ('1:00:00', '2.0:01:00')."""
    return _TIMESPAN.match(value) is None and _ONE_DIGIT_HOUR.match(value) is not None


def timespan(total: int) -> str:
    """`d.hh:mm:ss` for a number of seconds (for messages)."""
    days, rest = divmod(total, DAY)
    return f"{days}.{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
