"""A pipeline run as `ops run` and `run_pipeline()` report it: its status and each activity's state."""

from __future__ import annotations

from dataclasses import dataclass

TERMINAL_STATUSES = frozenset({"Succeeded", "Failed", "Cancelled"})
FAILED_STATUSES = frozenset({"Failed", "Cancelled"})


@dataclass(frozen=True)
class ActivityState:
    """One activity of the run, at its latest attempt."""

    name: str
    type: str
    status: str
    error: str | None = None


@dataclass(frozen=True)
class RunResult:
    """A pipeline run as last seen: final when `finished`, the last known state when `timed_out`."""

    pipeline: str
    run_id: str
    status: str
    activities: tuple[ActivityState, ...] = ()
    failed_activity: str | None = None
    """The activity whose failure failed the run, when the run Failed."""
    error: str | None = None
    """Why the run failed: that activity's error, else ADF's run message."""
    timed_out: bool = False

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == "Succeeded"
