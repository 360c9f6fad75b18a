"""Triggers: tumbling window bounds and dependencies, schedule recurrences, and event trigger filters.

The shape checks (frequencies, dates, time zones, event names) stay in `adf.trigger_checks`; these are the
documented limits and formats, each with its source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adf.model import AdfItem
from adf.rules.activities import TIMESPAN_ONE_DIGIT_HOUR
from adf.rules.limits import TUMBLING_WINDOW_MINUTES
from adf.rules.rule import Rule, is_expression, is_whole_number
from adf.rules.sources import (
    CUSTOM_EVENTS,
    LIMITS,
    REST_API,
    SCHEDULE,
    STORAGE_EVENTS,
    TUMBLING_WINDOW,
    TUMBLING_WINDOW_DEPENDENCY,
)
from adf.rules.timespan import has_one_digit_hour, seconds, timespan

MAX_CONCURRENCY = 50
RETRY_INTERVAL = (30, 86_400)
MAX_DEPENDENCIES = 5
MAX_SCHEDULE_INTERVAL = 1000
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CONTAINER = r"/[a-z0-9$][a-z0-9-]{1,62}/"
_BEGINS_WITH = re.compile(rf"^{_CONTAINER}(blobs/.*)?$")
_ENDS_WITH_PATH = re.compile(rf"^{_CONTAINER}blobs/.+$")

TUMBLING_MIN_INTERVAL = Rule(
    "tumbling-window-min-interval",
    "TumblingWindowTrigger frequency and interval",
    f"{TUMBLING_WINDOW_MINUTES.value} minutes",
    f"The shortest tumbling window is {TUMBLING_WINDOW_MINUTES.value} minutes (dated: it was 15): with frequency "
    f"Minute, interval is at least {TUMBLING_WINDOW_MINUTES.value}.",
    (TUMBLING_WINDOW, LIMITS),
    "The one tumbling window trigger ADF published (kromerm/makadfwestus2 trigger2) has a 19-minute window; docs only.",
)
TUMBLING_CONCURRENCY = Rule(
    "tumbling-window-max-concurrency",
    "TumblingWindowTrigger maxConcurrency",
    f"1 to {MAX_CONCURRENCY}",
    "maxConcurrency, the windows run at once, is required and is 1 to 50.",
    (TUMBLING_WINDOW,),
    "The one tumbling window trigger ADF published in the templates searched (kromerm/makadfwestus2 trigger2) "
    "keeps it; docs only.",
)
TUMBLING_RETRY = Rule(
    "tumbling-window-retry",
    "TumblingWindowTrigger retryPolicy",
    f"count 0 or more; intervalInSeconds {RETRY_INTERVAL[0]} to {RETRY_INTERVAL[1]}",
    "retryPolicy.count is a whole number of at least 0 (default 0); retryPolicy.intervalInSeconds is at least 30 "
    "(default 30; the REST specification bounds it at 86400).",
    (TUMBLING_WINDOW, REST_API),
    "The one tumbling window trigger ADF published in the templates searched (kromerm/makadfwestus2 trigger2) "
    "keeps it; docs only.",
)
TUMBLING_DELAY = Rule(
    "tumbling-window-delay",
    "TumblingWindowTrigger delay",
    "hh:mm:ss",
    "delay, how long past a window's end the run waits, is a time span hh:mm:ss (default 00:00:00), never negative.",
    (TUMBLING_WINDOW, REST_API),
    "The one tumbling window trigger ADF published in the templates searched (kromerm/makadfwestus2 trigger2) "
    "keeps it; docs only.",
)
TUMBLING_DEPENDENCIES = Rule(
    "tumbling-window-dependencies",
    "TumblingWindowTrigger dependsOn",
    str(MAX_DEPENDENCIES),
    "A tumbling window trigger depends on at most five other triggers.",
    (TUMBLING_WINDOW_DEPENDENCY,),
    "The one tumbling window trigger ADF published in the templates searched (kromerm/makadfwestus2 trigger2) "
    "keeps it; docs only.",
)
TUMBLING_DEPENDENCY_WINDOW = Rule(
    "tumbling-window-dependency-offset",
    "TumblingWindowTrigger dependsOn[].offset and size",
    "offset negative for self-dependency",
    "A dependency's offset is a time span, required and negative for a self-dependency; its size is a positive "
    "time span.",
    (TUMBLING_WINDOW_DEPENDENCY, TUMBLING_WINDOW),
    "The one tumbling window trigger ADF published in the templates searched (kromerm/makadfwestus2 trigger2) "
    "keeps it; docs only.",
)
TUMBLING_DEPENDENCY_TARGET = Rule(
    "tumbling-window-dependency-target",
    "TumblingWindowTrigger dependsOn[].referenceTrigger",
    "a tumbling window trigger",
    "A tumbling window trigger depends only on tumbling window triggers.",
    (TUMBLING_WINDOW_DEPENDENCY, REST_API),
    "The one tumbling window trigger ADF published in the templates searched (kromerm/makadfwestus2 trigger2) "
    "keeps it; docs only.",
)
SCHEDULE_INTERVAL = Rule(
    "schedule-interval",
    "ScheduleTrigger recurrence.interval",
    str(MAX_SCHEDULE_INTERVAL),
    "A schedule trigger's interval is a whole number from 1 to 1000.",
    (SCHEDULE,),
    "The 143 schedule trigger versions ADF published have intervals of at most 24; docs only.",
)
SCHEDULE_FIELDS = Rule(
    "schedule-fields-by-frequency",
    "ScheduleTrigger recurrence.schedule",
    "weekDays with Week; monthDays, monthlyOccurrences with Month",
    "schedule.weekDays is used only with frequency Week; monthDays and monthlyOccurrences only with Month.",
    (SCHEDULE,),
    "None of the 143 published schedule trigger versions breaks it; docs only.",
)
SCHEDULE_OCCURRENCES = Rule(
    "schedule-monthly-occurrences",
    "ScheduleTrigger recurrence.schedule.monthlyOccurrences",
    "occurrence 1 to 5 or -1 to -5",
    "Each monthly occurrence names a day of the week and an occurrence 1 to 5 (or -1 to -5, counted from the "
    "end of the month).",
    (SCHEDULE,),
    "None of the 143 published schedule trigger versions breaks it; docs only.",
)
BLOB_BEGINS = Rule(
    "blob-path-begins-with",
    "BlobEventsTrigger blobPathBeginsWith",
    "/<container>/ or /<container>/blobs/<path>",
    "blobPathBeginsWith starts with the container: '/container/' alone, or '/container/blobs/' followed by the "
    "folder or file; the 'blobs/' segment is required before any path.",
    (STORAGE_EVENTS,),
    "No storage event trigger is among the templates searched; docs only.",
)
BLOB_ENDS = Rule(
    "blob-path-ends-with",
    "BlobEventsTrigger blobPathEndsWith",
    "/<container>/blobs/<path> when it names the container",
    "blobPathEndsWith is a file name or extension, or a path in any container; when it names its container it "
    "reads '/container/blobs/file'.",
    (STORAGE_EVENTS,),
    "No storage event trigger is among the templates searched; docs only.",
)
CUSTOM_EVENT_TYPES = Rule(
    "custom-events-types",
    "CustomEventsTrigger events",
    "at least 1",
    "A custom event trigger names at least one event type.",
    (CUSTOM_EVENTS,),
    "All 17 custom event trigger versions ADF published name an event type; docs only.",
)


def check_trigger_rules(item: AdfItem, triggers: Mapping[str, AdfItem], problems: list[str]) -> None:
    """A trigger's documented limits; `triggers` (by lower-case name) for what its dependencies name."""
    properties = item.properties.get("typeProperties")
    if not isinstance(properties, dict):
        return
    kind = item.adf_type
    where = "properties.typeProperties"
    if kind == "TumblingWindowTrigger":
        _check_tumbling_window(item, properties, where, triggers, problems)
    elif kind == "ScheduleTrigger" and isinstance(properties.get("recurrence"), dict):
        _check_schedule(item.file, properties["recurrence"], f"{where}.recurrence", problems)
    elif kind == "BlobEventsTrigger":
        _check_blob_paths(item.file, properties, where, problems)
    elif kind == "CustomEventsTrigger":
        events = properties.get("events")
        if not (isinstance(events, list) and events):
            problems.append(CUSTOM_EVENT_TYPES.finding(item.file, f"{where}.events", f"{events!r} names no event"))


