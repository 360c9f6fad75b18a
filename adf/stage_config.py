"""azure.datafactory.tools' stage config: `deployment/config-<stage>.csv` or `.json` in the ADF Studio folder.

Teams that deploy with azure.datafactory.tools (https://github.com/Azure-Player/azure.datafactory.tools) keep one
file of per-environment values per stage beside the content; the stage named like a stack is that stack's overrides
(adf/overrides.py joins them with overrides.json). What is read, as adf.tools reads it:

* CSV, `type,name,path,value` (docs/GUIDE/CONFIGURATION.md; private/Read-CsvConfigFile.ps1): a header of exactly
  those four columns, blank lines and rows whose type starts with `#` skipped, a value with commas in double quotes.
  `type` is one of adf.tools' folders (`[AdfObject]::AllowedTypes`), `name` an object name or a wildcard (`-like`:
  `*`, `?`, `[abc]`, letter case ignored), `path` relative to `properties` or from the root as `$.properties.…`,
  with `.key`, `[index]`, `["activity name"]` and `'quoted key'` parts; a `+` prefix adds, a `-` prefix removes,
  anything else updates (private/Update-PropertiesFromFile.ps1).
* JSON (docs/GUIDE/CONFIGURATION.md; private/Read-JsonConfigFile.ps1): `{"<object name>": [{"name": <path>,
  "value": ..., "action": "update"|"add"|"remove"}]}`, the type found from the object the name matches.
* Environment variables in values, as PowerShell expands them (`$ExecutionContext.InvokeCommand.ExpandString`):
  `$Env:NAME`, `${Env:NAME}` and `$($Env:NAME)`, and the backtick escapes (`` `$ `` for a literal `$`)
  (https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_quoting_rules,
  https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_special_characters).
* Values typed as private/ObjectProperty.ps1 `Update-ObjectProperty` types them, by what the file holds at the
  path: a number for a number, `true`/`false` for a boolean, JSON (single quotes allowed, as PowerShell's
  ConvertFrom-Json allows them) for an object, text for text. An added property takes the text as it is
  (`Add-ObjectProperty`), creating the objects on its way.
* `factory` rows set the factory's global parameters (`$.properties.globalParameters.<name>.value`).

Where this differs, and why (README, "Stage config files"): an unset environment variable, any other PowerShell
expression (`$(Get-Date)`), a missing object or path and an empty value for a number are errors here (adf.tools
expands unset variables to nothing and evaluates expressions); an array takes a JSON array (adf.tools evaluates a
PowerShell expression); a date is kept as written (adf.tools rewrites a date without a zone as
`yyyy-MM-ddTHH:mm:ss.fffZ`, which moves a schedule written in local time, see adf/trigger_checks.py); a trigger's
`runtimeState` is the stack's trigger config, not a file property; a JSON name matching objects of several types is
refused (adf.tools takes the first).
"""

from __future__ import annotations

import copy
import csv
import fnmatch
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adf.model import KINDS, AdfItem, AdfKind, Override
from adf.settings import GLOBAL_PARAMETER_TYPES, PLATFORM_PARAMETERS

DEPLOYMENT_FOLDER = "deployment"
"""Where adf.tools keeps stage config files, inside the ADF Studio folder; not content."""
HEADER = ("type", "name", "path", "value")
FACTORY = "factory"
TYPES = {kind.lower(): str(kind) for kind in (*KINDS, FACTORY)}
"""adf.tools' `[AdfObject]::AllowedTypes`, by their lower case: its `-notin` check ignores letter case."""
JSON_ACTIONS = ("update", "add", "remove")
_JSON_ENTRY_KEYS = frozenset({"name", "value", "action"})
_FILE = re.compile(r"^config-(?P<stage>.+)\.(?P<ext>csv|json)$", re.IGNORECASE)
_PATH_SYNTAX = (
    "a path relative to 'properties' (or from the root, '$.properties.…') of keys joined by '.', with '[0]' "
    "indexes, '[\"activity name\"]' names and 'quoted keys', prefixed '+' to add or '-' to remove"
)
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
"""PowerShell's backtick escapes in an expandable string; any other character after a backtick is itself."""
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z0-9_]+)?")
_ENV_SUBEXPRESSION = re.compile(r"^\s*\$env:([A-Za-z0-9_]+)\s*$", re.IGNORECASE)
_LISTED = 10
"""How many names a message lists before it counts the rest."""
_TOKENS_ALLOWED = "allowed: $Env:NAME, ${Env:NAME} and $($Env:NAME); write `$ for a literal $"


