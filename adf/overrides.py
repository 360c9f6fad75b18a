"""`pipelines_json/overrides.json`: per-stack values for any property of any file, and applying them.

The files keep what ADF Studio exported from the authoring (dev) factory; this file says what each stack
deploys instead, with the power of azure.datafactory.tools' stage config (any path, by name or by
wildcard, literal or stack values, replace/add/remove), in one file with one section per stack:

    {
      "common": {                                   applies to every stack
        "linkedService/LS_DataLake": [
          {"path": "properties.typeProperties.url", "stackValue": "lake.dfsUrl"}
        ],
        "trigger/*": [                              a wildcard: `*` and `?` in the name, per kind
          {"path": "properties.typeProperties.recurrence.timeZone", "stackValue": "timeZone", "match": "UTC"}
        ]
      },
      "prod": {                                     applies to stack prod only, after `common`
        "pipeline/PL_Load": [
          {"path": "properties.parameters.batchSize.defaultValue", "value": 5000},
          {"action": "add", "path": "properties.annotations", "value": ["prod"]},
          {"action": "remove", "path": "properties.description"}
        ]
      }
    }

Sections: `common` and one per stack (a stack of this project: a `Pulumi.<stack>.yaml` next to the folder);
keys starting with `$` are comments. Each section maps `<kind>/<name>` to a list of entries:

* `path`: where in the authoring file, `properties.` then keys and `[index]`es (a leading `$.` is allowed);
  the item's `name` is its identity and cannot be overridden.
* `action`: `replace` (default; the path must exist), `add` (the parent must exist, the key must not) or
  `remove` (the path must exist).
* the value, for replace and add: exactly one of `value` (any JSON, the same for this section's stacks) or
  `stackValue` (a key of `adf.stack_values.StackValues`, resolved per stack: the lake's URL, the time zone...).
* `match`: the value the path must hold in the file. Required for a wildcard's replace and remove: a wildcard
  applies only to the items that hold the authoring factory's own value, so a trigger that watches another
  storage account or an Event Grid topic, or a schedule written for another time zone, keeps its value.
  On a named item a different value is an error (the file no longer holds what the entry was written for).
  Why: an event trigger's `scope` is the storage account it watches, or for a CustomEventsTrigger "the ARM
  resource ID of the Azure Event Grid Topic"
  (https://learn.microsoft.com/dotnet/api/azure.resourcemanager.datafactory.models.customeventstrigger),
  which need not be the stack's lake; and a schedule's `timeZone` governs its startTime and schedule hours,
  so changing the zone without the hours moves when it runs
  (https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option).

A stack's azure.datafactory.tools stage config (`deployment/config-<stack>.csv` or `.json`, adf/stage_config.py)
joins here: its overrides apply after this file's, and a value both set is refused, naming both files.

Everything is validated, in every section, before anything is registered: an unknown section, kind, item,
action, stack value or key; a path that does not exist (replace, remove) or already exists (add); a wildcard
without `match`, or one that applies to nothing. Each problem names the file, the section, the entry and
what is allowed.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adf.model import KINDS, AdfItem, Override
from adf.stage_config import StageOverride, read_stage_config
from adf.walk import MAX_DEPTH, json_depth

OVERRIDES_FILE = "overrides.json"
COMMON = "common"
ACTIONS = ("replace", "add", "remove")
_ENTRY_KEYS = frozenset({"path", "action", "value", "stackValue", "match"})
_TOKEN = re.compile(r"[^.\[\]]+|\[\d+\]")
_PATH = re.compile(r"^(?:[^.\[\]]+|\[\d+\])(?:\.[^.\[\]]+|\[\d+\])*$")
_MISSING = object()


@dataclass(frozen=True)
class _Where:
    """Where a problem is: the file, the section, the target and the entry's index."""

    file: str
    section: str
    target: str
    index: int | None = None

    def __str__(self) -> str:
        entry = "" if self.index is None else f"[{self.index}]"
        return f"{self.file}: {self.section}: {self.target}{entry}"


