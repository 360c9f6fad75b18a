"""What one run generates, and the blob it lands in.

A batch is identified by its run id, and the blob name is derived from it:
``events/yyyy/MM/dd/HH/events_<run-id>.csv`` where the date and hour are those
of the start of the batch's event-time window.  Generation is a pure function of
the batch, so running the same batch twice writes the same bytes to the same
blob: a retried run overwrites its own output instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from eventgen.generator import GeneratorConfig
from eventgen.params import GenerateRequest

BLOB_PREFIX = "events"
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
# How far in the past a timer's reported occurrence may be (past-due catch-up
# after an outage) before it is considered bogus.
MAX_PAST_DUE = timedelta(days=1)


@dataclass(frozen=True)
class BatchSpec:
    run_id: str
    trigger: str
    rows: int
    seed: int
    window_start: datetime
    window_end: datetime
    dirty_share: float

    def __post_init__(self) -> None:
        if not _RUN_ID.fullmatch(self.run_id):
            raise ValueError(f"run id must match {_RUN_ID.pattern}, got {self.run_id!r}")
        self.generator_config()  # validates rows, seed, window and dirty share

    @property
    def blob_name(self) -> str:
        return blob_name(self.window_start, self.run_id)

    def generator_config(self) -> GeneratorConfig:
        return GeneratorConfig(
            rows=self.rows,
            seed=self.seed,
            window_start=self.window_start,
            window_end=self.window_end,
            dirty_share=self.dirty_share,
        )


def blob_name(window_start: datetime, run_id: str) -> str:
    start = window_start.astimezone(UTC)
    return f"{BLOB_PREFIX}/{start:%Y/%m/%d/%H}/events_{run_id}.csv"


def derive_seed(*parts: object) -> int:
    """A 63-bit seed from the given parts (stable across processes and machines)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def timer_batch(
    occurrence: datetime, *, rows: int, dirty_share: float, window_minutes: int, base_seed: int
) -> BatchSpec:
    """The batch of one timer occurrence: events of the ``window_minutes`` before it."""
    end = occurrence.astimezone(UTC).replace(second=0, microsecond=0)
    run_id = f"timer-{end:%Y%m%dT%H%M}Z"
    return BatchSpec(
        run_id=run_id,
        trigger="timer",
        rows=rows,
        seed=derive_seed("timer", base_seed, run_id),
        window_start=end - timedelta(minutes=window_minutes),
        window_end=end,
        dirty_share=dirty_share,
    )


def http_batch(*, rows: int, seed: int, window_start: datetime, window_end: datetime, dirty_share: float) -> BatchSpec:
    """An on-demand batch.  Its run id is a hash of every parameter: the same
    request twice writes the same blob."""
    key = f"{rows}|{seed}|{window_start.isoformat()}|{window_end.isoformat()}|{dirty_share!r}"
    return BatchSpec(
        run_id="http-" + hashlib.sha256(key.encode("ascii")).hexdigest()[:16],
        trigger="http",
        rows=rows,
        seed=seed,
        window_start=window_start,
        window_end=window_end,
        dirty_share=dirty_share,
    )


def request_batch(request: GenerateRequest) -> BatchSpec:
    """The batch an HTTP request (or the local runner, which parses the same parameters) asks for."""
    return http_batch(
        rows=request.rows,
        seed=request.seed,
        window_start=request.window_start,
        window_end=request.window_end,
        dirty_share=request.dirty_share,
    )


def scheduled_occurrence(schedule_status: Mapping[str, Any] | None, now: datetime, window_minutes: int) -> datetime:
    """The scheduled time of the timer occurrence being executed.

    While an occurrence runs, the host passes the schedule status recorded by
    the previous run, whose ``Next`` is this occurrence (also for a past-due
    run after an outage).  That value is used when it is plausible.  Without
    it (first run ever, schedule monitor off), the time is derived from the
    clock: the start of the current ``window_minutes`` slot, with a minute of
    slack because the timer may fire slightly before its scheduled second.
    """
    reported = _parse_status_time((schedule_status or {}).get("Next"))
    if reported is not None and now - MAX_PAST_DUE <= reported <= now + timedelta(minutes=2):
        return reported
    slot = window_minutes * 60
    shifted = int((now + timedelta(minutes=1)).timestamp())
    return datetime.fromtimestamp(shifted - shifted % slot, tz=UTC)


def _parse_status_time(value: object) -> datetime | None:
    """Parse a ScheduleStatus time; the host runs in UTC, so naive values are UTC."""
    if not isinstance(value, str) or not value or value.startswith("0001-01-01"):
        return None
    text = value.strip()
    # .NET writes 7 fractional digits; Python accepts at most 6.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
