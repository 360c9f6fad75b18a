"""ADF content rules: what Microsoft's pages say ADF refuses in the authoring JSON, each rule with its source.

`check_content` runs every rule over the items the loader read and appends one finding per problem,
`<file>: <path in the file>: <what is wrong> (limit <n>, <source>)`, to the loader's problem list: so
`python -m ops adf check` refuses the file and `python -m ops plan` stops before anything is registered, with
every other content problem of the run. The findings of a rule that content ADF accepted breaks go to the
warnings instead: they are reported, and the file deploys. `RULES` is the catalogue the README's table lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from adf.model import AdfItem, AdfKind
from adf.rules import activities, names, objects, triggers
from adf.rules.rule import Rule, Severity

RULES: tuple[Rule, ...] = tuple(
    dict.fromkeys(
        value
        for module in (names, activities, triggers, objects)
        for value in vars(module).values()
        if isinstance(value, Rule)
    )
)
"""Every rule, in the order of its module: names, pipelines and activities, triggers, any object."""


def check_content(items: Sequence[AdfItem], problems: list[str], warnings: list[str]) -> None:
    """Append every rule's findings for `items`: refusals to `problems`, warnings to `warnings`."""
    found: list[str] = []
    by_name = {item.name.lower(): item for item in items if item.kind == AdfKind.TRIGGER}
    for item in items:
        names.check_name(item, found)
        objects.check_object(item, found)
        if item.kind == AdfKind.PIPELINE:
            activities.check_pipeline(item, found)
        elif item.kind == AdfKind.TRIGGER:
            triggers.check_trigger_rules(item, by_name, found)
    for finding in found:
        warns = getattr(finding, "severity", Severity.ERROR) == Severity.WARNING
        (warnings if warns else problems).append(finding)
