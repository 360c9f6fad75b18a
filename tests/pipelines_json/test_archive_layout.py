"""Where the archive pipeline writes: `archive/<schema>.<table>/yyyy/MM/dd/<schema>.<table>.parquet`, by trigger time.

The trigger, pipeline and dataset files are evaluated as ADF would for one run, so a change to any
of the expressions that build the path (the date format, the folder path) changes the result.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.adf_expressions import evaluate, format_date_time
from tests.support.checkout import PIPELINES_DIR


def _document(kind: str, name: str) -> dict[str, Any]:
    return json.loads((PIPELINES_DIR / kind / f"{name}.json").read_text(encoding="utf-8"))["properties"]


def _archive_files(trigger_time: str) -> list[str]:
    """Every file one run of PL_Archive_SqlToLake writes, as `<file system>/<folder>/<file>`."""
    trigger = _document("trigger", "TR_Archive_DailyMidnight")
    (run,) = trigger["pipelines"]
    assert run["pipelineReference"]["referenceName"] == "PL_Archive_SqlToLake"
    pipeline = _document("pipeline", "PL_Archive_SqlToLake")
    parameters = {name: spec.get("defaultValue") for name, spec in pipeline["parameters"].items()}
    parameters.update({name: evaluate(value, {}) for name, value in run["parameters"].items()})
    scope: dict[str, Any] = {"pipeline": {"TriggerTime": trigger_time, "parameters": parameters}}

    (for_each,) = pipeline["activities"]
    (copy,) = for_each["typeProperties"]["activities"]
    (output,) = copy["outputs"]
    dataset = _document("dataset", output["referenceName"])
    location = dataset["typeProperties"]["location"]
    files = []
    for item in evaluate(for_each["typeProperties"]["items"], scope):
        passed = {name: evaluate(value, {**scope, "item": item}) for name, value in output["parameters"].items()}
        dataset_scope = {"dataset": passed}
        folder = evaluate(location["folderPath"], dataset_scope)
        file_name = evaluate(location["fileName"], dataset_scope)
        files.append(f"{evaluate(location['fileSystem'], dataset_scope)}/{folder}/{file_name}")
    return files


def test_the_archive_trigger_runs_daily_at_midnight_utc_from_december_first() -> None:
    recurrence = _document("trigger", "TR_Archive_DailyMidnight")["typeProperties"]["recurrence"]
    assert (recurrence["frequency"], recurrence["interval"]) == ("Day", 1)
    assert recurrence["schedule"] == {"hours": [0], "minutes": [0]}
    assert (recurrence["startTime"], recurrence["timeZone"]) == ("2026-12-01T00:00:00Z", "UTC")


def test_a_run_writes_each_table_to_a_folder_dated_by_its_trigger_time() -> None:
    assert _archive_files("2026-12-01T00:00:00Z") == [
        "archive/dbo.users/2026/12/01/dbo.users.parquet",
        "archive/dbo.user_events/2026/12/01/dbo.user_events.parquet",
        "archive/analytics.hourly_emotion_summary/2026/12/01/analytics.hourly_emotion_summary.parquet",
    ]


def test_a_later_day_gets_its_own_folder_with_two_digit_month_and_day() -> None:
    assert _archive_files("2027-03-05T00:00:00Z")[0] == "archive/dbo.users/2027/03/05/dbo.users.parquet"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("@formatDateTime('2026-12-01T00:00:00Z', 'yyyy/MM/dd')", "2026/12/01"),
        ("@concat('a', '.', 'b')", "a.b"),
        ("@concat(dataset().table, '/', dataset().datePath)", "dbo.users/2026/12/01"),
        ("@item().schema", "dbo"),
    ],
)
def test_the_evaluator_reads_the_expressions_the_archive_uses(expression: str, expected: str) -> None:
    scope = {"dataset": {"table": "dbo.users", "datePath": "2026/12/01"}, "item": {"schema": "dbo"}}
    assert evaluate(expression, scope) == expected


@pytest.mark.parametrize("expression", ["@utcnow()", "@pipeline().parameters.tables[0]", "@concat('a'"])
def test_the_evaluator_refuses_what_it_cannot_evaluate(expression: str) -> None:
    with pytest.raises((ValueError, IndexError, KeyError)):
        evaluate(expression, {"pipeline": {"parameters": {"tables": []}}})


def test_unsupported_date_format_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="'tt'"):
        format_date_time("2026-12-01T00:00:00Z", "yyyy-MM-dd tt")
