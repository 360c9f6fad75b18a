"""One file of ADF content: its values walked once, and the part of them under `properties`."""

from __future__ import annotations

from adf.model import AdfItem, AdfKind
from adf.walk import walk_json


def _item(document: dict) -> AdfItem:
    return AdfItem(AdfKind.PIPELINE, "PL", "pipelines_json/pipeline/PL.json", document)


def test_the_nodes_are_the_documents_walk() -> None:
    document = {"name": "PL", "properties": {"activities": [{"name": "A"}]}}
    assert _item(document).nodes == tuple(walk_json(document))


def test_property_nodes_are_what_lies_under_properties_and_nothing_beside_it() -> None:
    document = {"name": "@x", "propertiesExtra": {"a": "@y"}, "properties": {"a": ["@z"], "b": {"c": 1}}}
    assert list(_item(document).property_nodes()) == [
        ("properties", document["properties"]),
        ("properties.a", ["@z"]),
        ("properties.a[0]", "@z"),
        ("properties.b", {"c": 1}),
        ("properties.b.c", 1),
    ]


def test_properties_that_are_a_list_are_walked_too() -> None:
    document = {"properties": ["@a"]}
    assert list(_item(document).property_nodes()) == [("properties", ["@a"]), ("properties[0]", "@a")]
