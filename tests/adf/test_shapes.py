"""No traceback, whatever shape a file has: every value of a rich tree replaced, one at a time, by a list, an object,
a string, a number and null, goes through the loader, the routing, the SQL walk and the content component, and the
only error is the loader's list of problems. The shapes that used to crash are pinned by name, with their messages."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pulumi
import pytest

from adf.load import load_content
from adf.model import AdfContent, ContentError
from adf.stack_values import StackValues
from components.data_factory_content import DataFactoryContent, DataFactoryContentArgs
from migrations.references import dataset_tables, located_references, syntax_problems
from ops.adf_check import check_folder
from preview.schema import check_inputs
from tests.support.adf_shapes import rich_tree
from tests.support.adf_tree import fixture_files, load, problems_of, write
from tests.support.component_plan import build

REPLACEMENTS: tuple[Any, ...] = (["x"], {"k": 1}, "s", 7, None)
VALUES = StackValues(**{f.name: f"stack-{f.name}" for f in fields(StackValues)})


def _locations(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every value's path in a document, the document itself excepted."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _locations(item, (*path, index))


def _replaced(document: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """The document with the value at `path` replaced: the objects and lists on the way are copied, the rest is
    shared with `document` (the variant is only written out, never changed)."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    changed = dict(document) if isinstance(document, dict) else list(document)
    changed[key] = _replaced(document[key], rest, value)  # type: ignore[index]
    return changed


def _rewrite(path: Path, text: str) -> None:
    """Replace the file's text in place. Emptying a file first (`write_text`) makes ext4 flush it to disk on close,
    which took longer than loading the variant; the loader reads the same text either way."""
    with path.open("r+") as file:
        file.write(text)
        file.truncate()


def _deploy(content: AdfContent) -> None:
    """Register the content as the program does, under the mock engine."""
    build(
        lambda: DataFactoryContent(
            "content",
            DataFactoryContentArgs(
                content=content,
                factory_name=pulumi.Output.from_input("adf-contoso-dev"),
                resource_group_name="rg-contoso-dev",
                stack_values=VALUES,
            ),
        )
    )


def _sql_walk(content: AdfContent) -> None:
    datasets = {item.name.lower(): item.document for item in content.of_kind("dataset")}
    for item in content.items:
        if item.kind == "pipeline":
            syntax_problems(located_references(item.document, item.file, datasets)[1], content.items)
        if item.kind == "dataset":
            dataset_tables(item.document, item.file)


@functools.cache
def _needs() -> dict[str, set[str]]:
    """Each file of the rich tree -> the files it references, read from one load of the whole tree."""
    with tempfile.TemporaryDirectory() as root:
        items = load_content(write(Path(root), rich_tree()), typed_check=check_inputs).items
    file_of = {
        (item.kind, item.name.lower()): item.file.removeprefix("pipelines_json/").removesuffix(".json")
        for item in items
    }
    return {
        file_of[(item.kind, item.name.lower())]: {file_of[(k, n.lower())] for k, n in item.depends_on()}
        for item in items
    }


def _neighbourhood(key: str) -> dict[str, Any]:
    """The file, what references it, and everything these reference: every check that reads the file runs, on a
    tree that loads when the file is whole."""
    files = rich_tree()
    needs = _needs()
    kept: set[str] = set()
    pending = [key, *sorted(other for other, targets in needs.items() if key in targets)]
    while pending:
        current = pending.pop()
        if current not in kept:
            kept.add(current)
            pending += sorted(needs.get(current, ()))
    return {name: document for name, document in files.items() if name in kept}


@pytest.mark.parametrize("key", sorted(rich_tree()))
def test_every_value_of_every_file_in_every_json_shape_is_a_problem_or_accepted(tmp_path: Path, key: str) -> None:
    files = _neighbourhood(key)
    root = write(tmp_path, files)
    document = files[key]
    loaded = 0
    for path in _locations(document):
        for value in REPLACEMENTS:
            _rewrite(root / f"{key}.json", json.dumps(_replaced(document, path, value)))
            try:
                content = load(root)
            except ContentError:
                continue
            _sql_walk(content)
            loaded += 1
            if loaded % 50 == 1:  # registering takes longer than loading: every 50th accepted variant
                _deploy(content)
    assert loaded  # some replacements are harmless (a description, a name in a list), so the rest ran too


