"""Loading `pipelines_json/`: read every file, check it all, order it; and this platform's loader on top.

The folder uses ADF Studio's git layout, `<kind>/<name>.json` with kind one of
adf.model.KINDS, each file in the authoring format `{"name": ..., "properties": {...}}`,
plus the factory's settings (`factory/`, `globalParameters/`). The loader is driven by the files it
finds; any valid file deploys without code changes.

Everything is validated before a resource is registered; all problems are reported
together, each with the file, the JSON path and the reason.
"""

from __future__ import annotations

import inspect
import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi_azure_native import datafactory
from pydantic.alias_generators import to_camel

from adf.checks import (
    GLOBAL_PARAMETERS,
    check_activities,
    check_declarations,
    check_duplicates,
    check_expressions,
    check_passed_parameters,
    check_pipeline_properties,
    check_references,
)
from adf.layout import extra_folder
from adf.lossless import Route, TypedCheck, route, routes_summary
from adf.model import (
    FOLDERS,
    KIND_SPECS,
    KINDS,
    SETTINGS_FOLDERS,
    AdfContent,
    AdfItem,
    AdfKind,
    ContentError,
    Override,
)
from adf.order import creation_order
from adf.overrides import read_overrides
from adf.publish_filters import filter_content, read_publish_options
from adf.rules import check_content
from adf.rules.names import RULED_KINDS
from adf.settings import READ_ONLY, READ_ONLY_EVERYWHERE, read_settings
from adf.stack_values import STACK_VALUE_KEYS
from adf.stage_config import DEPLOYMENT_FOLDER
from adf.trigger_checks import check_trigger
from adf.walk import MAX_DEPTH, json_depth
from stack.config import ConfigError, DataFactoryConfig
from stack.naming import INTEGRATION_RUNTIME_NAME

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-. ]{0,259}$")


