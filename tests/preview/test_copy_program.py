"""The program copy that tests and benchmarks change one thing in holds what an install holds."""

from __future__ import annotations

from pathlib import Path

from preview.plan import copy_program
from stack.packages import top_level_packages
from tests.support.checkout import PROJECT_DIR


def test_the_copy_holds_every_installed_package_and_the_program_s_inputs(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=("prod",))
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
