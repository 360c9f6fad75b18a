"""ADF Studio content (`pipelines_json/`): load, validate and convert to azure-native's input shape.

The folder uses ADF Studio's git layout, `<kind>/<name>.json` with kind one of
linkedService, dataset, dataflow, pipeline and trigger, each file in the authoring
format `{"name": ..., "properties": {...}}`. The loader is driven by the files it
finds; any valid file deploys without code changes.

azure-native flattens ADF's `typeProperties` into the parent object (activities,
datasets, linked services, triggers, data flows), and takes a pipeline's properties
as top-level arguments. The conversion does exactly that and nothing else, so every
property in a file reaches its resource.

Everything is validated before a resource is registered; all problems are reported
together, each with the file, the JSON path and the reason.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from stack.config import TIME_ZONES
from stack.errors import InputError

KINDS = ("linkedService", "dataset", "dataflow", "pipeline", "trigger")
"""ADF Studio's folder names, in the order resources must be created."""

RESOURCE_TYPES = {
    "linkedService": "azure-native:datafactory:LinkedService",
    "dataset": "azure-native:datafactory:Dataset",
    "dataflow": "azure-native:datafactory:DataFlow",
    "pipeline": "azure-native:datafactory:Pipeline",
    "trigger": "azure-native:datafactory:Trigger",
}
NAME_INPUTS = {
    "linkedService": "linked_service_name",
    "dataset": "dataset_name",
    "dataflow": "data_flow_name",
    "pipeline": "pipeline_name",
    "trigger": "trigger_name",
}
REFERENCE_KINDS = {
    "LinkedServiceReference": "linkedService",
    "DatasetReference": "dataset",
    "DataFlowReference": "dataflow",
    "PipelineReference": "pipeline",
}
# Activities whose typeProperties hold further activity lists.
NESTED_ACTIVITY_LISTS = ("activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities")
OUTPUT_ONLY = {"trigger": ("runtimeState",)}
"""Read-only properties ADF Studio exports but the API (and azure-native) does not accept."""