@dataclass
class Inspection:
    """Everything the loader found: the items it could read, every problem, and what it changed or ignored."""

    items: list[AdfItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    """Read-only property -> the files it was dropped from."""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Findings of the content rules that ADF's own accepted content breaks (adf/rules): reported, not refused."""
    global_parameters: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """Every .json file found, whether or not it could be read."""
    started_triggers: list[str] = field(default_factory=list)
    """Triggers whose file says `runtimeState: Started` (ADF Studio's state of the authoring factory)."""
    routes: dict[tuple[AdfKind, str], Route] = field(default_factory=dict)
    """How each item deploys, by (kind, lower-case name), when a typed check was given."""

    def summary(self) -> list[str]:
        """The notes, with one line for all the read-only properties dropped."""
        lines = list(self.notes)
        if self.dropped:
            parts = [f"{key} ({len(files)} file(s))" for key, files in sorted(self.dropped.items())]
            lines.insert(0, f"dropped read-only properties that ADF Studio writes and the API sets: {', '.join(parts)}")
        return lines


def _read_document(path: str, file: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8-sig") as stream:
            document = json.loads(stream.read())
    except json.JSONDecodeError as exc:
        problems.append(f"{file}: line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}")
        return None
    except UnicodeDecodeError as exc:
        problems.append(f"{file}: not UTF-8 text: {exc.reason}")
        return None
    except RecursionError:
        problems.append(f"{file}: (root): nested too deeply to read; at most {MAX_DEPTH} levels of objects and lists")
        return None
    if json_depth(document) > MAX_DEPTH:
        problems.append(
            f"{file}: (root): nested {json_depth(document)} levels deep; at most {MAX_DEPTH} levels of objects "
            "and lists"
        )
        return None
    if not isinstance(document, dict):
        found = type(document).__name__
        problems.append(f"{file}: (root): expected an object {{'name': ..., 'properties': {{...}}}}, found {found}")
        return None
    return document


def _read(path: str, file: str, kind: AdfKind, found: Inspection) -> AdfItem | None:
    problems = found.problems
    document = _read_document(path, file, problems)
    if document is None:
        return None
    stem = os.path.splitext(os.path.basename(path))[0]
    name = document.get("name")
    if not isinstance(name, str) or not name:
        problems.append(f"{file}: name: missing; expected the item's name, '{stem}'")
        return None
    if name.lower() == stem.lower() and name != stem:
        # ADF Studio names an item by its `name`; a rename that changes only the letter case can keep the old
        # file name in git on a case-insensitive file system, and ADF names ignore case anyway.
        found.notes.append(f"{file}: the file name differs from name '{name}' only in letter case; using '{name}'")
    elif name != stem:
        problems.append(f"{file}: name: '{name}' differs from the file name; ADF Studio names the file '{name}.json'")
    if kind not in RULED_KINDS and not _NAME.match(name):
        problems.append(f"{file}: name: '{name}' is not a valid ADF name (letters, digits, _ - . and spaces)")
    properties = document.get("properties")
    if properties is None and kind == AdfKind.MANAGED_VIRTUAL_NETWORK:
        # ADF Studio writes `{"name": "default", "type": ".../managedvirtualnetworks"}`; the API takes an empty
        # properties object for it (MicrosoftDocs/azure-docs#76925), which is what is deployed.
        properties = {}
    if not isinstance(properties, dict):
        problems.append(f"{file}: properties: missing or not an object")
        return None
    if kind == AdfKind.TRIGGER and properties.get("runtimeState") == "Started":
        found.started_triggers.append(name)
    for key in READ_ONLY.get(kind, ()) + READ_ONLY_EVERYWHERE:
        if key in properties:
            properties = {k: v for k, v in properties.items() if k != key}
            if key in READ_ONLY_EVERYWHERE:
                found.dropped.setdefault(key, []).append(file)
    for key in ("parameters", "variables"):
        if properties.get(key) == []:
            properties = {k: v for k, v in properties.items() if k != key}
            found.notes.append(f"{file}: properties.{key}: [] read as none declared")
    document = {**document, "properties": properties}
    if KIND_SPECS[kind].typed and not isinstance(properties.get("type"), str):
        problems.append(f"{file}: properties.type: missing; every {kind} names its type")
    return AdfItem(kind=kind, name=name, file=file, document=document)


def _kind_files(root: Path, kind: str, folders: Collection[str]) -> list[tuple[str, str]]:
    """Each file of `kind` in name order: its path, and the name messages give it (`<root's name>/<kind>/<file>`).

    Plain strings, one directory read per kind that has a folder among `folders` (the root's): a folder of a few
    hundred files is read on every plan, twice, and building a `Path` for each name cost more than reading it."""
    if kind == AdfKind.MANAGED_PRIVATE_ENDPOINT:
        if AdfKind.MANAGED_VIRTUAL_NETWORK not in folders:
            return []
        paths = sorted(root.glob(f"{AdfKind.MANAGED_VIRTUAL_NETWORK}/*/{AdfKind.MANAGED_PRIVATE_ENDPOINT}/*"))
        return [(str(path), path.relative_to(root.parent).as_posix()) for path in paths]
    if kind not in folders:
        return []
    folder = os.path.join(root, kind)
    try:
        with os.scandir(folder) as entries:  # a glob also matches and stats each name
            names = sorted(entry.name for entry in entries if entry.is_file())
    except OSError:  # unreadable, or gone since the root was read: no files, as a glob finds none
        return []
    prefix = f"{root.name}/{kind}/" if root.name else f"{kind}/"
    return [(os.path.join(folder, name), prefix + name) for name in names]


def _read_folder(root: Path, found: Inspection) -> None:
    if not root.is_dir():
        return
    with os.scandir(root) as entries:
        folders = sorted(entry.name for entry in entries if entry.is_dir())
    present = frozenset(folders)
    for name in folders:
        # .git, .github; deployment/ holds azure.datafactory.tools' stage config (adf/stage_config.py), not content
        if name not in (*FOLDERS, DEPLOYMENT_FOLDER) and not name.startswith("."):
            extra = extra_folder(root / name)
            if extra.error is not None:
                found.problems.append(f"{root.name}/{name}/: {extra.error}")
            else:
                found.notes.append(f"{root.name}/{name}/: {extra.note}")
    for kind in (*KINDS, *SETTINGS_FOLDERS):
        for path, file in _kind_files(root, kind, present):
            if os.path.splitext(path)[1] != ".json":  # as Path.suffix: ".json" alone is a name without one
                found.problems.append(f"{file}: not a .json file")
                continue
            found.files.append(file)
            if kind in SETTINGS_FOLDERS:
                document = _read_document(path, file, found.problems)
                if document is not None:
                    read_settings(kind, document, file, found.global_parameters, found.notes, found.problems)
                continue
            item = _read(path, file, AdfKind(kind), found)
            if item is not None:
                found.items.append(item)


PLATFORM_ITEMS: Mapping[str, frozenset[str]] = {AdfKind.INTEGRATION_RUNTIME: frozenset({INTEGRATION_RUNTIME_NAME})}
"""Items the platform defines outside pipelines_json/ that the content may reference, by kind."""


def inspect_content(
    root: Path,
    stack_values: frozenset[str] = frozenset(),
    pipeline_properties: frozenset[str] | None = None,
    with_overrides: bool = True,
    stack: str | None = None,
    external_names: Mapping[str, Collection[str]] | None = PLATFORM_ITEMS,
    typed_check: TypedCheck | None = None,
) -> tuple[Inspection, list[AdfItem], list[Override]]:
    """Read and check every file under `root` without raising: what was found, the items in creation order
    and the overrides. `with_overrides=False` ignores overrides.json (checking content on its own); `stack`
    picks overrides.json's section for that stack (besides `common`; every section is validated);
    `external_names` are the items, by kind, that exist outside `root` and may be referenced: by default the
    platform's own (PLATFORM_ITEMS), the runtime every linked service connects via. With `typed_check`, each item
    without a problem of its own gets its route (adf/lossless.py): typed, or an ARM deployment of its JSON; what
    neither can deploy is a problem. Without it, `pipeline_properties` (when given) are the only pipeline
    properties allowed."""
    found = Inspection()
    problems = found.problems
    _read_folder(root, found)
    items = found.items
    by_key = check_duplicates(items, problems)
    check_references(items, problems, external_names)
    global_names = {name for name, _spec in found.global_parameters} | set(GLOBAL_PARAMETERS)
    pipelines = {item.name.lower(): item for item in items if item.kind == "pipeline"}
    for item in items:
        check_declarations(item, problems)
        check_expressions(item, problems, global_names)
        check_passed_parameters(item, by_key, problems)
        if item.kind == "pipeline":
            check_activities(item, problems)
            if pipeline_properties is not None and typed_check is None:
                check_pipeline_properties(item, pipeline_properties, problems)
        if item.kind == "trigger":
            check_trigger(item, pipelines, problems)
    check_content(items, problems, found.warnings)
    if typed_check is not None:
        _route_items(found, typed_check)
    ordered = creation_order(items, problems)
    overrides = (
        read_overrides(
            root, items, stack_values, problems, stack, global_parameters=found.global_parameters, notes=found.notes
        )
        if with_overrides and root.is_dir()
        else []
    )
    return found, ordered, overrides


def _route_items(found: Inspection, typed_check: TypedCheck) -> None:
    """The route of every item whose file has no problem yet (another problem would make the route moot)."""
    refused = {problem.split(": ", 1)[0] for problem in found.problems}
    for item in found.items:
        if item.file in refused:
            continue
        found.routes[(item.kind, item.name.lower())], problems = route(item, typed_check)
        found.problems.extend(problems)
    summary = routes_summary(found.items, found.routes)
    if summary:
        found.notes.append(summary)
    if found.started_triggers:
        found.notes.append(
            f"{len(found.started_triggers)} trigger(s) are Started in ADF Studio "
            f"({', '.join(found.started_triggers)}): they deploy stopped, because ADF cannot update a started "
            "trigger; a stack starts the ones dataFactory.triggersEnabled (or dataFactory.triggers.<name>) "
            "says it runs, with `ops triggers start`"
        )


def load_content(
    root: Path,
    stack_values: frozenset[str] = frozenset(),
    pipeline_properties: frozenset[str] | None = None,
    stack: str | None = None,
    external_names: Mapping[str, Collection[str]] | None = PLATFORM_ITEMS,
    typed_check: TypedCheck | None = None,
) -> AdfContent:
    """Read and validate every file under `root`; raise ContentError listing every problem.

    `stack_values` are the keys overrides.json may use; `pipeline_properties` the
    properties a pipeline may have (azure-native takes them as arguments); `typed_check` decides each item's
    route (see inspect_content).
    """
    found, ordered, overrides = inspect_content(
        root, stack_values, pipeline_properties, stack=stack, external_names=external_names, typed_check=typed_check
    )
    if found.problems:
        raise ContentError(found.problems)
    return AdfContent(
        items=tuple(ordered),
        overrides=tuple(overrides),
        global_parameters=tuple(found.global_parameters),
        notes=tuple(found.summary()),
        warnings=tuple(found.warnings),
        routes=dict(found.routes),
        started_triggers=tuple(found.started_triggers),
    )


def pipeline_properties() -> frozenset[str]:
    """The pipeline properties azure-native takes as arguments (camelCase), read from the SDK's PipelineArgs."""
    arguments = set(inspect.signature(datafactory.PipelineArgs).parameters) - {"factory_name", "resource_group_name"}
    return frozenset(to_camel(name) for name in arguments - {"pipeline_name"})


def load(root: Path, stack: str | None = None, typed_check: TypedCheck | None = None) -> AdfContent:
    """Load and validate the content with the stack values and pipeline properties this platform supports.

    `stack` selects overrides.json's section for that stack; without it only `common` applies. `typed_check` is
    the provider-schema check that routes each item (the program passes `preview.schema.check_inputs`). What the
    loader changed or ignored is logged once, one line per cause, and so is each content rule's warning (as
    warnings: `pulumi preview` and the offline plan show warnings, not info).
    """
    content = load_content(root, STACK_VALUE_KEYS, pipeline_properties(), stack, typed_check=typed_check)
    content = filter_content(content, read_publish_options(root, stack))
    for note in (*content.notes, *content.warnings):
        pulumi.log.warn(f"pipelines_json: {note}")
    return content


def enabled_triggers(cfg: DataFactoryConfig, content: AdfContent, stack_file: str) -> list[str]:
    """The triggers this stack runs: `triggersEnabled`, except where `triggers` names one."""
    known = content.names("trigger")
    unknown = sorted(set(cfg.triggers) - set(known))
    if unknown:
        raise ConfigError(
            f"{stack_file}: data-platform:dataFactory.triggers.{unknown[0]}: "
            f"no such trigger in pipelines_json/trigger/; triggers: {', '.join(known) or 'none'}"
        )
    enabled = [name for name in known if cfg.triggers.get(name, cfg.triggers_enabled)]
    not_started = studio_started_but_not_run(cfg, content, enabled)
    if not_started:
        pulumi.log.warn(f"{stack_file}: {not_started}")
    return enabled


def studio_started_but_not_run(cfg: DataFactoryConfig, content: AdfContent, enabled: list[str]) -> str | None:
    """The triggers ADF Studio says are Started that this stack does not run, as one line; None when there are none.

    Their files' `runtimeState` is the authoring factory's state, which the API sets and a deployment does not
    send; the stack's config decides which triggers `ops triggers start` starts.
    """
    missing = sorted(set(content.started_triggers) - set(enabled))
    if not missing:
        return None
    named = [name for name in missing if name in cfg.triggers]
    default = [name for name in missing if name not in cfg.triggers]
    why = [f"{', '.join(default)}: dataFactory.triggersEnabled is false"] if default else []
    why += [f"{name}: dataFactory.triggers.{name} is false" for name in named]
    return (
        f"{len(missing)} trigger(s) are Started in ADF Studio but this stack does not run them ({'; '.join(why)}); "
        "set dataFactory.triggers.<name>: true to run one, or leave it stopped on purpose"
    )