def _check_tumbling_window(
    item: AdfItem, spec: Mapping[str, Any], where: str, triggers: Mapping[str, AdfItem], problems: list[str]
) -> None:
    file = item.file
    interval, minutes = spec.get("interval"), TUMBLING_WINDOW_MINUTES.value
    if spec.get("frequency") == "Minute" and is_whole_number(interval) and 0 < interval < minutes:
        what = f"a window of {interval} minute(s) is shorter than {minutes} minutes"
        problems.append(TUMBLING_MIN_INTERVAL.finding(file, f"{where}.interval", what))
    concurrency = spec.get("maxConcurrency")
    if not (is_whole_number(concurrency) and 1 <= concurrency <= MAX_CONCURRENCY):
        what = f"{concurrency!r} is not a whole number from 1 to {MAX_CONCURRENCY} (it is required)"
        problems.append(TUMBLING_CONCURRENCY.finding(file, f"{where}.maxConcurrency", what))
    _check_retry(file, spec.get("retryPolicy"), f"{where}.retryPolicy", problems)
    delay = spec.get("delay")
    if delay is not None and not is_expression(delay):
        length = seconds(delay, one_digit_hour=True) if isinstance(delay, str) else None
        if length is None:
            problems.append(TUMBLING_DELAY.finding(file, f"{where}.delay", f"{delay!r} is not a time span hh:mm:ss"))
        elif has_one_digit_hour(delay):
            what = f"{delay!r} has an hour of one digit; write {timespan(length)!r}"
            problems.append(TIMESPAN_ONE_DIGIT_HOUR.finding(file, f"{where}.delay", what))
    dependencies = spec.get("dependsOn")
    if not isinstance(dependencies, list):
        return
    if len(dependencies) > MAX_DEPENDENCIES:
        what = f"{len(dependencies)} dependencies"
        problems.append(TUMBLING_DEPENDENCIES.finding(file, f"{where}.dependsOn", what))
    for index, dependency in enumerate(dependencies):
        if isinstance(dependency, dict):
            _check_dependency(item, dependency, f"{where}.dependsOn[{index}]", triggers, problems)


