"""Names, per kind of object: the characters, the first character, the length, and uniqueness ignoring case.

ADF's own naming page, the pipeline page and ARM's general naming page disagree; each rule cites them all and
follows the one backed by an error text ADF returned, else the page that is ADF's own and the more specific. Where
ADF accepted a name its own pages rule out ('-' in linked service and data flow names, published; in dataset names,
deployed and refused only at run time), the characters only ADF's pages forbid are a rule of their own that warns,
while what ARM's page forbids too stays refused.
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
    DATASET_RUN_ERROR,
    LINKED_SERVICE_DASH_ERROR,
    NAMING,
    PIPELINES,
    PUBLISHED_DATAFLOW_DASH,
    PUBLISHED_LINKED_SERVICE_DASH,
    PUBLISHED_WRANGLING_SOURCE,
    RUNTIME_NAME_ERROR,
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
    """A kind's name: allowed length, first character and characters, each described for the message; and, where
    ADF's own pages allow fewer characters than ADF accepts, the rule that warns about those (`characters`)."""

    rule: Rule
    max_length: int
    first: re.Pattern[str]
    first_text: str
    forbidden: str = ""
    """Characters refused anywhere (besides control characters)."""
    allowed: re.Pattern[str] | None = None
    """When set, the only characters the pages allow (one character per match); the others are reported by
    `characters`, or by `rule` when there is no such rule."""
    allowed_text: str = ""
    min_length: int = 1
    characters: Rule | None = None

    def problems(self, name: str) -> list[tuple[Rule, str]]:
        """What is wrong with `name`, one phrase each, with the rule that reports it."""
        found = []
        if not self.min_length <= len(name) <= self.max_length:
            found.append((self.rule, f"is {len(name)} characters; allowed {self.min_length} to {self.max_length}"))
        if name and not self.first.match(name[0]):
            found.append((self.rule, f"starts with {name[0]!r}; it must start with {self.first_text}"))
        refused = {c for c in name if c in self.forbidden or ord(c) < 32 or ord(c) == 127}
        outside = {c for c in name if self.allowed is not None and not self.allowed.match(c)} - refused
        if self.characters is None:
            refused, outside = refused | outside, set()
        if refused:
            what = self.allowed_text if self.allowed is not None and self.characters is None else self._forbidden_text()
            found.append((self.rule, f"has {_listed(refused)}; allowed: {what}"))
        if outside and self.characters is not None:
            found.append((self.characters, f"has {_listed(outside)}; allowed: {self.allowed_text}"))
        return found

    def _forbidden_text(self) -> str:
        return f"none of {' '.join(self.forbidden)} or control characters"


