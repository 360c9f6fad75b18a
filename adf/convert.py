"""ADF Studio's authoring format -> azure-native's input shape.

azure-native flattens ADF's `typeProperties` into the parent object (activities,
datasets, linked services, triggers, data flows), and takes a pipeline's properties
as top-level arguments. The conversion does exactly that and nothing else, so every
property in a file reaches its resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adf.model import AdfItem
from adf.walk import NESTED_ACTIVITY_LISTS

OUTPUT_ONLY = {"trigger": ("runtimeState",)}
"""Read-only properties ADF Studio exports but the API (and azure-native) does not accept."""

RENAMED_KEYS = {"ExecuteDataFlow": {"dataflow": "dataFlow"}}
"""Keys ADF Studio writes that azure-native spells differently, by ADF type."""

_SCHEMA_HINT = (
    "; azure-native flattens typeProperties, so a dataset's SQL schema collides with its column "
    "schema (pulumi/pulumi-azure-native#2006): use typeProperties.tableName '[schema].[table]'"
)


def _merge_type_properties(obj: dict[str, Any], where: str, problems: list[str] | None) -> dict[str, Any]:
    """`{..., typeProperties: {...}}` -> the same object with typeProperties' keys merged in."""
    out = {key: value for key, value in obj.items() if key != "typeProperties"}
    type_properties = obj.get("typeProperties")
    renames: Mapping[str, str] = RENAMED_KEYS.get(str(obj.get("type")), {})
    if isinstance(type_properties, dict):
        for key, value in type_properties.items():
            if key in out and problems is not None:
                hint = _SCHEMA_HINT if key == "schema" else ""
                problems.append(
                    f"{where}.typeProperties.{key}: also set outside typeProperties; it must be set once{hint}"
                )
            out[renames.get(str(key)) or str(key)] = value
    return out


def _convert_list(activities: Any, where: str, problems: list[str] | None) -> Any:
    if not isinstance(activities, list):
        return activities
    return [
        convert_activity(child, f"{where}[{i}]", problems) if isinstance(child, dict) else child
        for i, child in enumerate(activities)
    ]


def convert_activity(activity: dict[str, Any], where: str = "", problems: list[str] | None = None) -> dict[str, Any]:
    """Flatten an activity, and recursively the activities nested in it."""
    out = _merge_type_properties(activity, where, problems)
    for key in NESTED_ACTIVITY_LISTS:
        if isinstance(out.get(key), list):
            out[key] = _convert_list(out[key], f"{where}.typeProperties.{key}", problems)
    if isinstance(out.get("cases"), list):
        out["cases"] = [
            {
                **case,
                "activities": _convert_list(
                    case.get("activities", []), f"{where}.typeProperties.cases[{c}].activities", problems
                ),
            }
            if isinstance(case, dict)
            else case
            for c, case in enumerate(out["cases"])
        ]
    return out


def to_inputs(item: AdfItem, problems: list[str] | None = None) -> dict[str, Any]:
    """The item's azure-native inputs (without factory and resource group), camelCase as in the file."""
    properties = {k: v for k, v in item.properties.items() if k not in OUTPUT_ONLY.get(item.kind, ())}
    where = f"{item.file}: properties"
    if item.kind == "pipeline":
        out = dict(properties)
        if isinstance(out.get("activities"), list):
            out["activities"] = _convert_list(out["activities"], f"{where}.activities", problems)
        return out
    return {"properties": _merge_type_properties(properties, where, problems)}
