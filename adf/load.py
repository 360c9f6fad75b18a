"""Loading `pipelines_json/`: read every file, check it all, order it; and this platform's loader on top.

The folder uses ADF Studio's git layout, `<kind>/<name>.json` with kind one of
linkedService, dataset, dataflow, pipeline and trigger, each file in the authoring
format `{"name": ..., "properties": {...}}`. The loader is driven by the files it
finds; any valid file deploys without code changes.

Everything is validated before a resource is registered; all problems are reported
together, each with the file, the JSON path and the reason.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from pulumi_azure_native import datafactory
from pydantic.alias_generators import to_camel

from adf.checks import (
    check_activities,
    check_duplicates,
    check_expressions,
    check_passed_parameters,
    check_pipeline_properties,
    check_references,
)
from adf.convert import to_inputs
from adf.model import KINDS, AdfContent, AdfItem, ContentError
from adf.order import creation_order
from adf.overrides import read_overrides
from adf.stack_values import STACK_VALUE_KEYS
from adf.trigger_checks import check_trigger
from stack.config import ConfigError, DataFactoryConfig
from stack.paths import PIPELINES_DIR

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-. ]{0,259}$")


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


def _read_folder(root: Path, problems: list[str]) -> list[AdfItem]:
    items: list[AdfItem] = []
    if not root.is_dir():
        return items
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and entry.name not in KINDS:
            problems.append(f"{root.name}/{entry.name}/: unknown folder; ADF Studio's folders are {', '.join(KINDS)}")
    for kind in KINDS:
        for path in sorted((root / kind).glob("*")):
            if path.suffix != ".json":
                problems.append(f"{root.name}/{kind}/{path.name}: not a .json file")
                continue
            item = _read(path, root, problems)
            if item is not None:
                items.append(item)
    return items


PLATFORM_RUNTIME = "ir-managed"
"""The integration runtime the platform defines in every stack; linked services connect via it."""
PLATFORM_ITEMS: Mapping[str, frozenset[str]] = {"integrationRuntime": frozenset({PLATFORM_RUNTIME})}
"""Items the platform defines outside pipelines_json/ that the content may reference, by kind: the
integration runtime every linked service connects via (components/factory_network.py)."""


def load_content(
    root: Path,
    stack_values: frozenset[str] = frozenset(),
    pipeline_properties: frozenset[str] | None = None,
    external_names: Mapping[str, Collection[str]] | None = None,
) -> AdfContent:
    """Read and validate every file under `root`; raise ContentError listing every problem.

    `stack_values` are the keys overrides.json may use; `pipeline_properties` the
    properties a pipeline may have (azure-native takes them as arguments); `external_names`
    the items, by kind, that exist outside `root` and may be referenced (PLATFORM_ITEMS).
    """
    problems: list[str] = []
    items = _read_folder(root, problems)
    by_key = check_duplicates(items, problems)
    check_references(items, problems, external_names)
    pipelines = {item.name.lower(): item for item in items if item.kind == "pipeline"}
    for item in items:
        to_inputs(item, problems)
        check_expressions(item, problems)
        check_passed_parameters(item, by_key, problems)
        if item.kind == "pipeline":
            check_activities(item, problems)
            if pipeline_properties is not None:
                check_pipeline_properties(item, pipeline_properties, problems)
        if item.kind == "trigger":
            check_trigger(item, pipelines, problems)
    ordered = creation_order(items, problems)
    overrides = read_overrides(root, items, stack_values, problems) if root.is_dir() else []
    if problems:
        raise ContentError(problems)
    return AdfContent(items=tuple(ordered), overrides=tuple(overrides))


def pipeline_properties() -> frozenset[str]:
    """The pipeline properties azure-native takes as arguments (camelCase), read from the SDK's PipelineArgs."""
    arguments = set(inspect.signature(datafactory.PipelineArgs).parameters) - {"factory_name", "resource_group_name"}
    return frozenset(to_camel(name) for name in arguments - {"pipeline_name"})


def load(root: Path = PIPELINES_DIR) -> AdfContent:
    """Load and validate the content with the stack values and pipeline properties this platform supports."""
    return load_content(root, STACK_VALUE_KEYS, pipeline_properties(), PLATFORM_ITEMS)


def enabled_triggers(cfg: DataFactoryConfig, content: AdfContent, stack_file: str) -> list[str]:
    """The triggers this stack runs: `triggersEnabled`, except where `triggers` names one."""
    known = content.names("trigger")
    unknown = sorted(set(cfg.triggers) - set(known))
    if unknown:
        raise ConfigError(
            f"{stack_file}: data-platform:dataFactory.triggers.{unknown[0]}: "
            f"no such trigger in pipelines_json/trigger/; triggers: {', '.join(known) or 'none'}"
        )
    return [name for name in known if cfg.triggers.get(name, cfg.triggers_enabled)]
