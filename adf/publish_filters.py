"""azure.datafactory.tools' publish options for a stack: which objects it deploys, and which drift may delete.

adf.tools takes them as an `AdfPublishOption` object (private/!AdfPublishOption.class.ps1), built in PowerShell or
from a filter file (public/New-AdfPublishOption.ps1). A stack here takes them from
`deployment/publish-<stage>.json` in the ADF Studio folder, the stage named like the stack, with adf.tools' names:

    {
      "Includes": ["pipeline.PL_*", "trigger.*"],        patterns `<type>.<name>[@<folder>]`, wildcards as `-like`
      "Excludes": ["*.Test*"],
      "FilterFilePath": "deployment/rules.txt",          adf.tools' filter file: `+pattern` / `-pattern` per line
      "DeleteNotInSource": true,                         `ops adf drift` deletes what the folder lacks
      "DoNotDeleteExcludedObjects": true                 ...except what the filters exclude (default true)
    }

What each does, as adf.tools does it (docs/GUIDE/PUBLISH_OPTIONS.md; private/ApplyExclusionOptions.ps1;
private/AdfObjectName.class.ps1 `IsNameExcluded`):

* With Includes, the stack deploys only what they match and Excludes are not consulted; without, everything but
  what Excludes match. A pattern matches `<type>.<name>` (and `<folder>`, ADF Studio's `properties.folder.name`, when
  it has `@<folder>`) ignoring letter case, with `*`, `?` and `[abc]`.
* An object is "excluded" when Excludes match it or Includes exist and do not; with DoNotDeleteExcludedObjects, drift
  never deletes it.

What differs, and why: a stack is declarative, so an object it deployed before and its filters now leave out is
deleted by the next `pulumi up`, as when its file is removed (adf.tools leaves it alone); to hand such an object
over, `pulumi state delete` it first. An included object that references an excluded one needs that object in the
factory already. What the platform itself provides (its integration runtime, `AutoResolveIntegrationRuntime`) is
never deleted, whatever the options say.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adf.model import BUILT_IN, AdfContent, AdfKind
from adf.stage_config import DEPLOYMENT_FOLDER
from stack.errors import InputError
from stack.naming import INTEGRATION_RUNTIME_NAME
from stack.suggest import did_you_mean

_FILE = re.compile(r"^publish-(?P<stage>.+)\.json$", re.IGNORECASE)
OPTIONS = ("Includes", "Excludes", "FilterFilePath", "DeleteNotInSource", "DoNotDeleteExcludedObjects")
"""The AdfPublishOption properties a stack takes."""
NOT_HERE: Mapping[str, str] = {
    "StopStartTriggers": "`python -m ops triggers stop` and `start` wrap every deployment (README, "
    "'Stopping and starting triggers')",
    "DoNotStopStartExcludedTriggers": "`ops triggers start` starts what the stack's config enables",
    "TriggerStopMethod": "`ops triggers stop` stops every started trigger and records them",
    "TriggerStartMethod": "`ops triggers start` starts what the stack's config enables; `--restore` what ran before",
    "CreateNewInstance": "the stack creates its factory",
    "DeployGlobalParams": "the stack always deploys the factory's global parameters",
    "FailsWhenConfigItemNotFound": "a stage config row that names no object is always an error",
    "FailsWhenPathNotFound": "a stage config row whose path does not exist is always an error",
    "IgnoreLackOfReferencedObject": "a reference to an object neither in the folder nor excluded is always an error",
    "IncrementalDeployment": "Pulumi compares with the stack's state and changes only what differs",
    "IncrementalDeploymentStorageUri": "Pulumi keeps the stack's state",
}
"""The other AdfPublishOption properties, and what does their work in this project instead."""

PLATFORM_PROVIDED: Mapping[str, frozenset[str]] = {
    AdfKind.INTEGRATION_RUNTIME: frozenset(
        {INTEGRATION_RUNTIME_NAME.lower(), *(name for kind, name in BUILT_IN if kind == AdfKind.INTEGRATION_RUNTIME)}
    ),
}
"""What the factory has because the platform or ADF provides it, by kind (lower case): never drift, never deleted."""


class PublishOptionsError(InputError):
    """A publish options file that cannot be read; the message names the file, the option and what is allowed."""


def platform_provided(kind: str, name: str) -> bool:
    return name.lower() in PLATFORM_PROVIDED.get(kind, frozenset())


def folder_of(properties: Any) -> str:
    """ADF Studio's folder of an object (`properties.folder.name`), '' when it has none."""
    folder = properties.get("folder") if isinstance(properties, dict) else None
    name = folder.get("name") if isinstance(folder, dict) else None
    return name if isinstance(name, str) else ""


def matches(pattern: str, kind: str, name: str, folder: str) -> bool:
    """adf.tools' `IsNameMatch`: `<type>.<name>` against the pattern before `@`, the folder against the rest."""
    name_pattern, at, folder_pattern = pattern.partition("@")
    if not fnmatch.fnmatchcase(f"{kind}.{name}".lower(), name_pattern.lower()):
        return False
    return not at or fnmatch.fnmatchcase(folder.lower(), folder_pattern.lower())


