"""overrides.json on arrays, detail by detail: `add` appends at exactly the array's end and nowhere else, an index
never adds to an object nor a key to an array, and replace and remove address one element."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adf.load import load_content, pipeline_properties
from adf.model import AdfContent
from adf.overrides import apply_overrides
from adf.stack_values import STACK_VALUE_KEYS
from tests.support.adf_tree import fixture_files, problems_of, write

VALUES = {key: f"<{key}>" for key in STACK_VALUE_KEYS}
PIPELINE = "pipeline/PL_Copy"
FILE = "pipelines_json/pipeline/PL_Copy.json"


def files_with(annotations: list[Any]) -> dict[str, Any]:
    files = fixture_files()
    files[PIPELINE]["properties"]["annotations"] = annotations
    return files


def annotations_after(tmp_path: Path, annotations: list[Any], *entries: dict[str, Any]) -> list[Any]:
    root = write(tmp_path, files_with(annotations), {"common": {PIPELINE: list(entries)}})
    content: AdfContent = load_content(root, STACK_VALUE_KEYS, pipeline_properties(), "dev")
    item = next(i for i in content.items if (i.kind, i.name) == ("pipeline", "PL_Copy"))
    return list(apply_overrides(item, content.overrides, VALUES).document["properties"]["annotations"])


def refusal(tmp_path: Path, annotations: list[Any], entry: dict[str, Any]) -> str:
    return problems_of(tmp_path, files_with(annotations), {"common": {PIPELINE: [entry]}})


@pytest.mark.parametrize("existing", [[], ["a"], ["a", "b", "c"]])
def test_add_at_the_index_one_past_the_end_appends(tmp_path: Path, existing: list[str]) -> None:
    entry = {"action": "add", "path": f"properties.annotations[{len(existing)}]", "value": "new"}
    assert annotations_after(tmp_path, existing, entry) == [*existing, "new"]


def test_an_added_element_may_be_any_json_or_a_stack_value(tmp_path: Path) -> None:
    assert annotations_after(
        tmp_path,
        ["a"],
        {"action": "add", "path": "properties.annotations[1]", "stackValue": "timeZone"},
    ) == ["a", "<timeZone>"]
    assert annotations_after(
        tmp_path / "object", ["a"], {"action": "add", "path": "properties.annotations[1]", "value": {"k": [1]}}
    ) == ["a", {"k": [1]}]


@pytest.mark.parametrize("index", [0, 1])
def test_add_at_an_index_that_holds_an_element_is_refused(tmp_path: Path, index: int) -> None:
    entry = {"action": "add", "path": f"properties.annotations[{index}]", "value": "new"}
    assert f"common: {PIPELINE}[0]: properties.annotations[{index}]: already exists in {FILE}" in refusal(
        tmp_path, ["a", "b"], entry
    )


@pytest.mark.parametrize("index", [3, 10])
def test_add_beyond_the_end_is_refused(tmp_path: Path, index: int) -> None:
    entry = {"action": "add", "path": f"properties.annotations[{index}]", "value": "new"}
    assert (
        f"common: {PIPELINE}[0]: properties.annotations[{index}]: is beyond the end of its list of 2; add appends "
        f"at [2] in {FILE}" in refusal(tmp_path, ["a", "b"], entry)
    )


def test_add_of_a_key_to_an_array_is_refused(tmp_path: Path) -> None:
    entry = {"action": "add", "path": "properties.annotations.extra", "value": "new"}
    assert f"common: {PIPELINE}[0]: properties.annotations.extra: names a key, but its parent is a list" in refusal(
        tmp_path, ["a"], entry
    )


def test_add_of_an_index_to_an_object_is_refused(tmp_path: Path) -> None:
    entry = {"action": "add", "path": "properties.parameters[0]", "value": "new"}
    assert f"common: {PIPELINE}[0]: properties.parameters[0]: names an index, but its parent is an object" in refusal(
        tmp_path, ["a"], entry
    )


def test_two_adds_at_the_end_of_one_array_cannot_both_apply(tmp_path: Path) -> None:
    """Each entry is judged against the file as ADF Studio wrote it: the second add is beyond that end."""
    message = problems_of(
        tmp_path,
        files_with(["a"]),
        {
            "common": {
                PIPELINE: [
                    {"action": "add", "path": "properties.annotations[1]", "value": "x"},
                    {"action": "add", "path": "properties.annotations[2]", "value": "y"},
                ]
            }
        },
    )
    assert f"common: {PIPELINE}[1]: properties.annotations[2]: is beyond the end of its list of 1" in message
    assert f"{PIPELINE}[0]" not in message


def test_replace_and_remove_address_one_element(tmp_path: Path) -> None:
    assert annotations_after(tmp_path, ["a", "b", "c"], {"path": "properties.annotations[1]", "value": "B"}) == [
        "a",
        "B",
        "c",
    ]
    assert annotations_after(
        tmp_path / "remove", ["a", "b", "c"], {"action": "remove", "path": "properties.annotations[0]"}
    ) == ["b", "c"]


@pytest.mark.parametrize("action", ["replace", "remove"])
def test_replace_and_remove_beyond_the_end_are_refused(tmp_path: Path, action: str) -> None:
    entry: dict[str, Any] = {"action": action, "path": "properties.annotations[2]"}
    if action == "replace":
        entry["value"] = "x"
    assert f"common: {PIPELINE}[0]: properties.annotations[2]: does not exist in {FILE}" in refusal(
        tmp_path, ["a", "b"], entry
    )