class RowError(ValueError):
    """One row cannot be read or applied; the message says what is wrong and what is allowed."""


@dataclass(frozen=True)
class Named:
    """A `["name"]` path part: the element of a list of named objects (activities) with that name."""

    name: str


Part = str | int | Named


@dataclass(frozen=True)
class StageRow:
    """One row of a stage config file, its value not yet expanded."""

    where: str
    """The file and the line (CSV) or the entry (JSON), for messages."""
    kind: str | None
    """adf.tools' type; None in the JSON variant, which names no type."""
    name: str
    action: str
    """update, add or remove."""
    path: tuple[Part, ...]
    """Relative to `properties`."""
    text: str
    """The path as written, for messages."""
    value: str | None
    """As written (before environment variables are expanded); None for a remove."""


@dataclass(frozen=True)
class StageOverride:
    """An override read from a stage config row, and where it was written."""

    override: Override
    where: str


@dataclass
class StageConfig:
    """What the stage's file does: overrides of items, and the factory's global parameters when rows set them."""

    overrides: list[StageOverride] = field(default_factory=list)
    global_parameters: list[tuple[str, dict[str, Any]]] | None = None
    file: str | None = None


# ----------------------------------------------------------------------------- paths and values


def parse_path(text: str) -> tuple[str, tuple[Part, ...]]:
    """(action, parts relative to `properties`) of a path as adf.tools writes it; RowError when it is not one."""
    action = "update"
    if text.startswith("+"):
        action, text = "add", text[1:]
    elif text.startswith("-"):
        action, text = "remove", text[1:]
    text = text.strip()
    if text.startswith("$"):
        if not text.startswith("$.properties."):
            raise RowError(f"path {text!r} starts with '$' but not '$.properties.'; expected {_PATH_SYNTAX}")
        text = text[len("$.properties.") :]
    parts: list[Part] = []
    position = 0
    while True:
        key, position = _read_key(text, position)
        parts.append(key)
        while position < len(text) and text[position] == "[":
            index, position = _read_index(text, position)
            parts.append(index)
        if position == len(text):
            return action, tuple(parts)
        if text[position] != ".":
            raise RowError(f"path {text!r}: unexpected {text[position]!r} at {position + 1}; expected {_PATH_SYNTAX}")
        position += 1


def _read_key(text: str, position: int) -> tuple[str, int]:
    if position < len(text) and text[position] in "'\"":
        end = text.find(text[position], position + 1)
        if end < 0:
            raise RowError(f"path {text!r}: unclosed quote at {position + 1}; expected {_PATH_SYNTAX}")
        return text[position + 1 : end], end + 1
    end = position
    while end < len(text) and text[end] not in ".[]'\"":
        end += 1
    key = text[position:end].strip()
    if not key:
        raise RowError(f"path {text!r}: empty key at {position + 1}; expected {_PATH_SYNTAX}")
    return key, end


def _read_index(text: str, position: int) -> tuple[int | Named, int]:
    end = text.find("]", position)
    inner = text[position + 1 : end].strip() if end > 0 else ""
    if end < 0 or not inner:
        raise RowError(f'path {text!r}: expected [<index>] or ["<name>"] at {position + 1}')
    if inner.isdigit():
        return int(inner), end + 1
    if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
        return Named(inner[1:-1]), end + 1
    raise RowError(f"path {text!r}: [{inner}] is neither an index nor a quoted name")


