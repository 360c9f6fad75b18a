"""Object sizes at their bounds by kind, and which strings count as expressions for the 8,192-character limit."""

from __future__ import annotations

import json

import pytest

from adf.model import AdfItem, AdfKind
from adf.rules import objects
from tests.support.adf_items import findings, item, of_rule


def of_size(kind: AdfKind, size: int) -> AdfItem:
    """An item of `kind` whose compact JSON is exactly `size` bytes."""
    empty = item(kind, "X_Sized", {"type": "Json", "description": ""})
    base = len(json.dumps(empty.document, separators=(",", ":")).encode())
    return item(kind, "X_Sized", {"type": "Json", "description": "d" * (size - base)})


@pytest.mark.parametrize(("kind", "limit"), [(AdfKind.DATASET, 100 * 1024), (AdfKind.LINKED_SERVICE, 100 * 1024)])
def test_datasets_and_linked_services_are_at_most_100_kb(kind: AdfKind, limit: int) -> None:
    assert findings(of_size(kind, limit)) == []
    (finding,) = findings(of_size(kind, limit + 1))
    assert f"the {kind} is {limit + 1:,} bytes as compact JSON, more than 100 KB" in finding


def test_a_data_flow_has_no_documented_size_limit() -> None:
    assert not of_rule(objects.OBJECT_SIZE, findings(of_size(AdfKind.DATAFLOW, 300 * 1024)))


def test_multibyte_characters_count_as_their_utf8_bytes() -> None:
    flagged = item(AdfKind.DATASET, "DS_Wide", {"type": "Json", "description": "é" * 52_000})
    assert of_rule(objects.OBJECT_SIZE, findings(flagged))


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("@" + "x" * 8192, True),
        ("prefix @{pipeline().RunId} " + "x" * 8192, True),
        ("@@" + "x" * 8192, False),
        ("x" * 9000, False),
        ("mail@example.com " + "x" * 9000, False),
    ],
)
def test_what_counts_as_an_expression(text: str, counted: bool) -> None:
    dataset = item(AdfKind.DATASET, "DS_Long", {"type": "Json", "description": text})
    assert bool(of_rule(objects.EXPRESSION_LENGTH, findings(dataset))) is counted