def _split_path(path: str) -> tuple[str | int, ...] | None:
    """`properties.a[0].b` -> ('properties', 'a', 0, 'b'); None when it is not such a path."""
    text = path[2:] if path.startswith("$.") else path
    if not _PATH.match(text):
        return None
    return tuple(int(t[1:-1]) if t.startswith("[") else t for t in _TOKEN.findall(text))


def _lookup(document: Any, path: tuple[str | int, ...]) -> Any:
    """The value at `path`, or _MISSING."""
    current = document
    for part in path:
        in_list = isinstance(part, int) and isinstance(current, list) and 0 <= part < len(current)
        in_object = isinstance(part, str) and isinstance(current, dict) and part in current
        if not (in_list or in_object):
            return _MISSING
        current = current[part]
    return current


def _can_add(document: Any, path: tuple[str | int, ...]) -> bool:
    """Add sets a key of an existing object (or appends at an array's end); the key must not exist yet."""
    parent = _lookup(document, path[:-1])
    last = path[-1]
    if isinstance(last, str):
        return isinstance(parent, dict) and last not in parent
    return isinstance(parent, list) and last == len(parent)


def _cannot_add(document: Any, path: tuple[str | int, ...]) -> str:
    """Why an add of a missing path cannot apply: what its parent is, and where an add would go."""
    parent, last = _lookup(document, path[:-1]), path[-1]
    if isinstance(parent, list) and isinstance(last, int):
        return f"is beyond the end of its list of {len(parent)}; add appends at [{len(parent)}]"
    if isinstance(parent, list):
        return "names a key, but its parent is a list; add appends at an index"
    if isinstance(parent, dict):
        return "names an index, but its parent is an object; add sets a key"
    return "has no parent object to add it to"


def known_stacks(root: Path) -> frozenset[str]:
    """The project's stacks, from the `Pulumi.<stack>.yaml` files next to the content folder."""
    return frozenset(p.name[len("Pulumi.") : -len(".yaml")] for p in root.parent.glob("Pulumi.*.yaml"))


