"""Checks of the content as a whole: references, activity lists, expressions and passed parameters.

Each check appends `<file>: <JSON path>: <reason>` messages to `problems`, so every problem is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from adf.model import KINDS, REFERENCE_KINDS, AdfItem
from adf.order import find_cycle
from adf.walk import activity_lists, json_type

GLOBAL_PARAMETERS = frozenset({"environment"})
_PIPELINE_PARAMETER = re.compile(r"pipeline\(\)\s*\.\s*parameters\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*'([^']+)'\s*\])")
_VARIABLE = re.compile(r"variables\(\s*'([^']+)'\s*\)")
_GLOBAL_PARAMETER = re.compile(r"pipeline\(\)\s*\.\s*globalParameters\s*\.\s*([A-Za-z_]\w*)")
_DATASET_PARAMETER = re.compile(r"dataset\(\)\s*\.\s*([A-Za-z_]\w*)")
_LINKED_SERVICE_PARAMETER = re.compile(r"linkedService\(\)\s*\.\s*([A-Za-z_]\w*)")
# Per kind: (pattern, what it names, where it must be declared).
_EXPRESSION_RULES = {
    "pipeline": (
        (_PIPELINE_PARAMETER, "pipeline parameter", "parameters"),
        (_VARIABLE, "variable", "variables"),
        (_GLOBAL_PARAMETER, "global parameter", "global"),
    ),
    "dataset": ((_DATASET_PARAMETER, "dataset parameter", "parameters"),),
    "linkedService": ((_LINKED_SERVICE_PARAMETER, "linked service parameter", "parameters"),),
}


def declared(properties: Mapping[str, Any], key: str) -> set[str]:
    """The names declared under `key` (parameters, variables) of an item's properties."""
    value = properties.get(key)
    return set(value) if isinstance(value, dict) else set()


def is_declared(name: str, names: set[str]) -> bool:
    """ADF matches parameter and variable names ignoring case: "Pipeline parameters & variable ... Names are
    case-insensitive" (https://learn.microsoft.com/azure/data-factory/naming-rules)."""
    return name.lower() in {declared_name.lower() for declared_name in names}


def check_declarations(item: AdfItem, problems: list[str]) -> None:
    """`parameters` and `variables` are objects of name -> specification."""
    for key in ("parameters", "variables"):
        value = item.properties.get(key)
        if value is not None and not isinstance(value, dict) and value != []:
            problems.append(
                f"{item.file}: properties.{key}: expected an object of '<name>': {{'type': ...}}, "
                f"found {type(value).__name__}"
            )


def check_duplicates(items: list[AdfItem], problems: list[str]) -> dict[tuple[str, str], AdfItem]:
    """Items by (kind, lower-case name), reporting names used twice (ADF names ignore case)."""
    seen: dict[tuple[str, str], AdfItem] = {}
    for item in items:
        key = (item.kind, item.name.lower())
        if key in seen:
            problems.append(
                f"{item.file}: name: '{item.name}' is also the name of {seen[key].file} (ADF names ignore case)"
            )
        seen.setdefault(key, item)
    return seen


def check_references(
    items: list[AdfItem], problems: list[str], external: Mapping[str, Collection[str]] | None = None
) -> None:
    """Every reference names an item of the content, or one the platform provides (`external`, by kind)."""
    provided = {kind: sorted(names) for kind, names in (external or {}).items()}
    known: set[tuple[str, str]] = {(item.kind, item.name.lower()) for item in items}
    known |= {(kind, name.lower()) for kind, names in provided.items() for name in names}
    names = {kind: sorted(i.name for i in items if i.kind == kind) for kind in KINDS}
    for item in items:
        for ref in item.references():
            if (ref.kind, ref.name.lower()) not in known:
                available = ", ".join(names.get(ref.kind, []) + provided.get(ref.kind, [])) or "none"
                problems.append(
                    f"{item.file}: {ref.path}: {ref.kind} '{ref.name}' does not exist; available: {available}"
                )