@dataclass(frozen=True)
class PublishOptions:
    """A stack's publish options; the defaults are adf.tools' (no filter, nothing deleted)."""

    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    delete_not_in_source: bool = False
    do_not_delete_excluded_objects: bool = True
    file: str | None = None
    notes: tuple[str, ...] = ()

    def deploys(self, kind: str, name: str, folder: str = "") -> bool:
        """ApplyExclusionOptions: only what Includes match when there are any, else all but what Excludes match."""
        if self.includes:
            return any(matches(p, kind, name, folder) for p in self.includes)
        return not any(matches(p, kind, name, folder) for p in self.excludes)

    def excluded(self, kind: str, name: str, folder: str = "") -> bool:
        """IsNameExcluded: Excludes match it, or Includes exist and none matches it."""
        if any(matches(p, kind, name, folder) for p in self.excludes):
            return True
        return bool(self.includes) and not any(matches(p, kind, name, folder) for p in self.includes)

    def keeps(self, kind: str, name: str, folder: str = "") -> str | None:
        """Why drift must not delete this object of the factory, or None when it may."""
        if platform_provided(kind, name):
            return "provided by the platform"
        if self.do_not_delete_excluded_objects and self.excluded(kind, name, folder):
            return f"excluded by {self.file} (DoNotDeleteExcludedObjects)"
        return None


def filter_rules(text: str) -> tuple[list[str], list[str]]:
    """(includes, excludes) of an adf.tools filter file, read as New-AdfPublishOption reads it: rules separated by
    new lines or commas, `-` excludes, anything else (an optional `+`) includes; `#` starts a comment line here."""
    includes: list[str] = []
    excludes: list[str] = []
    for raw in text.replace(",", "\n").splitlines():
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        if rule.startswith("-"):
            excludes.append(rule[1:].strip())
        else:
            includes.append(rule.replace("+", "").strip())
    return includes, excludes


def options_file(root: Path, stack: str) -> Path | None:
    folder = root / DEPLOYMENT_FOLDER
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        match = _FILE.match(path.name)
        if match and match.group("stage").lower() == stack.lower() and path.is_file():
            return path
    return None


def _patterns(value: Any, where: str) -> list[str]:
    """A list of patterns, or an object whose keys are the patterns (adf.tools' Includes is a hashtable)."""
    patterns = list(value) if isinstance(value, list | dict) else None
    if patterns is None or not all(isinstance(p, str) and p.strip() for p in patterns):
        raise PublishOptionsError(f'{where}: expected a list of patterns such as ["pipeline.PL_*", "*.Test*"]')
    return [p.strip() for p in patterns]


def read_publish_options(root: Path, stack: str | None) -> PublishOptions:
    """The stack's options from `root/deployment/publish-<stack>.json`; the defaults without the file."""
    path = options_file(root, stack) if stack else None
    if path is None:
        return PublishOptions()
    file = path.relative_to(root.parent).as_posix()
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise PublishOptionsError(f"{file}: line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}") from exc
    if not isinstance(document, dict):
        raise PublishOptionsError(f"{file}: expected an object of options: {', '.join(OPTIONS)}")
    notes: list[str] = []
    for key in document:
        if key in NOT_HERE:
            notes.append(f"{file}: {key} is not used here: {NOT_HERE[key]}")
        elif key not in OPTIONS:
            raise PublishOptionsError(
                f"{file}: {key}: unknown option{did_you_mean(key, [*OPTIONS, *NOT_HERE])}; "
                f"allowed: {', '.join(OPTIONS)}"
            )
    includes = _patterns(document.get("Includes", []), f"{file}: Includes")
    excludes = _patterns(document.get("Excludes", []), f"{file}: Excludes")
    flags = {}
    for key, default in (("DeleteNotInSource", False), ("DoNotDeleteExcludedObjects", True)):
        flags[key] = document.get(key, default)
        if not isinstance(flags[key], bool):
            raise PublishOptionsError(f"{file}: {key}: expected true or false, found {flags[key]!r}")
    rules_path = document.get("FilterFilePath")
    if rules_path is not None:
        rules_file = root / rules_path if isinstance(rules_path, str) else None
        if rules_file is None or not rules_file.is_file():
            raise PublishOptionsError(
                f"{file}: FilterFilePath: {rules_path!r} is not a file; expected a path in the ADF Studio folder "
                f"such as '{DEPLOYMENT_FOLDER}/rules.txt'"
            )
        more_includes, more_excludes = filter_rules(rules_file.read_text(encoding="utf-8-sig"))
        includes += more_includes
        excludes += more_excludes
    return PublishOptions(
        includes=tuple(includes),
        excludes=tuple(excludes),
        delete_not_in_source=flags["DeleteNotInSource"],
        do_not_delete_excluded_objects=flags["DoNotDeleteExcludedObjects"],
        file=file,
        notes=tuple(notes),
    )


def filter_content(content: AdfContent, options: PublishOptions) -> AdfContent:
    """The content the stack deploys under its options, with a note of what they leave out."""
    if not (options.includes or options.excludes):
        return dataclasses.replace(content, notes=content.notes + options.notes)
    kept = tuple(i for i in content.items if options.deploys(i.kind, i.name, folder_of(i.properties)))
    left_out = [f"{i.kind}/{i.name}" for i in content.items if i not in kept]
    notes = list(options.notes)
    if left_out:
        notes.append(
            f"{options.file}: not deployed by this stack (Includes/Excludes): {', '.join(left_out)}; an object the "
            "stack deployed before stays in the factory (`pulumi up` deletes no ADF content; `ops adf drift` keeps it "
            "while DoNotDeleteExcludedObjects holds)"
        )
    unused = _unused_patterns(options, content)
    if unused:
        notes.append(f"{options.file}: these patterns match no file: {', '.join(unused)}")
    deployed = {(i.kind, i.name.lower()) for i in kept}
    overrides = tuple(o for o in content.overrides if (o.kind, o.name.lower()) in deployed)
    return dataclasses.replace(content, items=kept, overrides=overrides, notes=content.notes + tuple(notes))


def _unused_patterns(options: PublishOptions, content: AdfContent) -> list[str]:
    objects = [(i.kind, i.name, folder_of(i.properties)) for i in content.items]
    patterns: Collection[str] = (*options.includes, *options.excludes)
    return [p for p in patterns if not any(matches(p, *obj) for obj in objects)]
