"""Trigger rules in detail: tumbling window bounds and dependencies, schedule fields, blob and custom event filters."""

from __future__ import annotations

from typing import Any

import pytest

from adf.rules import triggers
from adf.rules.limits import TUMBLING_WINDOW_MINUTES, DatedLimit
from tests.support.adf_items import blob_events, findings, of_rule, schedule, trigger, tumbling_window


@pytest.mark.parametrize(
    ("frequency", "interval", "refused"),
    [("Minute", 4, True), ("Minute", 5, False), ("Minute", 1, True), ("Hour", 1, False), ("Month", 1, False)],
)
def test_the_tumbling_window_is_at_least_5_minutes(frequency: str, interval: int, refused: bool) -> None:
    found = findings(tumbling_window(frequency=frequency, interval=interval))
    assert bool(of_rule(triggers.TUMBLING_MIN_INTERVAL, found)) is refused
    assert len(found) == int(refused)


def test_the_minimum_window_comes_from_the_dated_table(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TUMBLING_WINDOW_MINUTES.value == 5
    monkeypatch.setattr(triggers, "TUMBLING_WINDOW_MINUTES", DatedLimit(15, (("earlier", 15),)))
    assert findings(tumbling_window(frequency="Minute", interval=14))
    assert findings(tumbling_window(frequency="Minute", interval=15)) == []


@pytest.mark.parametrize("concurrency", [None, 0, 51, "5"])
def test_max_concurrency_is_required_and_1_to_50(concurrency: Any) -> None:
    window = tumbling_window(maxConcurrency=concurrency)
    if concurrency is None:
        del window.properties["typeProperties"]["maxConcurrency"]
    assert of_rule(triggers.TUMBLING_CONCURRENCY, findings(window))


@pytest.mark.parametrize(
    ("retry", "path"),
    [({"count": -1}, "count"), ({"intervalInSeconds": 86401}, "intervalInSeconds"), ({"count": "2"}, "count")],
)
def test_retry_policy_bounds(retry: dict[str, Any], path: str) -> None:
    (finding,) = findings(tumbling_window(retryPolicy=retry))
    assert f"properties.typeProperties.retryPolicy.{path}: " in finding


@pytest.mark.parametrize(("delay", "refused"), [("00:00:00", False), ("1.00:00:00", False), ("-00:10:00", True)])
def test_delay_is_a_non_negative_time_span(delay: str, refused: bool) -> None:
    assert bool(findings(tumbling_window(delay=delay))) is refused


def test_a_self_dependency_needs_an_offset() -> None:
    window = tumbling_window(dependsOn=[{"type": "SelfDependencyTumblingWindowTriggerReference"}])
    (finding,) = findings(window)
    assert "dependsOn[0].offset: None: a self-dependency needs a negative offset" in finding


@pytest.mark.parametrize(
    ("dependency", "path"),
    [
        ({"offset": "one hour"}, "offset"),
        ({"offset": "-01:00:00", "size": "00:00:00"}, "size"),
        ({"offset": "01:00:00", "size": "-01:00:00"}, "size"),
    ],
)
def test_dependency_offsets_and_sizes_are_time_spans(dependency: dict[str, Any], path: str) -> None:
    entry = {
        "type": "TumblingWindowTriggerDependencyReference",
        "referenceTrigger": {"referenceName": "TR_Other", "type": "TriggerReference"},
        **dependency,
    }
    (finding,) = findings(tumbling_window(dependsOn=[entry]))
    assert f"dependsOn[0].{path}: " in finding
    assert of_rule(triggers.TUMBLING_DEPENDENCY_WINDOW, [finding])


def test_a_positive_offset_to_another_trigger_is_allowed() -> None:
    entry = {
        "type": "TumblingWindowTriggerDependencyReference",
        "referenceTrigger": {"referenceName": "TR_Other", "type": "TriggerReference"},
        "offset": "02:00:00",
        "size": "01:00:00",
    }
    assert findings(tumbling_window(dependsOn=[entry])) == []


@pytest.mark.parametrize(
    ("frequency", "schedule_fields", "refused"),
    [
        ("Week", {"weekDays": ["Monday"]}, False),
        ("Day", {"weekDays": ["Monday"]}, True),
        ("Month", {"monthDays": [1, -1]}, False),
        ("Week", {"monthDays": [1]}, True),
        ("Week", {"monthlyOccurrences": [{"day": "Friday", "occurrence": 1}]}, True),
        ("Day", {"hours": [2], "minutes": [0]}, False),
    ],
)
def test_schedule_fields_belong_to_their_frequency(
    frequency: str, schedule_fields: dict[str, Any], refused: bool
) -> None:
    found = findings(schedule(frequency=frequency, schedule=schedule_fields))
    assert bool(of_rule(triggers.SCHEDULE_FIELDS, found)) is refused


@pytest.mark.parametrize(
    ("occurrence", "refused"),
    [
        ({"day": "Friday", "occurrence": -5}, False),
        ({"day": "Friday"}, False),
        ({"day": "Funday"}, True),
        ({"day": "Friday", "occurrence": 0}, True),
        ({"day": "Friday", "occurrence": -6}, True),
    ],
)
def test_monthly_occurrences(occurrence: dict[str, Any], refused: bool) -> None:
    found = findings(schedule(frequency="Month", schedule={"monthlyOccurrences": [occurrence]}))
    assert bool(found) is refused


@pytest.mark.parametrize(
    ("begins", "refused"),
    [
        ("/bronze/", False),
        ("/bronze/blobs/", False),
        ("/bronze/blobs/events/2026/", False),
        ("/$web/blobs/index", False),
        ("bronze/blobs/events/", True),
        ("/bronze/events/", True),
        ("/bronze", True),
        ("/Bronze/blobs/events/", True),
    ],
)
def test_blob_path_begins_with(begins: str, refused: bool) -> None:
    assert bool(findings(blob_events(blobPathBeginsWith=begins))) is refused


@pytest.mark.parametrize(
    ("ends", "refused"),
    [(".csv", False), ("events/file.csv", False), ("/bronze/blobs/file.csv", False), ("/bronze/file.csv", True)],
)
def test_blob_path_ends_with(ends: str, refused: bool) -> None:
    assert bool(findings(blob_events(blobPathEndsWith=ends))) is refused


def test_custom_events_without_events_is_refused() -> None:
    (finding,) = findings(trigger("CustomEventsTrigger", {"scope": "/topics/orders"}))
    assert "properties.typeProperties.events: None names no event" in finding


@pytest.mark.parametrize("day", ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
def test_every_day_of_the_week_is_a_monthly_occurrence_day(day: str) -> None:
    """The DaysOfWeek values of the Data Factory REST API (RecurrenceScheduleOccurrence.day), in full."""
    for occurrence in (1, 5, -1):
        found = findings(
            schedule(frequency="Month", schedule={"monthlyOccurrences": [{"day": day, "occurrence": occurrence}]})
        )
        assert found == [], (day, occurrence)


def test_a_retry_count_of_0_is_allowed() -> None:
    assert findings(tumbling_window(retryPolicy={"count": 0, "intervalInSeconds": 30})) == []


def test_a_self_dependency_offset_of_0_is_refused_and_a_negative_one_is_allowed() -> None:
    def self_dependent(offset: str) -> list[str]:
        entry = {"type": "SelfDependencyTumblingWindowTriggerReference", "offset": offset, "size": "01:00:00"}
        return findings(tumbling_window(dependsOn=[entry]))

    (finding,) = self_dependent("00:00:00")
    assert "dependsOn[0].offset: '00:00:00': a self-dependency needs a negative offset" in finding
    assert self_dependent("-01:00:00") == []