def expand(text: str, environ: Mapping[str, str] | None) -> str:
    """The value with its environment variables expanded, as PowerShell expands a double-quoted string.

    With `environ` None only the syntax is checked (a stage that is not being deployed). RowError names a token
    that is not an environment variable, or a variable that is not set.
    """
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "`" and position + 1 < len(text):
            following = text[position + 1]
            out.append(_ESCAPES.get(following, following))
            position += 2
            continue
        if char != "$" or position + 1 == len(text):
            out.append(char)
            position += 1
            continue
        name, position = _env_token(text, position)
        if name is None:
            out.append("$")
            continue
        out.append(_lookup(name, environ))
    return "".join(out)


def _env_token(text: str, position: int) -> tuple[str | None, int]:
    """The environment variable a `$` at `position` names and where the token ends; None for a literal `$`."""
    following = text[position + 1]
    if following == "(":
        depth, end = 0, position + 1
        while end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        inner = text[position + 2 : end]
        match = _ENV_SUBEXPRESSION.match(inner)
        if end == len(text) or match is None:
            raise RowError(f"'$({inner}' is a PowerShell expression, which is not evaluated here; {_TOKENS_ALLOWED}")
        return match.group(1), end + 1
    if following == "{":
        end = text.find("}", position)
        inner = text[position + 2 : end] if end > 0 else text[position + 2 :]
        if end < 0 or not inner.lower().startswith("env:") or not inner[4:]:
            raise RowError(f"'${{{inner}' is not an environment variable; {_TOKENS_ALLOWED}")
        return inner[4:], end + 1
    if following in "$?^":
        raise RowError(f"'${following}' is a PowerShell automatic variable; {_TOKENS_ALLOWED}")
    match = _VARIABLE.match(text, position + 1)
    if match is None:
        return None, position + 1
    variable = match.group(0)
    if not variable.lower().startswith("env:"):
        raise RowError(f"'${variable}' is a PowerShell variable, not an environment variable; {_TOKENS_ALLOWED}")
    return variable[4:], match.end()


def _lookup(name: str, environ: Mapping[str, str] | None) -> str:
    """The variable's value: exact name first, else the one variable that differs in letter case only
    (Windows, where adf.tools runs, ignores case in environment variable names)."""
    if environ is None:
        return ""
    if name in environ:
        return environ[name]
    same = [key for key in environ if key.lower() == name.lower()]
    if len(same) == 1:
        return environ[same[0]]
    raise RowError(f"environment variable {name} is not set (the value names $Env:{name})")