def _check_retry(file: str, retry: Any, where: str, problems: list[str]) -> None:
    if not isinstance(retry, dict):
        return
    count = retry.get("count")
    if count is not None and not is_expression(count) and not (is_whole_number(count) and count >= 0):
        what = f"{count!r} is not a whole number of at least 0"
        problems.append(TUMBLING_RETRY.finding(file, f"{where}.count", what))
    interval, (low, high) = retry.get("intervalInSeconds"), RETRY_INTERVAL
    if interval is not None and not (is_whole_number(interval) and low <= interval <= high):
        what = f"{interval!r} is not a whole number from {low} to {high}"
        problems.append(TUMBLING_RETRY.finding(file, f"{where}.intervalInSeconds", what))


def _check_dependency(
    item: AdfItem, dependency: Mapping[str, Any], where: str, triggers: Mapping[str, AdfItem], problems: list[str]
) -> None:
    file, kind = item.file, dependency.get("type")
    offset, size = dependency.get("offset"), dependency.get("size")
    offset_seconds = seconds(offset, signed=True) if isinstance(offset, str) else None
    if kind == "SelfDependencyTumblingWindowTriggerReference" and (offset_seconds is None or offset_seconds >= 0):
        what = f"{offset!r}: a self-dependency needs a negative offset such as '-01:00:00'"
        problems.append(TUMBLING_DEPENDENCY_WINDOW.finding(file, f"{where}.offset", what))
    elif offset is not None and offset_seconds is None:
        what = f"{offset!r} is not a time span [-][d.]hh:mm:ss"
        problems.append(TUMBLING_DEPENDENCY_WINDOW.finding(file, f"{where}.offset", what))
    size_seconds = seconds(size) if isinstance(size, str) else None
    if size is not None and not (size_seconds is not None and size_seconds > 0):
        what = f"{size!r} is not a positive time span [d.]hh:mm:ss"
        problems.append(TUMBLING_DEPENDENCY_WINDOW.finding(file, f"{where}.size", what))
    reference = dependency.get("referenceTrigger")
    name = reference.get("referenceName") if isinstance(reference, dict) else None
    target = triggers.get(name.lower()) if isinstance(name, str) else None
    if target is not None and target.adf_type != "TumblingWindowTrigger":
        what = f"'{name}' is a {target.adf_type} ({target.file})"
        problems.append(TUMBLING_DEPENDENCY_TARGET.finding(file, f"{where}.referenceTrigger.referenceName", what))


