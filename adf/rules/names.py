"""Names, per kind of object: the characters, the first character, the length, and uniqueness ignoring case.

ADF's own naming page, the pipeline page and ARM's general naming page disagree; each rule cites them all and
follows the one backed by an error text ADF returned, else the page that is ADF's own and the more specific.
Credentials, managed virtual networks and managed private endpoints have no documented rule; the loader's
generic check covers their names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from adf.model import AdfItem, AdfKind
from adf.rules.rule import Rule
from adf.rules.sources import (
    ACTION_NAME_ERROR,
    ARM_NAMES,
    DATASET_NAME_ERROR,
    NAMING,
    PIPELINES,
    STUDIO_NAME_ERROR,
)

_ADF_FORBIDDEN = ".+?/<>*%&:\\"
"""What ADF's naming page and the pipeline page forbid in names of pipelines, datasets, linked services, data
flows and activities."""
_ARM_FORBIDDEN = "<>*#.%&:\\+?/"
"""What ARM's naming page forbids in every Microsoft.DataFactory child name (it adds '#'), besides control
characters."""


@dataclass(frozen=True)
class NameRule:
    """A kind's name: allowed length, first character, characters, each described for the message."""

    rule: Rule
    max_length: int
    first: re.Pattern[str]
    first_text: str
    forbidden: str = ""
    """Characters refused anywhere (besides control characters)."""
    allowed: re.Pattern[str] | None = None
    """When set, the only characters allowed (one character per match)."""
    allowed_text: str = ""
    min_length: int = 1

    def problems(self, name: str) -> list[str]:
        """What is wrong with `name`, one phrase each."""
        found = []
        if not self.min_length <= len(name) <= self.max_length:
            found.append(f"is {len(name)} characters; allowed {self.min_length} to {self.max_length}")
        if name and not self.first.match(name[0]):
            found.append(f"starts with {name[0]!r}; it must start with {self.first_text}")
        bad = sorted({c for c in name if c in self.forbidden or ord(c) < 32 or ord(c) == 127})
        if self.allowed is not None:
            bad = sorted(set(bad) | {c for c in name if not self.allowed.match(c)})
        if bad:
            what = self.allowed_text or f"none of {' '.join(self.forbidden)} or control characters"
            found.append(f"has {', '.join(repr(c) for c in bad)}; allowed: {what}")
        return found


_LETTER = re.compile(r"[A-Za-z]")
_WORD_START = re.compile(r"[A-Za-z0-9_]")
_ALNUM = re.compile(r"[A-Za-z0-9]")

NAME_PIPELINE = Rule(
    "name-pipeline",
    "pipeline name",
    "140 characters",
    "A pipeline name has at most 140 characters, starts with a letter, digit or underscore, and has none of "
    ". + ? / < > * % & : or backslash. ARM's page adds '#' and control characters and allows 260; ADF's "
    "naming page says a letter first. The pipeline page is ADF's own and the more specific.",
    (PIPELINES, NAMING, ARM_NAMES),
)
NAME_TRIGGER = Rule(
    "name-trigger",
    "trigger name",
    "260 characters",
    "A trigger name has 1 to 260 characters, starts with a letter or digit, and has none of "
    "< > * # . % & : + ? /, backslash or control characters (ADF's own page is silent on triggers).",
    (ARM_NAMES,),
)
NAME_DATASET = Rule(
    "name-dataset",
    "dataset name",
    "letters, digits and _",
    "ADF refuses a dataset name with anything but letters, digits and underscores ('Dataset name should only "
    "contain letters, numbers or underscores'); its naming page: start with a letter, no '-'. ARM's page allows "
    "'-'; the error is followed. At most 260 characters (ARM).",
    (DATASET_NAME_ERROR, NAMING, ARM_NAMES),
)
NAME_LINKED_SERVICE = Rule(
    "name-linked-service",
    "linked service name",
    "letters, digits, _ and spaces",
    "ADF's naming page: a linked service name starts with a letter and has no '-', . + ? / < > * % & : or backslash; "
    "ADF Studio's error text allows only letters, digits, underscores and spaces. ARM's page allows '-'; ADF is "
    "followed. At most 260 characters (ARM).",
    (NAMING, STUDIO_NAME_ERROR, ARM_NAMES),
)
NAME_DATAFLOW = Rule(
    "name-dataflow",
    "data flow name",
    "letters, digits, _ and spaces",
    "As for linked services: ADF's naming page bans '-' in data flow names and wants a letter first; ADF "
    "Studio allows only letters, digits, underscores and spaces. At most 260 characters (ARM).",
    (NAMING, STUDIO_NAME_ERROR, ARM_NAMES),
)
NAME_INTEGRATION_RUNTIME = Rule(
    "name-integration-runtime",
    "integration runtime name",
    "3 to 63 characters",
    "An integration runtime name has 3 to 63 letters, digits and hyphens, starts and ends with a letter or "
    "digit, and every hyphen sits between letters or digits.",
    (NAMING, ARM_NAMES),
)
NAME_ACTIVITY = Rule(
    "name-activity",
    "activity name",
    "55 characters",
    "An activity name has at most 55 characters, starts with a letter, digit or underscore, and has none of "
    ". + ? / < > * % & : or backslash. ADF also refuses, at run time, an internal name built from the activity name "
    "that exceeds 80 characters (InvalidWorkflowRunActionName).",
    (PIPELINES, ACTION_NAME_ERROR),
)
NAME_PARAMETER_UNIQUE = Rule(
    "name-parameter-unique",
    "pipeline parameter and variable names",
    "unique ignoring case",
    "Pipeline parameter and variable names must be unique within the pipeline, ignoring case.",
    (NAMING,),
)
NAME_TRANSFORMATION = Rule(
    "name-dataflow-transformation",
    "data flow source, sink and transformation names",
    "letters and digits",
    "Data flow transformation names have only letters and digits, start with a letter, and are unique within "
    "the data flow, ignoring case.",
    (NAMING,),
)

