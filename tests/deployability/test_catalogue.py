"""The catalogue as a whole: evidence on every rule, the docs in step with it, every registered type covered."""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

from deployability import RULE_NAMES, RULES
from deployability.coverage import NO_RULE, PROGRAM_TYPES, catalogue_table, coverage_table, rules_by_type
from preview.plan import Plan
from preview.resource_types import ResourceType
from stack.name_rules import NAME_RULES, POOL_API_VERSION, POOL_NAME_RULES, SILENT
from tests.support.checkout import PROJECT_DIR

DEPLOYABILITY_README = (PROJECT_DIR / "deployability" / "README.md").read_text(encoding="utf-8")
README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def test_rule_names_are_unique() -> None:
    assert len(RULE_NAMES) == len(set(RULE_NAMES))


def test_every_rule_carries_its_sources_with_the_fact_and_the_day_read() -> None:
    for rule in RULES:
        assert rule.sources, rule.name
        for source in rule.sources:
            assert source.url.startswith("https://"), (rule.name, source.url)
            assert len(source.says) > 10, (rule.name, source.url)
            assert source.read_on <= date(2026, 12, 31), (rule.name, source.url)
        assert rule.reason and rule.fix and rule.types, rule.name


def test_every_rule_judges_types_the_program_registers() -> None:
    for rule in RULES:
        assert set(rule.types) <= set(PROGRAM_TYPES), (rule.name, set(rule.types) - set(PROGRAM_TYPES))


def rules_in(readme: str) -> set[str]:
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, re.MULTILINE))


def test_every_rule_is_in_the_deployability_readme_and_every_listed_rule_exists() -> None:
    assert rules_in(DEPLOYABILITY_README) == set(RULE_NAMES)


def test_the_deployability_readme_holds_the_catalogue_as_the_rules_render_it() -> None:
    assert catalogue_table() in DEPLOYABILITY_README, (
        "deployability/README.md is out of date; paste the output of "
        "python -c 'from deployability.coverage import catalogue_table; print(catalogue_table())'"
    )


def test_the_readme_holds_the_coverage_table_as_the_rules_render_it() -> None:
    assert coverage_table() in README, (
        "README.md's coverage table is out of date; paste the output of "
        "python -c 'from deployability.coverage import coverage_table; print(coverage_table())'"
    )


def test_every_type_a_stack_registers_is_in_the_coverage_table(plans: dict[str, Plan]) -> None:
    registered = {reg.type for plan in plans.values() for reg in plan.all_resources if reg.custom}
    assert registered <= set(PROGRAM_TYPES), registered - set(PROGRAM_TYPES)


def test_a_type_has_rules_or_says_why_it_has_none() -> None:
    for type_token, names in rules_by_type().items():
        assert bool(names) != (type_token in NO_RULE), type_token
    assert set(NO_RULE) <= set(PROGRAM_TYPES)


def test_the_coverage_table_lists_each_type_with_each_of_its_rules() -> None:
    table = coverage_table()
    for type_token, names in rules_by_type().items():
        (row,) = [
            line for line in table.splitlines() if line.startswith(f"| `{type_token.removeprefix('azure-native:')}` |")
        ]
        for name in names:
            assert f"`{name}`" in row, (type_token, name)


def test_name_rules_are_keyed_by_the_type_tokens_the_plan_uses() -> None:
    tokens = {member.value for member in ResourceType}
    assert set(NAME_RULES) <= tokens
    assert set(SILENT) <= tokens
    assert not set(NAME_RULES) & set(SILENT)


def test_the_pool_name_rule_follows_the_api_version_the_installed_sdk_sends() -> None:
    # Read, not imported: importing an SDK submodule directly would bypass azure-native's lazy modules.
    spec = importlib.util.find_spec("pulumi_azure_native")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent / "devopsinfrastructure" / "pool.py").read_text(encoding="utf-8")
    assert f"Uses Azure REST API version {POOL_API_VERSION}." in source
    assert NAME_RULES[ResourceType.AGENT_POOL] is POOL_NAME_RULES[POOL_API_VERSION]


def test_the_docs_name_only_files_that_exist() -> None:
    for path in re.findall(r"`(deployability/[a-z_/]+\.py)`", DEPLOYABILITY_README):
        assert (PROJECT_DIR / path).is_file(), path
    assert Path(PROJECT_DIR / "deployability" / "coverage.py").is_file()