def check_activities(item: AdfItem, problems: list[str]) -> None:
    """Within each activity list: unique names, dependsOn naming an activity of the same list, no cycle."""
    for path, activities in activity_lists(item.properties.get("activities"), "properties.activities"):
        names = [str(a.get("name")) for a in activities]
        index_of = {name: i for i, name in enumerate(names)}
        for name in {n for n in names if names.count(n) > 1}:
            problems.append(f"{item.file}: {path}: activity name '{name}' is used more than once")
        graph: dict[str, list[str]] = {}
        for i, activity in enumerate(activities):
            edges = graph.setdefault(names[i], [])
            for d, target in _depends_on(activity.get("dependsOn"), f"{item.file}: {path}[{i}].dependsOn", problems):
                if not isinstance(target, str) or target not in index_of:
                    problems.append(
                        f"{item.file}: {path}[{i}].dependsOn[{d}].activity: '{target}' is not an activity of this "
                        f"list; activities here: {', '.join(names)}"
                    )
                else:
                    edges.append(str(target))
        cycle = find_cycle(graph)
        if cycle:
            problems.append(f"{item.file}: {path}: dependsOn forms a cycle: {' -> '.join(cycle)}")


def _depends_on(value: Any, where: str, problems: list[str]) -> Iterator[tuple[int, Any]]:
    """(index, activity name) of each dependency of a `dependsOn`, reporting a shape ADF does not take."""
    if value is None:
        return
    fix = "[{'activity': <name>, 'dependencyConditions': ['Succeeded']}]"
    if isinstance(value, str):
        problems.append(f"{where}: the activity {value!r} written as a string; ADF expects a list: {fix}")
        return
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list {fix}, found {json_type(value)}")
        return
    for index, dependency in enumerate(value):
        if isinstance(dependency, str):
            problems.append(
                f"{where}[{index}]: the activity {dependency!r} written as a string; ADF expects "
                f"{{'activity': {dependency!r}, 'dependencyConditions': ['Succeeded']}}"
            )
        elif not isinstance(dependency, dict):
            problems.append(f"{where}[{index}]: expected an object {fix[1:-1]}, found {json_type(dependency)}")
        else:
            yield index, dependency.get("activity")


def _expressions(item: AdfItem) -> Iterator[tuple[str, str]]:
    for where, value in item.property_nodes():
        if isinstance(value, str) and ("@" in value) and not value.startswith("@@"):
            yield where, value


def check_expressions(
    item: AdfItem, problems: list[str], global_parameters: Collection[str] = GLOBAL_PARAMETERS
) -> None:
    """Parameters, variables and global parameters named in expressions must be declared."""
    rules = _EXPRESSION_RULES.get(item.kind, ())
    scopes = {
        "parameters": declared(item.properties, "parameters"),
        "variables": declared(item.properties, "variables"),
        "global": set(global_parameters),
    }
    for path, text in _expressions(item):
        for pattern, what, scope in rules:
            for match in pattern.finditer(text):
                name = next(group for group in match.groups() if group)
                if not is_declared(name, scopes[scope]):
                    allowed = ", ".join(sorted(scopes[scope])) or "none"
                    problems.append(f"{item.file}: {path}: references undeclared {what} '{name}'; declared: {allowed}")


def check_passed_parameters(item: AdfItem, by_key: Mapping[tuple[str, str], AdfItem], problems: list[str]) -> None:
    """Parameters passed along a dataset/pipeline/data flow reference must be declared by the target."""
    for path, value in item.nodes:
        if not (isinstance(value, dict) and value.get("type") in ("DatasetReference", "PipelineReference")):
            continue
        parameters = value.get("parameters")
        target = by_key.get((REFERENCE_KINDS[value["type"]], str(value.get("referenceName", "")).lower()))
        if not isinstance(parameters, dict) or target is None or item.kind == "trigger":
            continue
        names = declared(target.properties, "parameters")
        for name in parameters:
            if not is_declared(name, names):
                problems.append(
                    f"{item.file}: {path}.parameters.{name}: {target.kind} '{target.name}' declares no parameter "
                    f"'{name}'; declared: {', '.join(sorted(names)) or 'none'}"
                )


def check_pipeline_properties(item: AdfItem, allowed: frozenset[str], problems: list[str]) -> None:
    for key in item.properties:
        if key not in allowed:
            problems.append(
                f"{item.file}: properties.{key}: not a pipeline property; allowed: {', '.join(sorted(allowed))}"
            )
