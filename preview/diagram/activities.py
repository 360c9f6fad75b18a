"""The activities of a pipeline, nested ones included (If, Switch, ForEach, Until), for the lineage edges."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

NESTED_ACTIVITY_LISTS = ("activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities")


def _walk_activities(activities: Any) -> Iterator[dict[str, Any]]:
    for activity in activities if isinstance(activities, list) else []:
        if not isinstance(activity, dict):
            continue
        yield activity
        # azure-native takes typeProperties flattened into the activity; accept both shapes.
        for holder in (activity, activity.get("typeProperties") or {}):
            for key in NESTED_ACTIVITY_LISTS:
                yield from _walk_activities(holder.get(key))
            for case in holder.get("cases") or []:
                if isinstance(case, dict):
                    yield from _walk_activities(case.get("activities"))


def _activity_property(activity: dict[str, Any], key: str) -> Any:
    if key in activity:
        return activity[key]
    return (activity.get("typeProperties") or {}).get(key)