def lenient_json(text: str) -> Any:
    """JSON as PowerShell's ConvertFrom-Json reads it: single-quoted strings too (`{'type': 'int32'}`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char in "'\"":
            end, content = position + 1, []
            while end < len(text) and text[end] != char:
                if text[end] == "\\" and end + 1 < len(text):
                    content.append(text[end : end + 2])
                    end += 2
                    continue
                content.append(text[end])
                end += 1
            raw = "".join(content)
            out.append(f'"{raw}"' if char == '"' else json.dumps(raw.replace("\\'", "'")))
            position = end + 1
            continue
        out.append(char)
        position += 1
    return json.loads("".join(out))


def typed(existing: Any, text: str) -> Any:
    """The value for an update: typed by what the file holds at the path (ObjectProperty.ps1, Update-ObjectProperty)."""
    if isinstance(existing, bool):
        if text.strip().lower() not in ("true", "false"):
            held = json.dumps(existing)
            raise RowError(f"{text!r} is not a boolean; the file holds {held} there: write true or false")
        return text.strip().lower() == "true"
    if isinstance(existing, int | float):
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            raise RowError(f"{text!r} is not a number; the file holds the number {existing} there") from None
    if isinstance(existing, dict | list):
        shape = "an object" if isinstance(existing, dict) else "an array"
        try:
            return lenient_json(text)
        except json.JSONDecodeError as exc:
            raise RowError(
                f"{text!r} is not JSON ({exc.msg}); the file holds {shape} there: write it as JSON, "
                "in double quotes in CSV ('single' quotes inside are allowed)"
            ) from None
    if existing is None:
        raise RowError("the file holds null there, so the value's type is unknown; set it in overrides.json instead")
    return text


# ----------------------------------------------------------------------------- reading the files


def stage_files(root: Path) -> dict[str, list[Path]]:
    """The stage config files in `root/deployment/`, by stage in lower case."""
    folder = root / DEPLOYMENT_FOLDER
    found: dict[str, list[Path]] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            match = _FILE.match(path.name)
            if match and path.is_file():
                found.setdefault(match.group("stage").lower(), []).append(path)
    return found


def read_rows(path: Path, file: str, environ: Mapping[str, str] | None) -> tuple[list[StageRow], list[str]]:
    """Every row of a stage config file with its value expanded, and every problem, each naming file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{file}: cannot be read: {exc}"]
    if path.suffix.lower() == ".csv":
        rows, problems = _csv_rows(text, file)
    else:
        rows, problems = _json_rows(text, file)
    expanded: list[StageRow] = []
    for row in rows:
        try:
            value = None if row.value is None else expand(row.value, environ)
        except RowError as exc:
            problems.append(f"{row.where}: value: {exc}")
            continue
        expanded.append(StageRow(row.where, row.kind, row.name, row.action, row.path, row.text, value))
    return expanded, problems


def _csv_rows(text: str, file: str) -> tuple[list[StageRow], list[str]]:
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    rows: list[StageRow] = []
    problems: list[str] = []
    header_seen = False
    line = 1
    for cells in reader:
        where, line = f"{file}: line {line}", reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if not header_seen:
            header_seen = True
            if tuple(cell.strip().lower() for cell in cells) != HEADER:
                problems.append(f"{where}: header {','.join(cells)!r}; expected exactly {','.join(HEADER)}")
                return [], problems
            continue
        if cells[0].strip().startswith("#"):
            continue
        try:
            rows.append(_csv_row(where, cells))
        except RowError as exc:
            problems.append(f"{where}: {exc}")
    if not header_seen:
        problems.append(f"{file}: empty; expected the header {','.join(HEADER)} and one row per value")
    return rows, problems


def _csv_row(where: str, cells: list[str]) -> StageRow:
    if len(cells) > len(HEADER):
        raise RowError(
            f"{len(cells)} columns; expected {len(HEADER)} ({','.join(HEADER)}): put a value that holds commas in "
            'double quotes ("a,b"), doubling any double quote inside it'
        )
    kind_text, name, path_text = [*cells, "", "", ""][:3]
    kind = TYPES.get(kind_text.strip().lower())
    if not kind_text.strip():
        raise RowError(f"type is empty; expected one of {', '.join(TYPES.values())}")
    if kind is None:
        raise RowError(f"type {kind_text.strip()!r} is not one of {', '.join(TYPES.values())}")
    if not name.strip():
        raise RowError("name is empty; expected the object's name or a wildcard such as PL_*")
    if not path_text.strip():
        raise RowError(f"path is empty; expected {_PATH_SYNTAX}")
    action, path = parse_path(path_text.strip())
    value = cells[3] if len(cells) == len(HEADER) else None
    if value is None and action != "remove":
        raise RowError(f"no value column; expected {','.join(HEADER)} (only a remove, '-path', may leave it out)")
    return StageRow(where, kind, name.strip(), action, path, path_text.strip(), None if action == "remove" else value)