def test_the_rich_tree_is_deployable_on_both_routes(tmp_path: Path) -> None:
    content = load(write(tmp_path, rich_tree()))
    assert sorted(f"{kind}/{name}" for (kind, name), route in content.routes.items() if route.arm) == [
        "dataset/ds_sql",
        "integrationRuntime/ir-linked",
        "managedVirtualNetwork/default",
        "pipeline/pl_child",
    ]
    _deploy(content)


def _trigger(**properties: Any) -> dict[str, Any]:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"].update(properties)
    return files


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            _trigger(typeProperties=[{"recurrence": {}}]),
            "trigger/TR_Daily.json: properties.typeProperties: expected an object of the ScheduleTrigger's settings, "
            "found list",
        ),
        (
            _trigger(pipelines=[{"pipelineReference": "PL_Copy"}]),
            "trigger/TR_Daily.json: properties.pipelines[0].pipelineReference: the pipeline's name written as a "
            "string, 'PL_Copy'; ADF expects {'referenceName': 'PL_Copy', 'type': 'PipelineReference'}",
        ),
        (
            _trigger(pipelines={"pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"}}),
            "trigger/TR_Daily.json: properties.pipelines: expected a list of {'pipelineReference': ..., 'parameters': "
            "...}, found object",
        ),
    ],
    ids=["trigger-type-properties-list", "pipeline-reference-string", "pipelines-object"],
)
def test_a_trigger_of_the_wrong_shape_is_a_problem(tmp_path: Path, files: dict[str, Any], message: str) -> None:
    assert message in problems_of(tmp_path, files)


@pytest.mark.parametrize("key", ["activities", "annotations"])
def test_a_pipeline_list_written_as_an_object_is_a_problem_before_anything_is_registered(
    tmp_path: Path, key: str
) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"][key] = {"a": 1}
    assert f"pipeline/PL_Copy.json: properties.{key}: expected list, got object" in problems_of(tmp_path, files)


def test_depends_on_written_as_a_string_says_so(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["dependsOn"] = "EachFolder"
    assert problems_of(tmp_path, files).splitlines()[1:] == [
        "  pipelines_json/pipeline/PL_Copy.json: properties.activities[1].dependsOn: the activity 'EachFolder' "
        "written as a string; ADF expects a list: [{'activity': <name>, 'dependencyConditions': ['Succeeded']}]"
    ]


def test_a_dependency_written_as_a_string_says_so(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["dependsOn"] = ["EachFolder", {"activity": {"a": 1}}]
    message = problems_of(tmp_path, files)
    assert (
        "properties.activities[1].dependsOn[0]: the activity 'EachFolder' written as a string; ADF expects "
        "{'activity': 'EachFolder', 'dependencyConditions': ['Succeeded']}"
    ) in message
    assert "properties.activities[1].dependsOn[1].activity: '{'a': 1}' is not an activity of this list" in message


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (5000, "(root): nested too deeply to read; at most 64 levels of objects and lists"),
        (80, "(root): nested 82 levels deep; at most 64 levels of objects and lists"),
    ],
)
def test_json_nested_thousands_of_levels_deep_is_a_problem(tmp_path: Path, levels: int, message: str) -> None:
    files: dict[str, Any] = fixture_files()
    files["pipeline/PL_Copy"] = '{"name": "PL_Copy", "properties": {"description": %s}}' % ("[" * levels + "]" * levels)
    assert f"pipelines_json/pipeline/PL_Copy.json: {message}" in problems_of(tmp_path, files)


@pytest.mark.parametrize("field_type", [{"type": "string"}, ["string", "null"]])
def test_a_json_schema_field_named_type_is_no_reference(tmp_path: Path, field_type: Any) -> None:
    """A Json dataset's schema is JSON Schema, where `type` names a field or holds an object or a list."""
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["schema"] = {
        "type": "object",
        "properties": {"type": {"type": field_type}, "id": {"type": "integer"}},
    }
    content = load(write(tmp_path, files))
    assert not content.route("dataset", "DS_Files").arm
    report = check_folder(tmp_path / "pipelines_json")
    assert all(file.ok for file in report.files)