def _listed(characters: set[str]) -> str:
    return ", ".join(repr(c) for c in sorted(characters))


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
    "None of the 2,234 pipeline versions ADF published in the templates searched breaks it.",
)
NAME_TRIGGER = Rule(
    "name-trigger",
    "trigger name",
    "260 characters",
    "A trigger name has 1 to 260 characters, starts with a letter or digit, and has none of "
    "< > * # . % & : + ? /, backslash or control characters (ADF's own page is silent on triggers).",
    (ARM_NAMES,),
    "None of the 161 trigger versions ADF published in the templates searched breaks it.",
)
NAME_DATASET = Rule(
    "name-dataset",
    "dataset name",
    "260 characters, a letter first",
    "A dataset name has 1 to 260 characters (ARM), starts with a letter (ADF's naming page) and has none of "
    "< > * # . % & : + ? /, backslash or control characters (both pages).",
    (NAMING, ARM_NAMES),
    "None of the 924 dataset versions ADF published in the templates searched breaks it.",
)
NAME_DATASET_CHARACTERS = Rule(
    "name-dataset-characters",
    "dataset name",
    "letters, digits and _",
    "ADF's naming page bans '-' in dataset names, and ADF's debug run refuses any character but letters, digits "
    "and underscores ('Dataset name should only contain letters, numbers or underscores'). ARM's page allows '-'.",
    (NAMING, DATASET_RUN_ERROR, ARM_NAMES),
    "The error texts come at run time: a dataset named 'ftd-RestResource' deployed and was refused in a debug run "
    "(azure-docs#119502); 'ds-clientupload' failed its pipeline run (azure-docs#5207). ADF accepts the name on "
    "deploy, so the file deploys, with a warning that its runs will fail.",
    accepted=(DATASET_NAME_ERROR,),
)
NAME_LINKED_SERVICE = Rule(
    "name-linked-service",
    "linked service name",
    "260 characters, a letter first",
    "A linked service name has 1 to 260 characters (ARM), starts with a letter (ADF's naming page) and has none "
    "of < > * # . % & : + ? /, backslash or control characters (both pages).",
    (NAMING, ARM_NAMES),
    "None of the 260 linked service versions ADF published in the templates searched breaks it.",
)
NAME_LINKED_SERVICE_CHARACTERS = Rule(
    "name-linked-service-characters",
    "linked service name",
    "letters, digits, _ and spaces",
    "ADF's naming page bans '-' in linked service names; ADF Studio's error text allows only letters, digits, "
    "underscores and spaces. ARM's page allows '-'.",
    (NAMING, STUDIO_NAME_ERROR, LINKED_SERVICE_DASH_ERROR, ARM_NAMES),
    "ADF published linked services named vhreporting-kv-link and vhreporting-sds-kv-link (hmcts/vh-reports, "
    "adf_publish 80c7b9d, 2022-12-19); the error texts are ADF Studio's form (azure-docs#84862) and a 2018 run "
    "failure (azure-docs#6621). ADF accepts the name on publish: a warning.",
    accepted=(PUBLISHED_LINKED_SERVICE_DASH,),
)
NAME_DATAFLOW = Rule(
    "name-dataflow",
    "data flow name",
    "260 characters, a letter first",
    "A data flow name has 1 to 260 characters (ARM), starts with a letter (ADF's naming page) and has none of "
    "< > * # . % & : + ? /, backslash or control characters (both pages).",
    (NAMING, ARM_NAMES),
    "None of the 380 data flow versions ADF published in the templates searched breaks it.",
)
NAME_DATAFLOW_CHARACTERS = Rule(
    "name-dataflow-characters",
    "data flow name",
    "letters, digits, _ and spaces",
    "ADF's naming page bans '-' in data flow names; ADF Studio's error text allows only letters, digits, "
    "underscores and spaces. ARM's page allows '-'.",
    (NAMING, STUDIO_NAME_ERROR, ARM_NAMES),
    "ADF published a data flow named driftflow-1 (kromerm/makadfwestus2, adf_publish 9c4f2df, 2023-09-13): a warning.",
    accepted=(PUBLISHED_DATAFLOW_DASH,),
)
NAME_INTEGRATION_RUNTIME = Rule(
    "name-integration-runtime",
    "integration runtime name",
    "3 to 63 characters",
    "An integration runtime name has 3 to 63 letters, digits and hyphens, starts and ends with a letter or "
    "digit, and every hyphen sits between letters or digits.",
    (NAMING, ARM_NAMES, RUNTIME_NAME_ERROR),
    "ADF Studio's error text says the same (azure-docs#56784); none of the 30 integration runtime versions ADF "
    "published in the templates searched breaks it.",
)
NAME_ACTIVITY = Rule(
    "name-activity",
    "activity name",
    "55 characters",
    "An activity name has at most 55 characters, starts with a letter, digit or underscore, and has none of "
    ". + ? / < > * % & : or backslash. ADF also refuses, at run time, an internal name built from the activity name "
    "that exceeds 80 characters (InvalidWorkflowRunActionName).",
    (PIPELINES, ACTION_NAME_ERROR),
    "None of the activities of the 2,234 pipeline versions ADF published in the templates searched breaks it.",
)
NAME_PARAMETER_UNIQUE = Rule(
    "name-parameter-unique",
    "pipeline parameter and variable names",
    "unique ignoring case",
    "Pipeline parameter and variable names must be unique within the pipeline, ignoring case.",
    (NAMING,),
    "None of the pipeline versions ADF published in the templates searched breaks it.",
)
NAME_TRANSFORMATION = Rule(
    "name-dataflow-transformation",
    "mapping data flow and flowlet source, sink and transformation names",
    "letters and digits",
    "Data flow transformation names have only letters and digits, start with a letter, and are unique within "
    "the data flow, ignoring case.",
    (NAMING,),
    "All 2,284 source, sink and transformation names of the 342 mapping data flow and flowlet versions ADF "
    "published in the templates searched keep it.",
)
NAME_WRANGLING_SOURCE = Rule(
    "name-wrangling-data-flow-source",
    "wrangling (Power Query) data flow source names",
    "letters and digits",
    "The naming page's rule for data flow transformation names (letters and digits, a letter first) read as "
    "covering a wrangling data flow's Power Query sources too.",
    (NAMING,),
    "ADF published wrangling data flows whose source is taxi_fare_data_input1 (kromerm/makadfwestus2, "
    "adf_publish 9c4f2df, 2023-09-13; 6 of the 51 wrangling source names published have '_'): a warning.",
    accepted=(PUBLISHED_WRANGLING_SOURCE,),
)