def _json_rows(text: str, file: str) -> tuple[list[StageRow], list[str]]:
    shape = 'expected {"<object name>": [{"name": "<path>", "value": ..., "action": "update"|"add"|"remove"}]}'
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [f"{file}: line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}"]
    if not isinstance(document, dict):
        return [], [f"{file}: (root): {shape}"]
    rows: list[StageRow] = []
    problems: list[str] = []
    for name, entries in document.items():
        if not isinstance(entries, list):
            problems.append(f"{file}: {name}: {shape}")
            continue
        for index, entry in enumerate(entries):
            where = f"{file}: {name}[{index}]"
            try:
                rows.append(_json_row(where, name, entry))
            except RowError as exc:
                problems.append(f"{where}: {exc}")
    return rows, problems


def _json_row(where: str, name: str, entry: Any) -> StageRow:
    if not isinstance(entry, dict):
        raise RowError('expected {"name": "<path>", "value": ..., "action": "update"|"add"|"remove"}')
    unknown = sorted(set(entry) - _JSON_ENTRY_KEYS)
    if unknown:
        raise RowError(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_JSON_ENTRY_KEYS))}")
    action = entry.get("action", "update")
    if action not in JSON_ACTIONS:
        raise RowError(f"action {action!r} is not one of {', '.join(JSON_ACTIONS)}")
    path_text = entry.get("name")
    if not isinstance(path_text, str) or not path_text.strip():
        raise RowError(f"name: expected the property's path, {_PATH_SYNTAX}")
    if path_text.strip()[:1] in "+-":
        raise RowError(f"name {path_text!r}: the JSON variant says add or remove in 'action', not with a prefix")
    _, path = parse_path(path_text.strip())
    value = entry.get("value")
    if action == "remove":
        return StageRow(where, None, name, action, path, path_text, None)
    if value is None:
        raise RowError(f"an {action} needs a value")
    # adf.tools keeps the value as text (ConfigLine.value is a [string]) and types it by the file's property.
    text = value if isinstance(value, str) else json.dumps(value)
    return StageRow(where, None, name, action, path, path_text, text)


# ----------------------------------------------------------------------------- applying rows to the content


def _key_in(mapping: dict[str, Any], key: str) -> str | None:
    """The mapping's key for `key`: itself, else the one key equal but for letter case (PowerShell ignores case)."""
    if key in mapping:
        return key
    same = [k for k in mapping if k.lower() == key.lower()]
    return same[0] if len(same) == 1 else None


def _step(current: Any, part: Part, shown: str) -> tuple[str | int | None, str]:
    """The concrete key or index `part` names in `current` (None when absent) and the path shown so far."""
    if isinstance(part, str):
        if not isinstance(current, dict):
            raise RowError(f"{shown} is not an object, so it has no '{part}'")
        key = _key_in(current, part)
        return key, f"{shown}.{key or part}"
    if isinstance(part, int):
        if not isinstance(current, list):
            raise RowError(f"{shown} is not an array, so it has no [{part}]")
        return (part if part < len(current) else None), f"{shown}[{part}]"
    if not isinstance(current, list) or not all(isinstance(e, dict) and "name" in e for e in current):
        raise RowError(f'{shown} is not an array of named objects, so it has no ["{part.name}"]')
    matches = [i for i, element in enumerate(current) if str(element["name"]).lower() == part.name.lower()]
    return (matches[0] if matches else None), f'{shown}["{part.name}"]'


