"""The one list of packages: what pyproject.toml's finder finds is what the build installs, all of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.packages import project_packages, top_level_packages
from tests.support.checkout import PROJECT_DIR
from tests.support.tree import in_a_package, python_files

NOT_INSTALLED = frozenset({"tests", "bench"})
"""The packages of the repository that an install leaves out: the test suite and the benchmarks.

`installed_site` (tests/conftest.py) is what setuptools' build_py puts in the wheel: the step of `pip install .`
that selects and copies the packages."""


def test_the_build_installs_every_module_of_every_package_but_the_tests_and_benchmarks(installed_site: Path) -> None:
    expected = {
        path.relative_to(PROJECT_DIR)
        for path in python_files(PROJECT_DIR)
        if in_a_package(PROJECT_DIR, path) and path.relative_to(PROJECT_DIR).parts[0] not in NOT_INSTALLED
    }
    assert {Path("preview/schema/__init__.py"), Path("reachability/model.py")} <= expected
    assert {path.relative_to(installed_site) for path in python_files(installed_site)} == expected


def test_project_packages_are_the_packages_the_build_installs(installed_site: Path) -> None:
    site = installed_site
    installed = {".".join(path.relative_to(site).parent.parts) for path in site.rglob("__init__.py")}
    assert project_packages(PROJECT_DIR) == tuple(sorted(installed))
    assert tuple(sorted(path.name for path in site.iterdir())) == top_level_packages(PROJECT_DIR)
    assert {"deployability", "reachability", "policy.rules", "preview.diagram", "preview.schema"} <= installed


def test_top_level_packages_leave_out_subpackages_and_what_is_not_installed() -> None:
    top = top_level_packages(PROJECT_DIR)
    assert "preview" in top and "preview.schema" not in top
    assert not NOT_INSTALLED & set(top)
    assert "functions" not in top


def test_packages_are_read_from_the_given_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.setuptools.packages.find]\nwhere = ["."]\nexclude = ["skipped"]\nnamespaces = false\n'
    )
    for package in ("kept", "kept/inner", "skipped", "loose/inner"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        if package != "loose/inner":
            (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "loose" / "inner" / "__init__.py").write_text("")
    assert project_packages(tmp_path) == ("kept", "kept.inner")
    assert top_level_packages(tmp_path) == ("kept",)


def test_a_project_that_lists_its_packages_by_hand_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.setuptools]\npackages = ["stack"]\n')
    with pytest.raises(ValueError, match=r"pyproject.toml: \[tool.setuptools.packages.find\] is missing"):
        project_packages(tmp_path)
