"""Checks of trigger files: recurrences, tumbling windows, blob events and the parameters they pass.

The documented limits and formats (tumbling window bounds, delay, blob path formats, the schedule interval's
maximum) are content rules with their sources, in `adf.rules.triggers`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from adf.checks import declared, is_declared
from adf.model import AdfItem
from adf.walk import json_type
from stack.time_zones import is_time_zone, time_zone_hint

_FREQUENCIES = {
    "ScheduleTrigger": ("Minute", "Hour", "Day", "Week", "Month"),
    "TumblingWindowTrigger": ("Minute", "Hour", "Month"),
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_BLOB_EVENTS = ("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted")
Bad = Callable[[str, str], None]
"""Reports a problem at a path under the trigger's typeProperties."""


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _comparable(moment: datetime) -> datetime:
    """A time with an offset or without one, comparable with either: a time without one is taken as UTC.

    That is what it is for a tumbling window and a UTC schedule; outside UTC a time with the Z is reported on its
    own, so the order is judged without crashing on the mix.
    """
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _check_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_trigger(item: AdfItem, pipelines: Mapping[str, AdfItem], problems: list[str]) -> None:
    """A trigger's own settings by type, and the parameters it passes to the pipelines it runs."""
    type_properties = item.properties.get("typeProperties")
    where = f"{item.file}: properties.typeProperties"

    def bad(path: str, reason: str) -> None:
        problems.append(f"{where}.{path}: {reason}")

    kind = item.adf_type
    if type_properties is None:
        type_properties = {}
    if not isinstance(type_properties, dict):
        problems.append(f"{where}: expected an object of the {kind}'s settings, found {json_type(type_properties)}")
    elif kind in ("ScheduleTrigger", "TumblingWindowTrigger"):
        _check_recurrence(kind, type_properties, bad)
    elif kind == "BlobEventsTrigger":
        _check_blob_events(type_properties, bad)
    _check_pipeline_entries(item, problems)
    _check_trigger_parameters(item, pipelines, problems)


def _check_pipeline_entries(item: AdfItem, problems: list[str]) -> None:
    """`pipelines` is a list of `{"pipelineReference": {...}, "parameters": {...}}` (a tumbling window's
    `pipeline` is one such entry); a reference written as the pipeline's name alone is refused with the fix."""
    pipelines = item.properties.get("pipelines")
    entries: list[tuple[str, Any]] = []
    if isinstance(pipelines, list):
        entries = [(f"properties.pipelines[{i}]", entry) for i, entry in enumerate(pipelines)]
    elif pipelines is not None:
        problems.append(
            f"{item.file}: properties.pipelines: expected a list of {{'pipelineReference': ..., 'parameters': ...}}, "
            f"found {json_type(pipelines)}"
        )
    if "pipeline" in item.properties:
        entries.append(("properties.pipeline", item.properties["pipeline"]))
    for path, entry in entries:
        if not isinstance(entry, dict):
            problems.append(
                f"{item.file}: {path}: expected an object {{'pipelineReference': ..., 'parameters': ...}}, "
                f"found {json_type(entry)}"
            )
            continue
        reference = entry.get("pipelineReference")
        if isinstance(reference, str):
            problems.append(
                f"{item.file}: {path}.pipelineReference: the pipeline's name written as a string, {reference!r}; "
                f"ADF expects {{'referenceName': {reference!r}, 'type': 'PipelineReference'}}"
            )
        elif reference is not None and not isinstance(reference, dict):
            problems.append(
                f"{item.file}: {path}.pipelineReference: expected {{'referenceName': ..., 'type': "
                f"'PipelineReference'}}, found {json_type(reference)}"
            )


def _check_recurrence(kind: str, type_properties: Mapping[str, Any], bad: Bad) -> None:
    spec = type_properties.get("recurrence", {}) if kind == "ScheduleTrigger" else type_properties
    prefix = "recurrence." if kind == "ScheduleTrigger" else ""
    if not isinstance(spec, dict):
        bad("recurrence", "missing; a schedule trigger needs a recurrence")
        spec = {}
    allowed = _FREQUENCIES[kind]
    if spec.get("frequency") not in allowed:
        bad(f"{prefix}frequency", f"{spec.get('frequency')!r} is not one of: {', '.join(allowed)}")
    if not _check_int(spec.get("interval"), 1, 2**31 - 1):
        bad(f"{prefix}interval", f"{spec.get('interval')!r} must be a whole number of at least 1")
    start = _parse_time(spec.get("startTime"))
    if start is None:
        bad(f"{prefix}startTime", f"{spec.get('startTime')!r} is not an ISO 8601 date-time")
    end = spec.get("endTime")
    end_time = _parse_time(end)
    if end is not None and (end_time is None or (start is not None and _comparable(end_time) <= _comparable(start))):
        bad(f"{prefix}endTime", f"{end!r} must be an ISO 8601 date-time after startTime")
    if kind == "ScheduleTrigger":
        _check_schedule(spec, bad)


