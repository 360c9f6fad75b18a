"""One walker for every user: JSON values with their paths, and activities nested in ForEach, If, Switch and Until."""

from __future__ import annotations

from typing import Any

import pytest

from adf.walk import activity_lists, activity_property, json_depth, walk_activities, walk_json


def _activity(name: str, **type_properties: Any) -> dict[str, Any]:
    return {"name": name, "type": "Wait", "typeProperties": type_properties}


# As in a file: nested lists inside typeProperties.
FILE_SHAPE = [
    _activity(
        "Each",
        activities=[_activity("InEach")],
    ),
    _activity(
        "If",
        ifTrueActivities=[_activity("Yes", activities=[_activity("YesUntil")])],
        ifFalseActivities=[_activity("No")],
    ),
    _activity(
        "Switch",
        cases=[{"value": "a", "activities": [_activity("CaseA")]}, "not a case"],
        defaultActivities=[_activity("Default")],
    ),
]


def test_json_values_come_with_their_paths_document_first() -> None:
    assert list(walk_json({"a": [1, {"b": 2}]})) == [
        ("", {"a": [1, {"b": 2}]}),
        ("a", [1, {"b": 2}]),
        ("a[0]", 1),
        ("a[1]", {"b": 2}),
        ("a[1].b", 2),
    ]


def test_activities_are_walked_depth_first_through_every_kind_of_nested_list() -> None:
    names = [a["name"] for a in walk_activities(FILE_SHAPE)]
    assert names == ["Each", "InEach", "If", "Yes", "YesUntil", "No", "Switch", "Default", "CaseA"]


def test_flattened_activities_as_azure_native_takes_them_are_walked_too() -> None:
    flattened = [{"name": "Each", "type": "ForEach", "activities": [{"name": "Inner", "type": "Wait"}]}]
    assert [a["name"] for a in walk_activities(flattened)] == ["Each", "Inner"]


def test_each_activity_list_comes_with_its_path() -> None:
    lists = {path: [a["name"] for a in group] for path, group in activity_lists(FILE_SHAPE, "properties.activities")}
    assert lists == {
        "properties.activities": ["Each", "If", "Switch"],
        "properties.activities[0].typeProperties.activities": ["InEach"],
        "properties.activities[1].typeProperties.ifTrueActivities": ["Yes"],
        "properties.activities[1].typeProperties.ifTrueActivities[0].typeProperties.activities": ["YesUntil"],
        "properties.activities[1].typeProperties.ifFalseActivities": ["No"],
        "properties.activities[2].typeProperties.defaultActivities": ["Default"],
        "properties.activities[2].typeProperties.cases[0].activities": ["CaseA"],
    }


def test_non_lists_and_non_objects_are_skipped() -> None:
    assert list(walk_activities(None)) == []
    assert [a["name"] for a in walk_activities(["junk", {"name": "A", "typeProperties": "junk"}])] == ["A"]


def test_an_activity_property_is_read_flattened_or_from_type_properties() -> None:
    assert activity_property({"dataFlow": 1, "typeProperties": {"dataFlow": 2}}, "dataFlow") == 1
    assert activity_property({"typeProperties": {"dataFlow": 2}}, "dataFlow") == 2
    assert activity_property({"typeProperties": None}, "dataFlow") is None


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        ("text", 0),
        (None, 0),
        ({}, 1),
        ([], 1),
        ({"a": 1, "b": "x"}, 1),
        ({"a": [1, {"b": 2}], "c": {}}, 3),
        ([[], [[[]]], {"k": [1]}], 4),
    ],
)
def test_json_depth_counts_the_deepest_branch_of_objects_and_lists(value: object, depth: int) -> None:
    assert json_depth(value) == depth


def test_json_depth_of_a_document_deeper_than_the_recursion_limit() -> None:
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    assert json_depth({"properties": deep}) == 5002
