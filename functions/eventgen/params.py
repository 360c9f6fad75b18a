"""Parameters of the on-demand (HTTP) generation request.

Parameters come from the JSON body (an object) and/or the query string:

``rows``         integer from 1 to ``MAX_ROWS`` (default: ``GENERATOR_ROWS``)
``seed``         integer from 0 to 2**63 - 1 (default: a random seed, returned in the response)
``date``         ``YYYY-MM-DD`` (events over that UTC day) or an ISO-8601 date-time such as
                 ``2024-05-01T13:00:00Z`` (events over that UTC hour); from 2000-01-01 to
                 2099-12-31 (default: the current UTC day)
``dirty_share``  number from 0 to 1 (default: ``GENERATOR_DIRTY_SHARE``)

A parameter given in both places must have the same value.  ``code`` in the
query string is the function key and is ignored.  Anything else is rejected, so
that a typo ("row") is reported instead of silently using a default.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

MAX_ROWS = 1_000_000
MAX_SEED = 2**63 - 1
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
PARAMETERS = ("rows", "seed", "date", "dirty_share")
IGNORED_QUERY_PARAMETERS = ("code",)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}(:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:\d{2})?")
_INTEGER = re.compile(r"[+-]?\d+")

_EXPECTED = {
    "rows": f"an integer from 1 to {MAX_ROWS}",
    "seed": f"an integer from 0 to {MAX_SEED}",
    "date": (
        "a date YYYY-MM-DD (a whole UTC day) or an ISO-8601 date-time YYYY-MM-DDTHH:MM:SSZ (that UTC hour),"
        f" from {MIN_DATE} to {MAX_DATE}"
    ),
    "dirty_share": "a number from 0 to 1",
}


class ParameterError(ValueError):
    """A request parameter is invalid; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class GenerateRequest:
    rows: int
    seed: int
    window_start: datetime
    window_end: datetime
    dirty_share: float
    seed_was_given: bool


def parse_generate_request(
    query: Mapping[str, str],
    body: bytes,
    *,
    default_rows: int,
    default_dirty_share: float,
    now: datetime,
) -> GenerateRequest:
    """Validate the request; raises ``ParameterError`` with a message for the caller."""
    body_params = _body_parameters(body)
    query_params = {k: v for k, v in query.items() if k not in IGNORED_QUERY_PARAMETERS}
    for source in (body_params, query_params):
        for name in source:
            if name not in PARAMETERS:
                raise ParameterError(name, f"unknown parameter {name!r}; allowed: {', '.join(PARAMETERS)}")

    parsers = {"rows": _rows, "seed": _seed, "date": _window, "dirty_share": _dirty_share}
    values: dict[str, Any] = {}
    for name, parse in parsers.items():
        parsed = [parse(source[name]) for source in (body_params, query_params) if name in source]
        if len(parsed) == 2 and parsed[0] != parsed[1]:
            raise ParameterError(name, f"{name} is given in the body and the query string with different values")
        if parsed:
            values[name] = parsed[0]

    window = values.get("date") or _day_window(now.astimezone(UTC).date())
    seed = values.get("seed")
    return GenerateRequest(
        rows=values.get("rows", default_rows),
        seed=secrets.randbelow(MAX_SEED + 1) if seed is None else seed,
        window_start=window[0],
        window_end=window[1],
        dirty_share=values.get("dirty_share", default_dirty_share),
        seed_was_given=seed is not None,
    )


def _body_parameters(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        parsed = None
    if not isinstance(parsed, dict):
        raise ParameterError(
            "body", 'the body must be a JSON object, e.g. {"rows": 1000, "seed": 42, "date": "2024-05-01"}'
        )
    return parsed


def _invalid(name: str, value: object) -> ParameterError:
    return ParameterError(name, f"{name} must be {_EXPECTED[name]}, got {value!r}")


def _integer(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _invalid(name, value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise _invalid(name, value)
    if not low <= number <= high:
        raise _invalid(name, value)
    return number


def _rows(value: object) -> int:
    return _integer("rows", value, 1, MAX_ROWS)


def _seed(value: object) -> int:
    return _integer("seed", value, 0, MAX_SEED)


def _dirty_share(value: object) -> float:
    if isinstance(value, bool):
        raise _invalid("dirty_share", value)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _invalid("dirty_share", value) from None
    else:
        raise _invalid("dirty_share", value)
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        raise _invalid("dirty_share", value)
    return number


def _window(value: object) -> tuple[datetime, datetime]:
    if not isinstance(value, str):
        raise _invalid("date", value)
    text = value.strip()
    try:
        if _DATE.fullmatch(text):
            return _day_window(date.fromisoformat(text))
        if _DATE_TIME.fullmatch(text):
            moment = datetime.fromisoformat(text)
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
            if not MIN_DATE <= moment.date() <= MAX_DATE:
                raise _invalid("date", value)
            start = moment.replace(minute=0, second=0, microsecond=0)
            return start, start + timedelta(hours=1)
    except ValueError as exc:  # e.g. 2024-02-30
        if isinstance(exc, ParameterError):
            raise
        raise _invalid("date", value) from None
    raise _invalid("date", value)


def _day_window(day: date) -> tuple[datetime, datetime]:
    if not MIN_DATE <= day <= MAX_DATE:
        raise _invalid("date", day.isoformat())
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)