def _check_blob_events(type_properties: Mapping[str, Any], bad: Bad) -> None:
    events = type_properties.get("events")
    if not isinstance(events, list) or not events or any(e not in _BLOB_EVENTS for e in events):
        bad("events", f"{events!r} must be a non-empty list of: {', '.join(_BLOB_EVENTS)}")
    begins, ends = type_properties.get("blobPathBeginsWith"), type_properties.get("blobPathEndsWith")
    if not begins and not ends:
        bad("blobPathBeginsWith", "a blob events trigger needs blobPathBeginsWith or blobPathEndsWith")
    if not type_properties.get("scope"):
        bad("scope", "missing; the storage account's resource id (filled per stack through overrides.json)")


def _check_trigger_parameters(item: AdfItem, pipelines: Mapping[str, AdfItem], problems: list[str]) -> None:
    for path, reference, parameters in _trigger_pipelines(item.properties):
        target = pipelines.get(str(reference).lower())
        if target is None:
            continue  # reported as a missing reference
        names = declared(target.properties, "parameters")
        for name in parameters:
            if not is_declared(name, names):
                problems.append(
                    f"{item.file}: {path}.parameters.{name}: pipeline '{target.name}' declares no parameter "
                    f"'{name}'; declared: {', '.join(sorted(names)) or 'none'}"
                )


def _check_schedule(spec: Mapping[str, Any], bad: Bad) -> None:
    time_zone = spec.get("timeZone")
    if time_zone is not None and not (isinstance(time_zone, str) and is_time_zone(time_zone)):
        bad("recurrence.timeZone", time_zone_hint(str(time_zone)))
    if time_zone not in (None, "UTC"):
        # Outside UTC, ADF takes local wall-clock times without the 'Z' that marks a time as UTC:
        # https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option
        for key in ("startTime", "endTime"):
            value = spec.get(key)
            if isinstance(value, str) and value.upper().endswith("Z"):
                bad(
                    f"recurrence.{key}",
                    f"{value!r} ends with 'Z' (UTC) but timeZone is {time_zone!r}; write the local time without "
                    f"the Z, e.g. {value[:-1]!r}",
                )
    schedule = spec.get("schedule")
    if schedule is None:
        return
    if not isinstance(schedule, dict):
        bad("recurrence.schedule", "must be an object")
        return
    if spec.get("frequency") in ("Minute", "Hour") and schedule:
        bad("recurrence.schedule", "is only allowed with frequency Day, Week or Month")
    for key, low, high in (("minutes", 0, 59), ("hours", 0, 23)):
        values = schedule.get(key, [])
        if not isinstance(values, list) or not all(_check_int(v, low, high) for v in values):
            bad(f"recurrence.schedule.{key}", f"{values!r} must be whole numbers from {low} to {high}")
    week_days = schedule.get("weekDays", [])
    if not isinstance(week_days, list) or any(day not in _WEEKDAYS for day in week_days):
        bad("recurrence.schedule.weekDays", f"{week_days!r} must be day names: {', '.join(_WEEKDAYS)}")
    month_days = schedule.get("monthDays", [])
    if not isinstance(month_days, list) or not all(_check_int(d, -31, 31) and d != 0 for d in month_days):
        bad("recurrence.schedule.monthDays", f"{month_days!r} must be days 1..31 or -31..-1")


def _trigger_pipelines(properties: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, pipeline name, parameters) for each pipeline a trigger runs."""
    pipelines = properties.get("pipelines")
    entries: list[tuple[str, Any]] = [
        (f"properties.pipelines[{i}]", entry)
        for i, entry in enumerate(pipelines if isinstance(pipelines, list) else [])
    ]
    if isinstance(properties.get("pipeline"), dict):
        entries.append(("properties.pipeline", properties["pipeline"]))
    for path, entry in entries:
        if not isinstance(entry, dict):
            continue
        pipeline_reference = entry.get("pipelineReference")
        if not isinstance(pipeline_reference, dict):
            continue  # check_trigger_shape reports it
        reference = pipeline_reference.get("referenceName")
        parameters = entry.get("parameters") or {}
        if isinstance(reference, str) and reference and isinstance(parameters, dict):
            yield path, reference, parameters