def apply_row(document: dict[str, Any], row: StageRow) -> tuple[tuple[str | int, ...], str, Any]:
    """Apply the row to `document` in place; return the override that does the same: (path, action, value).

    An add creates the objects on its way, as adf.tools' Add-ObjectProperty does; its override adds the first
    property it created, with what lies below it.
    """
    current: Any = document["properties"]
    concrete: list[str | int] = ["properties"]
    shown = "properties"
    created_at: int | None = None
    for position, part in enumerate(row.path):
        last = position == len(row.path) - 1
        key, shown = _step(current, part, shown)
        if key is None:
            if row.action != "add" or not isinstance(part, str):
                hint = ""
                if position == 0 and str(part).lower() == "properties":
                    hint = "; a path is relative to 'properties': write typeProperties.x or "
                    hint += "$.properties.typeProperties.x"
                raise RowError(f"{shown}: does not exist{hint}")
            created_at = len(concrete) if created_at is None else created_at
            current[part] = row.value if last else {}
            key = part
        elif last and row.action == "add":
            raise RowError(f"{shown}: already exists; '+' adds a property the file does not have")
        concrete.append(key)
        if not last:
            current = current[key]
        elif row.action == "remove":
            del current[key]
        elif row.action == "update":
            current[key] = typed(current[key], row.value or "")
    if row.action == "remove":
        return tuple(concrete), "remove", None
    changed = concrete if created_at is None else concrete[: created_at + 1]
    value: Any = document
    for part_key in changed:
        value = value[part_key]
    return tuple(changed), "replace" if row.action == "update" else "add", copy.deepcopy(value)


@dataclass
class _Targets:
    """The documents rows change, by (kind, lower-cased name): the content's items and the factory's file."""

    items: dict[tuple[str, str], AdfItem]
    documents: dict[tuple[str, str], dict[str, Any]]


def _matches(row: StageRow, targets: _Targets) -> tuple[str, list[str]]:
    """(kind, names) of the objects the row's name matches (`-like`: wildcards, letter case ignored)."""
    pattern = row.name.lower()
    by_kind: dict[str, list[str]] = {}
    for kind, name in targets.documents:
        if fnmatch.fnmatchcase(name, pattern):
            by_kind.setdefault(kind, []).append(name)
    if row.kind is not None:
        names = by_kind.get(row.kind, [])
        if not names:
            available = sorted(n for k, n in targets.documents if k == row.kind)
            shown = ", ".join(available[:_LISTED]) + (
                f" and {len(available) - _LISTED} more" if len(available) > _LISTED else ""
            )
            raise RowError(f"no {row.kind} matches name '{row.name}'; {row.kind}s: {shown or 'none'}")
        return row.kind, names
    if not by_kind:
        raise RowError(f"no object matches name '{row.name}'")
    if len(by_kind) > 1:
        raise RowError(
            f"name '{row.name}' matches objects of several types ({', '.join(sorted(by_kind))}); "
            "name the type with the CSV form, type,name,path,value"
        )
    ((kind, names),) = by_kind.items()
    return kind, names


def apply_rows(
    file: str,
    rows: list[StageRow],
    items: list[AdfItem],
    global_parameters: list[tuple[str, dict[str, Any]]] | None,
    factory_names: list[str],
    problems: list[str],
) -> StageConfig:
    """Apply the rows in order, each to every object its name matches; every problem names the row."""
    targets = _Targets(
        items={(item.kind, item.name.lower()): item for item in items},
        documents={(item.kind, item.name.lower()): copy.deepcopy(item.document) for item in items},
    )
    factory_document = {"properties": {"globalParameters": {n: dict(s) for n, s in global_parameters or []}}}
    for name in factory_names:
        targets.documents[(FACTORY, name.lower())] = factory_document
    config = StageConfig(file=file)
    factory_changed = False
    for row in rows:
        try:
            kind, names = _matches(row, targets)
            if kind == AdfKind.TRIGGER and str(row.path[0]).lower() == "runtimestate":
                raise RowError(
                    "runtimeState: the stack starts its triggers, not the file: set data-platform:dataFactory."
                    "triggersEnabled or dataFactory.triggers.<name> in Pulumi.<stack>.yaml (README, "
                    "'Triggers per environment')"
                )
        except RowError as exc:
            problems.append(f"{row.where}: {exc}")
            continue
        for name in names:
            try:
                path, action, value = apply_row(targets.documents[(kind, name)], row)
            except RowError as exc:
                problems.append(f"{row.where}: {kind} '{name}': {row.text}: {exc}")
                continue
            if kind == FACTORY:
                factory_changed = True
                continue
            item = targets.items[(kind, name)]
            config.overrides.append(StageOverride(Override(item.kind, item.name, path, None, action, value), row.where))
    if factory_changed:
        config.global_parameters = _global_parameters(factory_document, file, problems)
    return config


