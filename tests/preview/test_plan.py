"""The offline plan engine: the recorded document, the tree, and the process it leaves behind."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from preview.plan import Plan, render_tree, run_program
from stack.errors import InputError
from tests.support.checkout import PROJECT_DIR


def test_inputs_are_camel_case_as_registered(dev: Plan) -> None:
    lake = next(r for r in dev.document()["resources"] if r["name"] == "platform-lake-account")
    assert "allowSharedKeyAccess" in lake["inputs"]
    assert "allow_shared_key_access" not in lake["inputs"]


def test_tree_is_indented_by_parent_and_marks_protection(prod: Plan) -> None:
    tree = render_tree(prod)
    lines = tree.splitlines()
    platform = next(i for i, line in enumerate(lines) if "data-platform:index:DataPlatform platform" in line)
    lake = next(line for line in lines if line.strip().startswith("+ data-platform:storage:DataLake"))
    account = next(line for line in lines if "platform-lake-account" in line)
    assert lines[platform].startswith("    + ")
    assert lake.startswith("        + ")
    assert account.startswith("            + ") and "[protected]" in account
    assert "accountName=stkonnektmackprodweu" in account
    assert tree.rstrip().endswith("(3 protected)")


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_garbage_collector_runs_again_after_a_plan_even_a_refused_one() -> None:
    with pytest.raises(InputError):
        run_program("dev", PROJECT_DIR, config_overrides={"data-platform:environment": "staging"})
    assert gc.isenabled()


def test_a_project_named_relative_to_the_working_directory_plans_as_named_absolutely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The program runs with the project as its working directory; a relative name must not be read from there."""
    monkeypatch.chdir(PROJECT_DIR.parent)
    plan = run_program("dev", Path(PROJECT_DIR.name))
    assert plan.project_dir == PROJECT_DIR
    assert Path.cwd() == PROJECT_DIR.parent
    assert len(plan.resources) > 50