def read_overrides(
    root: Path,
    items: list[AdfItem],
    stack_values: frozenset[str],
    problems: list[str],
    stack: str | None = None,
    *,
    global_parameters: list[tuple[str, dict[str, Any]]] | None = None,
    notes: list[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Override]:
    """Validate every section of `root/overrides.json` and every stack's stage config file; return the overrides
    of `common`, then of `stack`'s section, then of `stack`'s stage config (adf/stage_config.py).

    Without the files there are none; `stack_values` are the keys `stackValue` may name. A key that overrides.json
    and the stage config both set is refused. Stage config rows of type `factory` replace `global_parameters` (the
    factory's, read from `factory/`) in place; `environ` (default: the process's) expands their `$Env:` tokens.
    """
    by_section = _read_json_overrides(root, items, stack_values, problems)
    chosen = [COMMON] + ([stack] if stack and stack != COMMON else [])
    file = (root / OVERRIDES_FILE).relative_to(root.parent).as_posix()
    from_json = [(f"{file}: {section}", o) for section in chosen for o in by_section.get(section, [])]
    stage = read_stage_config(
        root,
        items,
        stack,
        known_stacks(root),
        problems,
        notes if notes is not None else [],
        global_parameters,
        os.environ if environ is None else environ,
    )
    _refuse_keys_set_twice(from_json, stage.overrides, problems)
    if stage.global_parameters is not None and global_parameters is not None:
        global_parameters[:] = stage.global_parameters
    return [o for _label, o in from_json] + [s.override for s in stage.overrides]


def _read_json_overrides(
    root: Path, items: list[AdfItem], stack_values: frozenset[str], problems: list[str]
) -> dict[str, list[Override]]:
    """overrides.json's overrides by section, every section validated."""
    path = root / OVERRIDES_FILE
    if not path.is_file():
        return {}
    file = path.relative_to(root.parent).as_posix()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.append(f"{file}: line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}")
        return {}
    except UnicodeDecodeError as exc:
        problems.append(f"{file}: not UTF-8 text: {exc.reason}")
        return {}
    except RecursionError:
        document = None
    if document is None or json_depth(document) > MAX_DEPTH:
        problems.append(f"{file}: (root): nested too deeply; at most {MAX_DEPTH} levels of objects and lists")
        return {}
    shape = f"expected an object of sections, '{COMMON}' and one per stack, each {{'<kind>/<name>': [entries]}}"
    if not isinstance(document, dict):
        problems.append(f"{file}: (root): {shape}")
        return {}
    stacks = known_stacks(root)
    by_section: dict[str, list[Override]] = {}
    for section, targets in document.items():
        if section.startswith("$"):  # "$comment" and the like
            continue
        if section != COMMON and stacks and section not in stacks:
            problems.append(
                f"{file}: {section}: no such stack; sections are '{COMMON}' and a stack: {', '.join(sorted(stacks))}"
            )
            continue
        if not isinstance(targets, dict):
            problems.append(f"{file}: {section}: {shape}")
            continue
        by_section[section] = [
            override
            for target, entries in targets.items()
            if not target.startswith("$")
            for override in _target_overrides(_Where(file, section, target), entries, items, stack_values, problems)
        ]
    return by_section


def _overlap(first: Override, second: Override) -> bool:
    """Whether two overrides of one item touch the same value: one path inside the other, or one adds or removes
    an element of an array the other's path goes through (which moves the elements after it)."""
    a = tuple(str(p).lower() for p in first.path)
    b = tuple(str(p).lower() for p in second.path)
    shorter, longer = sorted((a, b), key=len)
    if longer[: len(shorter)] == shorter:
        return True
    for one, other, path in ((first, b, a), (second, a, b)):
        if one.action in ("add", "remove") and isinstance(one.path[-1], int) and other[: len(path) - 1] == path[:-1]:
            return True
    return False


def _refuse_keys_set_twice(
    from_json: list[tuple[str, Override]], from_stage: list[StageOverride], problems: list[str]
) -> None:
    """overrides.json first, the stage config second; a value is set in one of them, never both."""
    for label, override in from_json:
        for staged in from_stage:
            other = staged.override
            if (override.kind, override.name.lower()) != (other.kind, other.name.lower()):
                continue
            if _overlap(override, other):
                problems.append(
                    f"{staged.where}: {other.kind}/{other.name} {_dotted(other.path)}: also set by {label} "
                    f"({_dotted(override.path)}); set each value in one of the two files"
                )


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _target_overrides(
    where: _Where, entries: Any, items: list[AdfItem], stack_values: frozenset[str], problems: list[str]
) -> list[Override]:
    """The overrides of one `<kind>/<name>` (or `<kind>/<wildcard>`) target."""
    kind, _, name = where.target.partition("/")
    if kind not in KINDS or not name:
        problems.append(f"{where}: expected '<kind>/<name>' (or a wildcard name) with kind one of {', '.join(KINDS)}")
        return []
    wildcard = any(char in name for char in "*?[")
    # ADF names ignore case, so targets do too.
    matches = [i for i in items if i.kind == kind and fnmatch.fnmatchcase(i.name.lower(), name.lower())]
    if not wildcard and not matches:
        available = ", ".join(sorted(i.name for i in items if i.kind == kind)) or "none"
        problems.append(f"{where}: no such {kind}; available: {available}")
        return []
    if not isinstance(entries, list):
        problems.append(f"{where}: expected a list of entries {{'path': ..., 'value' or 'stackValue': ...}}")
        return []
    overrides: list[Override] = []
    for index, entry in enumerate(entries):
        here = _Where(where.file, where.section, where.target, index)
        overrides += _entry_overrides(here, entry, matches, wildcard, stack_values, problems)
    return overrides


def _parse_entry(
    where: _Where, entry: Any, wildcard: bool, stack_values: frozenset[str], problems: list[str]
) -> tuple[str, tuple[str | int, ...], Any, str | None] | None:
    """(action, path, literal value, stack value key) of a well-formed entry; None after reporting why not."""
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected an object with 'path' and 'value' or 'stackValue'")
        return None
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_ENTRY_KEYS))}")
        return None
    action = entry.get("action", "replace")
    if action not in ACTIONS:
        problems.append(f"{where}: action: {action!r} is not one of {', '.join(ACTIONS)}")
        return None
    raw_path = entry.get("path")
    path = _split_path(raw_path) if isinstance(raw_path, str) else None
    if path is None or len(path) < 2 or path[0] != "properties":
        problems.append(
            f"{where}: path: {raw_path!r} is not a path inside the item, such as 'properties.typeProperties.url' "
            "or 'properties.activities[0].policy.timeout'"
        )
        return None
    given = [key for key in ("value", "stackValue") if key in entry]
    if action == "remove" and given:
        problems.append(f"{where}: a remove takes no {given[0]}")
        return None
    if action != "remove" and len(given) != 1:
        problems.append(f"{where}: a {action} takes exactly one of 'value' (any JSON) or 'stackValue' (a stack value)")
        return None
    key = entry.get("stackValue")
    if "stackValue" in entry and key not in stack_values:
        problems.append(f"{where}: stackValue: unknown stack value {key!r}; allowed: {', '.join(sorted(stack_values))}")
        return None
    if wildcard and action != "add" and "match" not in entry:
        problems.append(
            f"{where}: a wildcard {action} needs 'match', the authoring factory's value at {raw_path}, "
            "so that items holding another value keep it"
        )
        return None
    return action, path, entry.get("value"), key


