"""Structured logging.

Each event is one log record whose ``extra`` fields are the event's dimensions
(exported to Application Insights as ``customDimensions`` by the OpenTelemetry
log handler) and whose message is ``<event> <dimensions as JSON>``, so the
dimensions stay queryable in the ``traces`` table with the host's default
logging pipeline too (``parse_json(substring(message, indexof(message, "{")))``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

# LogRecord attributes that ``extra`` must not overwrite.
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def log_event(logger: logging.Logger, level: int, event: str, **dimensions: Any) -> None:
    clashes = _RESERVED.intersection(dimensions)
    if clashes:
        raise ValueError(f"log dimensions clash with LogRecord attributes: {sorted(clashes)}")
    payload = json.dumps(dimensions, sort_keys=True, default=str)
    logger.log(level, "%s %s", event, payload, extra={"event": event, **dimensions})
