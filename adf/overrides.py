"""`pipelines_json/overrides.json`: which values in which files the stack replaces, and replacing them.

The file maps `<kind>/<name>` (or `<kind>/*`: every item of that kind that has the property) to
`{"<JSON path in the authoring file>": "<stack value key>"}`; the keys are those of `adf.stack_values.StackValues`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adf.model import KINDS, AdfItem, Override

OVERRIDES_FILE = "overrides.json"


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


def read_overrides(
    root: Path, items: list[AdfItem], stack_values: frozenset[str], problems: list[str]
) -> list[Override]:
    """The overrides in `root/overrides.json` (none without the file); `stack_values` are the keys it may use."""
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
        if not target.startswith("$"):  # "$comment" and the like
            overrides += _target_overrides(file, target, entries, items, stack_values, problems)
    return overrides


def _target_overrides(
    file: str, target: str, entries: Any, items: list[AdfItem], stack_values: frozenset[str], problems: list[str]
) -> list[Override]:
    """The overrides of one `<kind>/<name>` (or `<kind>/*`) entry."""
    kind, _, name = target.partition("/")
    if kind not in KINDS or not name:
        problems.append(f"{file}: {target}: expected '<kind>/<name>' with kind one of {', '.join(KINDS)}")
        return []
    matches = [i for i in items if i.kind == kind and (name == "*" or i.name == name)]
    if name != "*" and not matches:
        problems.append(
            f"{file}: {target}: no such {kind}; available: "
            + ", ".join(sorted(i.name for i in items if i.kind == kind))
        )
        return []
    if not isinstance(entries, dict):
        problems.append(f"{file}: {target}: expected an object of '<json path>': '<stack value>'")
        return []
    overrides: list[Override] = []
    for json_path, value in entries.items():
        if value not in stack_values:
            problems.append(
                f"{file}: {target}.{json_path}: unknown stack value {value!r}; "
                f"allowed: {', '.join(sorted(stack_values))}"
            )
            continue
        parts = _split_path(json_path)
        # Overrides replace values; a named item must hold the property, a wildcard skips items without it.
        found = [item for item in matches if _lookup(item.document, parts)[0]]
        overrides += [Override(item.kind, item.name, parts, value) for item in found]
        if name != "*" and not found:
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