def _check_schedule(file: str, recurrence: Mapping[str, Any], where: str, problems: list[str]) -> None:
    interval = recurrence.get("interval")
    if is_whole_number(interval) and interval > MAX_SCHEDULE_INTERVAL:
        problems.append(SCHEDULE_INTERVAL.finding(file, f"{where}.interval", f"{interval} is more than 1000"))
    schedule, frequency = recurrence.get("schedule"), recurrence.get("frequency")
    if not isinstance(schedule, dict):
        return
    for key, needs in (("weekDays", "Week"), ("monthDays", "Month"), ("monthlyOccurrences", "Month")):
        if schedule.get(key) and frequency != needs:
            what = f"is used only with frequency {needs}; frequency is {frequency!r}"
            problems.append(SCHEDULE_FIELDS.finding(file, f"{where}.schedule.{key}", what))
    occurrences = schedule.get("monthlyOccurrences")
    for index, entry in enumerate(occurrences if isinstance(occurrences, list) else []):
        occurrence = entry.get("occurrence") if isinstance(entry, dict) else None
        day = entry.get("day") if isinstance(entry, dict) else None
        valid_occurrence = occurrence is None or (is_whole_number(occurrence) and 1 <= abs(occurrence) <= 5)
        if day not in WEEKDAYS or not valid_occurrence:
            what = f"{entry!r} needs a day ({', '.join(WEEKDAYS)}) and an occurrence 1 to 5 or -1 to -5"
            problems.append(SCHEDULE_OCCURRENCES.finding(file, f"{where}.schedule.monthlyOccurrences[{index}]", what))


def _check_blob_paths(file: str, spec: Mapping[str, Any], where: str, problems: list[str]) -> None:
    begins, ends = spec.get("blobPathBeginsWith"), spec.get("blobPathEndsWith")
    if isinstance(begins, str) and begins and not _BEGINS_WITH.match(begins):
        what = f"{begins!r} must read '/<container>/' or '/<container>/blobs/<folder>/'"
        problems.append(BLOB_BEGINS.finding(file, f"{where}.blobPathBeginsWith", what))
    if isinstance(ends, str) and ends.startswith("/") and not _ENDS_WITH_PATH.match(ends):
        what = f"{ends!r} names a container, so it must read '/<container>/blobs/<file>'"
        problems.append(BLOB_ENDS.finding(file, f"{where}.blobPathEndsWith", what))
