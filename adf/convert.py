"""ADF Studio's authoring format -> azure-native's input shape.

azure-native flattens ADF's `typeProperties` into the parent object (activities,
datasets, linked services, triggers, data flows), and takes a pipeline's properties
as top-level arguments. The conversion does exactly that and nothing else, so every
property in a file reaches its resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from adf.model import AdfItem
from adf.sdk import sdk_name
from adf.sdk import type_properties as type_properties_of
from adf.walk import NESTED_ACTIVITY_LISTS

OUTPUT_ONLY = {"trigger": ("runtimeState",)}
"""Read-only properties ADF Studio exports but the API (and azure-native) does not accept."""

_SCHEMA_ISSUE = (
    "azure-native flattens typeProperties, so a dataset's SQL schema name and its column schema are one "
    "property there (pulumi/pulumi-azure-native#2006)"
)


def _merge_type_properties(
    obj: dict[str, Any], where: str, problems: list[str] | None, family: str = "activity"
) -> dict[str, Any]:
    """`{..., typeProperties: {...}}` -> the same object with typeProperties' keys merged in.

    Keys are spelled as azure-native spells them for the object's type (adf.sdk: ADF Studio writes e.g.
    `dataflow` where the SDK has `dataFlow`).
    """
    out = {key: value for key, value in obj.items() if key != "typeProperties"}
    type_properties = obj.get("typeProperties")
    adf_type = str(obj.get("type"))
    if isinstance(type_properties, dict):
        for key, value in type_properties.items():
            name = sdk_name(family, adf_type, str(key))
            if name in out and problems is not None:
                problems.append(f"{where}.typeProperties.{key}: also set outside typeProperties; it must be set once")
            out[name] = value
    return out


def _sql_part(value: Any) -> str | None:
    """A schema or table name as an ADF expression operand: a quoted literal or a plain `@...` expression."""
    if isinstance(value, dict) and value.get("type") == "Expression":
        value = value.get("value")
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("@") and not value.startswith("@@") and "@{" not in value:
        return value[1:]
    if "@" in value:
        return None
    return "'" + value.replace("'", "''") + "'"


def _sql_schema(properties: dict[str, Any], where: str, problems: list[str] | None, notes: list[str] | None) -> Any:
    """A dataset's typeProperties with its SQL schema name moved where azure-native can take it, or None.

    `schema` + `table` become `tableName` '[schema].[table]' (an expression where either is one) when the
    type has tableName; the meaning is the same. Otherwise the dataset is refused with a hint.
    """
    type_properties = properties.get("typeProperties")
    if not isinstance(type_properties, dict) or "schema" not in type_properties:
        return type_properties
    if isinstance(type_properties["schema"], list):
        return type_properties  # a column schema written in typeProperties: nothing to convert
    adf_type = str(properties.get("type"))
    has_table_name = "tableName" in (type_properties_of("dataset", adf_type) or ())
    schema, table = _sql_part(type_properties["schema"]), _sql_part(type_properties.get("table"))
    if has_table_name and schema is not None and table is not None:
        expression = f"@concat('[', {schema}, '].[', {table}, ']')"
        if schema.startswith("'") and table.startswith("'"):
            value: Any = f"[{schema[1:-1]}].[{table[1:-1]}]".replace("''", "'")
        else:
            value = {"value": expression, "type": "Expression"}
        if notes is not None:
            shown = value if isinstance(value, str) else expression
            notes.append(f"{where}.typeProperties: converted schema + table to tableName {shown!r}: {_SCHEMA_ISSUE}")
        rest = {k: v for k, v in type_properties.items() if k not in ("schema", "table", "tableName")}
        return {**rest, "tableName": value}
    if problems is not None:
        if has_table_name:
            fix = "write typeProperties.tableName '[schema].[table]' instead of schema and table"
        else:
            fix = (
                f"{adf_type} has no tableName in azure-native, so its SQL schema name cannot be deployed: "
                "remove typeProperties.schema and name the schema in the activity's query, or in the table "
                "where the connector accepts a qualified name"
            )
        problems.append(f"{where}.typeProperties.schema: a SQL schema name; {_SCHEMA_ISSUE}: {fix}")
    return {k: v for k, v in type_properties.items() if k != "schema"}


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


def to_inputs(item: AdfItem, problems: list[str] | None = None, notes: list[str] | None = None) -> dict[str, Any]:
    """The item's azure-native inputs (without factory and resource group), camelCase as in the file.

    `problems` and `notes` collect what cannot be converted and what was converted (when given).
    """
    properties = {k: v for k, v in item.properties.items() if k not in OUTPUT_ONLY.get(item.kind, ())}
    where = f"{item.file}: properties"
    if item.kind == "pipeline":
        out = dict(properties)
        if isinstance(out.get("activities"), list):
            out["activities"] = _convert_list(out["activities"], f"{where}.activities", problems)
        return out
    if item.kind == "dataset":
        properties = {**properties, "typeProperties": _sql_schema(properties, where, problems, notes)}
        if properties["typeProperties"] is None:
            del properties["typeProperties"]
    inputs: dict[str, Any] = {"properties": _merge_type_properties(properties, where, problems, item.kind)}
    if item.network is not None:
        inputs["managedVirtualNetworkName"] = item.network
    return inputs


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
    for key, index in tokens:
        if index is not None:
            out += f"[{index}]"
            node = node[index] if isinstance(node, list) and index < len(node) else None
            continue
        type_properties = node.get("typeProperties") if isinstance(node, dict) else None
        if isinstance(node, dict) and key in node:
            out, node = f"{out}.{key}", node[key]
            continue
        if isinstance(type_properties, dict):
            written = next((k for k in type_properties if str(k).lower() == key.lower()), None)
            if written is not None:
                out, node = f"{out}.typeProperties.{written}", type_properties[written]
                continue
        out, node = f"{out}.{key}", None
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
