"""Walking ADF JSON: every value with its path, and every activity including the nested ones.

Standard library only, so the offline diagram can use it without loading the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

NESTED_ACTIVITY_LISTS = ("activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities")
"""Where ForEach/Until (`activities`), IfCondition and Switch (`defaultActivities`) keep their activities;
Switch also has `cases[].activities`."""


MAX_DEPTH = 64
"""The deepest nesting of objects and lists a file may have. ADF documents no limit; 64 is the default maximum
depth of .NET's JSON reader (https://learn.microsoft.com/dotnet/api/system.text.json.jsonreaderoptions.maxdepth),
three times the deepest file of the public ADF Studio repositories in BENCHMARKS.md (19), and keeps every
recursive step after the loader (Pulumi's serialization of inputs, the provider-schema check) far inside
Python's recursion limit."""


def walk_json(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value in a JSON document with its path (`a.b[0].c`), the document itself first, depth first.

    Iterative, so a document nested deeper than Python's recursion limit is walked rather than crashing.
    """
    pending: list[tuple[str, Any]] = [(path, value)]
    pop, push = pending.pop, pending.append
    while pending:
        here, node = pop()
        yield here, node
        # Children are pushed last first, so they come off the stack in document order.
        if isinstance(node, dict):
            prefix = f"{here}." if here else ""
            for key, item in reversed(node.items()):
                push((f"{prefix}{key}", item))
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                push((f"{here}[{index}]", node[index]))


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages: object, list, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "list" if isinstance(value, list) else type(value).__name__


def json_depth(value: Any) -> int:
    """How deeply a JSON value nests: 0 for a scalar, 1 for a flat object or list. Iterative, like walk_json:
    one level of the document at a time, so no value carries a depth of its own."""
    depth = 0
    level = [value]
    while True:
        containers = [node for node in level if isinstance(node, (dict, list))]
        if not containers:
            return depth
        depth += 1
        level = [item for node in containers for item in (node.values() if isinstance(node, dict) else node)]


def referenced_names(document: Any) -> set[str]:
    """Lower-cased names of every `{"referenceName": ..., "type": "...Reference"}` in a document (ADF names
    ignore case), whatever shape the document has: an authoring file or what the service returns."""
    return {
        value["referenceName"].lower()
        for _path, value in walk_json(document)
        if isinstance(value, dict)
        and isinstance(value.get("referenceName"), str)
        and str(value.get("type", "")).endswith("Reference")
    }


def nested_activity_lists(activity: dict[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """The activity lists directly inside one activity, with their paths.

    Files keep them in `typeProperties`; azure-native takes them flattened into the activity. Both are read.
    """
    for holder_path, holder in ((path, activity), (f"{path}.typeProperties", activity.get("typeProperties"))):
        if not isinstance(holder, dict):
            continue
        for key in NESTED_ACTIVITY_LISTS:
            if key in holder:
                yield f"{holder_path}.{key}", holder[key]
        cases = holder.get("cases")
        for index, case in enumerate(cases if isinstance(cases, list) else []):
            if isinstance(case, dict) and "activities" in case:
                yield f"{holder_path}.cases[{index}].activities", case["activities"]


def activity_lists(activities: Any, path: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every activity list (the given one, then the nested ones), with its path: dependsOn stays within one list."""
    if not isinstance(activities, list):
        return
    yield path, [a for a in activities if isinstance(a, dict)]
    for index, activity in enumerate(activities):
        if isinstance(activity, dict):
            for nested_path, nested in nested_activity_lists(activity, f"{path}[{index}]"):
                yield from activity_lists(nested, nested_path)


def walk_activities(activities: Any) -> Iterator[dict[str, Any]]:
    """Every activity, depth first: each one followed by the activities nested in it."""
    for activity in activities if isinstance(activities, list) else []:
        if isinstance(activity, dict):
            yield activity
            for _path, nested in nested_activity_lists(activity, ""):
                yield from walk_activities(nested)


def activity_property(activity: dict[str, Any], key: str) -> Any:
    """A property of an activity, flattened (azure-native's shape) or in typeProperties (a file's)."""
    if key in activity:
        return activity[key]
    type_properties = activity.get("typeProperties")
    return type_properties.get(key) if isinstance(type_properties, dict) else None