def _entry_overrides(
    where: _Where,
    entry: Any,
    matches: list[AdfItem],
    wildcard: bool,
    stack_values: frozenset[str],
    problems: list[str],
) -> list[Override]:
    """The overrides of one entry, on the items it applies to."""
    parsed = _parse_entry(where, entry, wildcard, stack_values, problems)
    if parsed is None:
        return []
    action, path, literal, key = parsed
    has_match, match = "match" in entry, entry.get("match")
    applied: list[Override] = []
    for item in matches:
        current = _lookup(item.document, path)
        if action == "add":
            applies = _can_add(item.document, path)
            reason = "already exists" if current is not _MISSING else _cannot_add(item.document, path)
        else:
            applies = current is not _MISSING and (not has_match or current == match)
            reason = "does not exist" if current is _MISSING else f"holds {current!r}, not the match {match!r}"
        if applies:
            applied.append(Override(item.kind, item.name, path, key, action, copy.deepcopy(literal)))
        elif not wildcard:
            problems.append(f"{where}: {entry['path']}: {reason} in {item.file}")
    if wildcard and not applied:
        condition = f" holds {match!r} at" if has_match else " can take"
        problems.append(f"{where}: the wildcard applies to nothing: no item{condition} {entry['path']}")
    return applied


def apply_overrides(item: AdfItem, overrides: tuple[Override, ...], values: Mapping[str, Any]) -> AdfItem:
    """A copy of the item with its overrides applied; `values` are the stack's values (which may be Outputs)."""
    mine = [o for o in overrides if (o.kind, o.name) == (item.kind, item.name)]
    if not mine:
        return item
    document = copy.deepcopy(item.document)
    for override in mine:
        parent: Any = document
        for part in override.path[:-1]:
            parent = parent[part]
        last = override.path[-1]
        if override.action == "remove":
            del parent[last]
            continue
        value = values[override.value] if override.value is not None else copy.deepcopy(override.literal)
        if isinstance(parent, list) and last == len(parent):
            parent.append(value)
        else:
            parent[last] = value
    return AdfItem(item.kind, item.name, item.file, document)
