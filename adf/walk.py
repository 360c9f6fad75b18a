"""Walking ADF JSON: every value with its path, and every activity including the nested ones.

Standard library only, so the offline diagram can use it without loading the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

NESTED_ACTIVITY_LISTS = ("activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities")
"""Where ForEach/Until (`activities`), IfCondition and Switch (`defaultActivities`) keep their activities;
Switch also has `cases[].activities`."""


def walk_json(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value in a JSON document with its path (`a.b[0].c`), the document itself first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_json(item, f"{path}[{index}]")


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
