"""The program copy that tests and benchmarks change one thing in: the project's files, or what an install holds."""

from __future__ import annotations

from pathlib import Path

from preview.plan import copy_program, run_program
from stack.packages import top_level_packages
from tests.support.checkout import PROJECT_DIR


def test_with_packages_the_copy_holds_every_installed_package_and_the_program_s_inputs(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("prod",), packages=True)
    copied = {path.name for path in tmp_path.iterdir()}
    assert copied == {
        *top_level_packages(PROJECT_DIR),
        "pipelines_json",
        "sql",
        "__main__.py",
        "Pulumi.yaml",
        "Pulumi.prod.yaml",
    }
    assert {"deployability", "reachability", "tools"} <= copied
    assert (tmp_path / "preview" / "schema" / "__init__.py").is_file()
    assert not list(tmp_path.rglob("__pycache__"))


def test_by_default_the_copy_holds_the_project_files_and_the_foundation_s_project_only(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("test",))
    assert {path.name for path in tmp_path.iterdir()} == {
        "pipelines_json",
        "sql",
        "__main__.py",
        "Pulumi.yaml",
        "Pulumi.test.yaml",
        "foundation",
    }
    committed = {path.name for path in (PROJECT_DIR / "foundation").glob("Pulumi.*.yaml")}
    assert committed >= {"Pulumi.test.yaml", "Pulumi.prod.yaml"}
    assert {path.name for path in (tmp_path / "foundation").iterdir()} == {"__main__.py", "Pulumi.yaml", *committed}


def test_a_private_stack_plans_from_the_default_copy_with_its_foundation(tmp_path: Path) -> None:
    plan = run_program("test", copy_program(tmp_path, PROJECT_DIR, stacks=("test",)))
    assert [upstream.project for upstream in plan.upstream] == ["data-platform-foundation"]
    assert plan.by_type("azure-native:datafactory:Factory")