_WORDS = re.compile(r"[A-Za-z0-9_]")
_WORDS_AND_SPACES = re.compile(r"[A-Za-z0-9_ ]")

NAME_RULES: dict[AdfKind, NameRule] = {
    AdfKind.PIPELINE: NameRule(NAME_PIPELINE, 140, _WORD_START, "a letter, digit or _", _ADF_FORBIDDEN + "#"),
    AdfKind.TRIGGER: NameRule(NAME_TRIGGER, 260, _ALNUM, "a letter or digit", _ARM_FORBIDDEN),
    AdfKind.DATASET: NameRule(
        NAME_DATASET, 260, _LETTER, "a letter", allowed=_WORDS, allowed_text="letters, digits and _"
    ),
    AdfKind.LINKED_SERVICE: NameRule(
        NAME_LINKED_SERVICE,
        260,
        _LETTER,
        "a letter",
        allowed=_WORDS_AND_SPACES,
        allowed_text="letters, digits, _ and spaces",
    ),
    AdfKind.DATAFLOW: NameRule(
        NAME_DATAFLOW, 260, _LETTER, "a letter", allowed=_WORDS_AND_SPACES, allowed_text="letters, digits, _ and spaces"
    ),
}
"""The kinds whose names a page rules on (integration runtimes have their own check below)."""

_ACTIVITY_NAME = NameRule(NAME_ACTIVITY, 55, _WORD_START, "a letter, digit or _", _ADF_FORBIDDEN)
_RUNTIME_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$")
_TRANSFORMATION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

RULED_KINDS = frozenset({*NAME_RULES, AdfKind.INTEGRATION_RUNTIME})
"""Kinds whose names these rules check; the loader's generic name check covers the others."""


def check_name(item: AdfItem, problems: list[str]) -> None:
    """The item's own name, by its kind."""
    spec = NAME_RULES.get(item.kind)
    if spec is not None:
        for what in spec.problems(item.name):
            problems.append(spec.rule.finding(item.file, "name", f"'{item.name}' {what}"))
    elif item.kind == AdfKind.INTEGRATION_RUNTIME and not (
        3 <= len(item.name) <= 63 and _RUNTIME_NAME.match(item.name)
    ):
        problems.append(
            NAME_INTEGRATION_RUNTIME.finding(
                item.file,
                "name",
                f"'{item.name}' must be 3 to 63 letters, digits and hyphens, start and end with a letter or digit, "
                "with no two hyphens together",
            )
        )
    if item.kind == AdfKind.PIPELINE:
        for key in ("parameters", "variables"):
            _unique(item, f"properties.{key}", item.properties.get(key), problems)
    if item.kind == AdfKind.DATAFLOW:
        _check_transformations(item, problems)


def check_activity_name(file: str, path: str, name: Any, problems: list[str]) -> None:
    if isinstance(name, str):
        for what in _ACTIVITY_NAME.problems(name):
            problems.append(NAME_ACTIVITY.finding(file, f"{path}.name", f"'{name}' {what}"))


def _unique(item: AdfItem, path: str, declared: Any, problems: list[str]) -> None:
    if not isinstance(declared, dict):
        return
    seen: dict[str, str] = {}
    for name in declared:
        first = seen.setdefault(name.lower(), name)
        if first != name:
            problems.append(
                NAME_PARAMETER_UNIQUE.finding(item.file, f"{path}.{name}", f"'{name}' is also declared as '{first}'")
            )


def _named(type_properties: Any) -> Iterable[tuple[str, Any]]:
    for key in ("sources", "sinks", "transformations"):
        entries = type_properties.get(key) if isinstance(type_properties, dict) else None
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                yield f"properties.typeProperties.{key}[{index}].name", entry.get("name")


def _check_transformations(item: AdfItem, problems: list[str]) -> None:
    first_at: dict[str, str] = {}
    for path, name in _named(item.properties.get("typeProperties")):
        if not isinstance(name, str):
            continue
        if not _TRANSFORMATION_NAME.match(name):
            problems.append(
                NAME_TRANSFORMATION.finding(item.file, path, f"'{name}' must be letters and digits, a letter first")
            )
        if name.lower() in first_at:
            what = f"'{name}' is also the name at {first_at[name.lower()]} (names ignore case)"
            problems.append(NAME_TRANSFORMATION.finding(item.file, path, what))
        first_at.setdefault(name.lower(), path)
