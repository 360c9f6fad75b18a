"""The expression evaluator (tests/support/adf_expressions.py) against ADF's expression reference, a case per function.

Every function the committed pipelines, triggers, datasets and linked services call has a case here (the last
test checks it), with the reference's own example and result where it gives one:
https://learn.microsoft.com/azure/data-factory/control-flow-expression-language-functions (the anchors below), and
for the run's scope functions the pages that define what they return. Mapping data flow scripts (`dataflow/`) use
the data flow expression language, a different one, which this evaluator does not claim to read.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from adf.walk import walk_json
from tests.support.adf_expressions import SUPPORTED, _tokens, evaluate
from tests.support.checkout import PIPELINES_DIR

REFERENCE = "https://learn.microsoft.com/azure/data-factory/control-flow-expression-language-functions"
SYSTEM_VARIABLES = "https://learn.microsoft.com/azure/data-factory/control-flow-system-variables"
EVENT_TRIGGER = "https://learn.microsoft.com/azure/data-factory/how-to-create-event-trigger"

CASES: list[tuple[str, str, dict[str, Any], Any, str]] = [
    # (function, expression, scope, expected, where the expected value comes from)
    ("concat", "@concat('Hello', 'World')", {}, "HelloWorld", f"{REFERENCE}#concat"),
    ("split", "@split('a_b_c', '_')", {}, ["a", "b", "c"], f"{REFERENCE}#split"),
    ("join", "@join(createArray('a', 'b', 'c'), '.')", {}, "a.b.c", f"{REFERENCE}#join"),
    ("skip", "@skip(createArray(0, 1, 2, 3), 1)", {}, [1, 2, 3], f"{REFERENCE}#skip"),
    ("replace", "@replace('the old string', 'old', 'new')", {}, "the new string", f"{REFERENCE}#replace"),
    ("createArray", "@createArray('h', 'e', 'l', 'l', 'o')", {}, ["h", "e", "l", "l", "o"], f"{REFERENCE}#createArray"),
    (
        "formatDateTime",
        "@formatDateTime('03/15/2018 12:00:00', 'yyyy-MM-ddTHH:mm:ss')",
        {},
        "2018-03-15T12:00:00",
        f"{REFERENCE}#formatDateTime",
    ),
    # The page prints "2018-03-15T10:00:0000000Z", without the '.' before the fraction that the default format
    # "o" (yyyy-MM-ddTHH:mm:ss.fffffffK, linked from the same row) writes and that its addMinutes and addSeconds
    # examples show ("2018-03-15T00:20:00.0000000Z"); the format's result is expected.
    ("addHours", "@addHours('2018-03-15T00:00:00Z', 10)", {}, "2018-03-15T10:00:00.0000000Z", f"{REFERENCE}#addHours"),
    # "A pipeline with a parameter": pipeline().parameters.<name>; "@pipeline().parameters.myNumber" returns 42 as a
    # number, not as text (the page's string interpolation table).
    ("pipeline", "@pipeline().parameters.myNumber", {"pipeline": {"parameters": {"myNumber": 42}}}, 42, REFERENCE),
    # "A dataset with a parameter": dataset().path sets folderPath.
    ("dataset", "@dataset().path", {"dataset": {"path": "container/in"}}, "container/in", REFERENCE),
    # "if items is an array: [1, 2, 3], @item() returns 1 in the first iteration".
    ("item", "@item()", {"item": 1}, 1, REFERENCE),
    # "@activity('Web1').output or @activity('Web1').output.data".
    ("activity", "@activity('Web1').output.data", {"activity": {"Web1": {"output": {"data": [7]}}}}, [7], REFERENCE),
    # Schedule trigger scope: "@trigger().scheduledTime ... would return 2017-06-01T22:20:00Z".
    (
        "trigger",
        "@trigger().scheduledTime",
        {"trigger": {"scheduledTime": "2017-06-01T22:20:00Z"}},
        "2017-06-01T22:20:00Z",
        SYSTEM_VARIABLES,
    ),
    # Storage event triggers capture the blob's folder path and file name in @triggerBody().folderPath and .fileName.
    ("triggerBody", "@triggerBody().fileName", {"triggerBody": {"fileName": "a.csv"}}, "a.csv", EVENT_TRIGGER),
]


@pytest.mark.parametrize(("function", "expression", "scope", "expected", "source"), CASES, ids=[c[0] for c in CASES])
def test_each_function_gives_the_reference_s_result(
    function: str, expression: str, scope: dict[str, Any], expected: Any, source: str
) -> None:
    assert evaluate(expression, scope) == expected, source


def test_a_doubled_single_quote_is_one_quote() -> None:
    # "Escaping single quote character": concat('Baba', '''s ', 'book store') returns Baba's book store.
    assert evaluate("@concat('Baba', '''s ', 'book store')", {}) == "Baba's book store"


def test_replace_is_case_sensitive_and_keeps_a_string_without_the_substring() -> None:
    # replace: "This function is case-sensitive"; "If the substring is not found, return the original string".
    assert evaluate("@replace('Old old', 'old', 'new')", {}) == "Old new"
    assert evaluate("@replace('abc', 'x', 'y')", {}) == "abc"


def test_add_hours_subtracts_a_negative_count() -> None:
    # addHours example 2: addHours('2018-03-15T15:00:00Z', -5), the same typo as example 1 (see CASES).
    assert evaluate("@addHours('2018-03-15T15:00:00Z', -5)", {}) == "2018-03-15T10:00:00.0000000Z"


def test_the_tumbling_window_trigger_scope_has_its_window() -> None:
    # Tumbling window trigger scope: @trigger().outputs.windowStartTime and windowEndTime.
    scope = {"trigger": {"outputs": {"windowStartTime": "2026-12-01T00:00:00Z"}}}
    assert evaluate("@trigger().outputs.windowStartTime", scope) == "2026-12-01T00:00:00Z"


@pytest.mark.parametrize(
    "expression",
    ["@utcNow()", "@formatDateTime('2018-03-15T00:00:00Z', 'D')", "@addHours('yesterday', 1)", "@toUpper('a')"],
)
def test_what_the_evaluator_does_not_know_it_refuses(expression: str) -> None:
    with pytest.raises(ValueError):
        evaluate(expression, {})


def _expressions() -> Iterator[str]:
    """Every pipeline expression of the committed content (data flow scripts excluded: another language)."""
    for path in sorted(PIPELINES_DIR.rglob("*.json")):
        if path.name == "overrides.json" or "dataflow" in path.relative_to(PIPELINES_DIR).parts:
            continue
        for _where, value in walk_json(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(value, str) and value.startswith("@") and not value.startswith("@@"):
                yield value


def used_functions() -> set[str]:
    """The functions the committed content calls: every name followed by '('."""
    names = set()
    for expression in _expressions():
        tokens = _tokens(expression[1:])
        names |= {text for (kind, text), after in itertools.pairwise(tokens) if kind == "name" and after[1] == "("}
    return names


def test_every_function_the_seed_workflows_use_is_supported_and_checked_here() -> None:
    used = used_functions()
    assert {"concat", "formatDateTime", "split", "skip", "join", "replace", "addHours", "activity"} <= used
    assert used <= SUPPORTED
    assert used <= {case[0] for case in CASES}


T = "2026-12-01T00:00:00Z"
RUN_SCOPE: dict[str, Any] = {
    "pipeline": {
        "TriggerTime": T,
        "parameters": {
            "modifiedSince": T,
            "sourceFileName": "events_1.csv",
            "sourceFolderPath": "bronze/events/2026",
            "tables": [],
            "windowEnd": T,
            "windowStart": T,
        },
    },
    "dataset": {"fileName": "f", "folderPath": "p", "schema": "dbo", "table": "users", "datePath": "2026/12/01"},
    "item": {"schema": "dbo", "table": "users"},
    "trigger": {"scheduledTime": T, "outputs": {"windowStartTime": T, "windowEndTime": T}},
    "triggerBody": {"fileName": "events_1.csv", "folderPath": "bronze/events"},
    "activity": {"WindowFolder": {"output": {"exists": True}}},
}
"""What one run's scope functions return, for every name the committed expressions read (a new one is added here)."""


def test_every_seed_expression_evaluates() -> None:
    for expression in _expressions():
        evaluate(expression, RUN_SCOPE)