def _global_parameters(
    document: dict[str, Any], file: str, problems: list[str]
) -> list[tuple[str, dict[str, Any]]] | None:
    """The factory's global parameters after the rows, checked as adf/settings.py checks the factory file's."""
    result: list[tuple[str, dict[str, Any]]] = []
    for name, spec in document["properties"]["globalParameters"].items():
        where = f"{file}: globalParameters.{name}"
        if name in PLATFORM_PARAMETERS:
            problems.append(f"{where}: the platform sets '{name}' per stack; remove the row")
            continue
        kind = GLOBAL_PARAMETER_TYPES.get(str(spec.get("type", "")).lower()) if isinstance(spec, dict) else None
        if kind is None or "value" not in spec:
            allowed = ", ".join(GLOBAL_PARAMETER_TYPES.values())
            problems.append(f"{where}: expected a 'type' ({allowed}) and a 'value' after the rows")
            continue
        result.append((name, {"type": kind, "value": spec["value"]}))
    return result


def factory_names(root: Path) -> list[str]:
    """The names of the factory files (`factory/<name>.json`), which `factory` rows name."""
    names = []
    for path in sorted((root / FACTORY).glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            document = None  # the loader reports the file
        name = document.get("name") if isinstance(document, dict) else None
        names.append(name if isinstance(name, str) and name else path.stem)
    return names


def read_stage_config(
    root: Path,
    items: list[AdfItem],
    stack: str | None,
    stacks: frozenset[str],
    problems: list[str],
    notes: list[str],
    global_parameters: list[tuple[str, dict[str, Any]]] | None,
    environ: Mapping[str, str],
) -> StageConfig:
    """Check every stage config file of the project's stacks; apply the one of `stack`.

    A file of a stage that is no stack (`config-uat.csv` with stacks dev, test and prod) is noted and not read; a
    stack's file is checked on every run (rows, types, paths syntax and tokens), and its rows are applied when that
    stack is planned, with its environment variables.
    """
    config = StageConfig()
    lower_stacks = {s.lower(): s for s in stacks}
    for stage, paths in stage_files(root).items():
        files = [p.relative_to(root.parent).as_posix() for p in paths]
        if lower_stacks and stage not in lower_stacks:
            notes.append(
                f"{', '.join(files)}: stage '{stage}' is not a stack of this project "
                f"({', '.join(sorted(stacks))}); not read"
            )
            continue
        if len(paths) > 1:
            # adf.tools' `-Stage <stage>` reads deployment/config-<stage>.csv; a .json only when named by its path.
            csv_files = [f for p, f in zip(paths, files, strict=True) if p.suffix.lower() == ".csv"]
            if len(csv_files) != 1:
                problems.append(f"{' and '.join(files)}: several config files for stage '{stage}'; keep one")
                continue
            ignored = [f for f in files if f not in csv_files]
            notes.append(
                f"{', '.join(ignored)}: not read: {csv_files[0]} is stage '{stage}''s config, as adf.tools reads "
                "config-<stage>.csv for a stage and a .json only when named by its path"
            )
            paths, files = [root.parent / csv_files[0]], csv_files
        selected = stack is not None and stage == stack.lower()
        rows, row_problems = read_rows(paths[0], files[0], environ if selected else None)
        problems += row_problems
        if selected:
            config = apply_rows(files[0], rows, items, global_parameters, factory_names(root), problems)
    return config