_WORDS = re.compile(r"[A-Za-z0-9_]")
_WORDS_AND_SPACES = re.compile(r"[A-Za-z0-9_ ]")
_ARM_AND_ADF_FORBIDDEN = "".join(sorted(set(_ADF_FORBIDDEN + _ARM_FORBIDDEN)))
"""What both naming pages forbid in dataset, linked service and data flow names, '-' aside."""

NAME_RULES: dict[AdfKind, NameRule] = {
    AdfKind.PIPELINE: NameRule(NAME_PIPELINE, 140, _WORD_START, "a letter, digit or _", _ADF_FORBIDDEN + "#"),
    AdfKind.TRIGGER: NameRule(NAME_TRIGGER, 260, _ALNUM, "a letter or digit", _ARM_FORBIDDEN),
    AdfKind.DATASET: NameRule(
        NAME_DATASET,
        260,
        _LETTER,
        "a letter",
        _ARM_AND_ADF_FORBIDDEN,
        allowed=_WORDS,
        allowed_text="letters, digits and _ (ADF deploys the name but refuses the dataset when a pipeline runs)",
        characters=NAME_DATASET_CHARACTERS,
    ),
    AdfKind.LINKED_SERVICE: NameRule(
        NAME_LINKED_SERVICE,
        260,
        _LETTER,
        "a letter",
        _ARM_AND_ADF_FORBIDDEN,
        allowed=_WORDS_AND_SPACES,
        allowed_text="letters, digits, _ and spaces",
        characters=NAME_LINKED_SERVICE_CHARACTERS,
    ),
    AdfKind.DATAFLOW: NameRule(
        NAME_DATAFLOW,
        260,
        _LETTER,
        "a letter",
        _ARM_AND_ADF_FORBIDDEN,
        allowed=_WORDS_AND_SPACES,
        allowed_text="letters, digits, _ and spaces",
        characters=NAME_DATAFLOW_CHARACTERS,
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
        for rule, what in spec.problems(item.name):
            problems.append(rule.finding(item.file, "name", f"'{item.name}' {what}"))
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
        for rule, what in _ACTIVITY_NAME.problems(name):
            problems.append(rule.finding(file, f"{path}.name", f"'{name}' {what}"))


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
    """Source, sink and transformation names; a wrangling data flow's Power Query sources only warn (above)."""
    characters = NAME_WRANGLING_SOURCE if item.adf_type == "WranglingDataFlow" else NAME_TRANSFORMATION
    first_at: dict[str, str] = {}
    for path, name in _named(item.properties.get("typeProperties")):
        if not isinstance(name, str):
            continue
        if not _TRANSFORMATION_NAME.match(name):
            problems.append(characters.finding(item.file, path, f"'{name}' must be letters and digits, a letter first"))
        if name.lower() in first_at:
            what = f"'{name}' is also the name at {first_at[name.lower()]} (names ignore case)"
            problems.append(NAME_TRANSFORMATION.finding(item.file, path, what))
        first_at.setdefault(name.lower(), path)