OVERRIDES_FILE = "overrides.json"
GLOBAL_PARAMETERS = frozenset({"environment"})
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-. ]{0,259}$")
_TIMESPAN = re.compile(r"^-?(\d+\.)?\d{1,2}:\d{2}:\d{2}$")
_FREQUENCIES = {
    "ScheduleTrigger": ("Minute", "Hour", "Day", "Week", "Month"),
    "TumblingWindowTrigger": ("Minute", "Hour", "Month"),
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_BLOB_EVENTS = ("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted")
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


class ContentError(InputError):
    """ADF content that cannot be deployed; lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in pipelines_json/:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Reference:
    """A by-name reference from one file to another item."""

    kind: str
    name: str
    path: str


@dataclass(frozen=True)
class AdfItem:
    """One file of ADF content."""

    kind: str
    name: str
    file: str
    document: dict[str, Any]

    @property
    def properties(self) -> dict[str, Any]:
        return self.document.get("properties", {})

    @property
    def type_token(self) -> str:
        return RESOURCE_TYPES[self.kind]

    @property
    def adf_type(self) -> str:
        return str(self.properties.get("type", "")) if self.kind != "pipeline" else "Pipeline"

    def references(self) -> list[Reference]:
        return list(_references(self.document))

    def depends_on(self) -> set[tuple[str, str]]:
        """The items this one must be created after."""
        return {(ref.kind, ref.name) for ref in self.references() if (ref.kind, ref.name) != (self.kind, self.name)}


@dataclass(frozen=True)
class Override:
    """Replace the value at `path` in `item` with the stack value `value`."""

    kind: str
    name: str
    path: tuple[str | int, ...]
    value: str


@dataclass(frozen=True)
class AdfContent:
    """All items, in creation order, and the overrides that apply to them."""

    items: tuple[AdfItem, ...]
    overrides: tuple[Override, ...]

    def of_kind(self, kind: str) -> list[AdfItem]:
        return [item for item in self.items if item.kind == kind]

    def names(self, kind: str) -> list[str]:
        return sorted(item.name for item in self.items if item.kind == kind)


# ---------------------------------------------------------------------------- conversion


# Keys ADF Studio writes that azure-native spells differently, by ADF type.
RENAMED_KEYS = {"ExecuteDataFlow": {"dataflow": "dataFlow"}}


def _merge_type_properties(obj: dict[str, Any], where: str, problems: list[str] | None) -> dict[str, Any]:
    """`{..., typeProperties: {...}}` -> the same object with typeProperties' keys merged in."""
    out = {key: value for key, value in obj.items() if key != "typeProperties"}
    type_properties = obj.get("typeProperties")
    renames: Mapping[str, str] = RENAMED_KEYS.get(str(obj.get("type")), {})
    if isinstance(type_properties, dict):
        for key, value in type_properties.items():
            if key in out and problems is not None:
                hint = (
                    "; azure-native flattens typeProperties, so a dataset's SQL schema collides with its column "
                    "schema (pulumi/pulumi-azure-native#2006): use typeProperties.tableName '[schema].[table]'"
                    if key == "schema"
                    else ""
                )
                problems.append(
                    f"{where}.typeProperties.{key}: also set outside typeProperties; it must be set once{hint}"
                )
            out[renames.get(str(key)) or str(key)] = value
    return out


def convert_activity(activity: dict[str, Any], where: str = "", problems: list[str] | None = None) -> dict[str, Any]:
    """Flatten an activity, and recursively the activities nested in it."""
    out = _merge_type_properties(activity, where, problems)
    for key in NESTED_ACTIVITY_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [
                convert_activity(child, f"{where}.typeProperties.{key}[{i}]", problems)
                if isinstance(child, dict)
                else child
                for i, child in enumerate(out[key])
            ]
    if isinstance(out.get("cases"), list):
        out["cases"] = [
            {
                **case,
                "activities": [
                    convert_activity(child, f"{where}.typeProperties.cases[{c}].activities[{i}]", problems)
                    for i, child in enumerate(case.get("activities", []))
                ],
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
            out["activities"] = [
                convert_activity(a, f"{where}.activities[{i}]", problems) if isinstance(a, dict) else a
                for i, a in enumerate(out["activities"])
            ]
        return out
    return {"properties": _merge_type_properties(properties, where, problems)}


# ---------------------------------------------------------------------------- walking


def walk_json(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value in a JSON document with its path (`a.b[0].c`), the document itself first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_json(item, f"{path}[{index}]")


def _references(document: Any) -> Iterator[Reference]:
    for path, value in walk_json(document):
        if isinstance(value, dict) and value.get("type") in REFERENCE_KINDS and "referenceName" in value:
            yield Reference(REFERENCE_KINDS[value["type"]], str(value["referenceName"]), f"{path}.referenceName")


def _expressions(value: Any, path: str) -> Iterator[tuple[str, str]]:
    for where, item in walk_json(value, path):
        if isinstance(item, str) and ("@" in item) and not item.startswith("@@"):
            yield where, item


# ---------------------------------------------------------------------------- validation


def _read(path: Path, root: Path, problems: list[str]) -> AdfItem | None:
    kind = path.parent.name
    file = path.relative_to(root.parent).as_posix()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.append(f"{file}: line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}")
        return None
    except UnicodeDecodeError as exc:
        problems.append(f"{file}: not UTF-8 text: {exc.reason}")
        return None
    if not isinstance(document, dict):
        problems.append(f"{file}: (root): expected an object {{'name': ..., 'properties': {{...}}}}")
        return None
    name = document.get("name")
    if not isinstance(name, str) or not name:
        problems.append(f"{file}: name: missing; expected the item's name, '{path.stem}'")
        return None
    if name != path.stem:
        problems.append(f"{file}: name: '{name}' differs from the file name; ADF Studio names the file '{name}.json'")
    if not _NAME.match(name):
        problems.append(f"{file}: name: '{name}' is not a valid ADF name (letters, digits, _ - . and spaces)")
    if not isinstance(document.get("properties"), dict):
        problems.append(f"{file}: properties: missing or not an object")
        return None
    if kind != "pipeline" and not isinstance(document["properties"].get("type"), str):
        problems.append(f"{file}: properties.type: missing; every {kind} names its type")
    return AdfItem(kind=kind, name=name, file=file, document=document)


def _check_references(items: list[AdfItem], problems: list[str]) -> None:
    known = {(item.kind, item.name.lower()) for item in items}
    names = {kind: sorted(i.name for i in items if i.kind == kind) for kind in KINDS}
    for item in items:
        for ref in item.references():
            if (ref.kind, ref.name.lower()) not in known:
                available = ", ".join(names[ref.kind]) or "none"
                problems.append(
                    f"{item.file}: {ref.path}: {ref.kind} '{ref.name}' does not exist; available: {available}"
                )


def _activity_lists(activities: Any, path: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every activity list in a pipeline (the top one and the nested ones), with its JSON path."""
    if not isinstance(activities, list):
        return
    yield path, [a for a in activities if isinstance(a, dict)]
    for index, activity in enumerate(activities):
        if not isinstance(activity, dict):
            continue
        type_properties = activity.get("typeProperties") or {}
        base = f"{path}[{index}].typeProperties"
        for key in NESTED_ACTIVITY_LISTS:
            yield from _activity_lists(type_properties.get(key), f"{base}.{key}")
        for case_index, case in enumerate(type_properties.get("cases") or []):
            if isinstance(case, dict):
                yield from _activity_lists(case.get("activities"), f"{base}.cases[{case_index}].activities")


def _check_activities(item: AdfItem, problems: list[str]) -> None:
    for path, activities in _activity_lists(item.properties.get("activities"), "properties.activities"):
        names = [str(a.get("name")) for a in activities]
        index_of = {name: i for i, name in enumerate(names)}
        for name in {n for n in names if names.count(n) > 1}:
            problems.append(f"{item.file}: {path}: activity name '{name}' is used more than once")
        graph: dict[str, list[str]] = {}
        for i, activity in enumerate(activities):
            edges = graph.setdefault(names[i], [])
            for d, dependency in enumerate(activity.get("dependsOn") or []):
                target = dependency.get("activity") if isinstance(dependency, dict) else None
                if target not in index_of:
                    problems.append(
                        f"{item.file}: {path}[{i}].dependsOn[{d}].activity: '{target}' is not an activity of this "
                        f"list; activities here: {', '.join(names)}"
                    )
                else:
                    edges.append(str(target))
        cycle = _find_cycle(graph)
        if cycle:
            problems.append(f"{item.file}: {path}: dependsOn forms a cycle: {' -> '.join(cycle)}")


def _find_cycle(graph: Mapping[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in graph.get(node, []):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if state.get(target) is None:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def _declared(properties: Mapping[str, Any], key: str) -> set[str]:
    value = properties.get(key)
    return set(value) if isinstance(value, dict) else set()


def _check_expressions(item: AdfItem, problems: list[str]) -> None:
    rules = _EXPRESSION_RULES.get(item.kind, ())
    declared = {
        "parameters": _declared(item.properties, "parameters"),
        "variables": _declared(item.properties, "variables"),
        "global": set(GLOBAL_PARAMETERS),
    }
    for path, text in _expressions(item.document.get("properties"), "properties"):
        for pattern, what, scope in rules:
            for match in pattern.finditer(text):
                name = next(group for group in match.groups() if group)
                if name not in declared[scope]:
                    allowed = ", ".join(sorted(declared[scope])) or "none"
                    problems.append(f"{item.file}: {path}: references undeclared {what} '{name}'; declared: {allowed}")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _check_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_trigger(item: AdfItem, pipelines: Mapping[str, AdfItem], problems: list[str]) -> None:
    properties = item.properties
    type_properties = properties.get("typeProperties") or {}
    where = f"{item.file}: properties.typeProperties"
    kind = item.adf_type

    def bad(path: str, reason: str) -> None:
        problems.append(f"{where}.{path}: {reason}")

    if kind in ("ScheduleTrigger", "TumblingWindowTrigger"):
        spec = type_properties.get("recurrence", {}) if kind == "ScheduleTrigger" else type_properties
        prefix = "recurrence." if kind == "ScheduleTrigger" else ""
        if not isinstance(spec, dict):
            bad("recurrence", "missing; a schedule trigger needs a recurrence")
            spec = {}
        allowed = _FREQUENCIES[kind]
        if spec.get("frequency") not in allowed:
            bad(f"{prefix}frequency", f"{spec.get('frequency')!r} is not one of: {', '.join(allowed)}")
        if not _check_int(spec.get("interval"), 1, 1000):
            bad(f"{prefix}interval", f"{spec.get('interval')!r} must be a whole number of at least 1")
        start = _parse_time(spec.get("startTime"))
        if start is None:
            bad(f"{prefix}startTime", f"{spec.get('startTime')!r} is not an ISO 8601 date-time")
        end = spec.get("endTime")
        end_time = _parse_time(end)
        if end is not None and (end_time is None or (start is not None and end_time <= start)):
            bad(f"{prefix}endTime", f"{end!r} must be an ISO 8601 date-time after startTime")
        if kind == "ScheduleTrigger":
            _check_schedule(spec, bad)
        else:
            _check_tumbling_window(spec, bad)
    elif kind == "BlobEventsTrigger":
        events = type_properties.get("events")
        if not isinstance(events, list) or not events or any(e not in _BLOB_EVENTS for e in events):
            bad("events", f"{events!r} must be a non-empty list of: {', '.join(_BLOB_EVENTS)}")
        begins, ends = type_properties.get("blobPathBeginsWith"), type_properties.get("blobPathEndsWith")
        if not begins and not ends:
            bad("blobPathBeginsWith", "a blob events trigger needs blobPathBeginsWith or blobPathEndsWith")
        if begins and not re.match(r"^/[a-z0-9$][a-z0-9-]{1,62}/blobs/", str(begins)):
            bad("blobPathBeginsWith", f"'{begins}' must look like '/<container>/blobs/<folder>/'")
        if not type_properties.get("scope"):
            bad("scope", "missing; the storage account's resource id (filled per stack through overrides.json)")

    for path, reference, parameters in _trigger_pipelines(properties):
        target = pipelines.get(str(reference).lower())
        if target is None:
            continue  # reported as a missing reference
        declared = _declared(target.properties, "parameters")
        for name in parameters:
            if name not in declared:
                problems.append(
                    f"{item.file}: {path}.parameters.{name}: pipeline '{target.name}' declares no parameter "
                    f"'{name}'; declared: {', '.join(sorted(declared)) or 'none'}"
                )


def _check_schedule(spec: Mapping[str, Any], bad: Any) -> None:
    time_zone = spec.get("timeZone")
    if time_zone is not None and time_zone not in TIME_ZONES:
        bad("recurrence.timeZone", f"{time_zone!r} is not a supported time zone; allowed: {', '.join(TIME_ZONES)}")
    schedule = spec.get("schedule")
    if schedule is None:
        return
    if not isinstance(schedule, dict):
        bad("recurrence.schedule", "must be an object")
        return
    if spec.get("frequency") in ("Minute", "Hour") and schedule:
        bad("recurrence.schedule", "is only allowed with frequency Day, Week or Month")
    for key, low, high in (("minutes", 0, 59), ("hours", 0, 23)):
        values = schedule.get(key, [])
        if not isinstance(values, list) or not all(_check_int(v, low, high) for v in values):
            bad(f"recurrence.schedule.{key}", f"{values!r} must be whole numbers from {low} to {high}")
    week_days = schedule.get("weekDays", [])
    if not isinstance(week_days, list) or any(day not in _WEEKDAYS for day in week_days):
        bad("recurrence.schedule.weekDays", f"{week_days!r} must be day names: {', '.join(_WEEKDAYS)}")
    month_days = schedule.get("monthDays", [])
    if not isinstance(month_days, list) or not all(_check_int(d, -31, 31) and d != 0 for d in month_days):
        bad("recurrence.schedule.monthDays", f"{month_days!r} must be days 1..31 or -31..-1")


def _check_tumbling_window(spec: Mapping[str, Any], bad: Any) -> None:
    delay = spec.get("delay")
    if delay is not None and not _TIMESPAN.match(str(delay)):
        bad("delay", f"{delay!r} must be a time span like '00:10:00' or '1.00:00:00'")
    if not _check_int(spec.get("maxConcurrency"), 1, 50):
        bad("maxConcurrency", f"{spec.get('maxConcurrency')!r} must be a whole number from 1 to 50")
    retry = spec.get("retryPolicy")
    if (
        isinstance(retry, dict)
        and "intervalInSeconds" in retry
        and not _check_int(retry["intervalInSeconds"], 30, 86400)
    ):
        bad("retryPolicy.intervalInSeconds", f"{retry['intervalInSeconds']!r} must be from 30 to 86400")


def _trigger_pipelines(properties: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, pipeline name, parameters) for each pipeline a trigger runs."""
    entries: list[tuple[str, Any]] = [
        (f"properties.pipelines[{i}]", entry) for i, entry in enumerate(properties.get("pipelines") or [])
    ]
    if isinstance(properties.get("pipeline"), dict):
        entries.append(("properties.pipeline", properties["pipeline"]))
    for path, entry in entries:
        if not isinstance(entry, dict):
            continue
        reference = (entry.get("pipelineReference") or {}).get("referenceName")
        parameters = entry.get("parameters") or {}
        if reference and isinstance(parameters, dict):
            yield path, str(reference), parameters


def _check_passed_parameters(item: AdfItem, by_key: Mapping[tuple[str, str], AdfItem], problems: list[str]) -> None:
    """Parameters passed along a dataset/pipeline/data flow reference must be declared by the target."""
    for path, value in walk_json(item.document):
        if not (isinstance(value, dict) and value.get("type") in ("DatasetReference", "PipelineReference")):
            continue
        parameters = value.get("parameters")
        target = by_key.get((REFERENCE_KINDS[value["type"]], str(value.get("referenceName", "")).lower()))
        if not isinstance(parameters, dict) or target is None or item.kind == "trigger":
            continue
        declared = _declared(target.properties, "parameters")
        for name in parameters:
            if name not in declared:
                problems.append(
                    f"{item.file}: {path}.parameters.{name}: {target.kind} '{target.name}' declares no parameter "
                    f"'{name}'; declared: {', '.join(sorted(declared)) or 'none'}"
                )


def _topological(group: list[AdfItem], graph: Mapping[str, list[str]]) -> list[AdfItem]:
    """Items after the items they reference (the graph is acyclic)."""
    by_name = {item.name.lower(): item for item in group}
    done: set[str] = set()
    out: list[AdfItem] = []

    def place(item: AdfItem) -> None:
        if item.name in done:
            return
        done.add(item.name)
        for name in graph[item.name]:
            place(by_name[name.lower()])
        out.append(item)

    for item in group:
        place(item)
    return out


def _creation_order(items: list[AdfItem], problems: list[str]) -> list[AdfItem]:
    """Kinds in dependency order; within a kind (linked services, pipelines) referenced items first."""
    by_key = {(item.kind, item.name.lower()): item for item in items}
    ordered: list[AdfItem] = []
    for kind in KINDS:
        group = sorted((i for i in items if i.kind == kind), key=lambda i: i.name)
        graph = {
            item.name: sorted(name for k, name in item.depends_on() if k == kind and (k, name.lower()) in by_key)
            for item in group
        }
        cycle = _find_cycle(graph)
        if cycle:
            problems.append(f"pipelines_json/{kind}/: items reference each other in a cycle: {' -> '.join(cycle)}")
            ordered.extend(group)
            continue
        ordered.extend(_topological(group, graph))
    return ordered


# ---------------------------------------------------------------------------- overrides


def _split_path(path: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def _lookup(document: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
    current = document
    for part in path:
        if isinstance(current, str):
            return False, None
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, current


def _read_overrides(
    root: Path, items: list[AdfItem], stack_values: frozenset[str], problems: list[str]
) -> list[Override]:
    path = root / OVERRIDES_FILE
    file = path.relative_to(root.parent).as_posix()
    if not path.is_file():
        return []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.append(f"{file}: line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}")
        return []
    if not isinstance(document, dict):
        problems.append(f"{file}: (root): expected an object of '<kind>/<name>': {{'<json path>': '<stack value>'}}")
        return []
    overrides: list[Override] = []
    for target, entries in document.items():
        if target.startswith("$"):
            continue  # "$comment" and the like
        kind, _, name = target.partition("/")
        if kind not in KINDS or not name:
            problems.append(f"{file}: {target}: expected '<kind>/<name>' with kind one of {', '.join(KINDS)}")
            continue
        matches = [i for i in items if i.kind == kind and (name == "*" or i.name == name)]
        if name != "*" and not matches:
            problems.append(
                f"{file}: {target}: no such {kind}; available: "
                + ", ".join(sorted(i.name for i in items if i.kind == kind))
            )
            continue
        if not isinstance(entries, dict):
            problems.append(f"{file}: {target}: expected an object of '<json path>': '<stack value>'")
            continue
        for json_path, value in entries.items():
            if value not in stack_values:
                problems.append(
                    f"{file}: {target}.{json_path}: unknown stack value {value!r}; "
                    f"allowed: {', '.join(sorted(stack_values))}"
                )
                continue
            parts = _split_path(json_path)
            applied = False
            for item in matches:
                found, _ = _lookup(item.document, parts)
                # Overrides replace values; a named item must hold the property, a wildcard skips items without it.
                if found:
                    overrides.append(Override(item.kind, item.name, parts, value))
                    applied = True
            if name != "*" and not applied:
                problems.append(f"{file}: {target}.{json_path}: the path does not exist in {matches[0].file}")
    return overrides


def apply_overrides(item: AdfItem, overrides: tuple[Override, ...], values: Mapping[str, Any]) -> AdfItem:
    """A copy of the item with its overridden paths set to the stack's values (which may be Outputs)."""
    mine = [o for o in overrides if (o.kind, o.name) == (item.kind, item.name)]
    if not mine:
        return item
    document = copy.deepcopy(item.document)
    for override in mine:
        current: Any = document
        for part in override.path[:-1]:
            current = current[part]
        current[override.path[-1]] = values[override.value]
    return AdfItem(item.kind, item.name, item.file, document)


# ---------------------------------------------------------------------------- entry point


def _check_pipeline_properties(item: AdfItem, allowed: frozenset[str], problems: list[str]) -> None:
    for key in item.properties:
        if key not in allowed:
            problems.append(
                f"{item.file}: properties.{key}: not a pipeline property; allowed: {', '.join(sorted(allowed))}"
            )


def load_content(
    root: Path, stack_values: frozenset[str] = frozenset(), pipeline_properties: frozenset[str] | None = None
) -> AdfContent:
    """Read and validate every file under `root`; raise ContentError listing every problem.

    `stack_values` are the names overrides.json may use; `pipeline_properties` the
    properties a pipeline may have (azure-native takes them as arguments).
    """
    problems: list[str] = []
    items: list[AdfItem] = []
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            if entry.is_dir() and entry.name not in KINDS:
                problems.append(
                    f"{root.name}/{entry.name}/: unknown folder; ADF Studio's folders are {', '.join(KINDS)}"
                )
        for kind in KINDS:
            for path in sorted((root / kind).glob("*")):
                if path.suffix != ".json":
                    problems.append(f"{root.name}/{kind}/{path.name}: not a .json file")
                    continue
                item = _read(path, root, problems)
                if item is not None:
                    items.append(item)

    seen: dict[tuple[str, str], AdfItem] = {}
    for item in items:
        key = (item.kind, item.name.lower())
        if key in seen:
            problems.append(
                f"{item.file}: name: '{item.name}' is also the name of {seen[key].file} (ADF names ignore case)"
            )
        seen.setdefault(key, item)

    _check_references(items, problems)
    pipelines = {item.name.lower(): item for item in items if item.kind == "pipeline"}
    for item in items:
        to_inputs(item, problems)
        _check_expressions(item, problems)
        _check_passed_parameters(item, seen, problems)
        if item.kind == "pipeline":
            _check_activities(item, problems)
            if pipeline_properties is not None:
                _check_pipeline_properties(item, pipeline_properties, problems)
        if item.kind == "trigger":
            _check_trigger(item, pipelines, problems)
    ordered = _creation_order(items, problems)
    overrides = _read_overrides(root, items, stack_values, problems) if root.is_dir() else []
    if problems:
        raise ContentError(problems)
    return AdfContent(items=tuple(ordered), overrides=tuple(overrides))
