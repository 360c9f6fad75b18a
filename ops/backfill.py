"""The backfill a tumbling-window trigger would run when first started, and whether to allow it.

A tumbling window runs every window from its startTime on when started, past ones included: startTime
"can be in the past", and then the trigger creates M = (CurrentTime - TriggerStartTime) / TumblingWindowSize
backfill runs before the future ones; no property caps that number, and maxConcurrency (1-50) only says how
many run at once (https://learn.microsoft.com/azure/data-factory/how-to-create-tumbling-window-trigger).
Schedule triggers do not backfill: "Pipeline runs can be executed only on time periods from the current time
and the future" (https://learn.microsoft.com/azure/data-factory/concepts-pipeline-execution-triggers#trigger-type-comparison).

So `ops triggers start` counts the windows between startTime and now, and refuses a first start beyond a bound.
"First": a tumbling window trigger retains state (same tumbling-window page: it "fires at a periodic time
interval from a specified start time, while retaining state"), so a stopped trigger that is started again
resumes after its last window, backfilling only the windows missed while it was stopped, not everything since
startTime. Microsoft's pages do not spell out the restart, so this is an assumption, and the bound applies only
to a trigger with no trigger run since its startTime (ADF's trigger-runs query,
https://learn.microsoft.com/rest/api/datafactory/trigger-runs/query-by-factory). "Data Factory only stores pipeline
run data for 45 days" (https://learn.microsoft.com/azure/data-factory/monitor-programmatically#data-range), so a
trigger whose last run is older
looks as if it never ran and is refused: the safe side; `--max-backfill-windows` accepts it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ops.factory import Factory

TUMBLING_WINDOW = "TumblingWindowTrigger"
MAX_BACKFILL_WINDOWS = 48
"""Two days of hourly windows: a first start a day or two after the stack's triggerStartTime (a deployment
approved the next day) goes through, while weeks of history, such as a startTime left at an old date, are
refused; each window is one pipeline run, and maxConcurrency only spreads them over time."""

_FIXED = {"Minute": datetime.timedelta(minutes=1), "Hour": datetime.timedelta(hours=1)}


@dataclass(frozen=True)
class TumblingWindow:
    """A tumbling-window trigger's windows: from `start_time`, every `interval` `frequency`s."""

    start_time: datetime.datetime
    frequency: str
    """Minute, Hour or Month (the SDK's TumblingWindowFrequency)."""
    interval: int

    def windows_until(self, now: datetime.datetime) -> int:
        """How many whole windows lie between startTime and `now`: what a first start runs at once."""
        if now <= self.start_time or self.interval < 1:
            return 0
        unit = _FIXED.get(self.frequency)
        if unit is not None:
            return (now - self.start_time) // (unit * self.interval)
        months = (now.year - self.start_time.year) * 12 + now.month - self.start_time.month
        shifted = (now.day, now.time()) < (self.start_time.day, self.start_time.time())
        return max(months - shifted, 0) // self.interval


def _utc(value: Any) -> datetime.datetime | None:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime.datetime):
        return None
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)


def _text(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def tumbling_window(properties: Any) -> TumblingWindow | None:
    """The windows of a trigger as list_by_factory returns it; None for other triggers or an unreadable one."""
    if _text(getattr(properties, "type", None)) != TUMBLING_WINDOW:
        return None
    type_properties = getattr(properties, "type_properties", None)
    start = _utc(getattr(type_properties, "start_time", None))
    interval = getattr(type_properties, "interval", None)
    if start is None or not isinstance(interval, int):
        return None
    return TumblingWindow(start, _text(getattr(type_properties, "frequency", None)), interval)


def has_run(factory: Factory, trigger: str, since: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether ADF reports any run of `trigger` updated in [since, now] (one page is enough to know)."""
    from azure.mgmt.datafactory.models import RunFilterParameters, RunQueryFilter

    query = RunFilterParameters(
        last_updated_after=since,
        last_updated_before=now,
        filters=[RunQueryFilter(operand="TriggerName", operator="Equals", values_property=[trigger])],
    )
    page = factory.client.trigger_runs.query_by_factory(factory.resource_group, factory.name, query)
    return bool(page.value)


def refusal(factory: Factory, trigger: str, window: TumblingWindow, now: datetime.datetime, limit: int) -> str | None:
    """Why a first start of `trigger` is refused (more than `limit` windows to backfill, never run), or None."""
    count = window.windows_until(now)
    if count <= limit or has_run(factory, trigger, window.start_time, now):
        return None
    start = window.start_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    unit = f"{window.interval} {window.frequency.lower()}" if window.interval > 1 else window.frequency.lower()
    return (
        f"it has never run, and a first start would backfill {count} {unit} window(s) since its startTime {start} "
        f"(more than --max-backfill-windows {limit}); not started. Set dataFactory.triggerStartTime in "
        f"Pulumi.<stack>.yaml to a recent hour and deploy (`pulumi up`), or pass --max-backfill-windows {count} "
        "to accept the backfill"
    )
