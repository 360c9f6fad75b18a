"""The README's tables of ADF content rules agree with the catalogue, and list every activity and trigger type the
installed azure-native SDK can deploy."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pulumi_azure_native.datafactory._inputs as sdk_inputs

from adf.rules import RULES
from preview.schema.classes import constants

README = Path(__file__).resolve().parents[3] / "README.md"
SECTION = "### ADF content rules (`adf/rules/`)"
ABSTRACT = frozenset({"Container", "Execution", "MultiplePipelineTrigger"})
"""Base types of the SDK's unions (control activity, execution activity, multi-pipeline trigger): no file has them."""
GENERAL = ("name-", "pipeline-", "activity-", "timespan-", "expression-length", "object-size")
"""Rules that apply to every object of a kind, not to one activity or trigger type."""


def table(header: str) -> list[list[str]]:
    text = README.read_text()
    section = text[text.index(SECTION) :]
    lines = section[section.index(header) :].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def sdk_types() -> dict[str, type]:
    found = {}
    for name, cls in vars(sdk_inputs).items():
        if isinstance(cls, type) and name.endswith(("ActivityArgs", "TriggerArgs")):
            kind = constants(cls).get("type")
            if kind and kind not in ABSTRACT:
                found[kind] = cls
    return found


def test_the_rules_table_is_the_catalogue_row_for_row() -> None:
    expected = [
        [
            f"`{rule.id}`",
            rule.subject,
            rule.fact,
            f"`{rule.limit}`",
            ", ".join(f"[{source.title}]({source.url})" for source in rule.sources),
            rule.evidence + "".join(f" [{source.title}]({source.url})" for source in rule.accepted),
            rule.decision,
        ]
        for rule in RULES
    ]
    assert table("| rule | applies to |") == expected


def test_a_rule_warns_exactly_when_adf_accepted_content_that_breaks_it() -> None:
    for rule in RULES:
        assert (rule.decision == "refused") is (not rule.accepted), rule.id


def test_the_types_table_lists_every_activity_and_trigger_type_of_the_sdk() -> None:
    listed = [row[0].strip("`") for row in table("| type | policy rules |")]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(sdk_types())


def test_the_policy_column_says_which_types_take_an_activity_policy() -> None:
    types = sdk_types()
    for row in table("| type | policy rules |"):
        cls = types[row[0].strip("`")]
        policy = inspect.signature(cls).parameters.get("policy")
        takes = policy is not None and "ForwardRef('ActivityPolicyArgs')" in str(policy.annotation)
        assert row[1] == ("yes" if takes else "no"), row[0]


def test_every_rule_a_type_row_names_exists_and_every_type_rule_is_named() -> None:
    ids = {rule.id for rule in RULES}
    named = {rule_id for row in table("| type | policy rules |") for rule_id in re.findall(r"`([a-z-]+)`", row[2])}
    assert named <= ids
    assert {rule_id for rule_id in ids if not rule_id.startswith(GENERAL)} <= named
