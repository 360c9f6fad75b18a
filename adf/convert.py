"""ADF Studio's authoring format -> azure-native's input shape.

azure-native flattens ADF's `typeProperties` into the parent object (activities,
datasets, linked services, triggers, data flows), and takes a pipeline's properties
as top-level arguments. The conversion does exactly that and nothing else. Where flattening
would merge two properties (`typed_obstacles`), or the typed resource cannot take a property,
the item deploys as its own JSON instead (adf/lossless.py), so every property in a file
reaches the factory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from adf.model import AdfItem
from adf.sdk import FAMILIES, sdk_envelope, sdk_name
from adf.walk import NESTED_ACTIVITY_LISTS

OUTPUT_ONLY = {"trigger": ("runtimeState",)}
"""Read-only properties ADF Studio exports but the API (and azure-native) does not accept."""

SCHEMA_ISSUE = "pulumi/pulumi-azure-native#2006"
"""azure-native flattens a dataset's typeProperties, so its SQL schema name (typeProperties.schema) and its column
schema (schema) become one property there."""


def _merge_type_properties(obj: dict[str, Any], family: str = "activity") -> dict[str, Any]:
    """`{..., typeProperties: {...}}` -> the same object with typeProperties' keys merged in.

    Keys are spelled as azure-native spells them for the object's type (adf.sdk: ADF Studio writes e.g.
    `dataflow` where the SDK has `dataFlow`). A key that collides with one outside typeProperties is a reason for
    the lossless path (`typed_obstacles`); here the typeProperties' value wins.
    """
    out = {key: value for key, value in obj.items() if key != "typeProperties"}
    type_properties = obj.get("typeProperties")
    adf_type = str(obj.get("type"))
    if isinstance(type_properties, dict):
        for key, value in type_properties.items():
            out[sdk_name(family, adf_type, str(key))] = value
    return out


def _collisions(obj: Any, family: str, where: str) -> list[str]:
    """typeProperties keys of one object that land on a property outside typeProperties once flattened: one that
    the object also sets, or one of its family's envelope (a dataset's column `schema`), which azure-native would
    merge into one value."""
    if not isinstance(obj, dict) or not isinstance(obj.get("typeProperties"), dict):
        return []
    envelope = sdk_envelope(family)
    found = []
    for key in obj["typeProperties"]:
        name = sdk_name(family, str(obj.get("type")), str(key))
        if family == "dataset" and name == "schema":
            found.append(
                f"{where}.typeProperties.{key}: azure-native flattens typeProperties, so a dataset's SQL schema name "
                f"and its column schema (properties.schema) are one property there ({SCHEMA_ISSUE})"
            )
        elif name in obj or name in envelope:
            where_else = "also set outside typeProperties" if name in obj else f"the {family}'s own '{name}'"
            found.append(
                f"{where}.typeProperties.{key}: azure-native flattens typeProperties, where it is {where_else}"
            )
    return found


def _nested_lists(activity: dict[str, Any], where: str) -> list[tuple[str, Any]]:
    """The activity lists in a flattened activity, with their paths in the file."""
    lists = [(f"{where}.typeProperties.{key}", activity[key]) for key in NESTED_ACTIVITY_LISTS if key in activity]
    cases = activity.get("cases")
    for c, case in enumerate(cases if isinstance(cases, list) else []):
        if isinstance(case, dict):
            lists.append((f"{where}.typeProperties.cases[{c}].activities", case.get("activities")))
    return lists


def _convert_list(activities: Any, where: str, dropped: list[str] | None) -> Any:
    if not isinstance(activities, list):
        return activities
    return [
        convert_activity(child, f"{where}[{i}]", dropped) if isinstance(child, dict) else child
        for i, child in enumerate(activities)
    ]


def convert_activity(activity: dict[str, Any], where: str = "", dropped: list[str] | None = None) -> dict[str, Any]:
    """Flatten an activity, and recursively the activities nested in it.

    An empty `policy.cancelAfter` ({}; ADF Studio writes it, azure-native's ActivityPolicy has no such property)
    is left out: it holds nothing, so nothing is lost. `dropped` collects where that happened.
    """
    out = _merge_type_properties(activity)
    policy = out.get("policy")
    if isinstance(policy, dict) and policy.get("cancelAfter") == {}:
        out["policy"] = {key: value for key, value in policy.items() if key != "cancelAfter"}
        if dropped is not None:
            dropped.append(f"{where}.policy.cancelAfter: {{}} left out: it is empty, so nothing is lost")
    for key in NESTED_ACTIVITY_LISTS:
        if isinstance(out.get(key), list):
            out[key] = _convert_list(out[key], f"{where}.typeProperties.{key}", dropped)
    if isinstance(out.get("cases"), list):
        out["cases"] = [
            {
                **case,
                "activities": _convert_list(
                    case["activities"], f"{where}.typeProperties.cases[{c}].activities", dropped
                ),
            }
            if isinstance(case, dict) and isinstance(case.get("activities"), list)
            else case
            for c, case in enumerate(out["cases"])
        ]
    return out


def to_inputs(item: AdfItem, dropped: list[str] | None = None) -> dict[str, Any]:
    """The item's azure-native inputs (without factory and resource group), camelCase as in the file.

    What the typed resource leaves out because it is empty is listed in `dropped` (when given).
    """
    properties = {k: v for k, v in item.properties.items() if k not in OUTPUT_ONLY.get(item.kind, ())}
    if item.kind == "pipeline":
        out = dict(properties)
        if isinstance(out.get("activities"), list):
            out["activities"] = _convert_list(out["activities"], f"{item.file}: properties.activities", dropped)
        return out
    inputs: dict[str, Any] = {"properties": _merge_type_properties(properties, item.kind)}
    if item.network is not None:
        inputs["managedVirtualNetworkName"] = item.network
    return inputs


def typed_obstacles(item: AdfItem) -> list[str]:
    """What the typed resource would merge away when it flattens typeProperties, each `<file>: <path>: <why>`."""
    where = f"{item.file}: properties"
    if item.kind != "pipeline":
        return _collisions(item.properties, item.kind, where)
    found: list[str] = []
    pending: list[tuple[str, Any]] = [(f"{where}.activities", item.properties.get("activities"))]
    while pending:
        path, activities = pending.pop()
        for index, activity in enumerate(activities if isinstance(activities, list) else []):
            if isinstance(activity, dict):
                found += _collisions(activity, "activity", f"{path}[{index}]")
                pending += _nested_lists(_merge_type_properties(activity), f"{path}[{index}]")
    return found


@cache
def _envelope() -> frozenset[str]:
    """Every property some family keeps outside typeProperties; any other property an object lacks belongs inside."""
    return frozenset().union(*(sdk_envelope(family) for family in FAMILIES))


_PATH_TOKEN = re.compile(r'\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\["([^"]+)"\]')


def authoring_path(item: AdfItem, inputs_path: str) -> str:
    """The path in the item's file of a path in its azure-native inputs: the conversion above, undone.

    `activities[0].source` of a pipeline is `properties.activities[0].typeProperties.source` in its file.
    """
    tokens = [(key or quoted, int(index) if index else None) for key, index, quoted in _PATH_TOKEN.findall(inputs_path)]
    if item.kind != "pipeline" and tokens[:1] == [("properties", None)]:
        tokens = tokens[1:]
    node: Any = item.properties
    out = "properties"
    wraps = item.kind != "pipeline"  # whether `node` keeps its own properties in typeProperties
    in_activities = False
    for key, index in tokens:
        if index is not None:
            out += f"[{index}]"
            node = node[index] if isinstance(node, list) and index < len(node) else None
            wraps, in_activities = in_activities, False
            continue
        type_properties = node.get("typeProperties") if isinstance(node, dict) else None
        in_activities = key in NESTED_ACTIVITY_LISTS
        if isinstance(node, dict) and key in node:
            out, node, wraps = f"{out}.{key}", node[key], False
            continue
        if isinstance(type_properties, dict):
            written = next((k for k in type_properties if str(k).lower() == key.lower()), None)
            if written is not None:
                out, node, wraps = f"{out}.typeProperties.{written}", type_properties[written], False
                continue
        if wraps and key not in _envelope():  # a property the file lacks: where it would be written
            out, node, wraps = f"{out}.typeProperties.{key}", None, False
            continue
        out, node, wraps = f"{out}.{key}", None, False
    return out


def authoring_place(items: Iterable[AdfItem], type_token: str, resource_name: str, inputs_path: str) -> str | None:
    """Where an input of a planned resource is written, when an ADF content file made the resource:
    `<file>: <path in the file>` (`(root)` for the resource as a whole); None for any other resource.

    The content component names each resource `<component>-<kind>-<name>` after its file (components/
    data_factory_content.py), so the file is found from the resource's type and logical name.
    """
    item = next(
        (i for i in items if i.type_token == type_token and resource_name.endswith(f"-{i.kind}-{i.name}")), None
    )
    if item is None:
        return None
    return f"{item.file}: {authoring_path(item, inputs_path) if inputs_path else '(root)'}"
