"""One harness for every test: the real program, planned under the mock engine."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ops.mocks import Registration
from ops.plan import PROJECT_DIR, Plan, run_plan

STACKS = ("dev", "test", "prod")


@pytest.fixture(scope="session")
def plans() -> dict[str, Plan]:
    """Each committed stack, planned once per test session."""
    return {stack: run_plan(stack) for stack in STACKS}


@pytest.fixture(scope="session")
def dev(plans: dict[str, Plan]) -> Plan:
    return plans["dev"]


@pytest.fixture(scope="session")
def prod(plans: dict[str, Plan]) -> Plan:
    return plans["prod"]


@pytest.fixture
def plan_with() -> Callable[..., Plan]:
    """Plan a stack with some config keys replaced (`None` removes a key)."""

    def _plan(stack: str = "dev", **overrides: Any) -> Plan:
        return run_plan(stack, config_overrides=overrides)

    return _plan


def one(plan: Plan, type_token: str, name_suffix: str = "") -> Registration:
    """The single resource of a type (and logical-name suffix); fails if there is not exactly one."""
    found = [reg for reg in plan.by_type(type_token) if reg.name.endswith(name_suffix)]
    assert len(found) == 1, f"expected one {type_token} *{name_suffix}, found {[r.name for r in found]}"
    return found[0]


def by_urn(plan: Plan) -> dict[str, Registration]:
    return {reg.urn: reg for reg in plan.resources}


PROGRAM = ("components", "ops", "policy", "pipelines_json", "sql", "__main__.py", "Pulumi.yaml")
"""What `python -m ops plan` needs in a copy of the project."""


def copy_project(target: Path, stacks: tuple[str, ...] = ("dev",)) -> Path:
    """A copy of the program and the given stack files, for tests that break one thing in it."""
    for name in PROGRAM:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    for stack in stacks:
        shutil.copy(PROJECT_DIR / f"Pulumi.{stack}.yaml", target / f"Pulumi.{stack}.yaml")
    return target
